// Service to the court (#20) at 360×640: the court's liaison files an urgent request online;
// a team leader, on the tribunal's post phone, sees it with its clock running and acknowledges
// it in one tap, handles it and reports back, offline for the last two; the liaison confirms it
// closed; the response time is on the dashboard. A call logged 40 minutes after it came in is
// late by its call's time, whenever the phone sends it.
import { test, expect, Page } from '@playwright/test';
import { api, startServer, stopServer, setUp, Running } from '../server';
import * as h from '../helpers';

let server: Running;
let otps: Record<string, string>;
test.beforeAll(async () => {
  server = await startServer();
  otps = await setUp(server, 'admin-password-e2e', [
    { login: 'court.li', name: '李联络', roles: ['court_liaison'], sites: ['huancheng'] },
    { login: 'sup.qian', name: '钱主管', roles: ['supervisor'], sites: ['huancheng'] },
    { login: 'lead.sun', name: '孙班长', roles: ['team_leader'], sites: ['huancheng'] },
  ]);
  // The service's people chose their passwords already (each test stands on its own); the
  // liaison's first sign-in is the first test's.
  for (const login of ['sup.qian', 'lead.sun']) {
    const r = await api(server.url, '/api/v1/auth/sign-in', { login, password: otps[login] });
    await api(server.url, '/api/v1/me/password', { current_password: otps[login], new_password: `${login}-password-1` }, r.cookie);
  }
});
test.afterAll(async () => { if (server) await stopServer(server); });

const firstSignIn = (page: Page, login: string) =>
  h.firstSignIn(page, server.url, login, otps[login], `${login}-password-1`);
const signIn = (page: Page, login: string) => h.signInHome(page, server.url, login);
const signOut = h.signOut;

test('the liaison asks, a team leader answers on another phone, the response time is on the dashboard', async ({ page, browser }) => {
  test.setTimeout(180_000);
  page.on('dialog', (d) => d.accept());
  // The liaison, on their own phone (not enrolled): the court's form, online.
  await firstSignIn(page, 'court.li');
  await page.getByRole('link', { name: '需求与反馈' }).click();
  await expect(page).toHaveURL(/\/requests$/);
  const ask = page.getByTestId('court-request');
  await ask.getByTestId('court-send').click();
  await expect(page.getByTestId('message')).toHaveText('请选择紧急或一般');
  await ask.getByTestId('urgency-urgent').click();
  await ask.getByLabel('需求内容').fill('第二审判庭门口有人滞留争吵');
  await ask.getByTestId('court-send').click();
  await expect(page.getByTestId('message')).toHaveText('已提交，安保服务将按时限响应');
  const mine = page.getByTestId('requests-open').getByTestId('request');
  await expect(mine).toHaveCount(1);
  await expect(mine.getByTestId('req-clock')).toContainText('剩余');
  await h.fitsWidth(page);

  // The tribunal's post phone: enrolled by the supervisor, the team leader signed in.
  const phone = await h.phoneContext(browser);
  const p = await phone.newPage();
  p.on('dialog', (d) => d.accept());
  await signIn(p, 'sup.qian');
  await h.enrolPhone(p, server.url, '环城法庭门卫室');
  await signOut(p);
  await signIn(p, 'lead.sun');
  await p.getByRole('link', { name: '法院需求响应' }).click();
  await h.syncNow(p);
  const card = p.getByTestId('requests-open').getByTestId('request');
  await expect(card).toHaveCount(1);
  await expect(card.getByTestId('req-subject')).toHaveText('第二审判庭门口有人滞留争吵');
  await expect(card).toContainText('紧急');
  await expect(card.getByTestId('req-clock')).toContainText('剩余 1');
  await p.screenshot({ path: 'screenshots/requests-zh.png', fullPage: true });
  await h.fitsWidth(p);
  await card.getByTestId('req-ack').click();
  await expect(card.getByTestId('req-clock')).toContainText('响应用时 0 分钟');
  await h.syncNow(p);

  // Offline, the handling and the report back, saved on the phone.
  await phone.setOffline(true);
  await card.getByTestId('req-handle').click();
  await expect(p.getByTestId('message')).toHaveText('请写明处理情况');
  await card.getByLabel('处理情况').fill('已到场劝离，双方情绪平稳');
  await card.getByText('派人到场处理').click();
  await card.getByTestId('req-handle').click();
  await expect(card.getByTestId('req-report')).toBeVisible();
  await card.getByLabel('向法院反馈的内容').fill('已电话告知李联络');
  await card.getByTestId('req-report').click();
  await expect(card).toContainText('已反馈');
  await phone.setOffline(false);
  await h.syncNow(p);

  // The supervisor's dashboard: one request, answered in time.
  await signOut(p);
  await signIn(p, 'sup.qian');
  await p.goto(server.url + '/dashboard');
  const kpi = p.getByTestId('kpi-responses');
  await expect(kpi.getByTestId('resp-requests')).toHaveText('1');
  await expect(kpi.getByTestId('resp-share')).toHaveText('100.0%');
  await expect(kpi.getByTestId('resp-breaches')).toHaveText('0');
  await kpi.screenshot({ path: 'screenshots/dashboard-responses-zh.png' });

  // The liaison sees who answered and what was done, and confirms it closed.
  await page.reload();
  const done = page.getByTestId('requests-open').getByTestId('request');
  await expect(done).toContainText('孙班长');
  await expect(done).toContainText('已到场劝离');
  await done.getByTestId('req-confirm').click();
  await expect(page.getByTestId('requests-closed').getByTestId('request')).toContainText('确认办结');
  await expect(page.getByTestId('requests-open').getByTestId('request')).toHaveCount(0);
  await phone.close();
});

test('a call logged 40 minutes after it came in is late by the call, offline or not', async ({ page, context }) => {
  test.setTimeout(120_000);
  page.on('dialog', (d) => d.accept());
  await signIn(page, 'sup.qian');
  await h.enrolPhone(page, server.url, '环城法庭值班室');
  await page.goto(server.url + '/requests');
  await context.setOffline(true);
  const form = page.getByTestId('log-request');
  await form.locator('summary').click();
  await form.getByTestId('channel-phone').click();
  await form.getByTestId('urgency-urgent').click();
  await form.getByLabel('提出人或部门').fill('立案庭');
  await form.getByLabel('需求内容').fill('立案大厅排队拥挤');
  // The call came in 40 minutes ago (court time on the phone's clock).
  const at = await page.evaluate(() => {
    const t = new Date(Date.now() - 40 * 60_000 + 8 * 3600_000);
    return t.toISOString().slice(11, 16);
  });
  await form.locator('input[name=received_at]').fill(at);
  await form.getByTestId('log-save').click();
  await expect(page.getByTestId('message')).toHaveText('已保存在手机上，联网后自动同步');
  const card = page.getByTestId('requests-open').getByTestId('request').filter({ hasText: '立案大厅排队拥挤' });
  await expect(card.getByTestId('req-clock')).toContainText('已超时 2');
  await expect(card).toContainText('服务电话');
  // The week's opening of the suggestion box, offline too.
  const box = page.getByTestId('suggestion-box');
  await expect(box.getByTestId('box-state')).toContainText('尚无开箱记录（应开箱）');
  await box.locator('summary').click();
  await box.getByLabel('箱内件数').fill('1');
  await box.getByLabel('内容摘要（需求请另行登记）').fill('建议立案大厅增设饮水机');
  await box.getByTestId('box-save').click();
  await expect(box.getByTestId('box-state')).toContainText('上次开箱');
  await context.setOffline(false);
  await h.syncNow(page);
  const rows = await h.serverRows(server, 'sup.qian', 'sup.qian-password-1', 'court_request');
  const row = rows.find((r) => r.subject === '立案大厅排队拥挤');
  expect(row.channel).toBe('phone');
  // Within the minute typed (the form takes hours and minutes).
  expect(Math.abs(Date.now() - 40 * 60_000 - row.received_at)).toBeLessThan(2 * 60_000);
});

test('a violent conflict walked step by step offline, sent once, its reports printed', async ({ page, context }) => {
  test.setTimeout(120_000);
  page.on('dialog', (d) => d.accept());
  // The screening post's phone, enrolled by the supervisor; the team leader on it.
  await signIn(page, 'sup.qian');
  await h.enrolPhone(page, server.url, '环城法庭安检口');
  await signOut(page);
  await signIn(page, 'lead.sun');
  // The phone holds the team leader's signing secret (taken just after the sign-in): what is
  // recorded offline from now on is signed in their name.
  await page.waitForFunction(() => (JSON.parse(localStorage.getItem('gp.known') || '{"people":[]}').people || [])
    .some((p: any) => p.login === 'lead.sun' && p.wrapped));
  await context.setOffline(true);
  // Two taps: the home's tile, then what happened.
  await page.getByRole('link', { name: '突发事件处置' }).click();
  await page.getByTestId('emergency-violent_conflict').click();
  await expect(page.getByTestId('message')).toHaveText('已开始处置，请按步骤进行');
  const e = page.getByTestId('emergencies-open').getByTestId('emergency');
  await expect(e).toHaveCount(1);
  await expect(e.getByTestId('steps').locator('li')).toHaveCount(4);
  await e.getByTestId('step-done').click();
  await expect(e.getByTestId('step-stop_and_separate').getByTestId('step-time')).toBeVisible();
  // The scene could not be kept (people had to pass): skipped, with the reason.
  await e.getByTestId('step-skip').click();
  await e.getByLabel('跳过原因').fill('通道须保持畅通');
  await e.getByTestId('step-skip-confirm').click();
  await expect(e.getByTestId('step-protect_scene')).toContainText('跳过：通道须保持畅通');
  await e.getByTestId('step-done').click();
  // The report to the court says what it said.
  await e.getByTestId('step-done').click();
  await expect(e.getByRole('alert')).toHaveText('请写明报告内容（时间、地点、性质、影响）');
  await e.getByLabel('报告内容（时间、地点、性质、影响）').fill('10:05 二楼走廊当事人争执，已隔离，无人受伤，庭审未受影响');
  await e.getByTestId('step-done').click();
  await expect(e.getByTestId('step-report_to_court')).toContainText('无人受伤');
  await page.screenshot({ path: 'screenshots/emergency-zh.png', fullPage: true });
  await h.fitsWidth(page);
  const report = e.getByTestId('after-report');
  await report.getByLabel('原因').fill('当事人不满调解结果');
  await report.getByLabel('处置经过').fill('制止、隔离、通知司法警察');
  await report.getByLabel('损失情况').fill('无');
  await report.getByLabel('经验教训').fill('调解室外应有人值守');
  await report.getByTestId('after-report-send').click();
  await expect(page.getByTestId('message')).toHaveText('请写明整改措施');
  await report.getByLabel('整改措施').fill('调解时段增派一人');
  await report.getByTestId('after-report-send').click();
  await expect(page.getByTestId('emergencies-closed').getByTestId('emergency')).toHaveCount(1);
  await context.setOffline(false);
  await h.syncNow(page);

  // On the server once, every step with its time, and the reports print for the court.
  const rows = await h.serverRows(server, 'sup.qian', 'sup.qian-password-1', 'emergency');
  expect(rows).toHaveLength(1);
  expect(rows[0].kind).toBe('violent_conflict');
  expect(rows[0].closed_at).toBeTruthy();
  const steps = (await h.serverRows(server, 'sup.qian', 'sup.qian-password-1', 'procedure_step'))
    .filter((s) => s.of_id === rows[0].id);
  expect(steps.map((s) => s.step)).toEqual(['stop_and_separate', 'protect_scene', 'call_police', 'report_to_court']);
  const print = await page.goto(server.url + '/emergency/print?id=' + rows[0].id);
  expect(print!.status()).toBe(200);
  await expect(page.locator('body')).toContainText('暴力冲突');
  await expect(page.locator('body')).toContainText('已隔离，无人受伤');
  await expect(page.locator('body')).toContainText('调解时段增派一人');
});
