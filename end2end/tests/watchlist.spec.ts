// The watchlist on a phone: a supervisor adds a person (a wrong number is explained); the post
// phone gets the list without the number; offline, registering that person raises the alert,
// which stays until what was done is recorded; online, the server holds the alert once.
import { test, expect } from '@playwright/test';
import { startServer, stopServer, setUp, Running } from '../server';
import * as h from '../helpers';

let server: Running;
let otps: Record<string, string>;
test.beforeAll(async () => {
  server = await startServer();
  otps = await setUp(server, 'admin-password-e2e', [
    { login: 'sup.zhou', name: '周主管', roles: ['supervisor', 'guard'], sites: ['main'] },
  ]);
});
test.afterAll(async () => { if (server) await stopServer(server); });

test('watchlist: kept online, matched offline without numbers on the phone, alert recorded', async ({ page, context }) => {
  const pw = 'sup.zhou-password-1';
  await h.firstSignIn(page, server.url, 'sup.zhou', otps['sup.zhou'], pw);
  await h.enrolPhone(page, server.url, '院本级安检口');
  await page.goto(server.url + '/watchlist');
  await expect(page.getByTestId('watch-form').getByRole('button')).toBeEnabled();
  await page.getByLabel('姓名', { exact: true }).fill('某甲');
  await page.getByLabel('证件号码').fill('110105194912310021');
  await page.getByLabel('关注原因').fill('法院通知：到访即报告');
  await page.getByRole('button', { name: '加入名单' }).click();
  await expect(page.getByRole('alert')).toHaveText('第18位校验码应为“X”，输入的是“1”，请逐位核对');
  await page.getByLabel('证件号码').fill(h.ID);
  await page.getByRole('button', { name: '加入名单' }).click();
  await expect(page.getByTestId('watch-row')).toContainText('某甲 110105********002X');
  await page.screenshot({ path: 'screenshots/watchlist-zh.png', fullPage: true });

  // The post phone pulls the list: keys only.
  await page.goto(server.url + '/visit');
  await page.getByTestId('sync-now').click();
  await expect.poll(async () => JSON.stringify(await h.storedRows(page, 'watch'))).toContain('key_hash');
  expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain('19491231');
  expect(await h.storedText(page)).not.toContain('19491231');

  // Offline: the watched person registers; the alert stands until what was done is recorded.
  await context.setOffline(true);
  await h.registerSaving(page, '某甲');
  await expect(page.getByTestId('watch-alert')).toContainText('重点关注人员：请立即通知司法警察');
  await expect(page.getByTestId('watch-alert')).toContainText('法院通知：到访即报告');
  await expect(page.getByTestId('visit-form')).toHaveCount(0);
  await page.screenshot({ path: 'screenshots/watch-alert-zh.png', fullPage: true });
  await page.getByTestId('alert-action').filter({ hasText: '未能联系司法警察' }).click();
  await page.getByTestId('alert-save').click();
  await expect(page.getByTestId('watch-alert')).toContainText('请写明处理情况');
  await page.getByTestId('alert-action').filter({ hasText: '已通知司法警察' }).click();
  await page.getByTestId('alert-save').click();
  await expect(page.getByTestId('watch-alert')).toHaveCount(0);
  // Someone else: no alert.
  await h.register(page, '某乙', '110105194912310038');
  await expect(page.getByTestId('watch-alert')).toHaveCount(0);

  // Online: the two visits and one alert; the server marked the watched visit too.
  await context.setOffline(false);
  await h.syncNow(page, 20_000);
  const alerts = await h.serverRows(server, 'sup.zhou', pw, 'watch_alert');
  expect(alerts.map((a) => a.action)).toEqual(['notified_police']);
  const visits = await h.serverVisits(server, 'sup.zhou', pw);
  expect(visits.filter((v) => v.watch_id).map((v) => v.name)).toEqual(['某甲']);
  await page.getByTestId('tab-onsite').click();
  await expect(page.getByTestId('watch-tag')).toHaveText('重点关注');
});
