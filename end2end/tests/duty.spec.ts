// Rounds and duty logs on a phone (#5): the supervisor trims the tribunal's night route to two
// checkpoints; offline, a night round confirms both from the list (this browser cannot scan)
// with one finding; a boiler reading above the rating raises the stop procedure, walked step by
// step; a fire alarm is handled in order and closed; a false alarm opens a repair. Online again,
// the server holds exactly those records and the supervisor's view shows them.
import { test, expect } from '@playwright/test';
import { startServer, stopServer, setUp, Running } from '../server';
import * as h from '../helpers';

let server: Running;
let otps: Record<string, string>;
test.beforeAll(async () => {
  server = await startServer();
  otps = await setUp(server, 'admin-password-e2e', [
    { login: 'sup.zhao', name: '赵主管', roles: ['supervisor', 'caretaker', 'fire_operator'], sites: ['main', 'huancheng'] },
  ]);
});
test.afterAll(async () => { if (server) await stopServer(server); });

test('a night round, a boiler stop and a fire alarm, offline, then on the server and the dashboard', async ({ page, context }) => {
  test.setTimeout(180_000);
  const pw = 'sup.zhao-password-1';
  await h.firstSignIn(page, server.url, 'sup.zhao', otps['sup.zhao'], pw);
  await h.enrolPhone(page, server.url, '环城法庭门卫室');
  await page.goto(server.url + '/');
  await page.getByRole('link', { name: '巡逻巡查' }).click();
  await page.locator('select[name=site]').selectOption({ label: '环城人民法庭' });
  const night = page.getByTestId('route-night');
  await expect(night).toContainText('5个检查点');
  // Online: the supervisor keeps two of the night route's checkpoints.
  await night.getByTestId('route-edit').click();
  const editor = page.getByTestId('route-editor');
  for (const name of ['立案区域', '接待区域', '锅炉房']) {
    await editor.getByRole('button', { name, exact: true }).click();
  }
  await editor.getByTestId('route-save').click();
  await expect(night).toContainText('2个检查点');

  await context.setOffline(true);
  await night.getByTestId('round-start').click();
  const round = page.getByTestId('round');
  await expect(round.getByTestId('checkpoint')).toHaveCount(2);
  await expect(round.getByTestId('scan')).toHaveCount(0);
  await round.getByTestId('checkpoint-pick').first().click();
  // This browser cannot scan: the reason is chosen already.
  await expect(round.getByRole('button', { name: '手机不支持扫码' })).toHaveClass(/on/);
  await round.getByTestId('checkpoint-save').click();
  await expect(round.getByTestId('checkpoint-done')).toHaveCount(1);
  await round.getByTestId('checkpoint-pick').click();
  await round.getByLabel('发现问题（无则不填）').fill('院门锁损坏');
  await round.getByTestId('checkpoint-save').click();
  await expect(round.getByTestId('checkpoint-done')).toHaveCount(2);
  await expect(round.getByTestId('round-left')).toHaveCount(0);
  await page.screenshot({ path: 'screenshots/round-zh.png', fullPage: true });
  await round.getByLabel('巡查小结').fill('已通知法庭更换门锁');
  await round.getByTestId('round-finish').click();
  await expect(page.getByTestId('round')).toHaveCount(0);
  await expect(page.getByTestId('round-finding')).toHaveText('院落与菜园：院门锁损坏');
  await h.fitsWidth(page);

  // The boiler: 92 °C out of an atmospheric boiler rated 85 °C stops it.
  await page.goto(server.url + '/boiler');
  await page.locator('select[name=site]').selectOption({ label: '环城人民法庭' });
  await expect(page.getByTestId('boiler-profile')).toContainText('1号锅炉');
  await page.getByLabel('出水温度 ℃').fill('92');
  await page.getByLabel('回水温度 ℃').fill('75');
  await page.getByLabel('压力 MPa').fill('0.05');
  await page.getByTestId('chip-blowdown').click();
  await page.getByTestId('save').click();
  const stop = page.getByTestId('boiler-stop');
  await expect(stop.getByTestId('stop-reason')).toHaveText('出水温度92 ℃超过额定85 ℃');
  await stop.getByTestId('step-done').click();
  await stop.getByTestId('step-done').click();
  await stop.getByTestId('step-skip').click();
  await stop.getByTestId('step-skip-confirm').click();
  await expect(stop.getByRole('alert')).toHaveText('跳过步骤须写明原因');
  await stop.getByLabel('跳过原因').fill('常压锅炉，水位正常');
  await stop.getByTestId('step-skip-confirm').click();
  await expect(stop.getByTestId('step-water_and_pressure')).toContainText('跳过：常压锅炉，水位正常');
  await page.screenshot({ path: 'screenshots/boiler-stop-zh.png', fullPage: true });
  await stop.getByTestId('step-done').click();
  await expect(page.getByTestId('boiler-stop')).toHaveCount(0);
  await expect(page.getByTestId('reading-row')).toContainText('停炉：出水温度92 ℃超过额定85 ℃');
  await h.fitsWidth(page);

  // The fire room at the main court.
  await page.goto(server.url + '/fire');
  await page.locator('select[name=site]').selectOption({ label: '院本级' });
  await page.getByTestId('status-ok').click();
  await expect(page.getByTestId('status-due')).toContainText('下次记录');
  await page.getByLabel('报警部位').fill('三楼配电间');
  await page.getByTestId('alarm-save').click();
  const alarm = page.getByTestId('fire-alarm');
  await expect(alarm.getByTestId('step-done')).toHaveText('现场确认 ✓');
  // One tap per step, each once the phone shows the one before (a tap on the same step twice
  // records nothing more).
  for (let i = 0; i < 5; i++) {
    await expect(alarm.getByTestId('step-time')).toHaveCount(i);
    await alarm.getByTestId('step-done').click();
  }
  await expect(alarm.getByTestId('step-time')).toHaveCount(5);
  await page.screenshot({ path: 'screenshots/fire-alarm-zh.png', fullPage: true });
  await alarm.getByLabel('起火原因').fill('配电箱线路老化短路');
  await alarm.getByLabel('处置情况').fill('切断电源，干粉灭火器扑灭');
  await alarm.getByTestId('fire-close').click();
  await expect(page.getByTestId('fire-alarm')).toHaveCount(0);
  await page.getByTestId('alarm-false').click();
  await page.getByLabel('报警部位').fill('二楼走廊烟感');
  await page.getByLabel('原因').fill('灰尘');
  await page.getByLabel('处理情况').fill('清洁后复位');
  await page.getByTestId('alarm-save').click();
  await expect(page.getByTestId('repair-count')).toHaveText('1');
  await h.fitsWidth(page);
  // Handing over the shift: what stays open is on it; the next operator signs on their phone.
  await expect(page.getByTestId('handover-open')).toHaveText('未结束报警 0 · 待维修 1');
  await page.getByLabel('交班事项').fill('二楼烟感待维保公司更换');
  await page.getByTestId('handover-save').click();
  await expect(page.getByTestId('handover-waiting')).toBeVisible();
  // The daily fire patrol: one item not in order, explained.
  await page.getByTestId('to-duties').click();
  await page.getByTestId('kind-fire_patrol').click();
  await page.getByTestId('checklist-item').nth(3).getByTestId('item-not-ok').click();
  await page.getByTestId('save').click();
  await expect(page.getByTestId('message')).toHaveText('“常闭式防火门关闭，防火卷帘下无堆放”未完成或有问题，请写明情况');
  await page.getByTestId('checklist-item').nth(3).getByLabel('情况说明').fill('三楼防火门被楔住，已撤除');
  await page.getByTestId('save').click();
  await expect(page.getByTestId('checklist-row')).toContainText('✗ 常闭式防火门关闭，防火卷帘下无堆放：三楼防火门被楔住，已撤除');
  await expect(page.getByTestId('checklist-row')).toContainText('待复核');
  await h.fitsWidth(page);
  await page.screenshot({ path: 'screenshots/fire-patrol-zh.png', fullPage: true });

  // Online: exactly those records on the server.
  await context.setOffline(false);
  await h.syncNow(page, 20_000);
  const rounds = await h.serverRows(server, 'sup.zhao', pw, 'round');
  expect(rounds.length).toBe(1);
  expect(rounds[0].skipped).toBe(0);
  expect(rounds[0].note).toBe('已通知法庭更换门锁');
  const checks = await h.serverRows(server, 'sup.zhao', pw, 'round_check');
  expect(checks.map((c) => [c.how, c.reason, c.finding]).sort()).toEqual([
    ['list', 'no_scanner', ''], ['list', 'no_scanner', '院门锁损坏'],
  ]);
  const readings = await h.serverRows(server, 'sup.zhao', pw, 'boiler_reading');
  expect(readings.length).toBe(1);
  expect(JSON.parse(readings[0].stop_reasons)[0].zh).toBe('出水温度92 ℃超过额定85 ℃');
  const steps = await h.serverRows(server, 'sup.zhao', pw, 'procedure_step');
  expect(steps.filter((s) => s.kind === 'boiler_stop').length).toBe(4);
  expect(steps.filter((s) => s.kind === 'fire_alarm').length).toBe(5);
  const alarms = await h.serverRows(server, 'sup.zhao', pw, 'fire_alarm');
  expect(alarms.map((a) => [a.kind, a.closed_at !== null]).sort()).toEqual([['false', true], ['fire', true]]);
  const repairs = await h.serverRows(server, 'sup.zhao', pw, 'repair');
  expect(repairs.map((r) => [r.place, r.repaired_at])).toEqual([['二楼走廊烟感', null]]);
  expect((await h.serverRows(server, 'sup.zhao', pw, 'fire_status')).length).toBe(1);
  const handovers = await h.serverRows(server, 'sup.zhao', pw, 'handover');
  expect(handovers.map((x) => [x.notes, x.open_alarms, x.open_repairs, x.accepted_at])).toEqual([['二楼烟感待维保公司更换', 0, 1, null]]);
  const lists = await h.serverRows(server, 'sup.zhao', pw, 'checklist');
  expect(lists.map((c) => [c.kind, c.failed, c.countersigned_at])).toEqual([['fire_patrol', 1, null]]);

  // The supervisor's view shows them, one tap from each record.
  await page.goto(server.url + '/dashboard');
  await page.locator('select[name=site]').selectOption({ label: '院本级' });
  await expect(page.getByTestId('fire-entries')).toHaveText('1');
  await expect(page.getByTestId('repairs-open')).toHaveText('1');
  await expect(page.getByTestId('duty-alarm')).toHaveCount(2);
  await page.getByTestId('duty-alarm').first().locator('summary').click();
  await expect(page.getByTestId('duty-alarm').first()).toContainText('处置步骤 5/5');
  await expect(page.getByTestId('duty-checklist')).toHaveText('防火巡查 1 · 异常项 1 · 待复核 1');
  await page.locator('select[name=site]').selectOption({ label: '环城人民法庭' });
  await expect(page.getByTestId('boiler-stops')).toHaveText('1');
  await expect(page.getByTestId('duty-boiler-stop')).toContainText('停炉步骤 4/4');
  const nightRoute = page.getByTestId('duty-route').filter({ hasText: '夜间安全检查' });
  await nightRoute.locator('summary').click();
  await expect(nightRoute.getByTestId('duty-round')).toContainText('院落与菜园：院门锁损坏');
  await page.screenshot({ path: 'screenshots/dashboard-duty-zh.png', fullPage: true });
  await h.fitsWidth(page);

  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('lang-switch')).toHaveText('中文');
  await page.goto(server.url + '/rounds');
  await page.locator('select[name=site]').selectOption({ label: 'Huancheng tribunal' });
  await page.screenshot({ path: 'screenshots/rounds-en.png', fullPage: true });
  await h.fitsWidth(page);
  await page.goto(server.url + '/fire');
  await page.screenshot({ path: 'screenshots/fire-en.png', fullPage: true });
  await h.fitsWidth(page);
  await page.goto(server.url + '/duties');
  await page.getByTestId('kind-fire_patrol').click();
  await page.screenshot({ path: 'screenshots/duties-en.png', fullPage: true });
  await h.fitsWidth(page);
  await page.goto(server.url + '/boiler');
  await page.locator('select[name=site]').selectOption({ label: 'Huancheng tribunal' });
  await expect(page.getByTestId('boiler-profile')).toContainText('Hot-water boiler');
  await page.screenshot({ path: 'screenshots/boiler-en.png', fullPage: true });
  await h.fitsWidth(page);
});
