// The offline contract on a phone: a record keeps the hour it was made however late it is
// sent, a phone whose clock is wrong has its records placed at the true time and flagged, and
// a busy morning saved offline (150 long records) arrives whole, once. The first runs on a
// cheap phone (CPU throttled 4×).
import { test, expect } from '@playwright/test';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, stopServer, setUp, fakeTimeEnv, Running } from '../server';
import * as h from '../helpers';

const HOUR = 3600 * 1000;

async function visitsByName(server: Running): Promise<Map<string, any>> {
  const rows = await h.serverVisits(server, 'sup.zhou', 'sup.zhou-password-1');
  return new Map(rows.map((r) => [r.name, r]));
}

/// A server of its own (with `env`) and its supervisor's one-time password.
async function serverWithSupervisor(env: Record<string, string> = {}): Promise<{ server: Running; otp: string }> {
  const server = await startServer({ env });
  const otp = (await setUp(server, 'admin-password-e2e', [
    { login: 'sup.zhou', name: '周主管', roles: ['supervisor', 'guard'], sites: ['main'] },
  ]))['sup.zhou'];
  return { server, otp };
}

async function signInAndEnrol(page: any, server: Running, otp: string) {
  await h.firstSignIn(page, server.url, 'sup.zhou', otp, 'sup.zhou-password-1');
  await h.enrolPhone(page, server.url, '院本级立案大厅2号机');
  await page.goto(server.url + '/visit');
  await expect(page.getByTestId('visit-form')).toBeVisible();
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  // One sync so the phone has met the server's clock.
  await h.syncNow(page);
}

test('records made offline three hours ago are stored at the hour they were made', async ({ page, context }) => {
  // Three hours ago on the server and on the phone alike; then both clocks move on.
  const dir = mkdtempSync(path.join(tmpdir(), 'guardpost-faketime-'));
  const clockFile = path.join(dir, 'offset');
  writeFileSync(clockFile, '-3h\n');
  const { server, otp } = await serverWithSupervisor(fakeTimeEnv(clockFile));
  try {
    // A cheap phone: the CPU throttled 4×.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const madeAt = Date.now() - 3 * HOUR;
    await page.clock.install({ time: madeAt });
    await signInAndEnrol(page, server, otp);
    await context.setOffline(true);
    await h.register(page, '三小时前甲');
    await h.register(page, '三小时前乙');
    await expect(page.getByTestId('pending')).toHaveText('2');

    // Three hours pass with the phone offline (Date and performance together), then the
    // signal returns.
    writeFileSync(clockFile, '+0\n');
    await page.clock.fastForward('03:00:00');
    await context.setOffline(false);
    await h.syncNow(page, 30_000);

    const v = await visitsByName(server);
    for (const name of ['三小时前甲', '三小时前乙']) {
      const row = v.get(name);
      expect(row, name).toBeTruthy();
      // Made three hours ago, sent now: stored at the hour it was made, not flagged.
      expect(Math.abs(row.checked_in_at - madeAt)).toBeLessThan(5 * 60 * 1000);
      expect(Date.now() - row.checked_in_at).toBeGreaterThan(2.5 * HOUR);
      expect(row.clock_skewed).toBe(0);
    }
    await page.screenshot({ path: 'screenshots/offline-three-hours-synced-zh.png' });
  } finally {
    await stopServer(server);
  }
});

test('a phone three hours slow throughout: records placed at the true time, and flagged', async ({ page, context }) => {
  const { server, otp } = await serverWithSupervisor();
  try {
    await page.clock.install({ time: Date.now() - 3 * HOUR });
    await signInAndEnrol(page, server, otp);
    await context.setOffline(true);
    const before = Date.now();
    await h.register(page, '钟慢三小时');
    await context.setOffline(false);
    await h.syncNow(page, 30_000);
    const row = (await visitsByName(server)).get('钟慢三小时');
    expect(Math.abs(row.checked_in_at - before)).toBeLessThan(2 * 60 * 1000);
    expect(row.clock_skewed).toBe(1);
  } finally {
    await stopServer(server);
  }
});

test('150 long records saved offline all arrive, once', async ({ page, context }) => {
  test.setTimeout(400_000);
  const { server, otp } = await serverWithSupervisor();
  try {
    await signInAndEnrol(page, server, otp);
    await context.setOffline(true);
    const purpose = '开庭'.repeat(40); // 80 characters
    for (let i = 1; i <= 150; i++) {
      await page.locator('select[name=area]').selectOption({ index: 1 });
      await page.getByLabel('访客姓名').fill(`访客${i}`);
      await page.getByLabel('证件号码').fill(h.ID);
      await page.getByLabel('联系电话').fill('13800001111');
      await page.getByLabel('事由').fill(purpose);
      await page.getByLabel('被访人（可选）').fill('承办法官王某某');
      await page.getByRole('button', { name: '保存', exact: true }).click();
      await expect(page.getByTestId('message')).toHaveText('已保存在手机上，联网后自动同步');
      await expect(page.getByLabel('访客姓名')).toHaveValue('');
    }
    await expect(page.getByTestId('pending')).toHaveText('150');
    await context.setOffline(false);
    await h.syncNow(page, 60_000);
    await expect(page.getByTestId('sync-blocked')).toHaveCount(0);
    const v = await visitsByName(server);
    expect(v.size).toBe(150);
    expect(v.get('访客150').purpose).toBe(purpose);
  } finally {
    await stopServer(server);
  }
});

test('a queue saved by the build before this one is delivered once after the update', async ({ page, context }) => {
  const { server, otp } = await serverWithSupervisor();
  try {
    await signInAndEnrol(page, server, otp);
    // Two visits queued offline by an older build, in its layout (the whole outbox and view
    // as two local-storage keys, protocol 1: no clock estimate, no limits), then the phone
    // updated: the new code moves them into its store at its first start.
    const now = await h.storedOutbox(page);
    // The older build kept nothing in IndexedDB: off the app's pages (a static file of its
    // origin), the store goes, and the older layout is written.
    await page.goto(server.url + '/manifest.webmanifest');
    await page.evaluate(() => new Promise((resolve, reject) => {
      const r = indexedDB.deleteDatabase('guardpost');
      r.onsuccess = resolve; r.onerror = reject; r.onblocked = () => reject(new Error('blocked'));
    }));
    await context.setOffline(true);
    await page.evaluate(({ now }) => {
      const me = JSON.parse(localStorage.getItem('gp.me')!);
      const sites = JSON.parse(localStorage.getItem('gp.sites')!);
      const site = sites.find((s: any) => s.code === 'main').id;
      const entry = (id: number, name: string) => ({
        mutation: { id, name: 'visit.check_in', v: 1, author: me.id, client_time: Date.now() - 600_000,
          args: { id: crypto.randomUUID(), site_id: site, name, purpose: '立案' } },
        state: 'pending', attempts: 1,
      });
      const first = now.last_id + 1;
      localStorage.setItem('gp.outbox', JSON.stringify({
        client_id: now.client_id, last_id: first + 1,
        entries: [...now.entries, entry(first, '旧版排队甲'), entry(first + 1, '旧版排队乙')],
      }));
      localStorage.setItem('gp.view', JSON.stringify({ cursor: null, last_mutation_id: 0, person: me.id,
        rows: { visit: { 'old-row': { site_id: site, name: '旧版已同步', checked_in_at: Date.now(), checked_out_at: null } } } }));
    }, { now });
    await page.goto(server.url + '/');
    await expect(page.getByTestId('pending')).toHaveText('2');
    // Moved, not copied: local storage no longer holds them; the store holds both and the
    // older build's pulled row.
    expect(await page.evaluate(() => [localStorage.getItem('gp.outbox'), localStorage.getItem('gp.view')])).toEqual([null, null]);
    const moved = await h.storedOutbox(page);
    expect(moved.entries.filter((e: any) => e.state === 'pending').map((e: any) => e.mutation.args.name).sort())
      .toEqual(['旧版排队乙', '旧版排队甲']);
    expect((await h.storedRows(page, 'visit')).map((r) => r.row.name)).toContain('旧版已同步');
    // A second start (as after a crash) moves nothing twice.
    await page.reload();
    await expect(page.getByTestId('pending')).toHaveText('2');
    await context.setOffline(false);
    await h.syncNow(page, 30_000);
    await h.syncNow(page);
    const names = (await h.serverVisits(server, 'sup.zhou', 'sup.zhou-password-1')).map((v) => v.name).sort();
    expect(names).toEqual(['旧版排队乙', '旧版排队甲']);
  } finally {
    await stopServer(server);
  }
});
