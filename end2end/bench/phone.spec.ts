// What a cheap phone (Chromium, CPU throttled 4x) pays for the offline contract's cryptography,
// as a person feels it: an offline sign-in (one PBKDF2 derivation that unwraps the author
// secret), and a visitor registration with 200 watchlist entries on the phone (one short key
// per entry, each under its own salt) against none. Medians of runs in turn; printed, for the
// README.
import { test, expect, Page } from '@playwright/test';
import { startServer, stopServer, setUp, api, Running } from '../server';
import * as h from '../helpers';

const RUNS = 7;
let server: Running;
let otp: string;

test.beforeAll(async () => {
  server = await startServer();
  otp = (await setUp(server, 'admin-password-e2e', [
    { login: 'sup.bench', name: '测主管', roles: ['supervisor', 'guard'], sites: ['main'] },
  ]))['sup.bench'];
});
test.afterAll(async () => { if (server) await stopServer(server); });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/// A valid resident number with sequence `n` (GB 11643 check character).
function residentId(n: number): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const first = `220301${1950 + (n % 50)}0${1 + (n % 9)}1${n % 10}${String(n % 1000).padStart(3, '0')}`;
  const sum = [...first].reduce((s, c, i) => s + Number(c) * w[i], 0);
  return first + '10X98765432'[sum % 11];
}

/// Milliseconds from the next tap on `selector` to the first frame after its handler ran.
async function timeTap(page: Page, click: () => Promise<void>): Promise<number> {
  await page.evaluate(() => {
    (window as any).__tap = new Promise<number>((resolve) => {
      window.addEventListener('click', () => {
        const t0 = performance.now();
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
      }, { capture: true, once: true });
    });
  });
  await click();
  return page.evaluate(() => (window as any).__tap);
}

/// Milliseconds from the tap on 登录 to the home screen greeting.
async function timeSignIn(page: Page): Promise<number> {
  await page.evaluate(() => {
    (window as any).__signin = new Promise<number>((resolve) => {
      window.addEventListener('click', () => {
        const t0 = performance.now();
        const look = () => document.querySelector('[data-testid=hello]')
          ? resolve(performance.now() - t0) : requestAnimationFrame(look);
        look();
      }, { capture: true, once: true });
    });
  });
  await page.getByRole('button', { name: '登录' }).click();
  return page.evaluate(() => (window as any).__signin);
}

test('offline sign-in and a registration with 200 watchlist entries, at 4x CPU throttle', async ({ page, context }) => {
  await h.firstSignIn(page, server.url, 'sup.bench', otp, 'sup-password-1');
  await h.enrolPhone(page, server.url, '测速手机');
  // Signed in again online on the enrolled phone: remembered, secret wrapped.
  await page.getByTestId('sign-out').click();
  await h.signIn(page, server.url, 'sup.bench', 'sup-password-1');
  await expect(page.getByTestId('hello')).toBeVisible();
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });

  // Registrations: none on the watchlist, then 200.
  const register = async (label: string) => {
    const times: number[] = [];
    await page.goto(server.url + '/visit');
    await expect(page.getByTestId('visit-form')).toBeVisible();
    for (let i = 0; i < RUNS; i++) {
      await page.locator('select[name=area]').selectOption({ index: 1 });
      await page.getByLabel('访客姓名').fill(`${label}${i}`);
      await page.getByLabel('证件号码').fill(residentId(5000 + i + (label === 'B' ? 100 : 0)));
      await page.getByLabel('联系电话').fill('13800001111');
      await page.getByLabel('事由').fill('开庭');
      times.push(await timeTap(page, () => page.getByRole('button', { name: '保存', exact: true }).click()));
      await expect(page.getByLabel('访客姓名')).toHaveValue('');
    }
    return times;
  };
  const none = await register('A');
  const admin = await api(server.url, '/api/v1/auth/sign-in', { login: server.firstAdmin!.login, password: 'admin-password-e2e' });
  for (let i = 0; i < 200; i++) {
    const r = await api(server.url, '/api/v1/watchlist',
      { name: `名单${i}`, id_type: 'resident_id', id_number: residentId(i), reason: '测试' }, admin.cookie);
    if (r.status !== 200) throw new Error(JSON.stringify(r.json));
  }
  await page.getByTestId('sync-now').click();
  await expect.poll(async () => (await h.storedRows(page, 'watch')).length, { timeout: 60_000 }).toBe(200);
  const many = await register('B');

  // Offline sign-ins (the server out of reach).
  await context.setOffline(true);
  const signIns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    page.once('dialog', (d) => d.accept().catch(() => {}));
    await page.getByTestId('sign-out').click();
    await page.goto(server.url + '/signin');
    await expect(page.getByRole('button', { name: '登录' })).toBeEnabled();
    await page.getByLabel('账号').fill('sup.bench');
    await page.getByLabel('密码').fill('sup-password-1');
    signIns.push(await timeSignIn(page));
  }
  await context.setOffline(false);

  const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`;
  console.log(`bench: CPU throttled 4x, ${RUNS} runs each`);
  console.log(`bench: registration, watchlist empty:        ${fmt(none)}`);
  console.log(`bench: registration, 200 watchlist entries:  ${fmt(many)}`);
  console.log(`bench: ratio 200 entries / none:             ${(median(many) / median(none)).toFixed(2)}x`);
  console.log(`bench: offline sign-in (PBKDF2 unwrap):      ${fmt(signIns)}`);
});
