// Proven authors on a shared post phone: a second guard edits the phone's stored outbox to name
// the first guard as the author of what the second one saved. The server refuses that record
// (its proof was made with the second guard's secret); everything the first guard saved on the
// phone arrives, as theirs.
import { test, expect } from '@playwright/test';
import { startServer, stopServer, setUp, Running } from '../server';
import * as h from '../helpers';

let server: Running;
let otps: Record<string, string>;
test.beforeAll(async () => {
  server = await startServer();
  otps = await setUp(server, 'admin-password-e2e', [
    { login: 'sup.zhou', name: '周主管', roles: ['supervisor'], sites: ['main'] },
    { login: 'guard.a', name: '甲保安', roles: ['guard'], sites: ['main'] },
    { login: 'guard.b', name: '乙保安', roles: ['guard'], sites: ['main'] },
  ]);
});
test.afterAll(async () => { if (server) await stopServer(server); });

async function signOut(page: import('@playwright/test').Page) {
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('sign-out')).not.toBeVisible();
}

test('a record whose author was edited in local storage is refused; nothing of the named guard is lost', async ({ page, context, browser }) => {
  // Signing out with records waiting, the app asks first (they stay for the next person).
  page.on('dialog', (d) => d.accept().catch(() => {}));
  await h.firstSignIn(page, server.url, 'sup.zhou', otps['sup.zhou'], 'sup-password-1');
  await h.enrolPhone(page, server.url, '院本级立案大厅1号机');
  await signOut(page);
  for (const g of ['guard.a', 'guard.b']) {
    await h.firstSignIn(page, server.url, g, otps[g], `${g}-password-1`);
    await signOut(page);
  }
  // Only the wrapped secrets are on the phone: no password, no secret in the clear.
  const known = await page.evaluate(() => localStorage.getItem('gp.known') || '');
  expect(known).toContain('sealed');
  expect(known).not.toContain('password-1');
  expect(JSON.parse(known).people.map((p: any) => p.login).sort()).toEqual(['guard.a', 'guard.b']);
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });

  // The shift goes on offline: A registers a visitor, hands over to B.
  await context.setOffline(true);
  await h.signIn(page, server.url, 'guard.a', 'guard.a-password-1');
  await expect(page.getByTestId('hello')).toHaveText('甲保安');
  await page.goto(server.url + '/visit');
  await h.register(page, '甲的访客');
  await signOut(page);
  await h.signIn(page, server.url, 'guard.b', 'guard.b-password-1');
  await expect(page.getByTestId('hello')).toHaveText('乙保安');
  await page.goto(server.url + '/visit');
  await h.register(page, '乙的访客');
  // B edits the stored outbox: their record now names A as its author.
  const o = await h.storedOutbox(page);
  const a = o.entries[0].mutation.author;
  const last = o.entries[o.entries.length - 1];
  last.mutation.author = a;
  await h.putOutbox(page, [last]);
  const forged = { a, id: last.mutation.id };

  // Back online, B signs in with the server and the phone syncs.
  await context.setOffline(false);
  await page.reload();
  if (!(await page.getByTestId('hello').isVisible())) {
    await h.signIn(page, server.url, 'guard.b', 'guard.b-password-1');
  }
  await expect(page.getByTestId('pending')).toHaveText('0', { timeout: 30_000 });
  const visits = await h.serverVisits(server, 'sup.zhou', 'sup-password-1');
  expect(visits.map((v) => v.name)).toEqual(['甲的访客']);
  expect(visits[0].author_id).toBe(forged.a);
  const outcome = (await h.storedOutbox(page)).entries.find((e: any) => e.mutation.id === forged.id);
  expect(outcome.state).toBe('rejected');
  expect(outcome.code).toBe('author_unproven');
  await page.screenshot({ path: 'screenshots/author-refused-zh.png' });

  // The phone is lost: from their own phone the supervisor finds it on the phones list (who
  // used it, its last contact) and revokes it; B's session on it ends.
  const own = await h.phoneContext(browser);
  const sup = await own.newPage();
  await h.signIn(sup, server.url, 'sup.zhou', 'sup-password-1');
  await expect(sup.getByTestId('hello')).toHaveText('周主管');
  await sup.goto(server.url + '/device');
  const phone = sup.getByTestId('phone').filter({ hasText: '院本级立案大厅1号机' });
  await expect(phone).toContainText('乙保安');
  await expect(phone).toContainText('甲保安');
  await h.fitsWidth(sup);
  await sup.screenshot({ path: 'screenshots/phones-zh.png', fullPage: true });
  await phone.getByTestId('revoke').click();
  await expect(phone).toContainText('已挂失停用');
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
  expect(me).toBe(401);
  await own.close();
});
