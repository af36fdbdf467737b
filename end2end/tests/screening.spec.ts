// The front-desk walk on a 360×640 phone, offline: the shift's equipment self-test,
// a new visitor registered and screened with a deposited knife (the controlled-knife hint
// shown), a body check by the other sex refused, a returning visitor registered again in two
// taps after the lookup, both checked out, the deposit collected with the visitor's
// confirmation; online again, the server holds exactly that.
import { test, expect, Locator } from '@playwright/test';
import { startServer, stopServer, setUp, Running } from '../server';
import * as h from '../helpers';

let server: Running;
let otps: Record<string, string>;
test.beforeAll(async () => {
  server = await startServer();
  otps = await setUp(server, 'admin-password-e2e', [
    { login: 'sup.sun', name: '孙队长', roles: ['supervisor', 'guard'], sites: ['main'] },
  ]);
});
test.afterAll(async () => { if (server) await stopServer(server); });

test('register, screen with a deposit, returning visitor, check out, collect; online once', async ({ page, context }) => {
  const pw = 'sup.sun-password-1';
  await h.firstSignIn(page, server.url, 'sup.sun', otps['sup.sun'], pw);
  await h.enrolPhone(page, server.url, '院本级安检口');
  await page.goto(server.url + '/screen');
  await expect(page.getByTestId('save')).toBeEnabled();
  await context.setOffline(true);

  // Start of shift: the self-test (gate and hand-held OK by default, no X-ray at this post).
  await page.getByTestId('xray-无此设备').click();
  await page.getByTestId('self-test-save').click();
  await expect(page.getByTestId('self-test-done')).toBeVisible();

  // A new visitor, then straight to screening.
  await page.getByTestId('tab-visit').click();
  await h.register(page, '张三');
  await page.getByTestId('screen-this').click();
  await expect(page.locator('select[name=visit] option:checked')).toHaveText('张三 110105********002X');
  let taps = 0;
  const tap = async (l: Locator) => { taps += 1; await l.click(); };
  await tap(page.getByTestId('equipment').filter({ hasText: 'X光机' }));
  await tap(page.getByTestId('add-item'));
  await page.getByLabel('物品描述').fill('水果刀');
  await page.getByLabel('刃长(毫米)').fill('120');
  await page.getByLabel('刀尖角(度)').fill('45');
  await expect(page.getByTestId('knife-hint')).toContainText('不属管制刀具');
  await page.getByLabel('刃长(毫米)').fill('160');
  await expect(page.getByTestId('knife-hint')).toContainText('属管制刀具，请移交司法警察');
  await page.getByLabel('刃长(毫米)').fill('120');
  await page.getByLabel('柜号').fill('3');
  await page.getByLabel('牌号').fill('A12');
  await expect(page.getByTestId('outcome').filter({ hasText: '查出违禁品' })).toHaveClass(/on/);
  await page.screenshot({ path: 'screenshots/screen-deposit-zh.png', fullPage: true });
  await tap(page.getByTestId('save'));
  await expect(page.getByTestId('message')).toHaveText('已保存在手机上，联网后自动同步');
  expect(taps).toBe(3);

  // A passer-by: a body check by staff of the other sex cannot be recorded.
  await page.getByLabel('姓名', { exact: true }).fill('赵六');
  await page.getByLabel('人身检查（由司法警察在非公开场所进行）').check();
  await page.locator('fieldset', { hasText: '受检人性别' }).getByRole('button', { name: '女' }).click();
  await page.getByTestId('staff-sex').filter({ hasText: '男' }).click();
  await page.getByLabel('司法警察姓名').fill('王警官');
  await page.getByTestId('save').click();
  await expect(page.getByTestId('message')).toHaveText('人身检查须由同性别工作人员进行，不能记录异性检查');
  await page.screenshot({ path: 'screenshots/screen-refused-zh.png', fullPage: true });
  await page.getByTestId('staff-sex').filter({ hasText: '女' }).click();
  await page.getByTestId('save').click();
  await expect(page.getByTestId('message')).toHaveText('已保存在手机上，联网后自动同步');

  // The returning visitor: after the lookup, pick and save.
  await page.getByTestId('tab-visit').click();
  await page.getByTestId('lookup').fill('002X');
  taps = 0;
  await tap(page.getByTestId('match').filter({ hasText: '张三' }));
  await tap(page.getByRole('button', { name: '保存', exact: true }));
  await expect(page.getByTestId('message')).toHaveText('已保存在手机上，联网后自动同步');
  expect(taps).toBeLessThanOrEqual(3);

  // Both out, one tap each.
  await page.getByTestId('tab-onsite').click();
  await expect(page.getByTestId('onsite-total')).toHaveText('2');
  await page.getByTestId('check-out').first().click();
  await page.getByTestId('check-out').first().click();
  await expect(page.getByTestId('onsite-total')).toHaveText('0');

  // The deposit: collected only with the visitor's confirmation.
  await page.getByTestId('tab-deposits').click();
  await expect(page.getByTestId('deposit-row')).toContainText('3 / A12');
  await page.getByTestId('collect').click();
  await page.getByTestId('confirm-close').click();
  await expect(page.getByRole('alert')).toHaveText('取回须由访客当面核对确认');
  await page.screenshot({ path: 'screenshots/deposits-zh.png', fullPage: true });
  await page.getByTestId('confirmed').check();
  await page.getByTestId('confirm-close').click();
  await expect(page.getByTestId('deposit-row')).toHaveCount(0);
  // Self-test, 2 registrations, 2 screenings, 2 check-outs, 1 collection.
  await expect(page.getByTestId('pending')).toHaveText('8');

  // Online: everything once.
  await context.setOffline(false);
  await h.syncNow(page, 20_000);
  const visits = await h.serverVisits(server, 'sup.sun', pw);
  expect(visits).toHaveLength(2);
  expect(visits.every((v) => v.checked_out_at !== null)).toBe(true);
  const screenings = await h.serverRows(server, 'sup.sun', pw, 'screening');
  expect(screenings.map((s) => [s.name, s.outcome]).sort()).toEqual([['张三', 'prohibited'], ['赵六', 'passed']]);
  const first = visits.reduce((a, b) => (a.checked_in_at <= b.checked_in_at ? a : b));
  expect(screenings.find((s) => s.name === '张三').visit_id).toBe(first.id);
  expect(JSON.parse(screenings.find((s) => s.name === '张三').items)).toHaveLength(1);
  const deposits = await h.serverRows(server, 'sup.sun', pw, 'deposit');
  expect(deposits).toHaveLength(1);
  expect([deposits[0].tag, deposits[0].closed_how, deposits[0].confirmed]).toEqual(['A12', 'collected', 1]);
  expect(await h.serverRows(server, 'sup.sun', pw, 'self_test')).toHaveLength(1);

  // The supervisor's day at this site.
  await page.goto(server.url + '/dashboard');
  await expect(page.getByTestId('screenings')).toHaveText('2');
  await expect(page.getByTestId('visits')).toHaveText('2');
  await expect(page.getByTestId('complete-month')).toHaveText('100.0%');
  await expect(page.getByTestId('items')).toContainText('枪支弹药、管制刀具等凶器 1');
  await expect(page.getByTestId('deposits-open')).toHaveText('0');
  await page.screenshot({ path: 'screenshots/dashboard-zh.png', fullPage: true });

  // The same screens in English.
  await page.getByTestId('lang-switch').click();
  await expect(page.locator('h1')).toHaveText('KPIs');
  await page.goto(server.url + '/screen');
  await page.getByTestId('add-item').click();
  await page.getByLabel('Blade (mm)').fill('230');
  await page.getByLabel('Tip angle (°)').fill('70');
  await expect(page.getByTestId('knife-hint')).toContainText('controlled knife');
  await page.screenshot({ path: 'screenshots/screen-en.png', fullPage: true });
  await page.goto(server.url + '/dashboard');
  await expect(page.getByTestId('screenings')).toHaveText('2');
  await page.screenshot({ path: 'screenshots/dashboard-en.png', fullPage: true });
});
