// A new build while the app is open: it waits, the app offers it, and it takes over only when
// the person taps 更新.
import { test, expect } from '@playwright/test';
import { cpSync, appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, stopServer, setUp, Running } from '../server';

let server: Running;
let otp: string;
const site = path.join(mkdtempSync(path.join(tmpdir(), 'guardpost-site-')), 'site');

test.beforeAll(async () => {
  // A copy of the built site that this test can change into a "new build".
  cpSync(path.resolve(__dirname, '../../target/site'), site, { recursive: true });
  server = await startServer({ siteRoot: site });
  otp = (await setUp(server, 'admin-password-e2e', [
    { login: 'leader.zhou', name: '周队长', roles: ['team_leader'], sites: ['main'] },
  ]))['leader.zhou'];
});
test.afterAll(async () => { if (server) await stopServer(server); });

test('a waiting build is offered and taken only when the person agrees', async ({ page }) => {
  await page.goto(server.url + '/signin');
  await page.getByLabel('账号').fill('leader.zhou');
  await page.getByLabel('密码').fill(otp);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/password$/);
  const oldCaches = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    return caches.keys();
  });
  expect(oldCaches).toHaveLength(1);

  // What the old build's cache holds: each file's key (its url and rev) and when it was fetched.
  const fetchedAt = () => page.evaluate(async () => {
    const out: Record<string, string> = {};
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const req of await cache.keys()) {
        const url = new URL(req.url);
        if (!url.search.startsWith('?rev=')) continue;
        out[name + ' ' + url.pathname + url.search] = (await cache.match(req))!.headers.get('date')!;
      }
    }
    return out;
  });
  const before = await fetchedAt();
  expect(Object.keys(before).length).toBeGreaterThan(10);

  // The server is updated: a different service worker, so a different build, and one lazy
  // chunk changed (a custom section appended: the same code, other bytes). The server's Date
  // header counts seconds, so a second passes before anything can be fetched again.
  await stopServer(server);
  appendFileSync(path.join(site, 'sw.js'), '\n// next build\n');
  const pkg = path.join(site, 'pkg');
  const chunk = readdirSync(pkg).find((f) => f.endsWith('.wasm') && !f.startsWith('guardpost'))!;
  appendFileSync(path.join(pkg, chunk), Buffer.from([0x00, 0x05, 0x04, 0x6e, 0x65, 0x78, 0x74]));
  rmSync(path.join(pkg, chunk + '.br'), { force: true });
  rmSync(path.join(pkg, chunk + '.gz'), { force: true });
  await new Promise((r) => setTimeout(r, 1100));
  server = await startServer({ port: server.port, dataDir: server.dataDir, siteRoot: site });

  // The page finds the new worker; it installs and waits.
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
  await expect(page.getByTestId('update-banner')).toBeVisible();
  await expect(page.getByTestId('update-banner')).toContainText('新版本已就绪');
  // Still the old build in charge until the person agrees.
  expect(await page.evaluate(() => caches.keys())).toEqual(expect.arrayContaining(oldCaches));

  // The new build's cache took every unchanged file from the old one (same rev, the same
  // response, fetched then) and downloaded only the changed chunk.
  const after = await fetchedAt();
  const newCache = (await page.evaluate(() => caches.keys())).find((c) => c !== oldCaches[0])!;
  const old = (key: string) => before[oldCaches[0] + ' ' + key];
  let copied = 0;
  for (const [k, date] of Object.entries(after)) {
    if (!k.startsWith(newCache + ' ')) continue;
    const key = k.slice(newCache.length + 1);
    if (key.startsWith('/pkg/' + chunk + '?')) {
      expect(old(key), 'the changed chunk has a new rev').toBeUndefined();
      expect(new Date(date).getTime()).toBeGreaterThan(new Date(Object.values(before)[0]).getTime());
    } else {
      expect(date, key).toEqual(old(key));
      copied += 1;
    }
  }
  expect(copied).toEqual(Object.keys(before).length - 1);

  // Listening before the tap: the reload can finish loading while the click still waits for
  // its navigation, and a listener added after it would wait forever (1 run in 3 did).
  const reloaded = page.waitForEvent('load');
  await page.getByRole('button', { name: '更新' }).click();
  await reloaded;
  await expect(page.getByTestId('update-banner')).toHaveCount(0);
  const now = await page.evaluate(async () => caches.keys());
  expect(now).toHaveLength(1);
  expect(now[0]).not.toEqual(oldCaches[0]);
  // Same page, same person, after the switch.
  await expect(page.getByRole('heading', { name: '修改密码' })).toBeVisible();
});
