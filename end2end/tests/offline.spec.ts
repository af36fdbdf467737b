// The app shell offline: after one online visit the app starts without the server (stopped) and
// without a network (offline), signs the last person in locally, says it is offline, and
// reconnects when the server is back.
import { test, expect } from '@playwright/test';
import { startServer, stopServer, setUp, Running } from '../server';
import { firstSignIn } from '../helpers';

let server: Running;
let guardOtp: string;
test.beforeAll(async () => {
  server = await startServer();
  const otps = await setUp(server, 'admin-password-e2e', [
    { login: 'guard.qian', name: '钱安保', roles: ['guard'], sites: ['main'] },
  ]);
  guardOtp = otps['guard.qian'];
});
test.afterAll(async () => { if (server) await stopServer(server); });

test('stop the server, reload: the app still starts with the offline indicator; restart: it reconnects', async ({ page, context }) => {
  // A first visit says it is getting ready for offline use until the worker has everything
  // (one of the files it caches is held back here until the note has been seen).
  let release: () => void = () => {};
  const held = new Promise<void>((r) => { release = r; });
  const part = /\/pkg\/split_password\./;
  await context.route(part, async (route) => { await held; await route.continue(); });
  const signingIn = firstSignIn(page, server.url, 'guard.qian', guardOtp, 'guard-password-1');
  await expect(page.getByTestId('preparing-offline')).toHaveText('正在准备离线使用，请保持联网，完成后此提示消失');
  release();
  await signingIn;
  await context.unroute(part);
  await expect(page.getByTestId('preparing-offline')).toHaveCount(0);
  await expect(page.getByTestId('hello')).toHaveText('钱安保');
  await expect(page.getByTestId('net-status')).toHaveText('在线');

  // The service worker installs and has cached this build's files and pages.
  const cached = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    const names = await caches.keys();
    const cache = await caches.open(names.find((n) => n.startsWith('guardpost-'))!);
    return { active: !!reg.active, urls: (await cache.keys()).map((r) => new URL(r.url).pathname) };
  });
  expect(cached.active).toBe(true);
  expect(cached.urls).toEqual(expect.arrayContaining(['/', '/signin', '/sites', '/manifest.webmanifest']));
  expect(cached.urls.some((u) => /^\/pkg\/guardpost\.[^.]+\.wasm$/.test(u))).toBe(true);
  // The lazily loaded pages' chunks too, so they open offline.
  expect(cached.urls.some((u) => /^\/pkg\/split_password\.[^.]+\.wasm$/.test(u))).toBe(true);
  // Nothing from the API is cached.
  expect(cached.urls.filter((u) => u.startsWith('/api/'))).toEqual([]);

  // Server gone.
  await stopServer(server);
  await page.reload();
  await expect(page.getByTestId('net-status')).toHaveText('离线');
  await expect(page.getByTestId('hello')).toHaveText('钱安保');
  await expect(page.getByText('离线：已保存的记录在手机上，联网后自动同步')).toBeVisible();
  await page.screenshot({ path: 'screenshots/home-offline-zh.png' });

  // Another page of the app, loaded cold while the server is down.
  // It is a lazily loaded page: its chunk comes from the worker's cache and it hydrates.
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url + '/password');
  await expect(page.getByRole('heading', { name: '修改密码' })).toBeVisible();
  await expect(page.getByTestId('net-status')).toHaveText('离线');
  await page.getByLabel('当前密码').fill('x');
  await expect(page.getByLabel('当前密码')).toHaveValue('x');
  expect(errors).toEqual([]);

  // A cold start with no network at all (a new tab, as from the home-screen icon).
  await context.setOffline(true);
  const cold = await context.newPage();
  await cold.goto(server.url + '/');
  await expect(cold.getByTestId('hello')).toHaveText('钱安保');
  await expect(cold.getByTestId('net-status')).toHaveText('离线');
  await cold.close();
  await context.setOffline(false);

  // Server back on the same data: the open page notices by itself.
  await expect(page.getByTestId('net-status')).toHaveText('离线');
  server = await startServer({ port: server.port, dataDir: server.dataDir });
  await expect(page.getByTestId('net-status')).toHaveText('在线', { timeout: 20_000 });
  await expect(page.getByTestId('offline-session')).toHaveCount(0);
});
