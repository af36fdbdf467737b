// A person's first minutes with the app on a 360×640 phone: the administrator's first sign-in,
// creating a guard, the guard's first sign-in, languages, wrong passwords.
import { test, expect, Page } from '@playwright/test';
import { startServer, stopServer, Running } from '../server';
import * as h from '../helpers';

let server: Running;
test.beforeAll(async () => { server = await startServer(); });
test.afterAll(async () => { if (server) await stopServer(server); });

const signIn = (page: Page, login: string, password: string) => h.signIn(page, server.url, login, password);

test('first administrator signs in, must change the password, creates a guard who then signs in', async ({ page, browser }) => {
  expect(server.firstAdmin?.login).toBe('admin');
  await page.goto(server.url + '/');
  // Nobody signed in: the app sends the person to sign in.
  await expect(page).toHaveURL(/\/signin$/);
  await page.screenshot({ path: 'screenshots/signin-zh.png' });

  await signIn(page, 'admin', server.firstAdmin!.password);
  await expect(page).toHaveURL(/\/password$/);
  await expect(page.getByText('首次登录，请先设置新密码')).toBeVisible();
  await page.getByLabel('当前密码').fill(server.firstAdmin!.password);
  await page.getByLabel('新密码（至少10位）').fill('short');
  await page.getByLabel('再次输入新密码').fill('short');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByTestId('message')).toHaveText('新密码至少10位');
  await page.getByLabel('新密码（至少10位）').fill('admin-password-e2e');
  await page.getByLabel('再次输入新密码').fill('admin-password-e2e');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page).toHaveURL(server.url + '/');
  await expect(page.getByTestId('roles')).toHaveText('系统管理员');
  await page.screenshot({ path: 'screenshots/home-admin-zh.png' });

  // Create a guard at the Huancheng tribunal.
  await page.getByRole('link', { name: '人员与账号' }).click();
  await page.getByText('新增人员').click();
  const form = page.getByTestId('person-form').first();
  await form.getByLabel('账号').fill('guard.zhao');
  await form.getByLabel('姓名').fill('赵安保');
  await form.getByLabel('安保员').check();
  await form.getByLabel('环城人民法庭').check();
  await form.getByRole('button', { name: '保存' }).click();
  const otpBox = page.getByTestId('one-time-password');
  await expect(otpBox).toContainText('guard.zhao');
  const otp = (await otpBox.locator('code').textContent())!.trim();
  expect(otp).toHaveLength(12);
  await expect(page.getByTestId('person').filter({ hasText: '赵安保' })).toBeVisible();
  await page.screenshot({ path: 'screenshots/people-zh.png', fullPage: true });

  // The guard, on another phone.
  const ctx = await h.phoneContext(browser);
  const phone = await ctx.newPage();
  await phone.goto(server.url + '/signin');
  await phone.getByLabel('账号').fill('guard.zhao');
  await phone.getByLabel('密码').fill(otp);
  await phone.getByRole('button', { name: '登录' }).click();
  await expect(phone).toHaveURL(/\/password$/);
  await phone.getByLabel('当前密码').fill(otp);
  await phone.getByLabel('新密码（至少10位）').fill('guard-password-1');
  await phone.getByLabel('再次输入新密码').fill('guard-password-1');
  await phone.getByRole('button', { name: '保存' }).click();
  await expect(phone.getByTestId('hello')).toHaveText('赵安保');
  const tasks = phone.getByTestId('tasks');
  await expect(tasks).toContainText('来访登记');
  await expect(tasks).toContainText('安检');
  await expect(tasks).not.toContainText('人员与账号');
  await expect(tasks).not.toContainText('锅炉运行记录');
  await phone.screenshot({ path: 'screenshots/home-guard-zh.png' });

  // The guard sees only the tribunal.
  await tasks.getByRole('link', { name: '场所' }).click();
  await expect(phone.getByTestId('site')).toHaveCount(1);
  await expect(phone.getByTestId('site')).toContainText('环城人民法庭');

  // Every tap target on the home screen is at least 44 px high.
  await phone.goto(server.url + '/');
  await expect(phone.getByTestId('hello')).toBeVisible();
  const small = await phone.evaluate(() =>
    [...document.querySelectorAll('a, button, input, select')]
      .filter((e) => (e as HTMLElement).offsetParent !== null)
      .filter((e) => e.getBoundingClientRect().height < 44)
      .map((e) => e.outerHTML.slice(0, 80)));
  expect(small).toEqual([]);
  // Nothing is wider than the phone.
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

  // English, kept across a reload (the server renders it from the cookie).
  await phone.getByTestId('lang-switch').click();
  await expect(phone.getByTestId('tasks')).toContainText('Visitor registration');
  await phone.reload();
  await expect(phone.getByTestId('tasks')).toContainText('Visitor registration');
  await expect(phone.locator('html')).toHaveAttribute('lang', 'en');
  await phone.screenshot({ path: 'screenshots/home-guard-en.png' });

  // Sign out: back to the sign-in page, and the session is gone.
  await phone.getByTestId('sign-out').click();
  await expect(phone).toHaveURL(/\/signin$/);
  const me = await phone.evaluate(async () => (await fetch('/api/v1/me')).status);
  expect(me).toBe(401);
  await ctx.close();
});

test('a wrong password and too many tries are explained in Chinese', async ({ page }) => {
  // An account of its own: the lock must not shut the administrator out of the next test.
  await signIn(page, 'guard.zhao', 'not-the-password');
  await expect(page.getByTestId('message')).toHaveText('账号或密码错误');
  for (let i = 0; i < 4; i++) {
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByRole('button', { name: '登录' })).toBeEnabled();
  }
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByTestId('message')).toContainText('登录失败次数过多');
  await expect(page.getByTestId('message')).toContainText('分钟后可再试');
  // What was typed stays in the form.
  await expect(page.getByLabel('账号')).toHaveValue('guard.zhao');
});

test('the new-person form is empty again after a person is created', async ({ page }) => {
  await signIn(page, 'admin', 'admin-password-e2e');
  await page.getByRole('link', { name: '人员与账号' }).click();
  await page.getByText('新增人员').click();
  const form = page.getByTestId('person-form').first();
  await form.getByLabel('账号').fill('gate.sun');
  await form.getByLabel('姓名').fill('孙门卫');
  await form.getByLabel('门卫', { exact: true }).check();
  await form.getByLabel('院本级').check();
  // The guard licence goes in with the person: no "missing licence" flag on the new row.
  await form.getByLabel('保安员证 编号').fill('吉保-2026-0031');
  await form.getByLabel('保安员证 有效期至').fill('2099-06-30');
  await form.screenshot({ path: 'screenshots/person-new-zh.png' });
  await form.getByRole('button', { name: '保存' }).click();
  await expect(page.getByTestId('one-time-password')).toContainText('gate.sun');
  await expect(form.getByLabel('账号')).toHaveValue('');
  await expect(form.getByLabel('门卫', { exact: true })).not.toBeChecked();
  await expect(form.getByLabel('保安员证 编号')).toHaveValue('');
  await expect(form.getByLabel('保安员证 有效期至')).toHaveValue('');
  const row = page.getByTestId('person').filter({ hasText: '@gate.sun' });
  await expect(row).toBeVisible();
  await expect(row.getByTestId('cert-flag')).toHaveCount(0);
});
