/**
 * The dashboard's weight and the coverage page's load time (issue 16),
 * never part of npm test:
 *
 *   npm run bench:dashboard -- [--enterprises 20000 --workers 100000 --years 5] [--runs 10]
 *                              [--pglite] [--database URL] [--keep] [--no-throttle]
 *                              [--cpu-slowdown N] [--port 3151] [--bundle-only] [--out FILE]
 *
 * (a) The production bundle (dist/web, built by `npm run build`): every file
 *     of dist/web/assets with its size as built and gzipped (-9, node:zlib),
 *     and what the coverage page loads on a first visit (the entry chunk, its
 *     CSS, the charts chunk loaded lazily), as the browser requested it.
 * (b) The coverage page on a generated district (libs/simulation, default
 *     20,000 enterprises and 100,000 workers over five years): imported
 *     through the CLI importer into a scratch PostgreSQL database (or, with
 *     --pglite, an embedded store in a temporary folder), the read models
 *     caught up (scripts/bench/district.ts), then `npm start`'s server in its
 *     own process. In Debian's Chromium (playwright-core), --runs cold loads
 *     of /coverage (the landing page: the widest area, today), each in a new
 *     browser context (empty cache; the session token put in sessionStorage
 *     before the page's scripts run, as after a log-in), after one warm-up
 *     load that is not counted (the server's and the database's caches warm:
 *     the browser is what is cold). Measured from the navigation's start:
 *       - figures: the headline figures visible (`rate-100+` shows a value);
 *       - charts: every chart of the page drawn (each figure.chart holds its
 *         canvas) and every answer it draws arrived (the last /api response);
 *     on a desktop (1280×800, no throttling) and, unless --no-throttle, on a
 *     phone (375×812) over a "slow 4G" network (Chrome DevTools' protocol:
 *     400 ms round trip, 1.6 Mbit/s down, 750 kbit/s up; --cpu-slowdown N
 *     also slows the CPU N times).
 * Prints tables (medians, with min and max) and writes JSON (--out).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import postgres from 'postgres';
import { chromium, type Browser } from 'playwright-core';
import { requestTokens } from '#access';
import { operatorPrincipal } from '#domain';
import { KyselyEventStore } from '#event-store';
import { loadConfig, migrateToLatest, openDatabase, type DatabaseTarget } from '#persistence';
import { ADMIN_URL, BENCH_KEYS, catchUpReadModels, databaseUrl, log, round, runImport, settle, since, withDatabase, writeDistrict } from './bench/district.js';

const { values: args } = parseArgs({
  options: {
    enterprises: { type: 'string', default: '20000' },
    workers: { type: 'string', default: '100000' },
    years: { type: 'string', default: '5' },
    runs: { type: 'string', default: '10' },
    pglite: { type: 'boolean', default: false },
    database: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'no-throttle': { type: 'boolean', default: false },
    'cpu-slowdown': { type: 'string', default: '1' },
    port: { type: 'string', default: '3151' },
    'bundle-only': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const BUILT = join(process.cwd(), 'dist', 'web');
/** A copy of the build, taken at the start: what is measured and what is served (a build meanwhile changes neither). */
const WEB = mkdtempSync(join(tmpdir(), 'uce-bench-web-'));
const kb = (bytes: number) => round(bytes / 1024);

// ── (a) the bundle ───────────────────────────────────────────────────────

interface Asset {
  file: string;
  bytes: number;
  gzipBytes: number;
  /** The Brotli file the build wrote beside it (scripts/compress-web.mjs), which the server sends to browsers that accept it. */
  brotliBytes: number;
}

function assets(): Asset[] {
  if (!existsSync(join(BUILT, 'index.html'))) throw new Error(`the dashboard is not built (no ${BUILT}/index.html): npm run build`);
  cpSync(BUILT, WEB, { recursive: true });
  const dir = join(WEB, 'assets');
  const sized = (path: string, file: string): Asset => {
    const content = readFileSync(path);
    return { file, bytes: statSync(path).size, gzipBytes: gzipSync(content, { level: 9 }).length, brotliBytes: existsSync(`${path}.br`) ? statSync(`${path}.br`).size : NaN };
  };
  // The compressed copies beside each file are the same file, sent another way: counted in its row, not as files of their own.
  const files = readdirSync(dir).filter((f) => !/\.(br|gz)$/.test(f));
  return [sized(join(WEB, 'index.html'), 'index.html'), ...files.map((f) => sized(join(dir, f), `assets/${f}`))].sort((a, b) => b.bytes - a.bytes);
}

// ── (b) the district and the server ──────────────────────────────────────

interface Store {
  /** The settings a program needs to reach it (DATABASE_URL or DATA_DIR). */
  env: Record<string, string>;
  target: DatabaseTarget;
}

/** The CLI importer on an embedded store (runImport does PostgreSQL). */
function importInto(file: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    const child = spawn(process.execPath, [join(process.cwd(), 'dist/apps/cli/src/main.js'), 'import', file], { env: { ...inherited, ...BENCH_KEYS, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(since(t0)) : reject(new Error(`import failed (${code}): ${out}`))));
  });
}

async function prepare(store: Store): Promise<{ events: number; enterprises: number; members: number; catchUpSeconds: number }> {
  const database = await openDatabase(store.target);
  try {
    await migrateToLatest(database.db);
    log('read models catching up');
    const t0 = process.hrtime.bigint();
    await catchUpReadModels(database, new KyselyEventStore(database.db));
    const catchUpSeconds = round(since(t0));
    if (store.env['DATABASE_URL']) await settle(store.env['DATABASE_URL']);
    const n = async (query: string) => Number((await sql.raw<{ n: string }>(query).execute(database.db)).rows[0]!.n);
    return {
      events: await n('select count(*)::text as n from events'),
      enterprises: await n('select count(*)::text as n from rm_enterprises'),
      members: await n('select count(distinct member_id)::text as n from rm_membership_periods'),
      catchUpSeconds,
    };
  } finally {
    await database.close();
  }
}

interface Server {
  url: string;
  token: string;
  stop(): Promise<void>;
}

/** `npm start`'s server on the store, in its own process, answering once healthy, with an admin token. */
async function serve(store: Store, port: number): Promise<Server> {
  const { DATABASE_URL: _ignored, DATA_DIR: _ignored2, ...inherited } = process.env;
  const child: ChildProcess = spawn(process.execPath, [join(process.cwd(), 'dist/apps/api/src/main.js')], {
    env: { ...inherited, ...BENCH_KEYS, ...store.env, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', DASHBOARD_DIR: WEB, RATE_LIMIT_PER_MINUTE: '100000000' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (exited()) throw new Error(`the API exited (${child.exitCode ?? child.signalCode}); is port ${port} free? (--port)`);
    if (await fetch(`${url}/api/health`).then((r) => r.ok, () => false)) break;
    if (i > 600) throw new Error('the API did not become healthy');
    await new Promise((r) => setTimeout(r, 100));
  }
  const issued = await requestTokens(loadConfig({ ...BENCH_KEYS, ...store.env }), { action: 'issue', operator: 'bench', request: { role: 'admin', holder: 'bench' } }, operatorPrincipal('bench'));
  if (!issued.ok) throw new Error(`no token for the bench: ${issued.message}`);
  return {
    url,
    token: (issued.value as { token: string }).token,
    stop: async () => {
      if (exited()) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

// ── (b) the loads ────────────────────────────────────────────────────────

interface Profile {
  name: string;
  viewport: { width: number; height: number };
  network?: { latency: number; downloadThroughput: number; uploadThroughput: number };
  cpuSlowdown?: number;
}

interface Load {
  figuresMs: number;
  chartsMs: number;
  domContentLoadedMs: number;
  apiRequests: number;
  /** Bytes over the wire (headers and bodies, as the browser counts them). */
  transferredBytes: number;
  /** The dashboard's own files the page loaded (assets/…). */
  assets: string[];
}

/** Runs in the page before its scripts: notes when the figures show and when every chart has its canvas. */
const PROBE = `
  window.__bench = {};
  const check = () => {
    const b = window.__bench;
    if (b.figures === undefined) {
      const v = document.querySelector('[data-testid="rate-100+"] .figure-value');
      if (v && v.textContent.trim() !== '') b.figures = performance.now();
    }
    const charts = [...document.querySelectorAll('figure.chart')];
    if (charts.length > 0 && charts.every((c) => c.querySelector('canvas'))) b.charts = b.charts ?? performance.now();
    else b.charts = undefined;
    b.chartCount = charts.length;
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
`;

async function load(browser: Browser, server: Server, session: string, profile: Profile): Promise<Load> {
  const context = await browser.newContext({ viewport: profile.viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  try {
    await context.addInitScript(`sessionStorage.setItem('uce.session', ${JSON.stringify(session)});${PROBE}`);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    page.on('pageerror', (e) => errors.push(e.message));
    if (profile.network || profile.cpuSlowdown) {
      const cdp = await context.newCDPSession(page);
      if (profile.network) {
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', { offline: false, ...profile.network });
      }
      if (profile.cpuSlowdown) await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpuSlowdown });
    }
    await page.goto(`${server.url}/coverage`, { waitUntil: 'commit' });
    // Every chart drawn, and the page quiet: no request for half a second.
    // A function, not a string: the page's Content Security Policy refuses eval (which a string with interval polling needs).
    await page.waitForFunction(
      () => {
        const b = (globalThis as unknown as { __bench?: { figures?: number; charts?: number; chartCount?: number } }).__bench;
        return b !== undefined && b.figures !== undefined && b.charts !== undefined && (b.chartCount ?? 0) >= 3;
      },
      undefined,
      { timeout: 120_000 },
    );
    await page.waitForLoadState('networkidle', { timeout: 120_000 });
    const measured = (await page.evaluate(`(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const resources = performance.getEntriesByType('resource');
      const api = resources.filter((r) => new URL(r.name).pathname.startsWith('/api/'));
      const lastAnswer = Math.max(0, ...api.map((r) => r.responseEnd));
      return {
        figuresMs: window.__bench.figures,
        chartsMs: Math.max(window.__bench.charts, lastAnswer),
        domContentLoadedMs: nav.domContentLoadedEventEnd,
        apiRequests: api.length,
        transferredBytes: nav.transferSize + resources.reduce((s, r) => s + r.transferSize, 0),
        assets: resources.map((r) => new URL(r.name).pathname).filter((p) => p.startsWith('/assets/')),
      };
    })()`)) as Load;
    if (errors.length) throw new Error(`the page logged errors: ${errors.join('; ')}`);
    return measured;
  } finally {
    await context.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(headers), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map((r) => line(r.map(String)))].join('\n');
}

function commit(): { commit?: string; modified?: boolean } {
  const git = (...a: string[]) => execFileSync('git', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return { commit: git('rev-parse', '--short', 'HEAD'), modified: git('status', '--porcelain', '--untracked-files=no') !== '' };
  } catch {
    return {};
  }
}

async function measure(store: Store, browser: Browser) {
  const server = await serve(store, Number(args.port));
  try {
    const me = (await (await fetch(`${server.url}/api/access/me`, { headers: { authorization: `Bearer ${server.token}` } })).json()) as { role: string; areaId: string | null; holder: string; reads: string[] };
    const session = JSON.stringify({ token: server.token, me: { role: me.role, areaId: me.areaId, holder: me.holder, reads: me.reads } });
    const profiles: Profile[] = [{ name: 'desktop 1280×800, no throttling', viewport: { width: 1280, height: 800 } }];
    if (!args['no-throttle']) {
      const cpu = Number(args['cpu-slowdown']);
      profiles.push({
        name: `phone 375×812, slow 4G (400 ms RTT, 1.6 Mbit/s down)${cpu > 1 ? `, CPU ${cpu}× slower` : ''}`,
        viewport: { width: 375, height: 812 },
        network: { latency: 400, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 },
        ...(cpu > 1 ? { cpuSlowdown: cpu } : {}),
      });
    }
    const results = [];
    for (const profile of profiles) {
      log(`${profile.name}: warm-up, then ${args.runs} cold loads`);
      await load(browser, server, session, profile);
      const loads: Load[] = [];
      for (let i = 0; i < Number(args.runs); i++) loads.push(await load(browser, server, session, profile));
      results.push({ profile: profile.name, loads });
    }
    return results;
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const measuredAt = commit();
  const bundle = assets();
  console.log('\nThe bundle (dist/web), as built, gzipped (-9) and as the server sends it to a browser that accepts Brotli:\n');
  console.log(table(['file', 'KB', 'gzip KB', 'brotli KB'], [...bundle.map((a) => [a.file, kb(a.bytes), kb(a.gzipBytes), kb(a.brotliBytes)]), ['total', kb(bundle.reduce((s, a) => s + a.bytes, 0)), kb(bundle.reduce((s, a) => s + a.gzipBytes, 0)), kb(bundle.reduce((s, a) => s + a.brotliBytes, 0))]]));
  if (args['bundle-only']) return;

  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  const chromiumVersion = browser.version();
  const enterprises = Number(args.enterprises);
  const workers = Number(args.workers);
  const years = Number(args.years);
  const backend = args.pglite ? 'PGlite (embedded)' : 'PostgreSQL';
  let district: Record<string, unknown> = {};
  let results: Awaited<ReturnType<typeof measure>>;
  try {
    if (args.database) {
      district = await prepare({ env: { DATABASE_URL: args.database }, target: { databaseUrl: args.database } });
      results = await measure({ env: { DATABASE_URL: args.database }, target: { databaseUrl: args.database } }, browser);
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'uce-bench-dashboard-'));
      try {
        const file = join(dir, 'district.ndjson');
        log(`generating ${enterprises} enterprises, ${workers} workers, ${years} years`);
        const commands = await writeDistrict(file, enterprises, workers, years);
        const generated = { enterprises, workers, years, commands };
        if (args.pglite) {
          const store: Store = { env: { DATA_DIR: join(dir, 'data') }, target: { dataDir: join(dir, 'data') } };
          log(`importing ${commands} commands into an embedded store`);
          const importSeconds = round(await importInto(file, store.env));
          district = { generated, importSeconds, ...(await prepare(store)) };
          results = await measure(store, browser);
        } else {
          const name = `uce_bench_dashboard_${process.pid}`;
          results = await withDatabase(
            name,
            async (url) => {
              log(`importing ${commands} commands`);
              const imported = await runImport(file, url);
              const store: Store = { env: { DATABASE_URL: url }, target: { databaseUrl: url } };
              district = { generated, importSeconds: round(imported.seconds), ...(await prepare(store)) };
              return measure(store, browser);
            },
            { keep: args.keep },
          );
          if (args.keep) log(`kept: --database ${databaseUrl(name)}`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await browser.close();
  }

  let postgresVersion: string | undefined;
  if (!args.pglite) {
    const pg = postgres(args.database ?? ADMIN_URL, { max: 1, onnotice: () => undefined });
    postgresVersion = (await pg.unsafe<Array<{ v: string }>>("select current_setting('server_version') as v"))[0]!.v;
    await pg.end();
  }
  const firstVisit = [...new Set(results[0]!.loads[0]!.assets)].map((path) => bundle.find((a) => `/${a.file}` === path) ?? { file: path.slice(1), bytes: NaN, gzipBytes: NaN, brotliBytes: NaN });
  const pageFile = bundle.find((a) => a.file === 'index.html')!;
  const visit = [pageFile, ...firstVisit];
  console.log('\nWhat the coverage page loads on a first visit (the page, then the files it asked for):\n');
  console.log(table(['file', 'KB', 'gzip KB', 'brotli KB'], [...visit.map((a) => [a.file, kb(a.bytes), kb(a.gzipBytes), kb(a.brotliBytes)]), ['total', kb(visit.reduce((s, a) => s + a.bytes, 0)), kb(visit.reduce((s, a) => s + a.gzipBytes, 0)), kb(visit.reduce((s, a) => s + a.brotliBytes, 0))]]));

  const d = district as { events?: number; enterprises?: number; members?: number };
  console.log(
    `\nThe coverage page (/coverage, the district today), ${backend}; ${d.events?.toLocaleString('en-US')} events, ${d.enterprises?.toLocaleString('en-US')} enterprises, ${d.members?.toLocaleString('en-US')} members; ` +
      `median of ${args.runs} cold loads (min–max), ms from navigation start; commit ${measuredAt.commit ?? '?'}${measuredAt.modified ? ' (modified)' : ''}:\n`,
  );
  const range = (xs: number[]) => `${Math.round(median(xs))} (${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))})`;
  console.log(
    table(
      ['profile', 'DOMContentLoaded', 'figures visible', 'charts drawn', 'API requests', 'transferred KB'],
      results.map((r) => [
        r.profile,
        range(r.loads.map((l) => l.domContentLoadedMs)),
        range(r.loads.map((l) => l.figuresMs)),
        range(r.loads.map((l) => l.chartsMs)),
        median(r.loads.map((l) => l.apiRequests)),
        kb(median(r.loads.map((l) => l.transferredBytes))),
      ]),
    ),
  );
  const report = {
    when: new Date().toISOString(),
    ...measuredAt,
    minutes: round((Date.now() - started) / 60_000),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, chromium: chromiumVersion, backend, ...(postgresVersion ? { postgres: postgresVersion } : {}) },
    district,
    bundle,
    firstVisit: visit,
    results: results.map((r) => ({
      profile: r.profile,
      median: { figuresMs: median(r.loads.map((l) => l.figuresMs)), chartsMs: median(r.loads.map((l) => l.chartsMs)), domContentLoadedMs: median(r.loads.map((l) => l.domContentLoadedMs)) },
      loads: r.loads.map(({ assets: _a, ...l }) => l),
    })),
  };
  console.log(`\n${report.minutes} min; ${report.machine.cpus} × ${report.machine.cpu}, ${report.machine.memoryGb} GB, Node ${process.version}, Chromium ${report.machine.chromium}`);
  if (args.out) writeFileSync(args.out, JSON.stringify(report, null, 2));
}

main().then(
  () => {
    rmSync(WEB, { recursive: true, force: true });
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    rmSync(WEB, { recursive: true, force: true });
    process.exit(1);
  },
);
