// Lighthouse 12.2.3, mobile (simulated slow 4G, CPU 4x), against the release server: `/signin`
// cold, and the home page of a guard, a caretaker, a fire-room operator and a supervisor signed
// in and warm on an enrolled phone (the worker installed and its caches filled by a first visit
// in the same browser profile, storage not reset, the session cookie in `--extra-headers`). Medians of 5 runs of the
// performance score, LCP (with the element Lighthouse names), TBT, CLS and bytes transferred;
// printed, nothing asserted (the figures go in the README). Lighthouse is installed into
// target/lighthouse on first use (`make bench`; a folder of its own: an install beside
// target/tools would remove the wasm-opt installed there).
import { test, chromium, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, stopServer, setUp, api, Running } from '../server';
import { chromiumArgs, chromiumPath } from '../chromium';
import { signIn, enrolPhone } from '../helpers';

const RUNS = Number(process.env.LIGHTHOUSE_RUNS || 5);
const root = path.resolve(__dirname, '../..');
const tools = path.join(root, 'target/lighthouse');
const lighthouse = path.join(tools, 'node_modules/.bin/lighthouse');
// `BENCH_BUILD=<dir>`: the same against another build (its binary and site folder).
const build = process.env.BENCH_BUILD;

let server: Running;
const people = [
  { login: 'lh.guard', name: '灯塔安保', roles: ['guard'], sites: ['main'] },
  { login: 'lh.caretaker', name: '灯塔管护', roles: ['caretaker'], sites: ['huancheng'] },
  { login: 'lh.fire', name: '灯塔消控', roles: ['fire_operator'], sites: ['main'] },
  { login: 'lh.supervisor', name: '灯塔主管', roles: ['supervisor'], sites: ['main', 'huancheng'] },
];
const cookies: Record<string, string> = {};

test.beforeAll(async () => {
  if (!existsSync(lighthouse)) {
    execFileSync('npm', ['install', '--prefix', tools, '--no-audit', '--no-fund', '--no-save', 'lighthouse@12.2.3'], { stdio: 'inherit' });
  }
  server = await startServer(build ? {
    binary: path.join(build, 'target/release/guardpost'),
    siteRoot: path.join(build, 'target/site'),
  } : {});
  const otps = await setUp(server, 'admin-password-e2e', people);
    for (const p of people) {
    const r = await api(server.url, '/api/v1/auth/sign-in', { login: p.login, password: otps[p.login] });
    const changed = await api(server.url, '/api/v1/me/password', { current_password: otps[p.login], new_password: 'lighthouse-pass-1' }, r.cookie);
    if (changed.status !== 200) throw new Error('password: ' + JSON.stringify(changed.json));
    cookies[p.login] = changed.cookie!;
  }
});
test.afterAll(async () => { if (server) await stopServer(server); });

interface Run { score: number; lcp: number; tbt: number; cls: number; bytes: number; lcpElement: string }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Lighthouse sometimes fails to record a trace ("NO_NAVSTART: please run Lighthouse again"):
// such a run is run again, up to three times.
function audit(url: string, extra: string[]): Run {
  for (let attempt = 1; ; attempt++) {
    try {
      return auditOnce(url, extra);
    } catch (e) {
      if (attempt === 3 || !String(e).includes('run Lighthouse again')) throw e;
      console.log(`(Lighthouse could not record ${url}; run again)`);
    }
  }
}

function auditOnce(url: string, extra: string[]): Run {
  const out = execFileSync(lighthouse, [
    url, '--form-factor=mobile', '--only-categories=performance', '--output=json', '--quiet',
    ...extra,
  ], { env: { ...process.env, CHROME_PATH: chromiumPath }, maxBuffer: 64 * 1024 * 1024 }).toString();
  // The last report of each page, to read in full: target/lighthouse/<page>.json.
  writeFileSync(path.join(tools, (new URL(url).pathname.replace(/\W/g, '') || 'home') + '.json'), out);
  const r = JSON.parse(out);
  const a = r.audits;
  const items = a['largest-contentful-paint-element']?.details?.items ?? [];
  const el = items[0]?.items?.[0]?.node ?? items[0]?.node;
  return {
    score: Math.round(r.categories.performance.score * 100),
    lcp: a['largest-contentful-paint'].numericValue,
    tbt: a['total-blocking-time'].numericValue,
    cls: a['cumulative-layout-shift'].numericValue,
    bytes: a['total-byte-weight'].numericValue,
    lcpElement: el ? `${el.selector} "${(el.nodeLabel || '').slice(0, 40)}"` : '(none)',
  };
}

function report(what: string, runs: Run[]) {
  const m = (k: keyof Run) => median(runs.map((r) => r[k] as number));
  const elements = [...new Set(runs.map((r) => r.lcpElement))].join(' | ');
  console.log(`${what}: performance ${m('score')}, LCP ${(m('lcp') / 1000).toFixed(2)} s, TBT ${Math.round(m('tbt'))} ms, `
    + `CLS ${m('cls').toFixed(3)}, ${(m('bytes') / 1024).toFixed(0)} KiB transferred (median of ${runs.length}); LCP element: ${elements}`);
}

const flags = chromiumArgs.join(' ') + ' --headless=new';

// Lighthouse's element audits fail with this Chromium (its TraceElements gatherer), so the LCP
// element and what shifted are read in the page, on a load of its own.
async function watchPaints(page: Page) {
  await page.addInitScript(() => {
    const w = window as any;
    w.__lcp = []; w.__shifts = [];
    const name = (n: any) => n ? `${n.tagName?.toLowerCase() ?? '#text'}${n.dataset?.testid ? `[data-testid=${n.dataset.testid}]` : ''}${n.className ? '.' + String(n.className).split(' ').join('.') : ''} "${(n.textContent || '').trim().slice(0, 30)}"` : '?';
    new PerformanceObserver((l) => l.getEntries().forEach((e: any) => w.__lcp.push(`${name(e.element)} at ${Math.round(e.startTime)} ms`)))
      .observe({ type: 'largest-contentful-paint', buffered: true });
    new PerformanceObserver((l) => l.getEntries().forEach((e: any) => w.__shifts.push(
      `${e.value.toFixed(3)} at ${Math.round(e.startTime)} ms: ${(e.sources || []).map((x: any) => name(x.node)).join(', ')}`)))
      .observe({ type: 'layout-shift', buffered: true });
  });
}

async function printPaints(page: Page, what: string) {
  await page.waitForTimeout(3000);
  const seen = await page.evaluate(() => ({ lcp: (window as any).__lcp, shifts: (window as any).__shifts }));
  const fcp = await page.evaluate(() => Math.round(performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0));
  console.log(`${what}: first paint at ${fcp} ms; LCP ${seen.lcp.join(', then ') || '(none)'}; shifts: ${seen.shifts.join(' | ') || 'none'}`);
}

test('/signin cold', async ({ browser }) => {
  const page = await browser.newPage({ viewport: { width: 412, height: 823 } });
  await watchPaints(page);
  await page.goto(server.url + '/signin');
  await printPaints(page, '/signin, cold');
  await page.close();
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(audit(server.url + '/signin', [`--chrome-flags=${flags}`]));
  report('/signin, cold', runs);
});

for (const p of people) {
  test(`home of ${p.roles[0]}, signed in and warm`, async () => {
    // A browser profile of its own: a first visit with the session cookie in its jar installs
    // the worker and fills its caches (its copy of the home page is this person's), the
    // profile is closed, then each Lighthouse run opens the page warm from that profile.
    const dir = mkdtempSync(path.join(tmpdir(), 'guardpost-lh-'));
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: chromiumPath,
      args: [...chromiumArgs, '--password-store=basic'],
      viewport: { width: 412, height: 823 },
    });
    // A guard's phone at a post is enrolled (by the supervisor), then its person signs in: an
    // enrolled phone shows no "not enrolled" note under the page.
    const page = await context.newPage();
    await signIn(page, server.url, 'lh.supervisor', 'lighthouse-pass-1');
    await enrolPhone(page, server.url, 'lighthouse ' + p.login);
    if (p.login !== 'lh.supervisor') {
      await page.getByTestId('sign-out').click();
      await page.waitForURL(/\/signin$/);
      await signIn(page, server.url, p.login, 'lighthouse-pass-1');
    }
    await page.goto(server.url + '/');
    await page.getByTestId('hello').waitFor();
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    // The worker's copy of the home is this person's.
    await page.waitForFunction(async () => {
      for (const n of await caches.keys()) {
        const r = await (await caches.open(n)).match('/?person');
        if (r && (await r.text()).includes('gp-me')) return true;
      }
      return false;
    }, null, { timeout: 30_000, polling: 500 });
    await watchPaints(page);
    await page.reload();
    await page.getByTestId('hello').waitFor();
    await printPaints(page, `/ of ${p.roles[0]}, warm`);
    await context.close();
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(audit(server.url + '/', ['--disable-storage-reset',
        `--chrome-flags=${flags} --password-store=basic --user-data-dir=${dir}`,
        `--extra-headers=${JSON.stringify({ Cookie: cookies[p.login] })}`]));
    }
    report(`/ of ${p.roles[0]}, signed in and warm`, runs);
  });
}
