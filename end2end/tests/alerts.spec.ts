// Alerts (#21) at 360×640, with a fake group robot: a small real HTTP server on loopback that
// records what it is sent. An urgent request filed on the liaison's phone appears live on the
// team leader's post phone (no reload, no "sync now") and in the robot (without the request's
// words), is acknowledged there in one tap, its clock stops and the dashboard counts it. A post
// phone whose pushes do not get through and then goes offline with a record waiting raises the
// "not synced" alert on the team leader's home; once it sends, the alert goes.
import { test, expect, Page } from '@playwright/test';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { api, startServer, stopServer, setUp, Running } from '../server';
import * as h from '../helpers';

let server: Running;
let otps: Record<string, string>;
let admin: string;
let robot: http.Server;
let robotUrl: string;
const received: string[] = [];

test.beforeAll(async () => {
  robot = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try { received.push(JSON.parse(body).text.content); } catch { /* not a message */ }
      res.setHeader('content-type', 'application/json');
      res.end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((r) => robot.listen(0, '127.0.0.1', r));
  const port = (robot.address() as AddressInfo).port;
  robotUrl = `http://127.0.0.1:${port}/cgi-bin/webhook/send?key=`;
  // The rules judged every 2 seconds (30 by default) besides each change of records.
  server = await startServer({ env: { GUARDPOST_ALERT_TICK_SECS: '2' } });
  otps = await setUp(server, 'admin-password-e2e', [
    { login: 'court.li', name: '李联络', roles: ['court_liaison'], sites: ['huancheng'] },
    { login: 'sup.qian', name: '钱主管', roles: ['supervisor'], sites: ['huancheng'] },
    { login: 'lead.sun', name: '孙班长', roles: ['team_leader'], sites: ['huancheng'] },
    { login: 'guard.zhou', name: '周保安', roles: ['guard'], sites: ['huancheng'] },
  ]);
  for (const login of ['sup.qian', 'lead.sun', 'guard.zhou']) {
    const r = await api(server.url, '/api/v1/auth/sign-in', { login, password: otps[login] });
    await api(server.url, '/api/v1/me/password', { current_password: otps[login], new_password: `${login}-password-1` }, r.cookie);
  }
  admin = (await api(server.url, '/api/v1/auth/sign-in', { login: server.firstAdmin!.login, password: 'admin-password-e2e' })).cookie!;
  const r = await api(server.url, '/api/v1/robots', {
    site_id: '', kind: 'wecom', url: `http://127.0.0.1:${port}/cgi-bin/webhook/send?key=e2e-robot-key`,
  }, admin);
  expect(r.json.test_arrived).toBe(true);
  expect(JSON.stringify(r.json)).not.toContain('e2e-robot-key');
});
test.afterAll(async () => {
  if (server) await stopServer(server);
  robot?.close();
});

const signIn = (page: Page, login: string) => h.signInHome(page, server.url, login);
const signOut = h.signOut;

/// A rule changed as the administrator would.
async function setRule(rule: string, change: (r: any) => void) {
  const rules = await (await fetch(server.url + '/api/v1/alert-rules', { headers: { cookie: admin } })).json();
  const r = rules.find((x: any) => x.rule === rule);
  change(r);
  const res = await fetch(server.url + `/api/v1/alert-rules/${rule}`, {
    method: 'PUT', headers: { 'content-type': 'application/json', cookie: admin }, body: JSON.stringify(r),
  });
  expect(res.status).toBe(200);
}

test('an urgent request reaches the team leader live and the robot, one tap answers it, the KPI counts it', async ({ page, browser }) => {
  test.setTimeout(180_000);
  // The day's missed starting rounds would be alerts too: not this test's.
  await setRule('round_missed', (r) => { r.enabled = false; });
  page.on('dialog', (d) => d.accept());
  // The tribunal's post phone: enrolled by the supervisor, the team leader signed in, home.
  const phone = await h.phoneContext(browser);
  const p = await phone.newPage();
  p.on('dialog', (d) => d.accept());
  await signIn(p, 'sup.qian');
  await h.enrolPhone(p, server.url, '环城法庭门卫室');
  await signOut(p);
  await signIn(p, 'lead.sun');
  await expect(p.getByTestId('nothing-now')).toBeVisible();

  // The liaison, on their own phone, asks online.
  await h.firstSignIn(page, server.url, 'court.li', otps['court.li'], 'court.li-password-1');
  await page.getByRole('link', { name: '需求与反馈' }).click();
  const ask = page.getByTestId('court-request');
  await ask.getByTestId('urgency-urgent').click();
  await ask.getByLabel('需求内容').fill('第三审判庭旁听席有人喧哗');
  await ask.getByTestId('court-send').click();
  await expect(page.getByTestId('message')).toHaveText('已提交，安保服务将按时限响应');

  // Live on the post phone, within seconds (its own sync runs once a minute).
  const alert = p.getByTestId('now-alerts').getByTestId('alert');
  await expect(alert).toHaveCount(1, { timeout: 8_000 });
  await expect(alert).toContainText('紧急服务需求');
  await expect(alert).toContainText('第三审判庭旁听席有人喧哗');
  await expect(p.getByTestId('now-due')).toContainText('剩余');
  await p.screenshot({ path: 'screenshots/home-now-zh.png', fullPage: true });
  await h.fitsWidth(p);
  // And in the robot: its number, no words of the request.
  await expect.poll(() => received.find((m) => m.includes('紧急需求')) ?? '', { timeout: 10_000 }).toMatch(/^【安保告警 #\d+】/);
  expect(received.join('\n')).not.toContain('第三审判庭');

  // One tap: the alert is answered and goes; the request's clock stopped at the tap.
  await alert.getByTestId('ack').click();
  await expect(alert).toHaveCount(0, { timeout: 15_000 });
  await p.goto(server.url + '/requests');
  const card = p.getByTestId('requests-open').getByTestId('request');
  await expect(card.getByTestId('req-clock')).toContainText('响应用时 0 分钟');

  // The liaison sees it answered; the supervisor's dashboard counts it in time.
  await page.reload();
  await expect(page.getByTestId('requests-open').getByTestId('request')).toContainText('孙班长');
  await signOut(p);
  await signIn(p, 'sup.qian');
  await p.goto(server.url + '/dashboard');
  const kpi = p.getByTestId('kpi-responses');
  await expect(kpi.getByTestId('resp-requests')).toHaveText('1');
  await expect(kpi.getByTestId('resp-share')).toHaveText('100.0%');
  await phone.close();
});

test('a post phone offline with a record waiting raises "not synced" on the team leader\'s home', async ({ page, browser }) => {
  test.setTimeout(180_000);
  // Two hours by default: the administrator's threshold, for the test's sake, none.
  await setRule('phone_unsynced', (r) => { r.threshold = 0; });
  await setRule('round_missed', (r) => { r.enabled = false; });
  page.on('dialog', (d) => d.accept());
  // The team leader's own phone, enrolled, on the home.
  await signIn(page, 'sup.qian');
  await h.enrolPhone(page, server.url, '班长手机');
  await signOut(page);
  await signIn(page, 'lead.sun');

  // The lobby's post phone: the guard registers a visitor while its pushes do not get
  // through (a weak signal lets the small requests by); the phone says at its next contact
  // that a record waits, then goes offline.
  const phone = await h.phoneContext(browser);
  const p = await phone.newPage();
  p.on('dialog', (d) => d.accept());
  await signIn(p, 'sup.qian');
  await h.enrolPhone(p, server.url, '环城法庭大厅');
  await signOut(p);
  await signIn(p, 'guard.zhou');
  await p.route('**/api/sync/v1/push', (r) => r.fulfill({ status: 503, body: '{}' }));
  await p.goto(server.url + '/visit');
  await h.register(p, '吴访客');
  await expect(p.getByTestId('pending')).toHaveText('1');
  await p.getByTestId('sync-now').click();
  await phone.setOffline(true);

  const alert = page.getByTestId('now-alerts').getByTestId('alert');
  await expect(alert).toContainText('手机未同步', { timeout: 15_000 });
  await expect(alert).toContainText('环城法庭大厅');
  await expect(alert).toContainText('1 条记录待同步');
  await page.screenshot({ path: 'screenshots/home-unsynced-zh.png', fullPage: true });

  // Back, and its pushes get through: the record arrives and the alert goes by itself.
  await p.unroute('**/api/sync/v1/push');
  await phone.setOffline(false);
  await h.syncNow(p);
  await expect(alert).toHaveCount(0, { timeout: 15_000 });
  await phone.close();
});

test('the administrator sets a rule and adds a robot on /server, on a phone', async ({ page }) => {
  test.setTimeout(120_000);
  await h.signIn(page, server.url, server.firstAdmin!.login, 'admin-password-e2e');
  await page.goto(server.url + '/server');
  const rules = page.getByTestId('alert-rules');
  await expect(rules.locator('details')).toHaveCount(12);
  const urgent = page.getByTestId('rule-request_urgent');
  await urgent.locator('summary').click();
  const chain = urgent.getByTestId('chain');
  await expect(chain).toHaveValue('0:guard,team_leader; 5:supervisor; 10:supervisor,court_liaison');
  // A chain that does not start at once is refused with why; nothing is saved.
  await chain.fill('3:guard; 5:supervisor');
  await urgent.getByRole('button', { name: '保存' }).click();
  await expect(page.getByTestId('admin-message')).toHaveText('第一级须在 0 分钟（立即）通知');
  await chain.fill('0:guard,team_leader; 3:supervisor; 10:supervisor,court_liaison');
  await urgent.getByRole('button', { name: '保存' }).click();
  await expect(page.getByTestId('admin-message')).toHaveText('紧急服务需求 · 已保存');
  // A robot for the tribunal: the test message arrives, the address comes back masked.
  await page.getByTestId('robots').locator('select').first().selectOption({ label: '环城人民法庭' });
  await page.getByLabel('Webhook 地址（保存后只显示末四位）').fill(robotUrl + 'admin-page-key-9z');
  await page.getByTestId('add-robot').click();
  await expect(page.getByTestId('admin-message')).toHaveText('测试消息已送达');
  const card = page.getByTestId('robot').filter({ hasText: '环城人民法庭' });
  await expect(card).toContainText('…y-9z');
  await expect(page.getByTestId('robots')).not.toContainText('admin-page-key');
  await page.screenshot({ path: 'screenshots/server-alerts-zh.png', fullPage: true });
  await h.fitsWidth(page);
  const rulesNow = await (await fetch(server.url + '/api/v1/alert-rules', { headers: { cookie: admin } })).json();
  expect(rulesNow.find((r: any) => r.rule === 'request_urgent').chain[1].after_min).toBe(3);
});
