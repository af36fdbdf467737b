// The phone's store with a busy month on it, on a cheap phone (Chromium, CPU throttled 4x):
// 30 days of the main court's traffic (server/examples/traffic.rs: 100 visits, 100
// screenings, 40 gate entries, 2 rounds, 12 fire-room entries and a hazard a day) pulled by a
// fresh phone, then what a guard does all day: registrations saved (tap to "saved"), the
// on-site list, the returning-visitor lookup and the rectification queue opened. Printed as
// medians and 95th percentiles, with the bytes the phone holds per entity; nothing asserted
// about speed.
//
// `BENCH_BUILD=<dir>` runs the same against another build (its target/release/guardpost and
// target/site), so `make bench BENCH_BEFORE=<commit>` measures before and after on one machine.
import { test, expect, Page, BrowserContext } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startServer, stopServer, setUp, Running } from '../server';
import * as h from '../helpers';

const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const SAVES = 20;
const OPENS = 20;
const root = path.resolve(__dirname, '../..');
const build = process.env.BENCH_BUILD;
const label = build ? `build ${path.basename(build)}` : 'this build';

let server: Running;
let otp: string;
let guardOtp: string;

test.beforeAll(async () => {
  server = await startServer(build ? {
    binary: path.join(build, 'target/release/guardpost'),
    siteRoot: path.join(build, 'target/site'),
  } : {});
  const otps = await setUp(server, 'admin-password-e2e', [
    { login: 'sup.store', name: '测主管', roles: ['supervisor', 'guard'], sites: ['main'] },
    { login: 'guard.store', name: '测安保', roles: ['guard'], sites: ['main'] },
  ]);
  otp = otps['sup.store'];
  guardOtp = otps['guard.store'];
  const t0 = Date.now();
  execFileSync(path.join(root, 'target/release/examples/traffic'), [
    '--url', server.url, '--data', server.dataDir, '--login', server.firstAdmin!.login,
    '--password', 'admin-password-e2e', '--days', String(DAYS),
  ], { stdio: 'inherit' });
  console.log(`bench: ${label}: ${DAYS} days of traffic made in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
});
test.afterAll(async () => { if (server) await stopServer(server); });

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const fmt = (xs: number[]) => `median ${pct(xs, 0.5).toFixed(0)} ms, p95 ${pct(xs, 0.95).toFixed(0)} ms`;

/// Where the last pull left the phone's cursor, whichever store this build keeps it in.
async function storedCursor(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const old = localStorage.getItem('gp.view');
    if (old) return JSON.stringify(JSON.parse(old).cursor);
    const dbs = await indexedDB.databases();
    if (!dbs.some((d) => d.name === 'guardpost')) return '';
    return new Promise<string>((resolve) => {
      const open = indexedDB.open('guardpost');
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('meta')) { db.close(); return resolve(''); }
        const r = db.transaction('meta').objectStore('meta').get('view');
        r.onsuccess = () => { db.close(); resolve(r.result ? JSON.stringify(JSON.parse(r.result).cursor) : ''); };
      };
      open.onerror = () => resolve('');
    });
  });
}

/// The bytes of JSON the phone holds per entity, and in all.
async function heldBytes(page: Page): Promise<Record<string, [number, number]>> {
  return page.evaluate(async () => {
    const out: Record<string, [number, number]> = {};
    const old = localStorage.getItem('gp.view');
    if (old) {
      for (const [e, t] of Object.entries(JSON.parse(old).rows as Record<string, Record<string, unknown>>)) {
        out[e] = [Object.keys(t).length, JSON.stringify(t).length];
      }
      out['(local storage gp.view)'] = [0, old.length];
      return out;
    }
    return new Promise((resolve) => {
      const open = indexedDB.open('guardpost');
      open.onsuccess = () => {
        const db = open.result;
        const names = [...db.objectStoreNames].filter((n) => n !== 'meta' && n !== 'outbox');
        const tx = db.transaction(names);
        for (const n of names) {
          const r = tx.objectStore(n).getAll();
          r.onsuccess = () => {
            if (r.result.length) out[n] = [r.result.length, r.result.reduce((s: number, o: any) => s + o.j.length, 0)];
          };
        }
        tx.oncomplete = () => { db.close(); resolve(out); };
      };
    });
  });
}

/// A fresh phone: signed in, enrolled, its first full pull timed from the tap on 登记本机 to
/// the last page in its store.
async function firstPull(context: BrowserContext, page: Page, first: boolean): Promise<number> {
  if (first) await h.firstSignIn(page, server.url, 'sup.store', otp, 'sup-password-1');
  else await h.signIn(page, server.url, 'sup.store', 'sup-password-1');
  await page.goto(server.url + '/device');
  await page.getByLabel('本机名称（如：立案大厅1号机）').fill('测速手机');
  const last = page.waitForResponse(async (r) => r.url().includes('/api/sync/v1/pull')
    && (await r.json().catch(() => ({}))).has_more === false, { timeout: 600_000 });
  const t0 = Date.now();
  await page.getByRole('button', { name: '登记本机' }).click();
  const cursor = JSON.stringify((await (await last).json()).cursor);
  await expect.poll(() => storedCursor(page), { timeout: 120_000, intervals: [100] }).toBe(cursor);
  return Date.now() - t0;
}

/// What a screen shows once it is ready: an element matching `selector`, with `text` in it if
/// given (no code passed as text: the app's CSP forbids eval).
interface Ready { selector: string; text?: string; empty?: boolean }

/// Milliseconds from a tap to the first frame in which `ready` holds.
async function timeUntil(page: Page, tap: () => Promise<void>, ready: Ready) {
  await page.evaluate((ready) => {
    (window as any).__t = new Promise<number>((resolve) => {
      window.addEventListener('click', () => {
        const t0 = performance.now();
        const holds = () => [...document.querySelectorAll(ready.selector)].some((e) => ready.empty
          ? (e as HTMLInputElement).value === ''
          : !ready.text || (e.textContent ?? '').includes(ready.text));
        const look = () => holds() ? resolve(performance.now() - t0) : requestAnimationFrame(look);
        look();
      }, { capture: true, once: true });
    });
  }, ready);
  await tap();
  return page.evaluate(() => (window as any).__t as Promise<number>);
}

/// The next person on the phone (a guard of the same court, who may see less than the
/// supervisor before them): signed out and in, timed from the tap on 登录 to their last pull
/// page in the store, with what the pull brought (decoded JSON bytes).
async function shiftChange(page: Page) {
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('sign-out').click();
  await expect(page).toHaveURL(/\/signin$/);
  const answers: { changes: number; bytes: number; reset: boolean }[] = [];
  page.on('response', async (r) => {
    if (!r.url().includes('/api/sync/v1/pull')) return;
    const b = await r.body().catch(() => null);
    if (!b) return;
    const j = JSON.parse(b.toString());
    answers.push({ changes: j.changes.length, bytes: b.length, reset: j.reset });
  });
  const last = page.waitForResponse(async (r) => r.url().includes('/api/sync/v1/pull')
    && (await r.json().catch(() => ({}))).has_more === false, { timeout: 600_000 });
  await expect(page.getByRole('button', { name: '登录' })).toBeEnabled();
  await page.getByLabel('账号').fill('guard.store');
  await page.getByLabel('密码').fill('guard-password-1');
  const t0 = Date.now();
  await page.getByRole('button', { name: '登录' }).click();
  const cursor = JSON.stringify((await (await last).json()).cursor);
  await expect.poll(() => storedCursor(page), { timeout: 120_000, intervals: [100] }).toBe(cursor);
  const ms = Date.now() - t0;
  return {
    ms,
    changes: answers.reduce((s, a) => s + a.changes, 0),
    kib: answers.reduce((s, a) => s + a.bytes, 0) / 1024,
    reset: answers.some((a) => a.reset),
  };
}

test(`a month on the phone, at 4x CPU throttle (${label})`, async ({ browser }) => {
  test.setTimeout(Number(process.env.BENCH_TIMEOUT ?? 1_800_000));
  // The guard set their password before, on a phone of their own.
  const own = await h.phoneContext(browser);
  await h.firstSignIn(await own.newPage(), server.url, 'guard.store', guardOtp, 'guard-password-1');
  await own.close();
  const context = await h.phoneContext(browser);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const pull = await firstPull(context, page, true);
  const held = await heldBytes(page);

  // Registrations, one after the other, each timed from the tap on 保存 to "saved".
  await page.goto(server.url + '/visit');
  await expect(page.getByTestId('visit-form')).toBeVisible();
  await page.waitForLoadState('networkidle');
  const saves: number[] = [];
  for (let i = 0; i < SAVES; i++) {
    await page.locator('select[name=area]').selectOption({ index: 1 });
    await page.getByLabel('访客姓名').fill(`测速访客${i}`);
    await page.getByLabel('证件号码').fill(h.ID);
    await page.getByLabel('联系电话').fill('13800001111');
    await page.getByLabel('事由').fill('开庭');
    saves.push(await timeUntil(page, () => page.getByRole('button', { name: '保存', exact: true }).click(),
      // The form empties once the phone's store has the record (then it says so).
      { selector: 'input[name=name]', empty: true }));
    await expect(page.getByTestId('message')).toContainText('已保存在手机上');
    await expect(page.getByLabel('访客姓名')).toHaveValue('');
    await page.waitForTimeout(300);
  }

  // The returning-visitor lookup: the name typed, to the first match shown.
  const lookups: number[] = [];
  const lookup = page.locator('input[name=lookup]');
  for (let i = 0; i < OPENS; i++) {
    await lookup.fill('');
    await page.waitForTimeout(100);
    const t = await page.evaluate(() => new Promise<number>((resolve) => {
      const input = document.querySelector('input[name=lookup]') as HTMLInputElement;
      const t0 = performance.now();
      input.value = ['王伟', '李芳', '张娜', '刘敏'][Math.floor(Math.random() * 4)];
      input.dispatchEvent(new Event('input', { bubbles: true }));
      const look = () => document.querySelector('ul.matches li')
        ? resolve(performance.now() - t0) : requestAnimationFrame(look);
      look();
    }));
    lookups.push(t);
  }

  // The on-site list and the rectification queue, opened from the tabs and the home screen
  // and back, in the running app: the first open of a lazily loaded page (the rectification
  // queue's) also fetches and compiles its code, so it is reported on its own.
  const open = async (from: string, link: string, back: string, ready: Ready) => {
    await page.goto(server.url + from);
    await page.waitForLoadState('networkidle');
    const times: number[] = [];
    for (let i = 0; i <= OPENS; i++) {
      times.push(await timeUntil(page, () => page.locator(`a[href="${link}"]`).first().click(), ready));
      await page.locator(`a[href="${back}"]`).first().click();
      await expect(page).toHaveURL(server.url + from);
      await page.waitForTimeout(200);
    }
    return { first: times[0], warm: times.slice(1) };
  };
  const onsite = await open('/visit', '/onsite', '/visit', { selector: '[data-testid=onsite-row]' });
  const queue = await open('/', '/rectify', '/', { selector: '[data-testid=rect]' });
  const shift = await shiftChange(page);

  // The same first pull over a weak signal (1.6 Mbit/s down, 750 kbit/s up, 150 ms).
  const slow = await h.phoneContext(browser);
  const slowPage = await slow.newPage();
  const slowCdp = await slow.newCDPSession(slowPage);
  await slowCdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await slowCdp.send('Network.enable');
  await slowCdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8,
  });
  const slowPull = await firstPull(slow, slowPage, false);

  console.log(`bench: ${label}: CPU throttled 4x, ${DAYS} days pulled`);
  console.log(`bench: ${label}: first full pull, loopback:        ${(pull / 1000).toFixed(1)} s`);
  console.log(`bench: ${label}: first full pull, 1.6 Mbit/s 150 ms: ${(slowPull / 1000).toFixed(1)} s`);
  console.log(`bench: ${label}: registration saved (${SAVES}):        ${fmt(saves)}`);
  console.log(`bench: ${label}: returning-visitor lookup (${OPENS}):    ${fmt(lookups)}`);
  console.log(`bench: ${label}: on-site list opened (${OPENS}):         ${fmt(onsite.warm)} (first ${onsite.first.toFixed(0)} ms)`);
  console.log(`bench: ${label}: rectification queue opened (${OPENS}):  ${fmt(queue.warm)} (first, with its code: ${queue.first.toFixed(0)} ms)`);
  console.log(`bench: ${label}: next person (a guard after the supervisor): ${(shift.ms / 1000).toFixed(1)} s, ${shift.changes} rows, ${shift.kib.toFixed(0)} KiB pulled${shift.reset ? ' (a reset)' : ''}`);
  let rows = 0, bytes = 0;
  for (const [e, [n, b]] of Object.entries(held).sort()) {
    console.log(`bench: ${label}: held ${e.padEnd(20)} ${String(n).padStart(6)} rows ${(b / 1024).toFixed(0).padStart(7)} KiB`);
    if (!e.startsWith('(')) { rows += n; bytes += b; }
  }
  console.log(`bench: ${label}: held in all               ${String(rows).padStart(6)} rows ${(bytes / 1024).toFixed(0).padStart(7)} KiB`);
  await slow.close();
  await context.close();
});

// The monthly report of the main court at its real volume (the month with the most of the
// traffic above): how long the server takes to count it (the draft is counted on each read),
// the same for the scorecard; medians of five.
test(`the main court's monthly report, counted (${label})`, async () => {
  const { api } = await import('../server');
  // Signed in as the first test left the supervisor (their own password set), or first now.
  let cookie = (await api(server.url, '/api/v1/auth/sign-in', { login: 'sup.store', password: 'sup-password-1' })).cookie;
  if (!cookie) {
    const first = await api(server.url, '/api/v1/auth/sign-in', { login: 'sup.store', password: otp });
    await api(server.url, '/api/v1/me/password', { current_password: otp, new_password: 'sup-password-1' }, first.cookie);
    cookie = (await api(server.url, '/api/v1/auth/sign-in', { login: 'sup.store', password: 'sup-password-1' })).cookie;
  }
  const sites = await (await fetch(server.url + '/api/v1/sites', { headers: { cookie: cookie! } })).json();
  const main = sites.find((x: any) => x.code === 'main').id;
  const now = Date.now() + 8 * 3600_000;
  const thisMonth = new Date(now).toISOString().slice(0, 7);
  const lastMonth = new Date(new Date(now).setUTCDate(0)).toISOString().slice(0, 7);
  // The month holding more of the traffic's days.
  const dayOfMonth = new Date(now).getUTCDate();
  const month = dayOfMonth > DAYS / 2 ? thisMonth : lastMonth;
  const time = async (p: string) => {
    const xs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const r = await fetch(server.url + p, { headers: { cookie: cookie! } });
      expect(r.status).toBe(200);
      await r.arrayBuffer();
      xs.push(performance.now() - t);
    }
    return xs;
  };
  const report = await time(`/api/v1/monthly-report?site=${main}&month=${month}`);
  const visits = (await (await fetch(server.url + `/api/v1/monthly-report?site=${main}&month=${month}`, { headers: { cookie: cookie! } })).json())
    .parts[0].lines[0].value;
  const card = await time(`/api/v1/scorecard?site=${main}&period=${month}`);
  const xlsx = await time(`/api/v1/monthly-report.xlsx?site=${main}&month=${month}`);
  console.log(`bench: ${label}: monthly report ${month} (${visits} registrations): ${fmt(report)}`);
  console.log(`bench: ${label}: scorecard ${month}:                     ${fmt(card)}`);
  console.log(`bench: ${label}: monthly report workbook:              ${fmt(xlsx)}`);
});
