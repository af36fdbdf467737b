// What several specs do the same way: a phone of one's own, signing in on it (the first time
// with its forced password change), "sync now", and reading the server's records through the
// sync API.
import { Browser, BrowserContextOptions, expect, Page } from '@playwright/test';
import { api, Running } from './server';

export async function signIn(page: Page, url: string, login: string, password: string) {
  await page.goto(url + '/signin');
  // Typed only once the page's code runs (the button is enabled then): what is typed before
  // hydration is reset by it.
  await expect(page.getByRole('button', { name: '登录' })).toBeEnabled();
  await page.getByLabel('账号').fill(login);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await offlineReady(page);
}

/// Signs in with the password each spec's people chose (`<login>-password-1`) and waits for
/// the home: a page opened before the sign-in's answer would cut it off.
export async function signInHome(page: Page, url: string, login: string) {
  await signIn(page, url, login, `${login}-password-1`);
  await expect(page.getByTestId('hello')).toBeVisible();
}

/// Signs out from the top bar and waits for the sign-in page.
export async function signOut(page: Page) {
  await page.getByTestId('sign-out').click();
  await expect(page).toHaveURL(/\/signin$/);
}

/// Waits, as a guard reads the note, until the phone is ready for offline use: on a first visit
/// the worker caches every page and part and then takes control of the page. (No worker without
/// a secure context.)
export async function offlineReady(page: Page) {
  await page.waitForFunction(() => !window.isSecureContext || navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  await expect(page.getByTestId('preparing-offline')).toHaveCount(0);
}

/// Signs in with the one-time password and sets `newPassword` as the app requires.
export async function firstSignIn(page: Page, url: string, login: string, otp: string, newPassword: string) {
  await signIn(page, url, login, otp);
  await expect(page).toHaveURL(/\/password$/);
  await page.getByLabel('当前密码').fill(otp);
  await page.getByLabel('新密码（至少10位）').fill(newPassword);
  await page.getByLabel('再次输入新密码').fill(newPassword);
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByTestId('hello')).toBeVisible();
}

/// Enrols this phone as `label` (the signed-in person is a supervisor or administrator).
export async function enrolPhone(page: Page, url: string, label: string) {
  await page.goto(url + '/device');
  await page.getByLabel('本机名称（如：立案大厅1号机）').fill(label);
  await page.getByRole('button', { name: '登记本机' }).click();
  await expect(page.getByTestId('device-enrolled')).toBeVisible();
}

/// Every row of `entity` on the server, read by `login` (a supervisor) through a device of its own.
export async function serverRows(server: Running, login: string, password: string, entity: string): Promise<any[]> {
  const r = await api(server.url, '/api/v1/auth/sign-in', { login, password });
  const dev = await api(server.url, '/api/v1/devices', { label: 'counter' }, r.cookie);
  const rows: any[] = [];
  let cursor: unknown = null;
  for (;;) {
    const res = await fetch(server.url + '/api/sync/v1/pull', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: r.cookie!, 'x-guardpost-device-key': dev.json.device_key },
      body: JSON.stringify({ client_id: dev.json.client_id, cursor }),
    });
    const p = await res.json();
    rows.push(...p.changes.filter((c: any) => c.entity === entity).map((c: any) => ({ id: c.id, ...c.data })));
    cursor = p.cursor;
    if (!p.has_more) return rows;
  }
}

/// Every visit on the server.
export async function serverVisits(server: Running, login: string, password: string): Promise<any[]> {
  return serverRows(server, login, password, 'visit');
}

/// A valid resident ID number (GB 11643) for tests.
export const ID = '11010519491231002X';

/// Fills the registration form for `name` with a valid document (`number`), phone, purpose and
/// the first destination, and taps save.
export async function registerSaving(page: Page, name: string, number: string = ID) {
  await page.locator('select[name=area]').selectOption({ index: 1 });
  await page.getByLabel('访客姓名').fill(name);
  await page.getByLabel('证件号码').fill(number);
  await page.getByLabel('联系电话').fill('13800001111');
  await page.getByLabel('事由').fill('开庭');
  await page.getByRole('button', { name: '保存', exact: true }).click();
}

/// Registers `name` and waits for the form to be ready for the next visitor.
export async function register(page: Page, name: string, number: string = ID) {
  await registerSaving(page, name, number);
  await expect(page.getByTestId('message')).toHaveText('已保存在手机上，联网后自动同步');
  await expect(page.getByLabel('访客姓名')).toHaveValue('');
}

/// The page fits the phone's width: nothing pushes it sideways (a wider page is zoomed out and
/// taps land off target).
export async function fitsWidth(page: Page) {
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scroll, 'page wider than the phone').toBeLessThanOrEqual(width);
  expect(width).toBeLessThanOrEqual(360);
}

/// A phone of its own (another person's, or a second phone): 360×640, touch, Chinese.
export async function phoneContext(browser: Browser, extra: BrowserContextOptions = {}) {
  return browser.newContext({
    viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, locale: 'zh-CN', ...extra,
  });
}

/// Taps 同步 and waits until nothing waits on the phone.
export async function syncNow(page: Page, timeout = 30_000) {
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('pending')).toHaveText('0', { timeout });
}

// The phone's store (IndexedDB `guardpost`, see app/src/phone/db.rs), read and written as a
// test needs to: the outbox's head and entries (JSON text), and one entity's rows.
export interface StoredOutbox { client_id: string; last_id: number; backed_up_to?: number; entries: any[] }

export async function storedOutbox(page: Page): Promise<StoredOutbox> {
  return page.evaluate(() => new Promise<StoredOutbox>((resolve, reject) => {
    const open = indexedDB.open('guardpost');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(['meta', 'outbox'], 'readonly');
      const head = tx.objectStore('meta').get('outbox');
      const all = tx.objectStore('outbox').getAll();
      tx.oncomplete = () => {
        db.close();
        const h = head.result ? JSON.parse(head.result) : { client_id: '', last_id: 0 };
        resolve({ ...h, entries: (all.result as string[]).map((t) => JSON.parse(t)) });
      };
      tx.onerror = () => reject(tx.error);
    };
  }));
}

/// Writes `entries` (by their mutation id) and, if given, the head into the stored outbox.
export async function putOutbox(page: Page, entries: any[], head?: Omit<StoredOutbox, 'entries'>) {
  await page.evaluate(({ entries, head }) => new Promise<void>((resolve, reject) => {
    const open = indexedDB.open('guardpost');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(['meta', 'outbox'], 'readwrite');
      for (const e of entries) tx.objectStore('outbox').put(JSON.stringify(e), e.mutation.id);
      if (head) tx.objectStore('meta').put(JSON.stringify(head), 'outbox');
      tx.oncomplete = () => { db.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }), { entries, head });
}

/// The rows of `entity` the phone holds, parsed, with their ids.
export async function storedRows(page: Page, entity: string): Promise<{ id: string; row: any }[]> {
  return page.evaluate((entity) => new Promise<{ id: string; row: any }[]>((resolve, reject) => {
    const open = indexedDB.open('guardpost');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const req = db.transaction([entity], 'readonly').objectStore(entity).getAll();
      req.onsuccess = () => { db.close(); resolve(req.result.map((o: any) => ({ id: o.i, row: JSON.parse(o.j) }))); };
      req.onerror = () => reject(req.error);
    };
  }), entity);
}

/// Everything the phone keeps in its store, as one text (to look for what must not be there).
export async function storedText(page: Page): Promise<string> {
  return page.evaluate(() => new Promise<string>((resolve, reject) => {
    const open = indexedDB.open('guardpost');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const names = [...db.objectStoreNames];
      const tx = db.transaction(names, 'readonly');
      const parts: string[] = [];
      for (const n of names) {
        const r = tx.objectStore(n).getAll();
        r.onsuccess = () => parts.push(JSON.stringify(r.result));
      }
      tx.oncomplete = () => { db.close(); resolve(parts.join('\n')); };
      tx.onerror = () => reject(tx.error);
    };
  }));
}
