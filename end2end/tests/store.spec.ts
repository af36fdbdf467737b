// The phone's store (IndexedDB) through what a post phone lives: the next guard on shift pulls
// only what changed (and a supervisor who may see more only what the phone lacks); two tabs saving at once
// lose nothing; a newer build taking the store over while an older tab is open; the store
// cleared while records waited, said plainly and recovered by enrolling again.
import { test, expect, Page, Response } from '@playwright/test';
import { startServer, stopServer, setUp, Running } from '../server';
import * as h from '../helpers';

let server: Running;
let otps: Record<string, string>;
test.beforeAll(async ({ browser }) => {
  server = await startServer();
  otps = await setUp(server, 'admin-password-e2e', [
    { login: 'sup.wu', name: '吴主管', roles: ['supervisor', 'guard'], sites: ['main', 'huancheng'] },
    { login: 'guard.c', name: '丙安保', roles: ['guard'], sites: ['main'] },
    { login: 'guard.d', name: '丁安保', roles: ['guard'], sites: ['main'] },
  ]);
  // Everyone set their password before, each on a phone of their own (a first sign-in is a
  // session that may only change it).
  for (const who of Object.keys(otps)) {
    const own = await h.phoneContext(browser);
    await firstSignIn(await own.newPage(), who);
    await own.close();
  }
});
test.afterAll(async () => { if (server) await stopServer(server); });

/// Signs in and waits for the home screen.
async function signIn(page: Page, login: string) {
  await h.signIn(page, server.url, login, `${login}-password-1`);
  await expect(page.getByTestId('hello')).toBeVisible();
}

const firstSignIn = (page: Page, login: string) =>
  h.firstSignIn(page, server.url, login, otps[login], `${login}-password-1`);

async function signOut(page: Page) {
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('sign-out').click();
  await expect(page).toHaveURL(/\/signin$/);
}

/// The answers of every pull from now on.
function pulls(page: Page): any[] {
  const seen: any[] = [];
  page.on('response', async (r: Response) => {
    // An answer whose body the page dropped (a navigation while it was in flight) is not read.
    if (r.url().includes('/api/sync/v1/pull')) {
      const body = await r.json().catch(() => null);
      if (body) seen.push(body);
    }
  });
  return seen;
}

test('the next guard on a post phone pulls only what changed; someone who may see more only the rest', async ({ page }) => {
  await signIn(page, 'sup.wu');
  await h.enrolPhone(page, server.url, '院本级安检口');
  await signOut(page);
  await signIn(page, 'guard.c');
  await page.goto(server.url + '/visit');
  for (const n of ['丙的访客1', '丙的访客2', '丙的访客3']) await h.register(page, n);
  await h.syncNow(page);
  await h.syncNow(page);
  const before = (await h.storedRows(page, 'visit')).length;
  expect(before).toBeGreaterThanOrEqual(3);
  const mainId = await page.evaluate(() => JSON.parse(localStorage.getItem('gp.me')!).site_ids[0]);
  await signOut(page);

  // Guard D works the same post: the same rows, so the phone keeps them and goes on from
  // where the pull stood.
  const answers = pulls(page);
  await signIn(page, 'guard.d');
  await page.goto(server.url + '/visit');
  await h.syncNow(page);
  await expect.poll(() => answers.length).toBeGreaterThan(0);
  expect(answers.every((a) => a && a.reset === false)).toBe(true);
  expect(answers.flatMap((a) => a.changes).filter((c: any) => c.entity === 'visit')).toHaveLength(0);
  expect((await h.storedRows(page, 'visit')).length).toBe(before);
  await signOut(page);

  // The supervisor may see another site too: the phone keeps what they share and pulls only
  // the rest (the tribunal's rows); no main-court visit comes twice.
  answers.length = 0;
  await signIn(page, 'sup.wu');
  await page.goto(server.url + '/visit');
  await h.syncNow(page);
  await expect.poll(() => answers.some((a) => a?.keep)).toBe(true);
  expect(answers.every((a) => a && a.reset === false)).toBe(true);
  const sent = answers.flatMap((a) => a.changes).filter((c: any) => c.entity === 'visit');
  expect(sent.filter((c: any) => c.data?.site_id === mainId), 'sent again').toHaveLength(0);
  expect((await h.storedRows(page, 'visit')).length).toBe(before);
  const theirs = await h.storedRows(page, 'route');
  expect(theirs.some((r) => r.row.site_id !== mainId), 'the tribunal\'s routes came').toBe(true);
  await signOut(page);
  // The guard after them keeps the main court's rows; the tribunal's leave the phone.
  answers.length = 0;
  await signIn(page, 'guard.d');
  await page.goto(server.url + '/visit');
  await h.syncNow(page);
  await expect.poll(() => answers.some((a) => a?.keep)).toBe(true);
  expect(answers.every((a) => a && a.reset === false)).toBe(true);
  expect(answers.flatMap((a) => a.changes).filter((c: any) => c.entity === 'visit')).toHaveLength(0);
  expect((await h.storedRows(page, 'visit')).length).toBe(before);
  const routes = await h.storedRows(page, 'route');
  expect(routes.length).toBeGreaterThan(0);
  expect(routes.every((r) => r.row.site_id === mainId), 'another site\'s rows left on the phone').toBe(true);
  await signOut(page);
});

test('two tabs saving at once lose nothing, and each record arrives once', async ({ browser }) => {
  const context = await h.phoneContext(browser);
  const a = await context.newPage();
  await signIn(a, 'sup.wu');
  await h.enrolPhone(a, server.url, '院本级登记2号机');
  await a.goto(server.url + '/visit');
  const b = await context.newPage();
  await b.goto(server.url + '/visit');
  await expect(b.getByTestId('visit-form')).toBeVisible();
  await context.setOffline(true);
  const fill = async (p: Page, name: string) => {
    await p.locator('select[name=area]').selectOption({ index: 1 });
    await p.getByLabel('访客姓名').fill(name);
    await p.getByLabel('证件号码').fill(h.ID);
    await p.getByLabel('联系电话').fill('13800001111');
    await p.getByLabel('事由').fill('开庭');
  };
  const names: string[] = [];
  for (let round = 0; round < 5; round++) {
    await fill(a, `甲页${round}`);
    await fill(b, `乙页${round}`);
    names.push(`甲页${round}`, `乙页${round}`);
    // Both taps in the same moment: two transactions on one store.
    await Promise.all([
      a.getByRole('button', { name: '保存', exact: true }).click(),
      b.getByRole('button', { name: '保存', exact: true }).click(),
    ]);
    await expect(a.getByLabel('访客姓名')).toHaveValue('');
    await expect(b.getByLabel('访客姓名')).toHaveValue('');
  }
  const o = await h.storedOutbox(a);
  const mine = o.entries.filter((e: any) => names.includes(e.mutation.args.name));
  expect(mine).toHaveLength(10);
  expect(new Set(mine.map((e: any) => e.mutation.id)).size).toBe(10);
  // Each tab hears of the saves the other made.
  await expect(a.getByTestId('pending')).toHaveText('10');
  await expect(b.getByTestId('pending')).toHaveText('10');
  await context.setOffline(false);
  await h.syncNow(a);
  await h.syncNow(a);
  const on = (await h.serverVisits(server, 'sup.wu', 'sup.wu-password-1')).map((v) => v.name);
  for (const n of names) expect(on.filter((x) => x === n), n).toHaveLength(1);
  await context.close();
});

test('a newer build takes the store over: the older tab stops saving and says so, nothing is lost', async ({ browser }) => {
  const context = await h.phoneContext(browser);
  const page = await context.newPage();
  await signIn(page, 'sup.wu');
  await page.goto(server.url + '/visit');
  await h.register(page, '升级前的访客');
  const version = await page.evaluate(() => indexedDB.databases().then((d) => d.find((x) => x.name === 'guardpost')!.version!));
  // Another tab opens the store at the next schema version, as a newer build does.
  const other = await context.newPage();
  await other.goto(server.url + '/manifest.webmanifest');
  const kept = await other.evaluate((v) => new Promise<number>((resolve, reject) => {
    const open = indexedDB.open('guardpost', v + 1);
    open.onupgradeneeded = () => open.result.createObjectStore('newer');
    open.onsuccess = () => {
      const r = open.result.transaction('outbox').objectStore('outbox').count();
      r.onsuccess = () => { open.result.close(); resolve(r.result); };
    };
    open.onerror = () => reject(open.error);
    open.onblocked = () => reject(new Error('the older tab did not let go'));
  }), version);
  expect(kept).toBeGreaterThan(0);
  await expect(page.getByTestId('store-trouble')).toContainText('本应用已在另一个页面更新');
  await page.getByLabel('访客姓名').fill('升级后的访客');
  await page.locator('select[name=area]').selectOption({ index: 1 });
  await page.getByLabel('证件号码').fill(h.ID);
  await page.getByLabel('联系电话').fill('13800001111');
  await page.getByLabel('事由').fill('开庭');
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await expect(page.getByTestId('message')).toContainText('请刷新本页');
  await expect(page.getByLabel('访客姓名')).toHaveValue('升级后的访客');
  await page.screenshot({ path: 'screenshots/store-replaced-zh.png', fullPage: true });
  await context.close();
});

test('an older tab that holds the store: the newer build says to close it, waits, then upgrades keeping rows', async ({ browser }) => {
  const context = await h.phoneContext(browser);
  // A tab of a build before schema 2 (which had no "s" index), one that does not let go.
  const old = await context.newPage();
  await old.goto(server.url + '/manifest.webmanifest');
  await old.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('guardpost', 1);
    open.onupgradeneeded = () => {
      const db = open.result;
      db.createObjectStore('meta');
      db.createObjectStore('outbox');
      const visit = db.createObjectStore('visit', { keyPath: 'i' });
      visit.createIndex('st', ['s', 't']);
      visit.put({ i: 'v-old', j: JSON.stringify({ id: 'v-old', site_id: 'x', name: '旧库的访客' }), s: 'x', t: 1 });
    };
    open.onsuccess = () => { (window as any).held = open.result; resolve(null); };
    open.onerror = () => reject(open.error);
  }));
  // Nothing can be saved before the store opens: the page says why and waits.
  const page = await context.newPage();
  await page.goto(server.url + '/signin');
  await expect(page.getByTestId('store-trouble')).toContainText('请关闭本应用的其他页面');
  await expect(page.getByRole('button', { name: '登录' })).toBeDisabled();
  await page.screenshot({ path: 'screenshots/store-waiting-zh.png', fullPage: true });
  await old.evaluate(() => (window as any).held.close());
  await expect(page.getByTestId('store-trouble')).toHaveCount(0);
  await signIn(page, 'sup.wu');
  // The upgrade kept the row and gave the old store what the new schema reads.
  expect((await h.storedRows(page, 'visit')).map((r) => r.id)).toContain('v-old');
  const indexes = await page.evaluate(() => new Promise<string[]>((resolve) => {
    const open = indexedDB.open('guardpost');
    open.onsuccess = () => {
      const names = open.result.transaction('visit').objectStore('visit').indexNames;
      open.result.close();
      resolve(Array.from(names));
    };
  }));
  expect(indexes).toEqual(expect.arrayContaining(['s', 'st', 'sn', 'sr', 'o', 'c']));
  await page.goto(server.url + '/visit');
  await h.register(page, '升级后保存的访客');
  const o = await h.storedOutbox(page);
  expect(o.entries.map((e: any) => e.mutation.args.name)).toContain('升级后保存的访客');
  await context.close();
});

test('the store cleared while records waited: said plainly, nothing renumbered, enrolled again and sent', async ({ browser }) => {
  const context = await h.phoneContext(browser);
  const page = await context.newPage();
  await signIn(page, 'sup.wu');
  await h.enrolPhone(page, server.url, '院本级登记3号机');
  await page.goto(server.url + '/visit');
  await h.register(page, '清除前已同步');
  await h.syncNow(page);
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await context.setOffline(true);
  await h.register(page, '清除前未同步');
  // The browser clears the app's IndexedDB (not its local storage), as a storage cleaner can
  // (the page lets go of the store when asked).
  await page.evaluate(() => new Promise((resolve, reject) => {
    const r = indexedDB.deleteDatabase('guardpost');
    r.onsuccess = resolve; r.onerror = reject;
  }));
  await page.reload();
  await expect(page.getByTestId('store-trouble')).toContainText('此手机上的记录库被清除过');
  await page.screenshot({ path: 'screenshots/store-lost-zh.png', fullPage: true });
  // What is made now waits on the phone, under no enrolment.
  await h.register(page, '清除后的访客');
  await context.setOffline(false);
  await page.goto(server.url + '/device');
  await expect(page.getByTestId('enrol-form')).toBeVisible();
  await page.getByLabel('本机名称（如：立案大厅1号机）').fill('院本级登记3号机（重新登记）');
  await page.getByRole('button', { name: '登记本机' }).click();
  await expect(page.getByTestId('device-enrolled')).toBeVisible();
  await expect(page.getByTestId('store-trouble')).toHaveCount(0);
  await h.syncNow(page);
  const on = (await h.serverVisits(server, 'sup.wu', 'sup.wu-password-1')).map((v) => v.name);
  expect(on.filter((n) => n === '清除前已同步')).toHaveLength(1);
  expect(on.filter((n) => n === '清除后的访客')).toHaveLength(1);
  // The record that waited when the store was cleared is gone, as the phone said.
  expect(on).not.toContain('清除前未同步');
  await context.close();
});
