// A court's own network: the server serves HTTPS itself with a certificate from the court's
// own authority (`guardpost tls`), at a name that is not localhost (Chromium maps
// guardpost.court.test to this machine, and trusts the authority's key as a phone that
// installed it would). The service worker registers, the app opens offline after one visit,
// a record saved offline arrives once. The same app at that name over plain HTTP says that
// offline use needs HTTPS, and does not call a record safe on the phone.
import { test, expect, chromium, Browser } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, stopServer, setUp, freePort, Running } from '../server';
import { chromiumArgs, chromiumPath } from '../chromium';
import * as h from '../helpers';

const NAME = 'guardpost.court.test';
const root = path.resolve(__dirname, '../..');
let dataDir: string;
let otps: Record<string, string>;
let spki: string;
let tlsOutput: string;

test.beforeAll(async () => {
  // Set up as a court does: people first, then the court's certificates.
  const plain = await startServer();
  dataDir = plain.dataDir;
  otps = await setUp(plain, 'admin-password-e2e', [
    { login: 'sup.tls', name: '证书主管', roles: ['supervisor', 'guard'], sites: ['main'] },
    { login: 'guard.http', name: '明文安保', roles: ['guard'], sites: ['main'] },
  ]);
  await stopServer(plain);
  tlsOutput = execFileSync(path.join(root, 'target/release/guardpost'),
    ['tls', NAME, '127.0.0.1', '--ca-key', path.join(dataDir, 'usb/guardpost-ca.key')],
    { env: { ...process.env, GUARDPOST_DATA_DIR: dataDir }, encoding: 'utf8' });
  const ca = new X509Certificate(readFileSync(path.join(dataDir, 'tls/ca.crt')));
  spki = createHash('sha256').update(ca.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
});

/// A browser that resolves the court's name to this machine; trusting the court's authority
/// when `trusted` (as a phone that installed it).
async function courtBrowser(trusted: boolean): Promise<Browser> {
  const args = [...chromiumArgs, `--host-resolver-rules=MAP ${NAME} 127.0.0.1`];
  if (trusted) args.push(`--ignore-certificate-errors-spki-list=${spki}`);
  return chromium.launch({ executablePath: chromiumPath, args });
}

async function serve(env: Record<string, string>, port?: number): Promise<Running> {
  return startServer({ dataDir, port, env });
}

test('over HTTPS at the court\'s name: the worker registers, the app opens offline, a record saved offline arrives once', async () => {
  expect(tlsOutput).toContain('GUARDPOST_TLS_CERT=');
  expect(tlsOutput).toContain('SHA-256');
  const httpPort = await freePort();
  const server = await serve({
    GUARDPOST_TLS_CERT: path.join(dataDir, 'tls/server.crt'),
    GUARDPOST_TLS_KEY: path.join(dataDir, 'tls/server.key'),
    GUARDPOST_HTTP_ADDR: `127.0.0.1:${httpPort}`,
  });
  const url = `https://${NAME}:${server.port}`;
  const browser = await courtBrowser(true);
  try {
    const context = await h.phoneContext(browser);
    const page = await context.newPage();
    // Plain HTTP sends the phone to HTTPS.
    const first = await page.goto(`http://${NAME}:${httpPort}/signin`);
    expect(page.url()).toBe(`${url}/signin`);
    expect(first!.headers()['strict-transport-security']).toContain('max-age=');
    await h.firstSignIn(page, url, 'sup.tls', otps['sup.tls'], 'sup.tls-password-1');
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
    await expect(page.getByTestId('insecure')).toHaveCount(0);
    await h.enrolPhone(page, url, 'HTTPS 登记机');
    await page.goto(url + '/visit');
    await expect(page.getByTestId('visit-form')).toBeVisible();
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    await context.setOffline(true);
    await page.reload();
    await expect(page.getByTestId('visit-form')).toBeVisible();
    await h.register(page, '内网离线访客');
    await expect(page.getByTestId('pending')).toHaveText('1');
    await context.setOffline(false);
    await h.syncNow(page);
    // The certificate page, as an administrator shows it to phones.
    await page.goto(url + '/ca');
    await expect(page.getByTestId('fingerprint')).toContainText(':');
    await expect(page.getByTestId('https-url')).toHaveText(`${url}/`);
    await page.screenshot({ path: 'screenshots/ca-page-zh.png', fullPage: true });
    await context.close();
  } finally {
    await browser.close();
    await stopServer(server);
  }
  // Read back over plain HTTP on loopback: the record is there once.
  const check = await serve({});
  try {
    const names = (await h.serverVisits(check, 'sup.tls', 'sup.tls-password-1')).map((v) => v.name);
    expect(names.filter((n) => n === '内网离线访客')).toHaveLength(1);
  } finally {
    await stopServer(check);
  }
});

test('over plain HTTP at the court\'s name: every page says offline use needs HTTPS, and a save is not called safe', async () => {
  const server = await serve({});
  const url = `http://${NAME}:${server.port}`;
  const browser = await courtBrowser(false);
  try {
    const context = await h.phoneContext(browser);
    const page = await context.newPage();
    await page.goto(url + '/signin');
    await expect(page.getByTestId('insecure')).toContainText('离线功能需要通过 HTTPS 访问');
    await page.screenshot({ path: 'screenshots/insecure-zh.png', fullPage: true });
    await h.firstSignIn(page, url, 'guard.http', otps['guard.http'], 'guard.http-password-1');
    await expect(page.getByTestId('insecure')).toBeVisible();
    await page.goto(url + '/visit');
    await h.registerSaving(page, '明文页面的访客');
    await expect(page.getByTestId('message')).toContainText('记录在手机上并不安全');
    // The certificate page opens here too, with its QR code and the steps.
    await page.getByRole('link', { name: '安装本院证书' }).click();
    await expect(page).toHaveURL(url + '/ca');
    await expect(page.getByTestId('android')).toContainText('CA 证书');
    await expect(page.locator('img[src="/ca/qr.svg"]')).toBeVisible();
    const type = await page.evaluate(async () => (await fetch('/ca.crt')).headers.get('content-type'));
    expect(type).toBe('application/x-x509-ca-cert');
    await h.fitsWidth(page);
    await context.close();
  } finally {
    await browser.close();
    await stopServer(server);
  }
});
