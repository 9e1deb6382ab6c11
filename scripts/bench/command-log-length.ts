/**
 * Single HTTP commands against logs of different lengths (issue 18): builds
 * a kept district database, or measures the suite's "HTTP commands, 16
 * clients" on one, with what PostgreSQL did meanwhile. Never part of npm test.
 *
 *   node dist/scripts/bench/command-log-length.js build --scale 4 --name uce_bench_cmd_4x
 *   node dist/scripts/bench/command-log-length.js measure --name uce_bench_cmd_4x [--amount 30000] [--connections 16]
 *                                                         [--no-checkpoint] [--projections worker|inline] [--cpu-prof DIR]
 *                                                         [--pg-wal /var/lib/postgresql/15/main/pg_wal] [--env NAME=VALUE]
 *
 * `build`: the suite's district at `scale`/16 of the full size (320,000
 * enterprises, 2,000,000 workers at 16), generated, imported through the CLI,
 * read models caught up and settled (scripts/bench/district.ts), in a
 * database that is kept. `measure`: `npm start`'s server as the suite starts
 * it, 200 commands to warm it, a checkpoint (so that every run starts from
 * the same state of the WAL; not with --no-checkpoint), then `amount` fresh
 * `RegisterEnterprise` commands from `connections` clients, and the deltas of
 * pg_stat_wal, pg_stat_bgwriter, block reads and hits by index and table
 * (pg_statio_user_indexes/tables), the time in the store's functions
 * (pg_stat_user_functions, with `alter database … set track_functions =
 * 'all'`), and the CPU of the API and of PostgreSQL (/proc), printed as
 * JSON. With --pg-wal (the server's WAL directory, on this machine) also the
 * run's WAL of this database by relation, from pg_waldump (pg_stat_wal counts
 * the whole server's); --cpu-prof writes a CPU profile of the API for the
 * measured commands. Credit codes follow the ones earlier runs used (a table
 * in the database remembers the next one).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { KyselyEventStore } from '#event-store';
import { migrateToLatest, openDatabase } from '#persistence';
import { syntheticCreditCode } from '#simulation';
import { ADMIN_URL, catchUpReadModels, databaseUrl, log, round, runImport, settle, since, startApi, writeDistrict } from './district.js';
import { load } from './http-load.js';
import { machineCpuSeconds, postgresCpuSeconds, processCpuSeconds } from './process-cpu.js';

const { positionals, values: args } = parseArgs({
  allowPositionals: true,
  options: {
    scale: { type: 'string', default: '4' },
    name: { type: 'string' },
    years: { type: 'string', default: '5' },
    amount: { type: 'string', default: '30000' },
    connections: { type: 'string', default: '16' },
    'no-checkpoint': { type: 'boolean', default: false },
    'pg-wal': { type: 'string' },
    projections: { type: 'string', default: 'worker' },
    'cpu-prof': { type: 'string' },
    env: { type: 'string', multiple: true },
  },
});

async function build(name: string, scale: number): Promise<void> {
  const enterprises = Math.round((320_000 * scale) / 16);
  const workers = Math.round((2_000_000 * scale) / 16);
  const dir = mkdtempSync(join(tmpdir(), 'uce-cmd-'));
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => undefined });
  try {
    const file = join(dir, 'district.ndjson');
    log(`${name}: generating ${enterprises} enterprises, ${workers} workers`);
    const commands = await writeDistrict(file, enterprises, workers, Number(args.years));
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
    const url = databaseUrl(name);
    log(`${name}: importing ${commands} commands`);
    const imported = await runImport(file, url);
    log(`${name}: imported in ${round(imported.seconds)} s; catching up`);
    const database = await openDatabase({ databaseUrl: url, maxConnections: 16 });
    try {
      await migrateToLatest(database.db);
      const t0 = process.hrtime.bigint();
      await catchUpReadModels(database, new KyselyEventStore(database.db));
      log(`${name}: caught up in ${round(since(t0))} s`);
    } finally {
      await database.close();
    }
    await settle(url);
    log(`${name}: kept (${url})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await admin.end({ timeout: 5 });
  }
}

type Row = Record<string, string | number | null>;

async function snapshot(sql: postgres.Sql) {
  const [wal] = await sql<Row[]>`select wal_records::bigint, wal_fpi::bigint, wal_bytes::bigint, wal_buffers_full::bigint, wal_write::bigint, wal_sync::bigint, pg_current_wal_lsn()::text as lsn from pg_stat_wal`;
  const [bgwriter] = await sql<Row[]>`select checkpoints_timed::bigint, checkpoints_req::bigint, buffers_checkpoint::bigint, buffers_clean::bigint, buffers_backend::bigint, buffers_backend_fsync::bigint, buffers_alloc::bigint from pg_stat_bgwriter`;
  const indexes = await sql<Row[]>`select indexrelname as name, idx_blks_read::bigint as read, idx_blks_hit::bigint as hit from pg_statio_user_indexes`;
  const tables = await sql<Row[]>`select relname as name, heap_blks_read::bigint as read, heap_blks_hit::bigint as hit from pg_statio_user_tables`;
  const functions = await sql<Row[]>`select funcname as name, calls::bigint, total_time, self_time from pg_stat_user_functions`;
  return { wal: wal!, bgwriter: bgwriter!, indexes, tables, functions };
}

const n = (x: unknown) => Number(x ?? 0);

function delta(before: Awaited<ReturnType<typeof snapshot>>, after: Awaited<ReturnType<typeof snapshot>>, commands: number) {
  const per = (x: number) => round(x / Math.max(commands, 1));
  const wal: Record<string, number> = {};
  for (const k of ['wal_records', 'wal_fpi', 'wal_bytes', 'wal_buffers_full', 'wal_write', 'wal_sync']) wal[k] = n(after.wal[k]) - n(before.wal[k]);
  const bgwriter: Record<string, number> = {};
  for (const k of Object.keys(after.bgwriter)) bgwriter[k] = n(after.bgwriter[k]) - n(before.bgwriter[k]);
  const blocks = (a: Row[], b: Row[]) =>
    Object.fromEntries(
      a
        .map((r) => {
          const old = b.find((x) => x['name'] === r['name']);
          return [String(r['name']), { read: n(r['read']) - n(old?.['read']), hit: n(r['hit']) - n(old?.['hit']) }] as const;
        })
        .filter(([, v]) => v.read + v.hit > 0)
        .map(([k, v]) => [k, { ...v, readPerCommand: per(v.read), hitPerCommand: per(v.hit) }]),
    );
  const functions = Object.fromEntries(
    after.functions
      .map((f) => {
        const old = before.functions.find((x) => x['name'] === f['name']);
        const calls = n(f['calls']) - n(old?.['calls']);
        return [String(f['name']), { calls, totalMs: round(n(f['total_time']) - n(old?.['total_time'])), selfMs: round(n(f['self_time']) - n(old?.['self_time'])) }] as const;
      })
      .filter(([, v]) => v.calls > 0)
      .map(([k, v]) => [k, { ...v, msPerCall: round(v.totalMs / v.calls) }]),
  );
  return {
    wal: { ...wal, bytesPerCommand: per(wal['wal_bytes']!), fpiPerCommand: per(wal['wal_fpi']!), fpiShareOfBytes: round((wal['wal_fpi']! * 8192) / Math.max(wal['wal_bytes']!, 1)) },
    bgwriter,
    indexes: blocks(after.indexes, before.indexes),
    tables: blocks(after.tables, before.tables),
    functions,
  };
}

async function measure(name: string): Promise<void> {
  const url = databaseUrl(name);
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await sql`create table if not exists bench_command_counter (next bigint not null)`;
    const [counter] = await sql<Array<{ next: string }>>`select next::text from bench_command_counter`;
    const amount = Number(args.amount);
    let next = counter ? Number(counter.next) : 10_000_000;
    await sql`delete from bench_command_counter`;
    await sql`insert into bench_command_counter values (${next + amount + 1000})`;
    const communities = (await sql<Array<{ area_id: string }>>`select area_id from rm_areas`).map((r) => r.area_id).filter((a) => /-C\d+$/.test(a));
    const [size] = await sql<Row[]>`select (select max(global_position) from events)::bigint as events,
      pg_total_relation_size('events')::bigint as events_bytes, pg_relation_size('events_event_id_key')::bigint as event_id_index_bytes`;
    const env: Record<string, string> = { PROJECTIONS: String(args.projections) };
    if (args['cpu-prof']) env['NODE_OPTIONS'] = `--require ${profiler(args['cpu-prof'])}`;
    for (const e of args.env ?? []) {
      const [k, ...v] = e.split('=');
      env[k!] = v.join('=');
    }
    const api = await startApi(url, env);
    try {
      const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!;
      // A few commands first, so that the server's first-use costs are not in the figures.
      await load(api.base, { connections: 4, amount: 200, next: () => command(next++, pick(communities)) });
      if (args['cpu-prof']) api.child.kill('SIGUSR2');
      if (args['pg-wal']) await sql`select pg_create_physical_replication_slot('uce_bench_cmd_wal', true)`;
      if (!args['no-checkpoint']) await sql`checkpoint`;
      const before = await snapshot(sql);
      const apiCpu0 = processCpuSeconds(api.child.pid!);
      const pgCpu0 = postgresCpuSeconds();
      const machine0 = machineCpuSeconds();
      const t0 = process.hrtime.bigint();
      const result = await load(api.base, { connections: Number(args.connections), amount, next: () => command(next++, pick(communities)) });
      const seconds = since(t0);
      const machine1 = machineCpuSeconds();
      const apiCpu = processCpuSeconds(api.child.pid!) - apiCpu0;
      const pgCpu = postgresCpuSeconds() - pgCpu0;
      const after = await snapshot(sql);
      if (args['cpu-prof']) {
        api.child.kill('SIGUSR2');
        await new Promise((r) => setTimeout(r, 3000));
      }
      const ms = (s: number) => round((s * 1000) / Math.max(result.requests, 1));
      console.log(
        JSON.stringify(
          {
            database: name,
            events: n(size!['events']),
            eventsMb: Math.round(n(size!['events_bytes']) / 2 ** 20),
            eventIdIndexMb: Math.round(n(size!['event_id_index_bytes']) / 2 ** 20),
            projections: args.projections,
            checkpointFirst: !args['no-checkpoint'],
            result,
            cpu: {
              apiMsPerCommand: ms(apiCpu),
              postgresMsPerCommand: ms(pgCpu),
              machineBusyShare: round((machine1.busy - machine0.busy) / Math.max(machine1.total - machine0.total, 1e-9)),
              seconds: round(seconds),
            },
            walRange: [before.wal['lsn'], after.wal['lsn']],
            ...(args['pg-wal'] ? { walByRelation: await walByRelation(sql, String(before.wal['lsn']), String(after.wal['lsn']), result.requests) } : {}),
            ...delta(before, after, result.requests),
          },
          null,
          2,
        ),
      );
    } finally {
      await api.stop();
      if (args['pg-wal']) await dropWalSlot(sql);
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * The run's WAL records of this database, by relation (pg_waldump over
 * --pg-wal, the server's pg_wal directory, readable on this machine; a
 * replication slot made before the run kept it, dropped here): bytes,
 * full-page images and records per command.
 */
async function walByRelation(sql: postgres.Sql, start: string, end: string, commands: number) {
  try {
    const [db] = await sql<Array<{ oid: string }>>`select oid::text from pg_database where datname = current_database()`;
    const names = new Map((await sql<Array<{ node: string; name: string }>>`
      select pg_relation_filenode(oid)::text as node, relname as name from pg_class where pg_relation_filenode(oid) is not null`).map((r) => [r.node, r.name]));
    const [bin] = await sql<Array<{ dir: string }>>`select setting as dir from pg_config where name = 'BINDIR'`;
    const dump = execFileSync(join(bin!.dir, 'pg_waldump'), ['-p', String(args['pg-wal']), '-s', start, '-e', end], { maxBuffer: 2 ** 31, encoding: 'latin1' });
    const byRelation = new Map<string, { bytes: number; images: number; records: number }>();
    let all = 0;
    for (const line of dump.split('\n')) {
      const size = /len \(rec\/tot\):\s*\d+\/\s*(\d+)/.exec(line);
      if (!size) continue;
      all += Number(size[1]);
      const rel = /rel \d+\/(\d+)\/(\d+)/.exec(line);
      if (!rel || rel[1] !== db!.oid) continue;
      const name = names.get(rel[2]!) ?? rel[2]!;
      const r = byRelation.get(name) ?? { bytes: 0, images: 0, records: 0 };
      r.bytes += Number(size[1]);
      r.images += line.split('FPW').length - 1;
      r.records++;
      byRelation.set(name, r);
    }
    const per = (x: number) => round(x / Math.max(commands, 1));
    const relations = [...byRelation].sort((a, b) => b[1].bytes - a[1].bytes);
    return {
      serverBytesPerCommand: per(all),
      databaseBytesPerCommand: per(relations.reduce((n, [, r]) => n + r.bytes, 0)),
      relations: Object.fromEntries(relations.slice(0, 15).map(([name, r]) => [name, { bytesPerCommand: per(r.bytes), imagesPerCommand: per(r.images), recordsPerCommand: per(r.records) }])),
    };
  } finally {
    await dropWalSlot(sql);
  }
}

/** The slot that keeps a run's WAL, if it is still there (it would keep WAL forever). */
async function dropWalSlot(sql: postgres.Sql): Promise<void> {
  await sql`select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = 'uce_bench_cmd_wal'`;
}

/**
 * A module the API's process preloads (NODE_OPTIONS --require; --cpu-prof is
 * not allowed there): its first SIGUSR2 starts a CPU profile, the second
 * writes it to `dir` — the measured commands alone.
 */
function profiler(dir: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'uce-prof-')), 'profiler.cjs');
  writeFileSync(
    file,
    `const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');
const session = new inspector.Session();
session.connect();
let running = false;
process.on('SIGUSR2', () => {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')));
    return;
  }
  session.post('Profiler.stop', (error, { profile }) => {
    if (!error) writeFileSync(${JSON.stringify(dir)} + '/api-' + process.pid + '.cpuprofile', JSON.stringify(profile));
  });
});
`,
  );
  return file;
}

function command(i: number, areaId: string) {
  return {
    method: 'POST' as const,
    path: '/api/commands',
    body: JSON.stringify({
      type: 'RegisterEnterprise',
      creditCode: syntheticCreditCode(i),
      name: `压测企业${i}`,
      areaId,
      headcount: Math.floor(Math.random() * 200),
      occurredOn: '2024-01-02',
    }),
  };
}

async function main(): Promise<void> {
  const name = args.name;
  if (!name || !/^uce_bench_cmd_\w+$/.test(name)) throw new Error('--name uce_bench_cmd_<something>');
  if (positionals[0] === 'build') return build(name, Number(args.scale));
  if (positionals[0] === 'measure') return measure(name);
  throw new Error('build or measure');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
