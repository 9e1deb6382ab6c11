/**
 * Peak memory of the server while it serves the largest answers of a
 * generated district (issue 15), on PostgreSQL, never part of npm test:
 *
 *   npm run bench:memory -- [--quick] [--out results.json] [--enterprises N --workers M]
 *                            [--keep] [--database URL] [--as-of DATE] [--page-size N] [--max-walk-seconds S]
 *                            [--request-timeout-ms MS]
 *
 * Generates a district (libs/simulation; by default the full district of
 * `npm run bench`, 320,000 enterprises and 2,000,000 workers over five years;
 * --quick: 4,000 and 6,000), imports it into a fresh database through the CLI
 * importer and catches the read models up (scripts/bench/district.ts), then,
 * for each answer, starts the API in its own process (`npm start`'s program),
 * warms it up, takes its resting memory as the baseline, and samples its
 * resident memory (VmRSS in /proc/<pid>/status) every 25 ms while it serves:
 *   - the enterprise export of the whole district (root area), as CSV and as XLSX;
 *   - the revisions of the whole district since an instant before the first
 *     import (every recorded change of the figure): one answer, or — when
 *     answers carry `nextCursor` — every page, following the cursor to its end
 *     (pages of the server's default size, or --page-size; --max-walk-seconds
 *     stops after the page under way at that time, and the table then tells how
 *     far through the log the walk got);
 *     and, for scale, the same revisions of one community.
 * The API is restarted for each answer, so that each peak (and the kernel's
 * own high-water mark, VmHWM) is that answer's alone. Answers are read as
 * streams and counted, never held by the benchmark. The server's time limit
 * is lifted (REQUEST_TIMEOUT_MS, one hour by default) so that the whole
 * answer is measured; the table says which answers took longer than the
 * default limits (30 s, exports 120 s).
 *
 * Every answer is asked as of one date (--as-of; default today in China,
 * fixed at the start: the server's own default would change at midnight
 * there, and a cursor continues only the query it was given for).
 *
 * --database URL measures an already imported database instead (it is caught
 * up first, never dropped); --keep leaves the fresh database in place and
 * prints its URL, for measuring again later. Prints a table and writes the
 * results as JSON (--out).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { sql, type RawBuilder } from 'kysely';
import postgres from 'postgres';
import { KyselyEventStore } from '#event-store';
import { migrateToLatest, openDatabase } from '#persistence';
import { ADMIN_URL, catchUpReadModels, databaseUrl, log, round, runImport, settle, since, startApi, withDatabase, writeDistrict, type RunningApi } from './bench/district.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    enterprises: { type: 'string' },
    workers: { type: 'string' },
    years: { type: 'string', default: '5' },
    keep: { type: 'boolean', default: false },
    database: { type: 'string' },
    'as-of': { type: 'string' },
    'request-timeout-ms': { type: 'string', default: '3600000' },
    'interval-ms': { type: 'string', default: '25' },
    'page-size': { type: 'string' },
    'max-walk-seconds': { type: 'string' },
  },
});

const INTERVAL_MS = Number(args['interval-ms']);
/**
 * The date every answer is asked for, fixed for the run: the server's default
 * (today in China) would change at midnight there, and a cursor continues
 * only the query it was given for.
 */
const AS_OF = args['as-of'] ?? new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
/** The server's own limits, with REQUEST_TIMEOUT_MS unset (docs/operations.md). */
const DEFAULT_LIMIT_S = { query: 30, export: 120 };
const mb = (kb: number) => Math.round(kb / 1024);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Sampling the server's memory: a worker thread, so that reading answers never delays a sample.

interface Sampled {
  readonly samples: number;
  readonly peakRssKb: number;
  /** Milliseconds from the start of sampling to the peak. */
  readonly peakAtMs: number;
  readonly medianRssKb: number;
  readonly lastRssKb: number;
  /** The kernel's high-water mark of the process's resident memory (over its whole life). */
  readonly hwmKb: number;
  /** [ms, MB], at most ~200 points. */
  readonly series: ReadonlyArray<readonly [number, number]>;
  /** The process was gone before sampling stopped. */
  readonly gone: boolean;
}

const SAMPLER = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { pid, intervalMs } = workerData;
const file = '/proc/' + pid + '/status';
const t0 = performance.now();
const samples = [];
let hwm = 0, gone = false;
function read() {
  if (gone) return;
  let text;
  try { text = readFileSync(file, 'latin1'); } catch { gone = true; return; }
  const rss = /VmRSS:\\s+(\\d+)/.exec(text), high = /VmHWM:\\s+(\\d+)/.exec(text);
  if (!rss) { gone = true; return; } // a zombie: no memory left
  samples.push([Math.round(performance.now() - t0), Number(rss[1])]);
  if (high) hwm = Number(high[1]);
}
read();
const timer = setInterval(read, intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  read();
  let peak = [0, 0];
  for (const s of samples) if (s[1] > peak[1]) peak = s;
  const sorted = samples.map((s) => s[1]).sort((a, b) => a - b);
  const step = Math.max(1, Math.ceil(samples.length / 200));
  const series = [];
  for (let i = 0; i < samples.length; i += step) {
    let top = samples[i];
    for (let j = i; j < Math.min(samples.length, i + step); j++) if (samples[j][1] > top[1]) top = samples[j];
    series.push([top[0], Math.round(top[1] / 1024)]);
  }
  parentPort.postMessage({
    samples: samples.length, peakRssKb: peak[1], peakAtMs: peak[0],
    medianRssKb: sorted[Math.floor(sorted.length / 2)] ?? 0, lastRssKb: samples.length ? samples[samples.length - 1][1] : 0,
    hwmKb: hwm, series, gone,
  });
});
`;

function startSampling(pid: number): { stop: () => Promise<Sampled> } {
  const worker = new Worker(SAMPLER, { eval: true, workerData: { pid, intervalMs: INTERVAL_MS } });
  return {
    stop: () =>
      new Promise<Sampled>((resolve, reject) => {
        worker.once('message', (result: Sampled) => {
          void worker.terminate();
          resolve(result);
        });
        worker.once('error', reject);
        worker.postMessage('stop');
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading answers as streams.

interface Fetched {
  readonly status: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly firstByteSeconds: number;
  /** The start of an answer that is not 2xx, or the connection's error. */
  readonly error?: string;
}

/** GET `path`, each chunk of a 2xx body given to `onChunk` and dropped; never rejects (status 0: no answer). */
function get(api: RunningApi, path: string, onChunk: (chunk: Buffer) => void): Promise<Fetched> {
  const t0 = process.hrtime.bigint();
  const url = new URL(path, api.base.url);
  return new Promise((resolve) => {
    let firstByte = 0;
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, agent: false, headers: { authorization: `Bearer ${api.base.token}` } }, (res) => {
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      let bytes = 0;
      let head = '';
      res.on('data', (chunk: Buffer) => {
        if (bytes === 0) firstByte = since(t0);
        bytes += chunk.length;
        if (ok) onChunk(chunk);
        else if (head.length < 2000) head += chunk.toString('utf8');
      });
      res.on('end', () => resolve({ status, bytes, seconds: since(t0), firstByteSeconds: firstByte, ...(ok ? {} : { error: head.slice(0, 2000) }) }));
      res.on('error', (e) => resolve({ status, bytes, seconds: since(t0), firstByteSeconds: firstByte, error: `the answer broke off: ${e.message}` }));
    });
    req.on('error', (e) => resolve({ status: 0, bytes: 0, seconds: since(t0), firstByteSeconds: firstByte, error: e.message }));
    req.end();
  });
}

/**
 * Reads a JSON answer as it streams, holding none of it: counts the items of
 * its top-level `revisions` array, takes the `position` of the last one, its
 * top-level `currentPosition` and `nextCursor` (whether the field is there,
 * and its value). Works on bytes: every byte of a multi-byte UTF-8 character
 * is ≥ 0x80, so none is taken for JSON syntax.
 */
class RevisionsScanner {
  revisions = 0;
  hasCursorField = false;
  nextCursor: string | null = null;
  lastPosition: string | null = null;
  currentPosition: string | null = null;
  private readonly stack: Array<{ array: boolean; key: string | null; expectingKey: boolean; revisions: boolean; revision: boolean }> = [];
  private inString = false;
  private escaped = false;
  private captured: number[] | null = null;
  private capturing: 'key' | 'cursor' | 'current' | 'position' | null = null;

  feed(chunk: Buffer): void {
    for (const b of chunk) {
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === 0x5c) this.escaped = true;
        else if (b === 0x22) {
          this.inString = false;
          this.endString();
          continue;
        }
        if (this.captured && this.captured.length < 65_536) this.captured.push(b);
        continue;
      }
      const top = this.stack[this.stack.length - 1];
      const topLevel = this.stack.length === 1 ? top : undefined;
      switch (b) {
        case 0x22: // "
          this.inString = true;
          this.capturing =
            (topLevel || top?.revision) && top?.expectingKey ? 'key'
            : topLevel?.key === 'nextCursor' ? 'cursor'
            : topLevel?.key === 'currentPosition' ? 'current'
            : top?.revision && top.key === 'position' ? 'position'
            : null;
          this.captured = this.capturing ? [] : null;
          break;
        case 0x7b: // {
        case 0x5b: // [
          if (top?.revisions && b === 0x7b) this.revisions++;
          this.stack.push({ array: b === 0x5b, key: null, expectingKey: b === 0x7b, revisions: b === 0x5b && topLevel?.key === 'revisions', revision: b === 0x7b && top?.revisions === true });
          break;
        case 0x7d: // }
        case 0x5d: // ]
          this.stack.pop();
          break;
        case 0x3a: // :
          if (top && !top.array) top.expectingKey = false;
          break;
        case 0x2c: // ,
          if (top && !top.array) {
            top.expectingKey = true;
            top.key = null;
          }
          break;
        case 0x6e: // n (null)
          if (topLevel && topLevel.key === 'nextCursor' && !topLevel.expectingKey) this.nextCursor = null;
          break;
      }
    }
  }

  private endString(): void {
    const text = this.captured ? (JSON.parse(`"${Buffer.from(this.captured).toString('utf8')}"`) as string) : '';
    const top = this.stack[this.stack.length - 1];
    if (this.capturing === 'key' && top) {
      top.key = text;
      if (text === 'nextCursor' && this.stack.length === 1) this.hasCursorField = true;
    } else if (this.capturing === 'cursor') this.nextCursor = text;
    else if (this.capturing === 'current') this.currentPosition = text;
    else if (this.capturing === 'position') this.lastPosition = text;
    this.captured = null;
    this.capturing = null;
  }
}

// ---------------------------------------------------------------------------------------------
// The answers.

interface Walk {
  readonly status: number;
  readonly bytes: number;
  readonly firstByteSeconds: number;
  readonly pages?: number;
  readonly revisions?: number;
  /** False when --max-walk-seconds stopped the walk before its last page. */
  readonly complete?: boolean;
  /** How far through the log the revisions read got: the last revision's position / the answer's currentPosition. */
  readonly logFraction?: number;
  /** Lines of a CSV answer (its header included). */
  readonly lines?: number;
  readonly error?: string;
}

const enterpriseExport = (areaId: string, format: 'csv' | 'xlsx') => async (api: RunningApi): Promise<Walk> => {
  let lines = 0;
  const fetched = await get(api, `/api/coverage/enterprises/export?${new URLSearchParams({ areaId, asOf: AS_OF, format }).toString()}`, (chunk) => {
    if (format === 'csv') for (const b of chunk) if (b === 0x0a) lines++;
  });
  return { status: fetched.status, bytes: fetched.bytes, firstByteSeconds: round(fetched.firstByteSeconds), ...(format === 'csv' ? { lines } : {}), ...(fetched.error ? { error: fetched.error } : {}) };
};

/** Every page of the revisions since `knownAt` (one answer while the route is not paginated). */
const revisionsWalk = (areaId: string, knownAt: string) => async (api: RunningApi): Promise<Walk> => {
  let cursor: string | null = null;
  let pages = 0;
  let revisions = 0;
  let bytes = 0;
  let firstByteSeconds = 0;
  let told = process.hrtime.bigint();
  const started = told;
  const pageSize = args['page-size'];
  const maxSeconds = args['max-walk-seconds'] === undefined ? Infinity : Number(args['max-walk-seconds']);
  let last: string | null = null;
  let current: string | null = null;
  const progress = () => (last !== null && current !== null && Number(current) > 0 ? { logFraction: Math.round((Number(last) / Number(current)) * 10_000) / 10_000 } : {});
  for (;;) {
    if (since(told) >= 30) {
      told = process.hrtime.bigint();
      log(`  revisions of ${areaId}: ${pages.toLocaleString('en-US')} pages, ${revisions.toLocaleString('en-US')} revisions, ${bytes.toLocaleString('en-US')} bytes so far`);
    }
    const scanner = new RevisionsScanner();
    const query = new URLSearchParams({ areaId, knownAt, asOf: AS_OF, ...(pageSize ? { pageSize } : {}), ...(cursor !== null ? { after: cursor } : {}) });
    const fetched = await get(api, `/api/coverage/revisions?${query.toString()}`, (chunk) => scanner.feed(chunk));
    if (pages === 0) firstByteSeconds = fetched.firstByteSeconds;
    bytes += fetched.bytes;
    if (fetched.error !== undefined) return { status: fetched.status, bytes, firstByteSeconds: round(firstByteSeconds), pages, revisions, error: fetched.error };
    pages++;
    revisions += scanner.revisions;
    last = scanner.lastPosition ?? last;
    current = scanner.currentPosition ?? current;
    if (!scanner.hasCursorField || scanner.nextCursor === null) return { status: fetched.status, bytes, firstByteSeconds: round(firstByteSeconds), pages, revisions, complete: true, ...progress() };
    if (since(started) >= maxSeconds) return { status: fetched.status, bytes, firstByteSeconds: round(firstByteSeconds), pages, revisions, complete: false, ...progress() };
    if (scanner.nextCursor === cursor) return { status: fetched.status, bytes, firstByteSeconds: round(firstByteSeconds), pages, revisions, error: `nextCursor did not move (${cursor})` };
    cursor = scanner.nextCursor;
  }
};

interface Measurement extends Walk {
  readonly answer: string;
  readonly seconds: number;
  readonly defaultLimitSeconds: number;
  readonly baselineMb: number;
  readonly peakRssMb: number;
  readonly peakAboveBaselineMb: number;
  readonly peakAtSeconds: number;
  readonly hwmMb: number;
  readonly hwmAboveBaselineMb: number;
  /** Resident memory half a second after the answer ended. */
  readonly afterMb: number;
  readonly samples: number;
  /** The server's process ended during the answer (its exit code or signal). */
  readonly serverExited?: string;
  readonly series: ReadonlyArray<readonly [number, number]>;
}

/**
 * The same small requests before every measurement: every route's code
 * loaded and run once, on small answers (the revisions since now are none:
 * those since the first import, even of one community, are not small).
 */
async function warmUp(api: RunningApi, root: string, leaf: string): Promise<void> {
  const drop = () => undefined;
  for (const path of [
    '/api/health',
    `/api/coverage?areaId=${encodeURIComponent(root)}&asOf=${AS_OF}`,
    `/api/coverage/enterprises?areaId=${encodeURIComponent(root)}&asOf=${AS_OF}&pageSize=100`,
  ]) {
    const r = await get(api, path, drop);
    if (r.error !== undefined) throw new Error(`warm-up ${path}: ${r.status} ${r.error}`);
  }
  for (const format of ['csv', 'xlsx'] as const) await enterpriseExport(leaf, format)(api);
  const r = await revisionsWalk(leaf, new Date().toISOString())(api);
  if (r.error !== undefined) throw new Error(`warm-up revisions: ${r.status} ${r.error}`);
}

async function measure(url: string, answer: string, limit: number, work: (api: RunningApi) => Promise<Walk>, areas: { root: string; leaf: string }): Promise<Measurement> {
  log(`${answer}: starting the API`);
  const api = await startApi(url, { REQUEST_TIMEOUT_MS: args['request-timeout-ms']! });
  try {
    const pid = api.child.pid!;
    await warmUp(api, areas.root, areas.leaf);
    await sleep(2000);
    const resting = await (async () => {
      const s = startSampling(pid);
      await sleep(1000);
      return s.stop();
    })();
    const baselineKb = resting.medianRssKb;
    log(`${answer}: baseline ${mb(baselineKb)} MB; asking`);
    const sampling = startSampling(pid);
    const t0 = process.hrtime.bigint();
    const walk = await work(api);
    const seconds = since(t0);
    await sleep(500);
    const sampled = await sampling.stop();
    const exited = api.child.exitCode ?? api.child.signalCode;
    const m: Measurement = {
      answer,
      ...walk,
      seconds: round(seconds),
      defaultLimitSeconds: limit,
      baselineMb: mb(baselineKb),
      peakRssMb: mb(sampled.peakRssKb),
      peakAboveBaselineMb: mb(sampled.peakRssKb - baselineKb),
      peakAtSeconds: round(sampled.peakAtMs / 1000),
      hwmMb: mb(sampled.hwmKb),
      hwmAboveBaselineMb: mb(sampled.hwmKb - baselineKb),
      afterMb: mb(sampled.lastRssKb),
      samples: sampled.samples,
      ...(exited !== null ? { serverExited: String(exited) } : {}),
      series: sampled.series,
    };
    log(`${answer}: ${m.status}, ${m.bytes.toLocaleString('en-US')} bytes in ${m.seconds} s; peak ${m.peakRssMb} MB (+${m.peakAboveBaselineMb}), VmHWM ${m.hwmMb} MB${m.error ? `; ${m.error.slice(0, 200)}` : ''}`);
    return m;
  } finally {
    await api.stop();
  }
}

// ---------------------------------------------------------------------------------------------

interface District {
  /** How it was generated and imported (absent with --database). */
  readonly generated?: { enterprises: number; workers: number; years: number; commands: number; generateSeconds: number; import: { seconds: number; peakMemoryMb: number; refused: number } };
  readonly events: number;
  readonly registeredEnterprises: number;
  readonly members: number;
  readonly catchUpSeconds: number;
}

/** The read models caught up and settled; the district's figures and areas. */
async function prepare(url: string): Promise<{ events: number; registeredEnterprises: number; members: number; catchUpSeconds: number; root: string; leaf: string; knownAt: string }> {
  const database = await openDatabase({ databaseUrl: url, maxConnections: 16 });
  try {
    await migrateToLatest(database.db);
    log('read models catching up');
    const t0 = process.hrtime.bigint();
    await catchUpReadModels(database, new KyselyEventStore(database.db));
    const catchUpSeconds = round(since(t0));
    await settle(url);
    const one = async <T>(query: RawBuilder<T>) => (await query.execute(database.db)).rows[0]!;
    const { events, first } = await one(sql<{ events: string; first: Date }>`select count(*)::text as events, min(recorded_at) as first from events`);
    const { enterprises } = await one(sql<{ enterprises: string }>`select count(*)::text as enterprises from rm_enterprises`);
    const { members } = await one(sql<{ members: string }>`select count(distinct member_id)::text as members from rm_membership_periods`);
    const { root } = await one(sql<{ root: string }>`select area_id as root from rm_areas where parent_id is null order by area_id limit 1`);
    // A community or lower: an area no other area names as its parent.
    const { leaf } = await one(sql<{ leaf: string }>`select area_id as leaf from rm_areas a where not exists (select 1 from rm_areas c where c.parent_id = a.area_id) order by area_id limit 1`);
    return {
      events: Number(events),
      registeredEnterprises: Number(enterprises),
      members: Number(members),
      catchUpSeconds,
      root,
      leaf,
      // A second before the first event: the whole history is revisions.
      knownAt: new Date(new Date(first).getTime() - 1000).toISOString(),
    };
  } finally {
    await database.close();
  }
}

function table(measurements: readonly Measurement[]): string {
  const n = (x: number | undefined) => (x === undefined ? '' : x.toLocaleString('en-US'));
  const rows: string[][] = [['answer', 'status', 'pages', 'revisions / lines', 'bytes', 's', 'baseline MB', 'peak RSS MB', 'above baseline MB', 'VmHWM MB', 'after MB']];
  for (const m of measurements) {
    rows.push([
      m.answer,
      `${m.status}${m.serverExited ? ` (server exited: ${m.serverExited})` : ''}`,
      m.complete === false ? `${n(m.pages)} (stopped at ${Math.round((m.logFraction ?? 0) * 1000) / 10}% of the log)` : n(m.pages),
      n(m.revisions ?? m.lines),
      n(m.bytes),
      `${m.seconds}${m.seconds > m.defaultLimitSeconds ? ` (> ${m.defaultLimitSeconds} s limit)` : ''}`,
      n(m.baselineMb),
      n(m.peakRssMb),
      n(m.peakAboveBaselineMb),
      n(m.hwmMb),
      n(m.afterMb),
    ]);
  }
  return rows.map((cols, i) => `| ${cols.join(' | ')} |${i === 0 ? `\n|${cols.map(() => ' --- ').join('|')}|` : ''}`).join('\n');
}

/** The commit measured, and whether tracked files differ from it (then the figures are not that commit's alone). */
function commit(): { commit?: string; modified?: boolean } {
  const git = (...a: string[]) => execFileSync('git', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return { commit: git('rev-parse', '--short', 'HEAD'), modified: git('status', '--porcelain', '--untracked-files=no') !== '' };
  } catch {
    return {};
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const measuredAt = commit();
  const enterprises = Number(args.enterprises ?? (args.quick ? 4000 : 320_000));
  const workers = Number(args.workers ?? (args.quick ? 6000 : 2_000_000));
  const years = Number(args.years);

  const run = async (url: string, generated?: District['generated']) => {
    const prepared = await prepare(url);
    const district: District = {
      ...(generated ? { generated } : {}),
      events: prepared.events,
      registeredEnterprises: prepared.registeredEnterprises,
      members: prepared.members,
      catchUpSeconds: prepared.catchUpSeconds,
    };
    log(`district: ${prepared.events.toLocaleString('en-US')} events, root ${prepared.root}, revisions since ${prepared.knownAt}`);
    const measurements: Measurement[] = [];
    for (const format of ['csv', 'xlsx'] as const) {
      measurements.push(await measure(url, `enterprise export, ${format}`, DEFAULT_LIMIT_S.export, enterpriseExport(prepared.root, format), prepared));
    }
    // One community's, for scale: how much of the district's work a small area's answer does.
    measurements.push(await measure(url, `revisions of one community (${prepared.leaf})`, DEFAULT_LIMIT_S.query, revisionsWalk(prepared.leaf, prepared.knownAt), prepared));
    measurements.push(await measure(url, `revisions of the district (${prepared.root})`, DEFAULT_LIMIT_S.query, revisionsWalk(prepared.root, prepared.knownAt), prepared));
    return { district, root: prepared.root, knownAt: prepared.knownAt, measurements };
  };

  let result: Awaited<ReturnType<typeof run>>;
  if (args.database) {
    result = await run(args.database);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'uce-bench-memory-'));
    const name = `uce_bench_memory_${process.pid}`;
    try {
      const file = join(dir, 'district.ndjson');
      log(`generating ${enterprises} enterprises, ${workers} workers, ${years} years`);
      const t0 = process.hrtime.bigint();
      const commands = await writeDistrict(file, enterprises, workers, years);
      const generateSeconds = round(since(t0));
      result = await withDatabase(
        name,
        async (url) => {
          log(`importing ${commands} commands`);
          const imported = await runImport(file, url);
          rmSync(file, { force: true });
          return run(url, { enterprises, workers, years, commands, generateSeconds, import: { seconds: round(imported.seconds), peakMemoryMb: imported.peakMemoryMb, refused: imported.refused } });
        },
        { keep: args.keep },
      );
      if (args.keep) log(`kept: --database ${databaseUrl(name)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const pg = postgres(ADMIN_URL, { max: 1, onnotice: () => undefined });
  const version = (await pg.unsafe<Array<{ v: string }>>('select version() as v'))[0]!.v;
  await pg.end();
  const report = {
    when: new Date().toISOString(),
    ...measuredAt,
    minutes: round((Date.now() - started) / 60_000),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, postgres: version },
    asOf: AS_OF,
    sampleIntervalMs: INTERVAL_MS,
    requestTimeoutMs: Number(args['request-timeout-ms']),
    ...result,
  };
  const d = result.district;
  const g = d.generated;
  console.log(
    `${d.events.toLocaleString('en-US')} events (${d.registeredEnterprises.toLocaleString('en-US')} enterprises, ${d.members.toLocaleString('en-US')} members), ` +
      `root ${result.root}, as of ${AS_OF}, revisions since ${result.knownAt}, commit ${measuredAt.commit ?? '?'}${measuredAt.modified ? ' (modified)' : ''}, ${report.minutes} min` +
      (g ? ` (generate ${g.generateSeconds} s, import ${g.import.seconds} s, read models ${d.catchUpSeconds} s)` : '') +
      '\n',
  );
  console.log(table(result.measurements));
  if (args.out) writeFileSync(args.out, JSON.stringify(report, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
