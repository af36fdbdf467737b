// The scorecard and the court's survey (#22) at 360×640: the liaison opens a round and makes
// a department's one-time links; a respondent answers on a phone's browser from the link with
// nothing installed; the link used again says so; the supervisor reads the result on the
// scorecard, opens the answers that cost points, and opens a rectification from the comment
// in one tap. The print pages the court files keep their A4 layout and borders under the CSP.
import { test, expect, Page } from '@playwright/test';
import { api, startServer, stopServer, setUp, Running } from '../server';
import * as h from '../helpers';

let server: Running;
let admin: string;

test.beforeAll(async () => {
  server = await startServer();
  const otps = await setUp(server, 'admin-password-e2e', [
    { login: 'court.li', name: '李联络', roles: ['court_liaison'], sites: ['main'] },
    { login: 'sup.qian', name: '钱主管', roles: ['supervisor'], sites: ['main'] },
    { login: 'sup.two', name: '王主管', roles: ['supervisor'], sites: ['main', 'huancheng'] },
  ]);
  for (const login of ['court.li', 'sup.qian', 'sup.two']) {
    const r = await api(server.url, '/api/v1/auth/sign-in', { login, password: otps[login] });
    await api(server.url, '/api/v1/me/password', { current_password: otps[login], new_password: `${login}-password-1` }, r.cookie);
  }
  admin = (await api(server.url, '/api/v1/auth/sign-in', { login: server.firstAdmin!.login, password: 'admin-password-e2e' })).cookie!;
});
test.afterAll(async () => { if (server) await stopServer(server); });

/// Console messages that name the Content-Security-Policy.
function cspViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) seen.push(m.text()); });
  return seen;
}

test('a department answers from its link once; the scorecard counts it; a comment opens a rectification', async ({ browser }) => {
  test.setTimeout(180_000);
  // The liaison opens this quarter's round and makes two links for 立案庭.
  const liaison = await h.phoneContext(browser);
  const l = await liaison.newPage();
  await h.signInHome(l, server.url, 'court.li');
  await l.getByRole('link', { name: '满意度调查' }).click();
  await l.getByTestId('new-round').locator('summary').click();
  await l.getByTestId('create-round').click();
  const round = l.getByTestId('round').first();
  await expect(round).toBeVisible();
  await round.getByTestId('make-links').locator('summary').click();
  await round.getByLabel('部门').fill('立案庭');
  await round.getByLabel('份数').fill('2');
  await round.getByTestId('make').click();
  await expect(round.getByTestId('link-url')).toHaveCount(2);
  await expect(round.locator('.qr svg')).toHaveCount(2);
  await h.fitsWidth(l);
  await l.screenshot({ path: 'screenshots/survey-links-zh.png', fullPage: true });
  const url = (await round.getByTestId('link-url').first().textContent())!;

  // A respondent's phone: no account, no app; the page works without its code.
  const respondent = await h.phoneContext(browser, { javaScriptEnabled: false });
  const r = await respondent.newPage();
  const csp = cspViolations(r);
  await r.goto(url);
  await expect(r.getByText('服务态度')).toBeVisible();
  // One item left out: said, and what was typed is kept.
  for (const [q, score] of [['服务态度', '5'], ['专业能力', '4'], ['响应速度', '5'], ['秩序维护', '2']]) {
    await r.getByRole('group', { name: q }).locator(`input[value="${score}"]`).check({ force: true });
  }
  await r.getByLabel('意见和建议').fill('立案大厅等候座椅不够');
  await r.getByTestId('submit').click();
  await expect(r.getByTestId('error')).toHaveText('请为每一项打分，尚未打分：总体评价');
  await expect(r.getByLabel('意见和建议')).toHaveValue('立案大厅等候座椅不够');
  await r.getByRole('group', { name: '总体评价' }).locator('input[value="4"]').check({ force: true });
  await h.fitsWidth(r);
  await r.screenshot({ path: 'screenshots/survey-answer-zh.png', fullPage: true });
  await r.getByTestId('submit').click();
  await expect(r.getByTestId('notice')).toHaveText('已提交，感谢您的意见！');
  await r.goto(url);
  await expect(r.getByTestId('notice')).toContainText('此链接已提交过答卷');
  expect(csp).toEqual([]);

  // The supervisor's scorecard: satisfaction 4 of 5 answers are 4 or 5 (80%), below 90%.
  const supervisor = await h.phoneContext(browser);
  const s = await supervisor.newPage();
  await h.signInHome(s, server.url, 'sup.qian');
  await h.enrolPhone(s, server.url, '主管手机');
  await s.goto(server.url + '/dashboard');
  await s.getByTestId('to-scorecard').click();
  const sat = s.getByTestId('kpi-satisfaction');
  await expect(sat.getByTestId('value')).toHaveText('80.0%');
  // 30 × 80 / 90 = 26.67
  await expect(sat.getByTestId('score')).toHaveText('26.67');
  await sat.getByTestId('open-records').click();
  await expect(sat.getByTestId('detail').locator('li')).toHaveCount(1);
  await expect(sat.getByTestId('detail')).toContainText('秩序维护 2分');
  await expect(s.getByTestId('kpi-response').getByTestId('note')).toHaveText('本期无需求，得满分');
  await expect(s.getByTestId('rule')).toContainText('计分规则');
  await h.fitsWidth(s);
  await s.screenshot({ path: 'screenshots/scorecard-zh.png', fullPage: true });

  // The comment opens a rectification in one tap, prefilled; once synced the two name each other.
  await s.goto(server.url + '/surveys');
  await s.getByTestId('show-results').first().click();
  await expect(s.getByTestId('satisfied')).toHaveText('80.0%');
  await s.getByTestId('comment-rectify').click();
  await expect(s.getByLabel('隐患描述')).toHaveValue('立案大厅等候座椅不够');
  await s.getByTestId('place-chips').getByRole('button', { name: '立案大厅', exact: true }).click();
  await s.getByTestId('category-facility').click();
  await s.getByTestId('save').click();
  await expect(s.getByTestId('message')).toContainText('已保存');
  await h.syncNow(s);
  await s.goto(server.url + '/surveys');
  await s.getByTestId('show-results').first().click();
  await expect(s.getByTestId('comment').getByText('已转整改')).toBeVisible();
  await Promise.all([liaison.close(), respondent.close(), supervisor.close()]);
});

test('the print pages keep A4 and their borders under the CSP', async ({ page }) => {
  const csp = cspViolations(page);
  const sites = await (await fetch(server.url + '/api/v1/sites', { headers: { cookie: admin } })).json();
  const main = sites.find((x: any) => x.code === 'main').id;
  const r = await api(server.url, '/api/v1/auth/sign-in', { login: 'sup.qian', password: 'sup.qian-password-1' });
  const at = r.cookie!.indexOf('=');
  const [name, value] = [r.cookie!.slice(0, at), r.cookie!.slice(at + 1)];
  await page.context().addCookies([{ name, value, url: server.url }]);
  const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
  for (const path of [`/ledger/print?site=${main}&from=${month}&to=${month}`, `/monthly-report/print?site=${main}&month=${month}`]) {
    await page.goto(server.url + path);
    await page.emulateMedia({ media: 'print' });
    const border = await page.locator('th').first().evaluate((e) => getComputedStyle(e).borderTopWidth);
    expect(border, path).toBe('1px');
    const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf);
    expect(box, path).not.toBeNull();
    const [w, hgt] = [Number(box![1]), Number(box![2])].sort((a, b) => a - b);
    // A4 is 595 × 842 points, in either orientation.
    expect(Math.abs(w - 595.3), path).toBeLessThan(2);
    expect(Math.abs(hgt - 841.9), path).toBeLessThan(2);
  }
  expect(csp).toEqual([]);
});

test('the supervisor writes the plan, files last month and the court reads it frozen', async ({ browser }) => {
  test.setTimeout(120_000);
  const phone = await h.phoneContext(browser);
  const s = await phone.newPage();
  await h.signInHome(s, server.url, 'sup.qian');
  await s.getByRole('link', { name: '月度报告' }).click();
  await expect(s.getByTestId('report-state')).toContainText('草稿');
  await expect(s.getByTestId('part-visits')).toBeVisible();
  await expect(s.locator('.chart svg')).toHaveCount(2);
  await s.getByTestId('report-plan').locator('textarea').fill('加强立案大厅高峰时段疏导');
  await s.getByTestId('save-plan').click();
  await expect(s.getByTestId('message')).toHaveText('已保存');
  await h.fitsWidth(s);
  await s.screenshot({ path: 'screenshots/monthly-zh.png', fullPage: true });
  await s.getByTestId('file-report').click();
  await expect(s.getByTestId('report-state')).toContainText('已归档，编号');
  await expect(s.getByTestId('report-plan')).toContainText('加强立案大厅高峰时段疏导');
  await expect(s.getByTestId('file-report')).toHaveCount(0);
  await phone.close();
});

test('a supervisor of two sites sees both at once, the trends as charts, and searches past visits', async ({ browser }) => {
  test.setTimeout(120_000);
  const phone = await h.phoneContext(browser);
  const s = await phone.newPage();
  await h.signInHome(s, server.url, 'sup.two');
  await s.goto(server.url + '/dashboard');
  await expect(s.getByTestId('court-overview').getByTestId('site-row')).toHaveCount(2);
  await expect(s.getByTestId('court-overview')).toContainText('环城人民法庭');
  await s.getByTestId('trends').locator('summary').click();
  await expect(s.getByTestId('trends').locator('.chart svg')).toHaveCount(5);
  await s.getByTestId('trends').screenshot({ path: 'screenshots/trends-zh.png' });
  await s.getByTestId('court-overview').screenshot({ path: 'screenshots/court-overview-zh.png' });
  await s.getByTestId('visit-search').locator('summary').click();
  await s.getByTestId('search-visits').click();
  await expect(s.getByTestId('visit-search')).toContainText('没有符合条件的来访记录');
  await s.getByLabel('证件尾号（4到6位）').fill('12');
  await s.getByTestId('search-visits').click();
  await expect(s.getByTestId('visit-search').getByTestId('message')).toHaveText('证件尾号须为4到6位数字或X');
  await h.fitsWidth(s);
  await s.screenshot({ path: 'screenshots/dashboard-court-zh.png', fullPage: true });
  await phone.close();
});
