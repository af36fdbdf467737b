// What several specs do the same way: sign in on the phone, the first sign-in with its forced
// password change, and reading the server's visits through the sync API.
import { expect, Page } from '@playwright/test';
import { api, Running } from './server';

export async function signIn(page: Page, url: string, login: string, password: string) {
  await page.goto(url + '/signin');
  await page.getByLabel('账号').fill(login);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

/// Signs in with the one-time password and sets `newPassword` as the app requires.
export async function firstSignIn(page: Page, url: string, login: string, otp: string, newPassword: string) {
  await signIn(page, url, login, otp);
  await expect(page).toHaveURL(/\/password$/);
  await page.getByLabel('当前密码').fill(otp);
  await page.getByLabel('新密码（至少10位）').fill(newPassword);
  await page.getByLabel('再次输入新密码').fill(newPassword);
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByTestId('hello')).toBeVisible();
}

/// Every visit on the server, read by `login` (a supervisor) through a device of its own.
export async function serverVisits(server: Running, login: string, password: string): Promise<any[]> {
  const r = await api(server.url, '/api/v1/auth/sign-in', { login, password });
  const dev = await api(server.url, '/api/v1/devices', { label: 'counter' }, r.cookie);
  const visits: any[] = [];
  let cursor: number | null = null;
  for (;;) {
    const res = await fetch(server.url + '/api/sync/v1/pull', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: r.cookie!, 'x-guardpost-device-key': dev.json.device_key },
      body: JSON.stringify({ client_id: dev.json.client_id, cursor }),
    });
    const p = await res.json();
    visits.push(...p.changes.map((c: any) => c.data));
    cursor = p.cursor;
    if (!p.has_more) return visits;
  }
}
