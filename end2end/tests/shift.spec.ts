// Shift change on a shared post phone with no network: two guards who signed in on it before
// sign in offline one after the other; each record keeps its author; signing out with
// unsynced records warns and keeps them; back online, the next sync asks for sign-in and then
// sends them all, once. The home the worker keeps, drawn with its person's name and tasks, is
// the guard's signed in and nobody's after they sign out.
import { test, expect, Page } from '@playwright/test';
import { startServer, stopServer, setUp, Running } from '../server';
import * as h from '../helpers';

let server: Running;
let otps: Record<string, string>;
test.beforeAll(async () => {
  server = await startServer();
  otps = await setUp(server, 'admin-password-e2e', [
    { login: 'sup.zheng', name: '郑主管', roles: ['supervisor'], sites: ['main'] },
    { login: 'guard.a', name: '甲安保', roles: ['guard'], sites: ['main'] },
    { login: 'guard.b', name: '乙安保', roles: ['guard'], sites: ['main'] },
    { login: 'guard.p', name: '丙安保', roles: ['guard'], sites: ['main'] },
    { login: 'guard.q', name: '丁安保', roles: ['guard'], sites: ['main'] },
  ]);
});
test.afterAll(async () => { if (server) await stopServer(server); });

const signIn = (page: Page, login: string, password: string) => h.signIn(page, server.url, login, password);
const firstSignIn = (page: Page, login: string) =>
  h.firstSignIn(page, server.url, login, otps[login], `${login}-password-1`);

const signOut = h.signOut;

async function save(page: Page, name: string) {
  await page.goto(server.url + '/visit');
  await h.register(page, name);
}

test('two guards sign in offline in turn; their records keep their authors and arrive once', async ({ page, context }) => {
  page.on('dialog', (d) => d.accept());
  await firstSignIn(page, 'sup.zheng');
  await h.enrolPhone(page, server.url, '院本级门卫室');
  await signOut(page);
  await firstSignIn(page, 'guard.a');
  await signOut(page);
  await firstSignIn(page, 'guard.b');
  await signOut(page);
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });

  await context.setOffline(true);
  // Someone never signed in on this phone cannot sign in offline.
  await signIn(page, 'guard.c', 'whatever-password');
  await expect(page.getByTestId('message')).toHaveText('离线时只能登录曾在本机联网登录过的账号');
  // A wrong password is refused offline too.
  await signIn(page, 'guard.a', 'not-the-password');
  await expect(page.getByTestId('message')).toHaveText('账号或密码错误');

  await signIn(page, 'guard.a', 'guard.a-password-1');
  await expect(page.getByTestId('hello')).toHaveText('甲安保');
  await expect(page.getByTestId('offline-session')).toBeVisible();
  await save(page, '甲的访客1');
  await save(page, '甲的访客2');
  let warned = '';
  page.once('dialog', (d) => { warned = d.message(); });
  await signOut(page);
  expect(warned).toContain('未同步');

  await signIn(page, 'guard.b', 'guard.b-password-1');
  await expect(page.getByTestId('hello')).toHaveText('乙安保');
  await expect(page.getByTestId('pending')).toHaveText('2');
  await save(page, '乙的访客1');
  await expect(page.getByTestId('pending')).toHaveText('3');

  // Online again: the server has no session for B, so the app asks B to sign in, then sends.
  await context.setOffline(false);
  await expect(page).toHaveURL(/\/signin$/, { timeout: 20_000 });
  await signIn(page, 'guard.b', 'guard.b-password-1');
  await expect(page.getByTestId('pending')).toHaveText('0', { timeout: 20_000 });

  // On the server: three visits, two by A and one by B.
  const visits = await h.serverVisits(server, 'sup.zheng', 'sup.zheng-password-1');
  expect(visits).toHaveLength(3);
  const byAuthor: Record<string, string[]> = {};
  for (const v of visits) (byAuthor[v.author_id] ??= []).push(v.name);
  const groups = Object.values(byAuthor).map((names) => names.sort().join(','));
  expect(groups.sort()).toEqual(['乙的访客1', '甲的访客1,甲的访客2']);
});

test('storage full: the save fails with a clear message, the form keeps what was typed, and every page says why', async ({ page, context }) => {
  await h.signIn(page, server.url, 'guard.a', 'guard.a-password-1');
  await expect(page.getByTestId('hello')).toHaveText('甲安保');
  await page.goto(server.url + '/visit');
  // The phone has its sites (destinations) and has finished syncing before storage shrinks.
  await expect(page.locator('select[name=area] option').nth(1)).toBeAttached();
  await expect(page.getByTestId('save')).toBeEnabled();
  await page.waitForLoadState('networkidle');
  await context.setOffline(true);
  const cdp = await context.newCDPSession(page);
  const origin = new URL(server.url).origin;
  // What the browser enforces (Chromium's navigator.storage.estimate() reports a padded quota
  // whatever this override says, so the warning before it is full is held to its rule by a
  // unit test, `room_is_low`).
  const usage = async () => (await cdp.send('Storage.getUsageAndQuota', { origin }) as any).usage as number;
  const fill = async (name: string) => {
    await page.locator('select[name=area]').selectOption({ index: 1 });
    await page.getByLabel('访客姓名').fill(name);
    await page.getByLabel('证件号码').fill(h.ID);
    await page.getByLabel('联系电话').fill('13800001111');
    await page.getByLabel('事由').fill('立案咨询');
  };
  const before = await page.getByTestId('pending').textContent();
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: await usage() });
  await fill('存不下的访客');
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await expect(page.getByTestId('message')).toContainText('手机存储已满，未保存');
  await expect(page.getByTestId('store-trouble')).toContainText('手机存储已满，新记录无法保存');
  await expect(page.getByLabel('访客姓名')).toHaveValue('存不下的访客');
  await expect(page.getByLabel('事由')).toHaveValue('立案咨询');
  await expect(page.getByTestId('pending')).toHaveText(before!);
  expect((await h.storedOutbox(page)).entries.map((e: any) => e.mutation.args.name)).not.toContain('存不下的访客');
  await page.screenshot({ path: 'screenshots/storage-full-zh.png', fullPage: true });

  // Room again: the same form saves, and the warning goes.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await expect(page.getByTestId('message')).toHaveText('已保存在手机上，联网后自动同步');
  await expect(page.getByTestId('store-trouble')).toHaveCount(0);
  await context.setOffline(false);
});

test('the home the worker keeps is drawn for the guard signed in, before the code runs, and for nobody once they sign out', async ({ page, context }) => {
  page.on('dialog', (d) => d.accept());
  const hydration: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' && /hydrat/i.test(m.text())) hydration.push(m.text()); });
  // What the page's HTML holds before the wasm runs (it starts after the document is parsed).
  await page.addInitScript(() => document.addEventListener('DOMContentLoaded', () => {
    (window as any).__drawn = document.querySelector('[data-testid=hello]')?.textContent ?? null;
    (window as any).__person = document.querySelector('meta[name=gp-me]') !== null;
  }));
  const drawn = async () => {
    await page.goto(server.url + '/');
    return page.evaluate(() => [(window as any).__drawn, (window as any).__person]);
  };

  await firstSignIn(page, 'guard.p');
  await expect.poll(drawn, { timeout: 20_000 }).toEqual(['丙安保', true]);
  await expect(page.getByTestId('hello')).toHaveText('丙安保');
  await expect(page.getByTestId('tasks').getByRole('link', { name: '来访登记' })).toBeVisible();
  // Offline the worker's copy paints the same.
  await context.setOffline(true);
  expect(await drawn()).toEqual(['丙安保', true]);
  await expect(page.getByTestId('hello')).toHaveText('丙安保');
  await context.setOffline(false);

  await signOut(page);
  expect(await drawn()).toEqual([null, false]);
  await expect(page).toHaveURL(/\/signin$/);

  // The next guard on the phone: their home, never the one before.
  await firstSignIn(page, 'guard.q');
  await expect.poll(drawn, { timeout: 20_000 }).toEqual(['丁安保', true]);
  // Signing out offline forgets the copy too.
  await context.setOffline(true);
  await signOut(page);
  expect(await drawn()).toEqual([null, false]);
  await context.setOffline(false);
  expect(hydration).toEqual([]);
});
