// The gate on a phone, offline: a vehicle in (a mistyped plate explained), a parcel received
// with a carrier chip and collected by name, a car held for an enforcement case; the vehicle
// out in one tap; online, the server holds exactly that.
import { test, expect } from '@playwright/test';
import { startServer, stopServer, setUp, Running } from '../server';
import * as h from '../helpers';

let server: Running;
let otps: Record<string, string>;
test.beforeAll(async () => {
  server = await startServer();
  otps = await setUp(server, 'admin-password-e2e', [
    { login: 'sup.wu', name: '吴队长', roles: ['supervisor', 'gate_guard'], sites: ['main'] },
  ]);
});
test.afterAll(async () => { if (server) await stopServer(server); });

test('gate: vehicles, parcels and custody offline, on site now, once on the server', async ({ page, context }) => {
  const pw = 'sup.wu-password-1';
  await h.firstSignIn(page, server.url, 'sup.wu', otps['sup.wu'], pw);
  await h.enrolPhone(page, server.url, '院本级门卫室');
  await page.goto(server.url + '/');
  await page.getByRole('link', { name: '门卫登记（车辆、快递、扣押移交）' }).click();
  await expect(page.getByTestId('save')).toBeEnabled();
  await context.setOffline(true);

  await page.getByLabel('车牌号').fill('吉C1234');
  await page.getByLabel('驾驶人').fill('李师傅');
  await page.getByLabel('单位').fill('县检察院');
  await page.getByLabel('事由').fill('送达文书');
  await page.getByTestId('save').click();
  await expect(page.getByTestId('message')).toHaveText('车牌号格式不对，例如：吉C12345');
  await expect(page.getByLabel('驾驶人')).toHaveValue('李师傅');
  await page.getByLabel('车牌号').fill('吉c12345');
  await page.getByTestId('save').click();
  await expect(page.getByTestId('gate-open-count')).toHaveText('1');
  await expect(page.getByTestId('gate-row')).toContainText('吉C12345 李师傅');
  await page.screenshot({ path: 'screenshots/gate-vehicle-zh.png', fullPage: true });

  await page.getByTestId('gate-parcel').click();
  await page.getByRole('button', { name: '顺丰' }).click();
  await page.getByLabel('快递单号').fill('SF1234567890');
  await page.getByLabel('收件人').fill('立案庭 王法官');
  await page.getByTestId('save').click();
  await expect(page.getByTestId('gate-row')).toContainText('顺丰 SF1234567890 → 立案庭 王法官');
  await page.getByTestId('gate-leave').click();
  await page.getByTestId('gate-leave-confirm').click();
  await expect(page.getByTestId('message')).toHaveText('请填写领取人');
  await page.getByLabel('领取人').fill('王法官本人');
  await page.getByTestId('gate-leave-confirm').click();
  await expect(page.getByTestId('gate-open-count')).toHaveText('0');

  await page.getByTestId('gate-custody').click();
  await page.getByLabel('案号', { exact: true }).fill('(2026)吉0323执123号');
  await page.getByLabel('移交的车辆或设备').fill('白色轿车一辆');
  await page.getByLabel('车牌号（车辆时填写）').fill('吉C54321');
  await page.getByLabel('移交人（执行干警）').fill('执行局 赵警官');
  await page.getByTestId('save').click();
  await expect(page.getByTestId('gate-open-count')).toHaveText('1');
  await page.screenshot({ path: 'screenshots/gate-custody-zh.png', fullPage: true });

  await page.getByTestId('gate-vehicle').click();
  await page.getByTestId('gate-leave').click();
  await expect(page.getByTestId('gate-open-count')).toHaveText('0');

  await context.setOffline(false);
  await h.syncNow(page, 20_000);
  const rows = await h.serverRows(server, 'sup.wu', pw, 'gate');
  expect(rows.map((r) => [r.kind, r.left_at !== null]).sort()).toEqual([
    ['custody', false], ['parcel', true], ['vehicle', true],
  ]);
  expect(rows.find((r) => r.kind === 'parcel').left_to).toBe('王法官本人');

  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('gate-parcel')).toHaveText('Parcels');
  await page.getByTestId('gate-parcel').click();
  await page.screenshot({ path: 'screenshots/gate-parcel-en.png', fullPage: true });
});
