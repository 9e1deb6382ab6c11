/**
 * What the benchmarks share to get a generated district into a fresh
 * PostgreSQL database and serve it: the bench's keys, a scratch database,
 * the generated history written as an import file, the CLI importer run as a
 * user runs it, the read models caught up, vacuum and analyze, and `npm
 * start`'s server in its own process with a token. Used by scripts/bench.ts
 * and scripts/bench-memory.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { requestTokens } from '#access';
import { operatorPrincipal } from '#domain';
import type { KyselyEventStore } from '#event-store';
import { openPersonalData } from '#personal-data';
import { loadConfig, type Database } from '#persistence';
import { createPolicies } from '#policies';
import { ProjectionRunner } from '#projections';
import { ALL_PROJECTIONS } from '#read-models';
import { generateDistrict } from '#simulation';

const KEY = 'bench-person-id-key-0123456789-abcdefghij';
/** The master keys the bench's programs run with (two different secrets). */
export const BENCH_KEYS = { PERSON_ID_KEY: KEY, PERSONAL_DATA_KEY: 'bench-personal-data-key-9876543210-zyxwvu' };
/** A server where the benchmarks may create and drop databases. */
export const ADMIN_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const since = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;
export const round = (x: number) => Math.round(x * 100) / 100;
export const log = (message: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

/** The URL of database `name` on the admin URL's server. */
export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh database for `work`, dropped afterwards (unless `keep`). */
export async function withDatabase<T>(name: string, work: (url: string) => Promise<T>, options: { keep?: boolean } = {}): Promise<T> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  try {
    return await work(databaseUrl(name));
  } finally {
    if (!options.keep) await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await admin.end({ timeout: 5 });
  }
}

/** The generated district's history, one command per line (as `npm run cli -- generate` writes it); the number of commands. */
export async function writeDistrict(file: string, enterprises: number, workers: number, years: number): Promise<number> {
  const out = createWriteStream(file);
  let n = 0;
  for (const c of generateDistrict({ enterprises, workers, years, seed: 7 })) {
    if (!out.write(`${JSON.stringify(c)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
    n++;
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return n;
}

/** The CLI importer, as a user runs it (a separate process). */
export function runImport(file: string, url: string): Promise<{ seconds: number; peakMemoryMb: number; refused: number; recorded: number }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [join(process.cwd(), 'dist/apps/cli/src/main.js'), 'import', file], {
      env: { ...process.env, DATABASE_URL: url, ...BENCH_KEYS },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      const line = d.toString().trim();
      if (line && !line.startsWith('store:')) log(`  import: ${line.split('\n').pop()}`);
    });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`import failed (${code}): ${out}`));
      const number = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(out)?.[1] ?? NaN);
      resolve({
        seconds: since(t0),
        peakMemoryMb: Number(/peak memory ([\d.]+) MB/.exec(out)?.[1] ?? NaN),
        refused: number('refused'),
        recorded: number('recorded'),
      });
    });
  });
}

/** Every read model and the policies caught up with the log, a first catch-up folded like a rebuild. */
export async function catchUpReadModels(database: Database, store: KyselyEventStore): Promise<void> {
  const projections = [...ALL_PROJECTIONS, ...createPolicies(await openPersonalData(database.db, loadConfig(BENCH_KEYS)))];
  await new ProjectionRunner(database.db, store, projections, { batchSize: 2000, foldFirstCatchUp: true }).catchUp();
}

/** What autovacuum does in a running system: statistics for the planner, all-visible pages for index-only scans. */
export async function settle(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe('vacuum analyze');
  } finally {
    await sql.end({ timeout: 5 });
  }
}

let nextPort = 3900 + (process.pid % 50) * 2;

export interface RunningApi {
  readonly base: { url: string; token: string };
  /** The server's process (node itself: its /proc/<pid> is the server's). */
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * `npm start`'s server on a bench database (projections left to the bench),
 * answering once healthy, with an admin token; `env` adds to or overrides
 * its environment.
 */
export async function startApi(url: string, env: Record<string, string> = {}): Promise<RunningApi> {
  const port = nextPort++;
  const child = spawn(process.execPath, [join(process.cwd(), 'dist/apps/api/src/main.js')], {
    // One client making tens of thousands of requests: the per-token limit stays on (its cost is measured), out of reach.
    env: { ...process.env, DATABASE_URL: url, ...BENCH_KEYS, PROJECTIONS: 'worker', PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', RATE_LIMIT_PER_MINUTE: '100000000', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (exited()) throw new Error(`the API exited (${child.exitCode ?? child.signalCode})`);
    const ok = await fetch(`${base}/api/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (i > 300) throw new Error('the API did not become healthy');
    await new Promise((r) => setTimeout(r, 100));
  }
  // A token, as an operator gets one (npm run cli -- token issue).
  const issued = await requestTokens(loadConfig({ DATABASE_URL: url, ...BENCH_KEYS }), { action: 'issue', operator: 'bench', request: { role: 'admin', holder: 'bench' } }, operatorPrincipal('bench'));
  if (!issued.ok) throw new Error(`no token for the bench: ${issued.message}`);
  return {
    base: { url: base, token: (issued.value as { token: string }).token },
    child,
    stop: async () => {
      if (exited()) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}
