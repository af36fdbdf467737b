// The fire room's shift and courtroom duty on a phone (#5): the administrator records one
// operator's certificate and the other is flagged for lacking one; offline, the operator starts
// a shift with the uncertified colleague only after the warning is shown and acknowledged, and
// notes a courtroom duty where order had to be kept. Online again, the server holds exactly
// those records, with the warning it judged itself, and the supervisor's view shows both.
import { test, expect, Browser, Page } from '@playwright/test';
import { startServer, stopServer, setUp, Running } from '../server';
import * as h from '../helpers';

let server: Running;
let otps: Record<string, string>;
test.beforeAll(async () => {
  server = await startServer();
  otps = await setUp(server, 'admin-password-e2e', [
    { login: 'op.wang', name: '王消防', roles: ['fire_operator', 'guard'], sites: ['main'] },
    { login: 'op.li', name: '李消防', roles: ['fire_operator'], sites: ['main'] },
    { login: 'sup.sun', name: '孙主管', roles: ['supervisor'], sites: ['main'] },
  ]);
});
test.afterAll(async () => { if (server) await stopServer(server); });

async function phone(browser: Browser) {
  const context = await h.phoneContext(browser);
  return { context, page: await context.newPage() };
}

test('a shift with an uncertified colleague and a courtroom duty, offline, then on the server and the dashboard', async ({ page, context, browser }) => {
  test.setTimeout(180_000);
  // The administrator keeps certificates on the people page.
  await h.signIn(page, server.url, 'admin', 'admin-password-e2e');
  await expect(page.getByTestId('hello')).toBeVisible();
  await page.goto(server.url + '/admin/people');
  const li = page.getByTestId('person').filter({ hasText: '李消防' });
  await expect(li.getByTestId('cert-flag')).toHaveText(['缺少保安员证', '缺少消防设施操作员证']);
  const wang = page.getByTestId('person').filter({ hasText: '王消防' });
  await wang.getByRole('button', { name: '编辑' }).click();
  await wang.locator('input[name=cert-fire_operator-until]').fill('2099-12-31');
  await wang.getByRole('button', { name: '保存' }).click();
  // A date without its number is refused with what is missing; nothing is saved.
  await expect(wang.locator('.error, [role=alert]').first()).toContainText('消防设施操作员证：请填写证书编号');
  await wang.locator('input[name=cert-fire_operator]').fill('消操-2201');
  await wang.getByRole('button', { name: '保存' }).click();
  await expect(page.getByTestId('person').filter({ hasText: '王消防' }).getByTestId('cert-flag')).toHaveText(['缺少保安员证']);
  await h.fitsWidth(page);
  await page.screenshot({ path: 'screenshots/people-certificates-zh.png', fullPage: true });
  await page.getByTestId('person').filter({ hasText: '李消防' }).getByRole('button', { name: '编辑' }).click();
  await page.getByTestId('person').filter({ hasText: '李消防' }).getByTestId('certificates').screenshot({ path: 'screenshots/people-certificate-form-zh.png' });
  await h.enrolPhone(page, server.url, '消防控制室1号机');
  await page.getByTestId('sign-out').click();

  // The operator on the fire-room phone: the list of operators is fetched once online.
  await h.firstSignIn(page, server.url, 'op.wang', otps['op.wang'], 'op.wang-password-1');
  await page.goto(server.url + '/fire');
  const shift = page.getByTestId('shift');
  const chips = shift.getByTestId('shift-operators').locator('button');
  await expect(chips).toHaveText(['李消防', '王消防']);
  await expect(chips.filter({ hasText: '王消防' })).toHaveClass(/on/);
  await context.setOffline(true);
  // Alone: short-staffed.
  await expect(shift.getByTestId('shift-warnings')).toHaveText('每班至少2名值班人员');
  await chips.filter({ hasText: '李消防' }).click();
  await shift.getByTestId('shift-hours-12').click();
  await expect(shift.getByTestId('shift-warnings').locator('li')).toHaveText(['每班不超过8小时', '李消防没有消防设施操作员证书']);
  await shift.getByTestId('shift-hours-8').click();
  await expect(shift.getByTestId('shift-warnings').locator('li')).toHaveText(['李消防没有消防设施操作员证书']);
  await expect(shift.getByTestId('shift-start')).toHaveText('知晓以上问题，仍然开始值班');
  await page.screenshot({ path: 'screenshots/fire-shift-zh.png', fullPage: true });
  await shift.getByTestId('shift-start').click();
  await expect(shift.getByTestId('shift-current')).toContainText('本班：王消防、李消防');
  await expect(shift.getByTestId('shift-current').getByTestId('shift-warnings')).toHaveText('李消防没有消防设施操作员证书');
  // Status entries are due from the shift's start.
  await expect(page.getByTestId('status-due')).toContainText('下次记录');
  await h.fitsWidth(page);

  // Courtroom duty from the rounds page.
  await page.goto(server.url + '/rounds');
  const duty = page.getByTestId('court-duty');
  await duty.getByTestId('duty-start').click();
  await expect(page.getByTestId('message')).toHaveText('请选择法庭');
  await duty.getByRole('button', { name: '第三审判法庭' }).click();
  await duty.getByLabel('案号（可不填）').fill('(2026)吉0323民初88号');
  await duty.getByTestId('duty-start').click();
  await expect(duty.getByTestId('duty-on')).toContainText('第三审判法庭 · (2026)吉0323民初88号');
  await duty.getByTestId('duty-stopped').click();
  await duty.getByTestId('duty-finish').click();
  await expect(page.getByTestId('message')).toHaveText('请写明发生的情况及处置');
  await duty.getByLabel('情况及处置').fill('旁听人员私自录音，经制止后删除');
  await page.screenshot({ path: 'screenshots/court-duty-zh.png', fullPage: true });
  await duty.getByTestId('duty-finish').click();
  await expect(duty.getByTestId('duty-row')).toContainText('有违反法庭纪律行为，已制止 旁听人员私自录音，经制止后删除');
  await expect(duty.getByTestId('duty-start')).toBeVisible();
  await h.fitsWidth(page);

  // Online: exactly those records, the warning judged by the server.
  await context.setOffline(false);
  await h.syncNow(page, 20_000);
  const sup = await phone(browser);
  await h.firstSignIn(sup.page, server.url, 'sup.sun', otps['sup.sun'], 'sup.sun-password-1');
  const shifts = await h.serverRows(server, 'sup.sun', 'sup.sun-password-1', 'fire_shift');
  expect(shifts.map((s) => [s.operator_names, JSON.parse(s.warnings), s.ends_at - s.starts_at])).toEqual([
    ['王消防、李消防', [{ code: 'uncertified', name: '李消防' }], 8 * 3600 * 1000],
  ]);
  const duties = await h.serverRows(server, 'sup.sun', 'sup.sun-password-1', 'court_duty');
  expect(duties.map((d) => [d.courtroom, d.case_no, d.outcome, d.note, d.finished_at !== null])).toEqual([
    ['第三审判法庭', '(2026)吉0323民初88号', 'stopped', '旁听人员私自录音，经制止后删除', true],
  ]);

  await sup.page.goto(server.url + '/dashboard');
  await expect(sup.page.getByTestId('duty-shift')).toContainText('王消防、李消防 · 李消防没有消防设施操作员证书');
  await expect(sup.page.getByTestId('kpi-fire')).toHaveClass(/alarm/);
  await expect(sup.page.getByTestId('court-duties')).toHaveText('1');
  await expect(sup.page.getByTestId('duty-court')).toContainText('第三审判法庭 (2026)吉0323民初88号 · 有违反法庭纪律行为，已制止：旁听人员私自录音，经制止后删除');
  await sup.page.getByTestId('kpi-fire').screenshot({ path: 'screenshots/dashboard-fire-zh.png' });
  await sup.page.getByTestId('kpi-rounds').screenshot({ path: 'screenshots/dashboard-rounds-zh.png' });
  await h.fitsWidth(sup.page);

  // English.
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('lang-switch')).toHaveText('中文');
  await page.goto(server.url + '/fire');
  await expect(page.getByTestId('shift-current')).toContainText('李消防 holds no fire-facility operator certificate');
  await page.screenshot({ path: 'screenshots/fire-shift-en.png', fullPage: true });
  await h.fitsWidth(page);
  await sup.context.close();
});
