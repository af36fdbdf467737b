// Starts and stops the real `guardpost` binary (the release build) for a test file, on a free
// port of its own and a fresh data folder, and reads the first administrator's one-time password from its
// console, as a person setting it up would.
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..');

export interface Running {
  url: string;
  port: number;
  dataDir: string;
  siteRoot: string;
  proc: ChildProcess;
  firstAdmin?: { login: string; password: string };
}

/// A port nothing listens on now (the system's choice), so specs never collide.
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
  });
}

export interface Start {
  /// The port to serve on: a free one unless given (a restart keeps its port).
  port?: number;
  /// The data folder: a fresh one unless given (a restart keeps its records).
  dataDir?: string;
  siteRoot?: string;
  /// The server binary: this checkout's release build unless given (a benchmark runs another).
  binary?: string;
  env?: Record<string, string>;
}

export async function startServer(opts: Start = {}): Promise<Running> {
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir;
  const siteRoot = opts.siteRoot;
  const env = opts.env ?? {};
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), 'guardpost-e2e-'));
  const site = siteRoot ?? path.join(root, 'target/site');
  const proc = spawn(opts.binary ?? path.join(root, 'target/release/guardpost'), [], {
    cwd: root,
    env: {
      ...process.env,
      GUARDPOST_ADDR: `127.0.0.1:${port}`,
      GUARDPOST_DATA_DIR: dir,
      LEPTOS_SITE_ROOT: site,
      GUARDPOST_LOG: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start:\n' + out)), 20_000);
    proc.stdout!.on('data', (chunk) => {
      out += chunk.toString();
      if (out.includes('is serving at')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  const login = /account:\s+(\S+)/.exec(out)?.[1];
  const password = /one-time password:\s+(\S+)/.exec(out)?.[1];
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir: dir,
    siteRoot: site,
    proc,
    firstAdmin: login && password ? { login, password } : undefined,
  };
}

export async function stopServer(s: Running): Promise<void> {
  if (s.proc.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    s.proc.once('exit', () => resolve());
    s.proc.kill('SIGKILL');
  });
}

/// A server whose clock is shifted by what `file` says (libfaketime, e.g. "-3h" or "+0"), read
/// anew at every call: the test moves the server's time as it moves the phone's.
export function fakeTimeEnv(file: string): Record<string, string> {
  return {
    LD_PRELOAD: '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
    FAKETIME_TIMESTAMP_FILE: file,
    FAKETIME_NO_CACHE: '1',
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  };
}

/// Calls the JSON API outside the browser (to set up people quickly).
export async function api(url: string, pathname: string, body: unknown, cookie?: string) {
  const res = await fetch(url + pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const setCookie = res.headers.get('set-cookie');
  return { status: res.status, json: await res.json().catch(() => null), cookie: setCookie?.split(';')[0] ?? cookie };
}

/// Signs the first administrator in, sets a known password, and creates `people`
/// ({login, roles, site codes}); returns their one-time passwords by login.
export async function setUp(s: Running, adminPassword: string, people: { login: string; name: string; roles: string[]; sites: string[] }[]) {
  const fa = s.firstAdmin!;
  let r = await api(s.url, '/api/v1/auth/sign-in', { login: fa.login, password: fa.password });
  const cookie = r.cookie!;
  r = await api(s.url, '/api/v1/me/password', { current_password: fa.password, new_password: adminPassword }, cookie);
  if (r.status !== 200) throw new Error('admin password: ' + JSON.stringify(r.json));
  const sites = await (await fetch(s.url + '/api/v1/sites', { headers: { cookie } })).json();
  const ids = (codes: string[]) => codes.map((c) => sites.find((x: any) => x.code === c).id);
  const otps: Record<string, string> = {};
  for (const p of people) {
    r = await api(s.url, '/api/v1/people', { login: p.login, display_name: p.name, roles: p.roles, site_ids: ids(p.sites) }, cookie);
    if (r.status !== 200) throw new Error('person: ' + JSON.stringify(r.json));
    otps[p.login] = r.json.one_time_password;
  }
  return otps;
}
