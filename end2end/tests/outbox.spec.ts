// Records saved offline reach the server exactly once: 50 saved with no network, through a
// reload and a closed and reopened browser; then again with the server killed after it
// committed a push but before the phone read the answer.
import { test, expect, chromium, BrowserContext } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, stopServer, setUp, Running } from '../server';
import * as h from '../helpers';

let server: Running;
let otp: string;
const profile = mkdtempSync(path.join(tmpdir(), 'guardpost-profile-'));
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

test.beforeAll(async () => {
  server = await startServer();
  otp = (await setUp(server, 'admin-password-e2e', [
    { login: 'sup.wu', name: '吴主管', roles: ['supervisor', 'guard'], sites: ['main'] },
  ]))['sup.wu'];
});
test.afterAll(async () => { if (server) await stopServer(server); });

// A phone with a profile on disk, so closing and reopening keeps local storage.
async function openPhone(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    args: chromiumArgs,
    viewport: { width: 360, height: 640 },
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
  });
}

const serverVisits = async () => (await h.serverVisits(server, 'sup.wu', 'sup-password-1')).length;

const save = h.register;

test('50 records saved offline arrive exactly once, through a reload and a browser restart', async () => {
  let ctx = await openPhone();
  let page = ctx.pages()[0] ?? await ctx.newPage();
  await h.firstSignIn(page, server.url, 'sup.wu', otp, 'sup-password-1');
  await expect(page.getByTestId('hello')).toHaveText('吴主管');
  // The supervisor enrols this post phone once.
  await h.enrolPhone(page, server.url, '院本级立案大厅1号机');
  await page.goto(server.url + '/visit');
  await expect(page.getByTestId('visit-form')).toBeVisible();
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });

  await ctx.setOffline(true);
  for (let i = 1; i <= 30; i++) await save(page, `访客${i}`);
  await expect(page.getByTestId('pending')).toHaveText('30');
  await page.reload();
  await expect(page.getByTestId('pending')).toHaveText('30');
  for (let i = 31; i <= 50; i++) await save(page, `访客${i}`);
  await expect(page.getByTestId('pending')).toHaveText('50');
  await page.screenshot({ path: 'screenshots/visit-offline-zh.png' });
  await ctx.close();

  // The phone is switched off and on again, still without a network.
  ctx = await openPhone();
  await ctx.setOffline(true);
  page = ctx.pages()[0] ?? await ctx.newPage();
  await page.goto(server.url + '/visit');
  await expect(page.getByTestId('pending')).toHaveText('50');
  expect(await serverVisits()).toBe(0);

  // Back online: everything goes, once.
  await ctx.setOffline(false);
  await h.syncNow(page, 30_000);
  expect(await serverVisits()).toBe(50);
  await page.screenshot({ path: 'screenshots/visit-synced-zh.png' });

  // The server dies after committing a push, before the phone reads the answer: simulated
  // by killing it while the answer is held back; the phone sends again and nothing doubles.
  await ctx.setOffline(true);
  for (let i = 51; i <= 55; i++) await save(page, `访客${i}`);
  let killed = false;
  await ctx.route('**/api/sync/v1/push', async (route) => {
    if (killed) return route.abort('connectionrefused');
    killed = true;
    try {
      await route.fetch();                         // the server commits
    } finally {
      await stopServer(server);                    // and dies before answering
      await route.abort('connectionreset');
    }
  });
  await ctx.setOffline(false);
  await page.getByTestId('sync-now').click();
  await expect.poll(() => server.proc.exitCode !== null || server.proc.signalCode !== null, { timeout: 30_000 }).toBe(true);
  await expect(page.getByTestId('net-status')).toHaveText('离线');
  await expect(page.getByTestId('pending')).toHaveText('5');
  expect(killed).toBe(true);
  await ctx.unroute('**/api/sync/v1/push');
  server = await startServer({ port: server.port, dataDir: server.dataDir });
  // The five were committed; the phone does not know it yet.
  expect(await serverVisits()).toBe(55);
  await h.syncNow(page, 30_000);
  expect(await serverVisits()).toBe(55);
  await page.goto(server.url + '/onsite');
  await expect(page.getByTestId('onsite-total')).toHaveText('55');
  await ctx.close();
});
