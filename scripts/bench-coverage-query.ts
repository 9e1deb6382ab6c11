/**
 * Coverage query latency on a populated database (issue 4), and the
 * projection catch-up rate on the way.
 *
 *   npm run cli -- generate --enterprises 320000 --workers 200000 > district.ndjson
 *   DATABASE_URL=postgres://… npm run cli -- import district.ndjson
 *   DATABASE_URL=postgres://… npm run bench:coverage -- [--queries 500] [--concurrency 8] [--out FILE]
 *
 * Queries ask for random areas (district, subdistricts, communities, parks)
 * at random dates across the history, as cadres do.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { KyselyEventStore } from '#event-store';
import { migrateToLatest, openDatabase } from '#persistence';
import { ProjectionRunner } from '#projections';
import { coverageAsOf, coverageProjection, enterprisesAsOf } from '#read-models';

const { values: args } = parseArgs({
  options: {
    queries: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '8' },
    out: { type: 'string' },
  },
});

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
const round = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const url = process.env['DATABASE_URL'];
  if (!url) throw new Error('set DATABASE_URL to a populated database (see the header of this script)');
  const database = await openDatabase({ databaseUrl: url, maxConnections: 16 });
  await migrateToLatest(database.db);
  const store = new KyselyEventStore(database.db);
  const count = async (q: string) => Number((await sql.raw<{ n: string }>(q).execute(database.db)).rows[0]?.n ?? 0);

  const runner = new ProjectionRunner(database.db, store, [coverageProjection], { batchSize: 2000, foldFirstCatchUp: true });
  const t0 = process.hrtime.bigint();
  let last = 0;
  const applied = await runner.catchUp((n) => {
    if (n - last >= 100_000) {
      last = n;
      console.error(`  projected ${n} events`);
    }
  });
  const projectSeconds = Number(process.hrtime.bigint() - t0) / 1e9;

  const sizes = {
    events: await count('select count(*)::text as n from events'),
    enterprises: await count('select count(*)::text as n from rm_enterprises'),
    enterprisePeriods: await count('select count(*)::text as n from rm_enterprise_periods'),
    membershipPeriods: await count('select count(*)::text as n from rm_membership_periods'),
  };
  const areas = (await sql<{ area_id: string }>`select area_id from rm_areas`.execute(database.db)).rows.map((r) => r.area_id);
  const range = (await sql<{ lo: string; hi: string }>`select min(valid_from)::text as lo, max(valid_from)::text as hi from rm_enterprise_periods`.execute(database.db)).rows[0]!;
  const lo = Date.parse(range.lo);
  const hi = Date.parse(range.hi);
  const randomQuery = () => ({
    areaId: areas[Math.floor(Math.random() * areas.length)]!,
    asOf: new Date(lo + Math.random() * (hi - lo)).toISOString().slice(0, 10),
  });

  const measure = async (label: string, n: number, concurrency: number, run: (q: { areaId: string; asOf: string }) => Promise<unknown>) => {
    const latencies: number[] = [];
    let next = 0;
    const start = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < n) {
          const q = randomQuery();
          const t = process.hrtime.bigint();
          await run(q);
          latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    latencies.sort((a, b) => a - b);
    const row = { label, queries: n, concurrency, perSecond: Math.round(n / seconds), p50ms: round(percentile(latencies, 0.5)), p99ms: round(percentile(latencies, 0.99)), maxMs: round(latencies[latencies.length - 1] ?? 0) };
    console.error(`  ${label}: p50 ${row.p50ms} ms, p99 ${row.p99ms} ms`);
    return row;
  };

  const n = Number(args.queries);
  const c = Number(args.concurrency);
  await measure('warm-up', 50, 1, (q) => coverageAsOf(database.db, q.areaId, q.asOf));
  const results = [
    await measure('GET /api/coverage (query only), 1 client', n, 1, (q) => coverageAsOf(database.db, q.areaId, q.asOf)),
    await measure(`GET /api/coverage (query only), ${c} clients`, n, c, (q) => coverageAsOf(database.db, q.areaId, q.asOf)),
    await measure('enterprise list, first page of unorganized 25+, 1 client', Math.ceil(n / 2), 1, (q) =>
      enterprisesAsOf(database.db, q.areaId, q.asOf, { status: 'unorganized', band: '25-99', limit: 50, offset: 0 })),
  ];
  const report = {
    machine: { cpus: `${cpus().length} × ${cpus()[0]?.model}`, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    sizes,
    projection: { appliedNow: applied, seconds: round(projectSeconds), eventsPerSecond: applied ? Math.round(applied / projectSeconds) : null },
    results,
  };
  console.log(JSON.stringify(report, null, 2));
  if (args.out) writeFileSync(args.out, JSON.stringify(report, null, 2));
  await database.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
