/**
 * Coverage queries with the primary alone, then with 1 and 2 streaming
 * standbys as read replicas (READ_DATABASE_URL), on the same database and the
 * same kind of queries — and the CPU each server spent on them. On one
 * machine the standbys share its cores with the primary, the API and the load
 * generator, so throughput alone says little: the figure to compare is where
 * the CPU goes (per 1,000 queries) and the queries answered per CPU-second —
 * what each added machine would take over. The standbys are made with
 * .ci/standby (pg_basebackup -R, as root), one after the other, each once the
 * previous measurement is done, and removed afterwards.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { ADMIN_URL, log, round, startApi } from './district.js';
import { load, type HttpResult } from './http-load.js';
import { processCpuSeconds, serverCpuSeconds } from './process-cpu.js';

export interface ReplicaQueries {
  readonly replicas: number;
  readonly queries: HttpResult;
  /** CPU seconds spent during the measurement: the API process, the primary's server, the standbys' servers. */
  readonly cpuSeconds: { readonly api: number; readonly primary: number; readonly replicas: number };
  /** Queries per CPU-second of API + database servers (the load generator aside). */
  readonly queriesPerCpuSecond: number;
  /** Which server answered a sample of 40 queries afterwards (freshness.server). */
  readonly sampledServers: Record<string, number>;
}

export type ReplicaBench = { readonly runs: readonly ReplicaQueries[] } | { readonly skipped: string };

const STANDBY = join(process.cwd(), '.ci/standby');
const standbyEnv = (k: number) => ({ ...process.env, PRIMARY_URL: ADMIN_URL, STANDBY_PORT: String(5433 + k), STANDBY_DIR: `/var/lib/postgresql/uce-bench-standby-${k}`, STANDBY_SLOT: `uce_bench_standby_${k}` });

/** Why standbys cannot be made here, if they cannot. */
function cannotMakeStandbys(): string | undefined {
  if (process.getuid?.() !== 0) return 'making standbys needs root (.ci/standby runs pg_basebackup as the postgres user)';
  if (!existsSync(STANDBY)) return '.ci/standby is missing';
  if (!readdirSync('/usr/lib/postgresql', { withFileTypes: true }).some((d) => existsSync(join('/usr/lib/postgresql', d.name, 'bin/pg_basebackup')))) return 'no pg_basebackup';
  return undefined;
}

export async function benchReplicaQueries(url: string, next: () => string, options: { amount: number; connections: number; upTo: number }): Promise<ReplicaBench> {
  const why = cannotMakeStandbys();
  if (why) {
    log(`replicas: skipped (${why})`);
    return { skipped: why };
  }
  const database = new URL(url).pathname;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => undefined });
  const primaryDir = (await admin<Array<{ d: string }>>`select current_setting('data_directory') as d`)[0]!.d;
  const standbys: Array<{ url: string; dir: string }> = [];
  const runs: ReplicaQueries[] = [];
  try {
    for (let n = 0; n <= options.upTo; n++) {
      if (n > 0) {
        log(`replicas: making standby ${n} (pg_basebackup of the whole server)`);
        const env = standbyEnv(n);
        const { stdout } = await promisify(execFile)('bash', [STANDBY, 'create'], { env, maxBuffer: 1 << 20 });
        const standby = new URL(stdout.trim().split('\n').at(-1)!);
        standby.pathname = database;
        standbys.push({ url: standby.toString(), dir: env.STANDBY_DIR });
        await caughtUp(admin, standby.toString());
      }
      const api = await startApi(url, n > 0 ? { READ_DATABASE_URL: standbys.map((s) => s.url).join(',') } : {});
      try {
        // Warm up: every server's caches and connections, as a running system has them.
        await load(api.base, { connections: options.connections, amount: Math.max(100, options.amount / 10), next: () => ({ method: 'GET', path: next() }) });
        const before = cpu(api.child.pid!, primaryDir, standbys.map((s) => s.dir));
        const queries = await load(api.base, { connections: options.connections, amount: options.amount, next: () => ({ method: 'GET', path: next() }) });
        const after = cpu(api.child.pid!, primaryDir, standbys.map((s) => s.dir));
        const cpuSeconds = { api: round(after.api - before.api), primary: round(after.primary - before.primary), replicas: round(after.replicas - before.replicas) };
        const sampledServers: Record<string, number> = {};
        for (let i = 0; i < 40; i++) {
          const answer = (await (await fetch(`${api.base.url}${next()}`, { headers: { authorization: `Bearer ${api.base.token}` } })).json()) as { freshness?: { server?: string } };
          const server = answer.freshness?.server ?? 'primary';
          sampledServers[server] = (sampledServers[server] ?? 0) + 1;
        }
        const total = cpuSeconds.api + cpuSeconds.primary + cpuSeconds.replicas;
        runs.push({ replicas: n, queries, cpuSeconds, queriesPerCpuSecond: Math.round(queries.requests / Math.max(total, 1e-9)), sampledServers });
        log(`replicas: ${n}: ${queries.perSecond}/s, p99 ${queries.p99Ms} ms; CPU s api ${cpuSeconds.api}, primary ${cpuSeconds.primary}, replicas ${cpuSeconds.replicas}`);
      } finally {
        await api.stop();
      }
    }
    return { runs };
  } finally {
    for (let k = standbys.length; k >= 1; k--) await promisify(execFile)('bash', [STANDBY, 'remove'], { env: standbyEnv(k) }).catch(() => undefined);
    await admin.end({ timeout: 5 });
  }
}

/** Waits until the standby has replayed everything the primary had written when asked. */
async function caughtUp(admin: postgres.Sql, standbyUrl: string): Promise<void> {
  const target = (await admin<Array<{ lsn: string }>>`select pg_current_wal_lsn()::text as lsn`)[0]!.lsn;
  const standby = postgres(standbyUrl, { max: 1, onnotice: () => undefined });
  try {
    for (;;) {
      const [row] = await standby<Array<{ behind: boolean }>>`select pg_last_wal_replay_lsn() < ${target}::pg_lsn as behind`;
      if (!row!.behind) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await standby.end({ timeout: 1 });
  }
}

/** CPU seconds so far of the API's process, of the primary's server and of the standbys' servers. */
function cpu(apiPid: number, primaryDir: string, standbyDirs: readonly string[]): { api: number; primary: number; replicas: number } {
  return { api: processCpuSeconds(apiPid), primary: serverCpuSeconds(primaryDir), replicas: standbyDirs.reduce((sum, dir) => sum + serverCpuSeconds(dir), 0) };
}
