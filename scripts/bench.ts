/**
 * The benchmark suite (issue 7), on PostgreSQL, never part of npm test:
 *
 *   npm run bench -- [--quick] [--out results.json] [--enterprises N --workers M] [--no-peer] [--no-kurrentdb] [--no-replicas]
 *
 * In one run and on one PostgreSQL server, for district histories of 1×, 4×
 * and 16× a base size (the largest is the district: 320,000 enterprises and
 * 2,000,000 workers by default; --quick: 4,000 and 6,000):
 *   - the machine's ceilings: raw COPY of as many event rows, and a raw keyset read of them;
 *   - import of the generated history through the CLI importer (commands/s,
 *     events/s), then the read models caught up (end to end);
 *   - rebuild of every read model from the log (events/s);
 *   - coverage queries for random areas and dates, 8 concurrent clients over HTTP (p50/p99);
 *   - at the largest size: single HTTP commands from 16 concurrent clients
 *     (throughput, p50/p99), and the peer — the same appends, read-back and a
 *     simple projection with Emmett's PostgreSQL event store (emmett-postgresql)
 *     and with ours; then the same appends, read-back and a catch-up
 *     subscription through the engine's KurrentDB endpoint with the official
 *     client, and appended by the engine running on KurrentDB
 *     (--no-kurrentdb: not).
 *   - at the largest size: coverage queries with the primary alone, then with
 *     1 and 2 streaming standbys as read replicas made on this machine
 *     (.ci/standby, as root; --no-replicas: not), with the CPU each server
 *     spent (scripts/bench/replicas.ts);
 * Prints a table and writes the results as JSON (--out). Needs DATABASE_URL
 * (a server where it may create and drop databases) or the local default.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import postgres from 'postgres';
import { KyselyEventStore } from '#event-store';
import { migrateToLatest, openDatabase, type Database } from '#persistence';
import { rebuildProjection } from '#projections';
import { ALL_PROJECTIONS } from '#read-models';
import { syntheticCreditCode } from '#simulation';
import { measureCeilings, type Rate } from './bench/ceilings.js';
import { ADMIN_URL, catchUpReadModels, log, round, runImport, settle, since, startApi, withDatabase, writeDistrict } from './bench/district.js';
import { load, type HttpResult } from './bench/http-load.js';
import { benchEmmett, type PeerAppend } from './bench/peer-emmett.js';
import { benchKurrentDb, kurrentDbRows, type KurrentDbBench } from './bench/kurrentdb.js';
import { benchOurAppends } from './bench/our-appends.js';
import { benchReplicaQueries, type ReplicaBench } from './bench/replicas.js';
import { benchOurSimpleProjection } from './bench/simple-projection.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    enterprises: { type: 'string' },
    workers: { type: 'string' },
    years: { type: 'string', default: '5' },
    'no-peer': { type: 'boolean', default: false },
    'no-kurrentdb': { type: 'boolean', default: false },
    'no-replicas': { type: 'boolean', default: false },
    'peer-events': { type: 'string' },
  },
});

const rate = (events: number, seconds: number): Rate => ({ events, seconds: round(seconds), eventsPerSecond: Math.round(events / Math.max(seconds, 1e-9)) });

interface SizeResult {
  readonly scale: number;
  readonly enterprises: number;
  readonly workers: number;
  readonly commands: number;
  readonly events: number;
  readonly ceilings: { copy: Rate; read: Rate };
  readonly import: { seconds: number; commandsPerSecond: number; eventsPerSecond: number; peakMemoryMb: number; refused: number };
  readonly catchUp: Rate;
  readonly importEndToEnd: Rate;
  readonly rebuild: Record<string, Rate> & { all: Rate };
  readonly queries: HttpResult;
  readonly commandsHttp?: HttpResult;
  readonly replicas?: ReplicaBench;
  readonly peer?: PeerResult;
}

interface PeerResult {
  readonly events: number;
  readonly ours: { append: Rate & { p50Ms?: number; p99Ms?: number }; read: Rate; projection: Rate };
  readonly emmett: { append: Rate & { p50Ms?: number; p99Ms?: number }; read: Rate; projection: Rate };
  /** The same appends through the KurrentDB endpoint with the official client, and the engine on KurrentDB (docs/kurrentdb.md). */
  readonly kurrentdb?: KurrentDbBench;
}

const count = async (db: Database['db'], table: string) => Number((await sql.raw<{ n: string }>(`select count(*)::text as n from ${table}`).execute(db)).rows[0]?.n ?? 0);

async function benchSize(scale: number, enterprises: number, workers: number, years: number, largest: boolean, dir: string): Promise<SizeResult> {
  const file = join(dir, `district-${scale}.ndjson`);
  log(`${scale}×: generating ${enterprises} enterprises, ${workers} workers, ${years} years`);
  const commands = await writeDistrict(file, enterprises, workers, years);
  return withDatabase(`uce_bench_${process.pid}_${scale}`, async (url) => {
    log(`${scale}×: importing ${commands} commands`);
    const imported = await runImport(file, url);
    const database = await openDatabase({ databaseUrl: url, maxConnections: 16 });
    try {
      await migrateToLatest(database.db);
      const store = new KyselyEventStore(database.db);
      const events = await count(database.db, 'events');

      log(`${scale}×: read models catching up`);
      const t0 = process.hrtime.bigint();
      await catchUpReadModels(database, store);
      const catchUp = rate(events, since(t0));
      await settle(url);

      log(`${scale}×: ceilings for ${events} events`);
      const ceilings = await measureCeilings(url, events);

      log(`${scale}×: rebuilding the read models`);
      const rebuild: Record<string, Rate> = {};
      let rebuildSeconds = 0;
      for (const projection of ALL_PROJECTIONS) {
        const r = await rebuildProjection(database.db, projection, { batchSize: 2000 });
        rebuild[projection.name] = rate(r.events, r.seconds);
        rebuildSeconds += r.seconds;
      }

      await settle(url);
      log(`${scale}×: coverage queries over HTTP`);
      // The API in its own process (as deployed), so that the load generator does not share its event loop.
      const { base, stop } = await startApi(url);
      try {
        const areas = (await sql<{ area_id: string }>`select area_id from rm_areas`.execute(database.db)).rows.map((r) => r.area_id);
        const dates = (await sql<{ lo: string; hi: string }>`select min(valid_from)::text as lo, max(valid_from)::text as hi from rm_enterprise_periods`.execute(database.db)).rows[0]!;
        const [lo, hi] = [Date.parse(dates.lo), Date.parse(dates.hi)];
        const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!;
        const coveragePath = () => `/api/coverage?areaId=${pick(areas)}&asOf=${new Date(lo + Math.random() * (hi - lo)).toISOString().slice(0, 10)}`;
        const queries = await load(base, { connections: 8, amount: args.quick ? 400 : 2000, next: () => ({ method: 'GET', path: coveragePath() }) });

        let replicas: ReplicaBench | undefined;
        if (largest && !args['no-replicas']) {
          log(`${scale}×: coverage queries with the primary alone, 1 and 2 read replicas`);
          replicas = await benchReplicaQueries(url, coveragePath, { amount: args.quick ? 1000 : 4000, connections: 8, upTo: 2 });
        }

        let commandsHttp: HttpResult | undefined;
        if (largest) {
          log(`${scale}×: single commands over HTTP, 16 clients`);
          const communities = areas.filter((a) => /-C\d+$/.test(a));
          let n = 0;
          commandsHttp = await load(base, {
            connections: 16,
            amount: args.quick ? 3000 : 30000,
            next: () => ({
              method: 'POST',
              path: '/api/commands',
              body: JSON.stringify({
                type: 'RegisterEnterprise',
                creditCode: syntheticCreditCode(10_000_000 + n++),
                name: `压测企业${n}`,
                areaId: pick(communities),
                headcount: Math.floor(Math.random() * 200),
                occurredOn: '2024-01-02',
              }),
            }),
          });
        }

        let peer: PeerResult | undefined;
        if (largest && !args['no-peer']) peer = await benchPeer(store, Number(args['peer-events'] ?? (args.quick ? 20_000 : 200_000)));

        return {
          scale,
          enterprises,
          workers,
          commands,
          events,
          ceilings,
          import: {
            seconds: round(imported.seconds),
            commandsPerSecond: Math.round(commands / imported.seconds),
            eventsPerSecond: Math.round(events / imported.seconds),
            peakMemoryMb: imported.peakMemoryMb,
            refused: imported.refused,
          },
          catchUp,
          importEndToEnd: rate(events, imported.seconds + catchUp.seconds),
          rebuild: { ...rebuild, all: rate(events, rebuildSeconds) } as SizeResult['rebuild'],
          queries,
          ...(commandsHttp ? { commandsHttp } : {}),
          ...(replicas ? { replicas } : {}),
          ...(peer ? { peer } : {}),
        };
      } finally {
        await stop();
      }
    } finally {
      await database.close();
    }
  });
}

/** The same appends (one per command and stream, from our log), read-back and simple projection, on ours and on Emmett. */
async function benchPeer(store: KyselyEventStore, limit: number): Promise<PeerResult> {
  log(`peer: the first ${limit} events, as appended by their commands`);
  const appends: PeerAppend[] = [];
  let taken = 0;
  let from = 1n;
  while (taken < limit) {
    const page = await store.readAll({ fromPosition: from, maxCount: 5000 });
    if (page.length === 0) break;
    for (const e of page) {
      if (taken >= limit) break;
      const last = appends[appends.length - 1];
      const key = `${e.metadata['commandId']}|${e.streamId}`;
      const event = { type: e.type, data: e.data as Record<string, unknown>, metadata: { commandId: e.metadata['commandId'] } };
      if (last && `${last.events[0]?.metadata?.['commandId']}|${last.streamId}` === key) last.events.push(event);
      else appends.push({ streamId: e.streamId, events: [event] });
      taken++;
    }
    from = page[page.length - 1]!.globalPosition + 1n;
  }
  const ours = await withDatabase(`uce_bench_${process.pid}_peer_ours`, async (url) => {
    const database = await openDatabase({ databaseUrl: url, maxConnections: 16 });
    try {
      await migrateToLatest(database.db);
      const peerStore = new KyselyEventStore(database.db);
      const append = await benchOurAppends(peerStore, appends, 8);
      const t0 = process.hrtime.bigint();
      let read = 0;
      let position = 0n;
      for (;;) {
        const page = await peerStore.readAll({ fromPosition: position + 1n, maxCount: 1000 });
        if (page.length === 0) break;
        read += page.length;
        position = page[page.length - 1]!.globalPosition;
      }
      const readRate = rate(read, since(t0));
      const projection = await benchOurSimpleProjection(database.db, peerStore);
      return { append, read: readRate, projection };
    } finally {
      await database.close();
    }
  });
  // Emmett's projection context keeps a pool of its own for the connection string; dropping the
  // database ends those idle connections, which node-postgres reports as an unhandled error.
  const dropped = (error: Error & { code?: string }) => {
    if (error.code === '57P01') return;
    console.error(error);
    process.exit(1);
  };
  process.on('uncaughtException', dropped);
  try {
    const emmett = await withDatabase(`uce_bench_${process.pid}_peer_emmett`, (url) => benchEmmett({ connectionString: url, appends, concurrency: 8 }));
    await new Promise((r) => setTimeout(r, 500));
    const kurrentdb = args['no-kurrentdb'] ? undefined : await benchKurrentDb(appends, 8, String(process.pid));
    return { events: taken, ours, emmett, ...(kurrentdb && { kurrentdb }) };
  } finally {
    setTimeout(() => process.off('uncaughtException', dropped), 2000).unref();
  }
}

function table(results: readonly SizeResult[]): string {
  const rows: string[][] = [['size', 'measure', 'value', 'ceiling', 'ratio']];
  const r = (n: number) => Math.round(n).toLocaleString('en-US');
  for (const s of results) {
    const size = `${s.scale}× (${r(s.enterprises)} ent., ${r(s.workers)} workers, ${r(s.events)} events)`;
    rows.push([size, 'COPY ceiling', `${r(s.ceilings.copy.eventsPerSecond)} ev/s`, '', '']);
    rows.push([size, 'keyset read ceiling', `${r(s.ceilings.read.eventsPerSecond)} ev/s`, '', '']);
    rows.push([size, 'import (CLI)', `${r(s.import.eventsPerSecond)} ev/s (${r(s.import.commandsPerSecond)} cmd/s, ${s.import.peakMemoryMb} MB)`, 'COPY', ratio(s.import.eventsPerSecond, s.ceilings.copy.eventsPerSecond)]);
    rows.push([size, 'import + read models caught up', `${r(s.importEndToEnd.eventsPerSecond)} ev/s (${s.importEndToEnd.seconds} s)`, 'COPY', ratio(s.importEndToEnd.eventsPerSecond, s.ceilings.copy.eventsPerSecond)]);
    for (const [name, x] of Object.entries(s.rebuild)) rows.push([size, `rebuild ${name}`, `${r(x.eventsPerSecond)} ev/s (${x.seconds} s)`, 'read', ratio(x.eventsPerSecond, s.ceilings.read.eventsPerSecond)]);
    rows.push([size, 'coverage query, 8 clients', `p50 ${s.queries.p50Ms} ms, p99 ${s.queries.p99Ms} ms, ${r(s.queries.perSecond)}/s`, '', '']);
    if (s.replicas && 'skipped' in s.replicas) rows.push([size, 'coverage query with read replicas', `skipped: ${s.replicas.skipped}`, '', '']);
    if (s.replicas && 'runs' in s.replicas) {
      const alone = s.replicas.runs[0]!;
      for (const run of s.replicas.runs) {
        const where = run.replicas === 0 ? 'primary alone' : `${run.replicas} replica${run.replicas > 1 ? 's' : ''} (same machine)`;
        const per1000 = (x: number) => round((x * 1000) / run.queries.requests);
        rows.push([
          size,
          `coverage query, 8 clients, ${where}`,
          `${r(run.queries.perSecond)}/s, p50 ${run.queries.p50Ms} ms, p99 ${run.queries.p99Ms} ms; CPU s per 1,000: API ${per1000(run.cpuSeconds.api)}, primary ${per1000(run.cpuSeconds.primary)}, replicas ${per1000(run.cpuSeconds.replicas)}; ${r(run.queriesPerCpuSecond)} per CPU-s; sample ${JSON.stringify(run.sampledServers)}`,
          'primary alone',
          ratio(run.queriesPerCpuSecond, alone.queriesPerCpuSecond),
        ]);
      }
    }
    if (s.commandsHttp) rows.push([size, 'HTTP commands, 16 clients', `${r(s.commandsHttp.perSecond)}/s, p50 ${s.commandsHttp.p50Ms} ms, p99 ${s.commandsHttp.p99Ms} ms, failed ${s.commandsHttp.failed}`, '', '']);
    if (s.peer) {
      for (const m of ['append', 'read', 'projection'] as const) {
        rows.push([size, `peer ${m} (${r(s.peer.events)} events)`, `ours ${r(s.peer.ours[m].eventsPerSecond)} ev/s, emmett ${r(s.peer.emmett[m].eventsPerSecond)} ev/s`, 'emmett', ratio(s.peer.ours[m].eventsPerSecond, s.peer.emmett[m].eventsPerSecond)]);
      }
      const k = s.peer.kurrentdb;
      if (k) {
        for (const [what, direct, endpoint, engine] of kurrentDbRows(k)) {
          rows.push([size, `KurrentDB ${what} (${r(k.events)} events)`, `in process ${direct}; endpoint ${endpoint}${engine ? `; engine on KurrentDB ${engine}` : ''}`, '', '']);
        }
      }
    }
  }
  return rows.map((cols, i) => `| ${cols.join(' | ')} |${i === 0 ? `\n|${cols.map(() => ' --- ').join('|')}|` : ''}`).join('\n');
}

const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '');

async function main(): Promise<void> {

  const enterprises = Number(args.enterprises ?? (args.quick ? 4000 : 320_000));
  const workers = Number(args.workers ?? (args.quick ? 6000 : 2_000_000));
  const years = Number(args.years);
  const dir = mkdtempSync(join(tmpdir(), 'uce-bench-'));
  const results: SizeResult[] = [];
  const started = Date.now();
  try {
    for (const scale of [1, 4, 16]) {
      results.push(await benchSize(scale, Math.round((enterprises * scale) / 16), Math.round((workers * scale) / 16), years, scale === 16, dir));
      console.error(table(results)); // so far, in case a later size fails
      if (args.out) writeFileSync(`${args.out}.partial`, JSON.stringify(results, null, 2));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pg = postgres(ADMIN_URL, { max: 1 });
  const version = (await pg.unsafe<Array<{ v: string }>>('select version() as v'))[0]!.v;
  await pg.end();
  const report = {
    when: new Date().toISOString(),
    minutes: round((Date.now() - started) / 60_000),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, postgres: version },
    results,
  };
  console.log(table(results));
  if (args.out) writeFileSync(args.out, JSON.stringify(report, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
