// Hazards and rectifications on two phones (#6): the guard reports a hazard offline; online, the
// supervisor issues it to the guard; the guard records the work; the supervisor, offline,
// approves it; both online, the item is closed exactly once. Then the conflict: both change the
// same item offline; the later one is refused and its author sees why.
import { test, expect, Page, Browser } from '@playwright/test';
import { startServer, stopServer, setUp, Running } from '../server';
import * as h from '../helpers';

let server: Running;
let otps: Record<string, string>;
test.beforeAll(async () => {
  server = await startServer();
  otps = await setUp(server, 'admin-password-e2e', [
    { login: 'sup.qian', name: '钱主管', roles: ['supervisor'], sites: ['main'] },
    { login: 'guard.li', name: '李安保', roles: ['guard'], sites: ['main'] },
    { login: 'liaison.zhou', name: '周联络', roles: ['court_liaison'], sites: ['main'] },
    { login: 'sup.wu', name: '吴主管', roles: ['supervisor'], sites: ['main'] },
  ]);
});
test.afterAll(async () => { if (server) await stopServer(server); });

const supPw = 'sup.qian-password-1';
const guardPw = 'guard.li-password-1';

async function phone(browser: Browser) {
  const context = await h.phoneContext(browser);
  return { context, page: await context.newPage() };
}

/// Taps 同步 and waits for that sync's pull too (pending 0 alone can come before the pull has
/// brought the other phone's changes).
async function sync(page: Page) {
  const pulled = page.waitForResponse((r) => r.url().endsWith('/api/sync/v1/pull'), { timeout: 20_000 });
  await h.syncNow(page, 20_000);
  await (await pulled).finished();
}

/// The court date `days` from now, YYYY-MM-DD.
function courtDate(days: number): string {
  return new Date(Date.now() + 8 * 3600_000 + days * 86400_000).toISOString().slice(0, 10);
}

async function openRect(page: Page, testid: string) {
  const rect = page.getByTestId(testid).getByTestId('rect').first();
  await rect.locator('summary').first().click();
  return rect;
}

test('a hazard reported offline is issued, fixed, approved offline and closed once; a stale change is refused', async ({ browser }) => {
  test.setTimeout(180_000);
  const sup = await phone(browser);
  const guard = await phone(browser);
  await h.firstSignIn(sup.page, server.url, 'sup.qian', otps['sup.qian'], supPw);
  await h.enrolPhone(sup.page, server.url, '主管手机');
  // The guard's phone is enrolled by the supervisor, then the guard signs in on it.
  await h.signIn(guard.page, server.url, 'sup.qian', supPw);
  await expect(guard.page.getByTestId('hello')).toBeVisible();
  await h.enrolPhone(guard.page, server.url, '院本级大厅');
  await guard.page.getByTestId('sign-out').click();
  await h.firstSignIn(guard.page, server.url, 'guard.li', otps['guard.li'], guardPw);
  await guard.page.evaluate(async () => { await navigator.serviceWorker.ready; });

  // Offline, the guard reports a hazard in a few taps.
  const g = guard.page;
  await g.goto(server.url + '/');
  await g.getByRole('link', { name: '上报隐患' }).click();
  await expect(g.getByTestId('hazard-form')).toBeVisible();
  await guard.context.setOffline(true);
  await g.getByTestId('place-chips').getByRole('button', { name: '立案大厅', exact: true }).click();
  await g.getByTestId('category-electrical').click();
  await g.getByLabel('隐患描述').fill('安检门旁插座面板破损，线头外露');
  await g.getByTestId('save').click();
  await expect(g.getByTestId('message')).toHaveText('已保存，已登记整改（待主管下达）');
  await h.fitsWidth(g);
  await g.screenshot({ path: 'screenshots/hazard-zh.png', fullPage: true });
  await g.goto(server.url + '/rectify');
  await expect(g.getByTestId('ledger').getByTestId('rect-state')).toHaveText('已登记');
  await guard.context.setOffline(false);
  await sync(g);

  // Online, the supervisor issues it to the guard.
  const s = sup.page;
  await s.goto(server.url + '/rectify');
  await sync(s);
  let rect = await openRect(s, 'queue-issue');
  await rect.locator('select[name=responsible_id]').selectOption({ label: '李安保' });
  await rect.getByLabel('整改措施').fill('断电后更换插座面板，线路入槽');
  await rect.getByLabel('整改期限').fill(courtDate(3));
  await rect.getByLabel('整改期间防范措施').fill('设置警示标识，专人看护');
  await rect.getByTestId('save-ledger').click();
  await expect(s.getByTestId('ledger').getByTestId('rect-state')).toHaveText('已下达');
  await sync(s);
  await h.fitsWidth(s);

  // The guard records the work done.
  await sync(g);
  rect = await openRect(g, 'queue-mine');
  await expect(rect.getByTestId('responsible')).toContainText('李安保');
  await rect.getByLabel('整改情况').fill('已更换面板，线路入槽固定');
  await rect.getByTestId('complete').click();
  await expect(g.getByTestId('ledger').getByTestId('rect-state')).toHaveText('待验收');
  await sync(g);

  // The supervisor, offline, approves in two taps: open it, approve.
  await sync(s);
  await sup.context.setOffline(true);
  rect = await openRect(s, 'queue-review');
  await expect(rect).toContainText('已更换面板，线路入槽固定');
  await s.screenshot({ path: 'screenshots/rectify-review-zh.png', fullPage: true });
  await rect.getByTestId('approve').click();
  await expect(s.getByTestId('ledger').getByTestId('rect-state')).toHaveText('已销号');
  await expect(s.getByTestId('queue-review')).toHaveCount(0);
  // Both online: closed exactly once.
  await sup.context.setOffline(false);
  await sync(s);
  await sync(g);
  await expect(g.getByTestId('ledger').getByTestId('rect-state')).toHaveText('已销号');
  let rects = await h.serverRows(server, 'sup.qian', supPw, 'rectification');
  expect(rects.map((r) => [r.state, r.notice_no, r.responsible_name])).toEqual([
    ['closed', `ZG-${courtDate(0).slice(0, 4)}-0001`, '李安保'],
  ]);
  let thread = await h.serverRows(server, 'sup.qian', supPw, 'rect_comment');
  expect(thread.map((c) => c.kind).sort()).toEqual(['approve', 'complete', 'issue']);

  // The conflict: a second hazard, issued; both change it offline on the same revision.
  await g.goto(server.url + '/hazard');
  await g.getByLabel('地点').fill('三楼档案室');
  await g.getByTestId('category-fire').click();
  await g.getByLabel('隐患描述').fill('灭火器压力不足');
  await g.getByTestId('save').click();
  await sync(g);
  await s.goto(server.url + '/rectify');
  await sync(s);
  rect = await openRect(s, 'queue-issue');
  await rect.locator('select[name=responsible_id]').selectOption({ label: '李安保' });
  await rect.getByLabel('整改措施').fill('更换灭火器');
  await rect.getByLabel('整改期限').fill(courtDate(5));
  await rect.getByTestId('save-ledger').click();
  await sync(s);
  await g.goto(server.url + '/rectify');
  await sync(g);
  await expect(g.getByTestId('queue-mine').getByTestId('rect')).toHaveCount(1);

  await sup.context.setOffline(true);
  await guard.context.setOffline(true);
  rect = await openRect(s, 'ledger');
  await rect.getByTestId('ledger-form').locator('summary').click();
  await rect.getByLabel('整改期限').fill(courtDate(2));
  await rect.getByTestId('save-ledger').click();
  await expect(s.getByTestId('ledger').getByTestId('rect').first()).toContainText('期限 ' + courtDate(2));
  // The card stays open after the save, saying what became of it.
  await expect(s.getByTestId('ledger').getByTestId('rect').first().getByTestId('message')).toHaveText('已保存在手机上，联网后自动同步');
  rect = await openRect(g, 'queue-mine');
  await rect.getByLabel('整改情况').fill('已更换两具灭火器');
  await rect.getByTestId('complete').click();
  // The supervisor's change arrives first; the guard's, made on what they had read, is refused.
  await sup.context.setOffline(false);
  await sync(s);
  await guard.context.setOffline(false);
  await g.getByTestId('sync-now').click();
  await expect(g.getByTestId('rejected-row')).toContainText('此整改单在您查看之后已被他人修改', { timeout: 20_000 });
  await g.screenshot({ path: 'screenshots/rectify-stale-zh.png', fullPage: true });
  rects = await h.serverRows(server, 'sup.qian', supPw, 'rectification');
  const second = rects.find((r) => r.place === '三楼档案室');
  expect([second.state, second.deadline]).toEqual(['issued', courtDate(2)]);

  // An inspection: a failed item becomes a rectification to issue, in the same tap.
  await s.goto(server.url + '/inspect');
  await expect(s.getByTestId('inspection-due')).toContainText('每周现场检查');
  await expect(s.getByTestId('inspect-item')).toHaveCount(5);
  const failing = s.getByTestId('inspect-item').nth(1);
  await failing.getByTestId('item-fail').click();
  await s.getByTestId('save').click();
  await expect(s.getByTestId('message')).toContainText('不合格，请写明问题');
  await failing.getByLabel('问题').fill('手持探测器未使用');
  await s.getByTestId('save').click();
  await expect(s.getByTestId('message')).toHaveText('已保存，转整改 1 项');
  await expect(s.getByTestId('inspection-due')).not.toContainText('每周现场检查');
  await h.fitsWidth(s);
  await s.screenshot({ path: 'screenshots/inspect-zh.png', fullPage: true });
  await s.goto(server.url + '/rectify');
  await expect(s.getByTestId('queue-issue').getByTestId('rect')).toContainText('安检流程');
  await sync(s);
  rects = await h.serverRows(server, 'sup.qian', supPw, 'rectification');
  expect(rects.filter((r) => r.place === '安检流程').map((r) => [r.state, r.description]))
    .toEqual([['registered', '人员均经安检门和手持金属探测器检查：手持探测器未使用']]);

  // English, at phone width.
  await s.getByTestId('lang-switch').click();
  await expect(s.getByTestId('lang-switch')).toHaveText('中文');
  await s.goto(server.url + '/rectify');
  await openRect(s, 'ledger');
  await s.screenshot({ path: 'screenshots/rectify-en.png', fullPage: true });
  await h.fitsWidth(s);
  await sup.context.close();
  await guard.context.close();
});

test('a court complaint that needs work becomes a rectification in the supervisor\'s queue', async ({ browser }) => {
  test.setTimeout(120_000);
  const liaison = await phone(browser);
  const p = liaison.page;
  // The liaison's phone is enrolled by a supervisor.
  await h.firstSignIn(p, server.url, 'sup.wu', otps['sup.wu'], 'sup.wu-password-1');
  await h.enrolPhone(p, server.url, '法院联络人手机');
  await p.getByTestId('sign-out').click();
  await h.firstSignIn(p, server.url, 'liaison.zhou', otps['liaison.zhou'], 'liaison.zhou-password-1');
  await p.goto(server.url + '/rectify');
  // The liaison files complaints; reporting hazards is the guards'.
  await expect(p.getByTestId('report-link')).toHaveCount(0);
  await p.getByTestId('complaint-link').click();
  await expect(p.getByRole('heading', { name: '法院投诉转整改' })).toBeVisible();
  await expect(p.getByTestId('grade')).toHaveCount(0);
  await p.getByTestId('place-chips').getByRole('button', { name: '当事人等候大厅', exact: true }).click();
  await p.getByTestId('category-sanitation').click();
  await p.getByLabel('投诉内容及需整改的问题').fill('当事人反映等候区座椅长期未清洁');
  await p.getByTestId('save').click();
  await expect(p.getByTestId('message')).toHaveText('已保存，已登记整改（待主管下达）');
  await h.fitsWidth(p);
  await p.screenshot({ path: 'screenshots/complaint-zh.png', fullPage: true });
  await sync(p);
  const rects = await h.serverRows(server, 'sup.wu', 'sup.wu-password-1', 'rectification');
  const filed = rects.filter((r) => r.description === '当事人反映等候区座椅长期未清洁');
  expect(filed.map((r) => [r.state, r.grade, r.category, r.finder_name])).toEqual([['registered', 'general', 'sanitation', '周联络']]);
  await liaison.context.close();
});
