// The front desk on a phone: a mistyped ID number is explained in Chinese and nothing typed is
// lost; the X key; a returning visitor found by the last digits and registered again in two
// taps; the on-site roster with one-tap check-out; a record the server refused corrected and
// sent again, once.
import { test, expect } from '@playwright/test';
import { startServer, stopServer, setUp, Running } from '../server';
import * as h from '../helpers';
import { randomUUID } from 'node:crypto';

let server: Running;
let otps: Record<string, string>;
test.beforeAll(async () => {
  server = await startServer();
  otps = await setUp(server, 'admin-password-e2e', [
    { login: 'sup.qian', name: '钱主管', roles: ['supervisor', 'guard'], sites: ['main'] },
  ]);
});
test.afterAll(async () => { if (server) await stopServer(server); });

test('register, find a returning visitor, check out, correct a refused record', async ({ page, context }) => {
  await h.firstSignIn(page, server.url, 'sup.qian', otps['sup.qian'], 'sup.qian-password-1');
  await h.enrolPhone(page, server.url, '院本级安检口');
  await page.goto(server.url + '/visit');
  // The form is open (its code loaded) before the signal drops, as at a real desk.
  await expect(page.locator('select[name=area] option').nth(1)).toBeAttached();
  await context.setOffline(true);

  // A mistyped check character: the message says which part, the form keeps everything.
  await page.locator('select[name=area]').selectOption({ index: 1 });
  await page.getByLabel('访客姓名').fill('张三');
  await page.getByLabel('证件号码').fill('110105194912310021');
  await page.getByLabel('联系电话').fill('13800001111');
  await page.getByLabel('事由').fill('开庭');
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await expect(page.getByTestId('message')).toHaveText('第18位校验码应为“X”，输入的是“1”，请逐位核对');
  await expect(page.getByLabel('访客姓名')).toHaveValue('张三');
  await page.screenshot({ path: 'screenshots/visit-id-error-zh.png', fullPage: true });
  // Fixed with the X key (number keyboards have none).
  await page.getByLabel('证件号码').fill('11010519491231002');
  await page.getByTestId('key-x').click();
  await expect(page.getByLabel('证件号码')).toHaveValue(h.ID);
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await expect(page.getByTestId('message')).toHaveText('已保存在手机上，联网后自动同步');
  await h.register(page, '李四');

  // The returning visitor, by the last four characters, offline: pick, save.
  await page.getByTestId('lookup').fill('002X');
  await expect(page.getByTestId('match')).toHaveCount(2);
  await page.getByTestId('match').filter({ hasText: '张三' }).click();
  await expect(page.getByTestId('reuse')).toContainText('110105********002X');
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await expect(page.getByTestId('message')).toHaveText('已保存在手机上，联网后自动同步');
  await expect(page.getByTestId('pending')).toHaveText('3');

  // On site: three, one tap checks one out.
  await page.getByTestId('tab-onsite').click();
  await expect(page.getByTestId('onsite-total')).toHaveText('3');
  // Every row shows the masked number, the returning visitor's too (taken from the earlier visit).
  await expect(page.getByTestId('onsite-row').filter({ hasText: '110105********002X' })).toHaveCount(3);
  await page.screenshot({ path: 'screenshots/onsite-zh.png', fullPage: true });
  await page.getByTestId('onsite-row').filter({ hasText: '李四' }).getByTestId('check-out').click();
  await expect(page.getByTestId('onsite-total')).toHaveText('2');

  // Online: all four records go; the server holds three visits, one checked out.
  await context.setOffline(false);
  await h.syncNow(page, 20_000);
  let visits = await h.serverVisits(server, 'sup.qian', 'sup.qian-password-1');
  expect(visits).toHaveLength(3);
  expect(visits.filter((v) => v.checked_out_at !== null)).toHaveLength(1);
  expect(JSON.stringify(visits)).not.toContain('19491231');
  await page.reload();
  await expect(page.getByTestId('onsite-total')).toHaveText('2');

  // A record queued by an older build with a phone number the server refuses.
  const o = await h.storedOutbox(page);
  const { me, area } = await page.evaluate(() => ({
    me: JSON.parse(localStorage.getItem('gp.me')!),
    area: JSON.parse(localStorage.getItem('gp.last_post')!)[1],
  }));
  const id = o.last_id + 1;
  await h.putOutbox(page, [{ mutation: { id, name: 'visit.check_in', v: 2, author: me.id, client_time: Date.now(),
    args: { id: randomUUID(), site_id: me.site_ids[0], name: '王五', id_type: 'resident_id',
            id_number: '11010519491231002X', phone: '12345', category: 'lawyer', purpose: '阅卷', area_id: area } },
    state: 'pending', attempts: 0 }], { client_id: o.client_id, last_id: id, backed_up_to: o.backed_up_to ?? 0 });
  await page.reload();
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('rejected-row')).toContainText('王五：电话应为11位手机号或带区号的固定电话');
  await page.getByTestId('fix').click();
  await expect(page.getByTestId('fixing')).toBeVisible();
  await expect(page.getByLabel('访客姓名')).toHaveValue('王五');
  await expect(page.getByLabel('联系电话')).toHaveClass(/invalid/);
  await page.screenshot({ path: 'screenshots/visit-fix-zh.png', fullPage: true });
  await page.getByLabel('联系电话').fill('13900002222');
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await expect(page.getByTestId('pending')).toHaveText('0', { timeout: 20_000 });
  await expect(page.getByTestId('rejected')).toHaveCount(0);
  visits = await h.serverVisits(server, 'sup.qian', 'sup.qian-password-1');
  expect(visits.filter((v) => v.name === '王五')).toHaveLength(1);
});
