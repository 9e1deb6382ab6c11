/**
 * Benchmarks the event store's append, read and subscribe paths on
 * PostgreSQL and on embedded PGlite (on disk), each in a fresh database.
 *
 *   npm run bench:store -- [--quick] [--backend postgres|pglite|both] [--out FILE]
 *
 * PostgreSQL: DATABASE_URL (or postgres://postgres@127.0.0.1:5432/postgres);
 * a scratch database is created on that server and dropped afterwards.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import postgres from 'postgres';
import { KyselyEventStore, type NewEvent } from '#event-store';
import { migrateToLatest, openDatabase, type Database } from '#persistence';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    backend: { type: 'string', default: 'both' },
    out: { type: 'string' },
  },
});
const scale = args.quick ? 0.2 : 1;
const n = (count: number) => Math.max(100, Math.round(count * scale));

interface Row {
  backend: string;
  operation: string;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  p50ms?: number;
  p99ms?: number;
}

function event(i: number): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'HeadcountReported',
    data: { creditCode: '91440300MA5DC6QX9X', headcount: 20 + (i % 300) },
    occurredOn: '2023-06-30',
    metadata: { actor: 'bench', correlationId: 'bench-run' },
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

async function measure(
  backend: string,
  operation: string,
  events: number,
  run: (latencies: number[]) => Promise<void>,
): Promise<Row> {
  const latencies: number[] = [];
  const start = process.hrtime.bigint();
  await run(latencies);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  latencies.sort((a, b) => a - b);
  const row: Row = { backend, operation, events, seconds: round(seconds, 2), eventsPerSecond: Math.round(events / seconds) };
  if (latencies.length) {
    row.p50ms = round(percentile(latencies, 0.5), 2);
    row.p99ms = round(percentile(latencies, 0.99), 2);
  }
  console.error(`  ${operation}: ${row.eventsPerSecond.toLocaleString('en')} events/s`);
  return row;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

async function timed(latencies: number[], work: () => Promise<unknown>): Promise<void> {
  const t = process.hrtime.bigint();
  await work();
  latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
}

async function benchBackend(backend: string, database: Database): Promise<Row[]> {
  await migrateToLatest(database.db);
  const store = new KyselyEventStore(database.db);
  const rows: Row[] = [];
  console.error(`${backend}:`);

  const single = n(3000);
  rows.push(
    await measure(backend, 'append 1 event, 1 writer', single, async (lat) => {
      for (let i = 0; i < single; i++) await timed(lat, () => store.append(`enterprise-${i % 500}`, [event(i)]));
    }),
  );

  const writers = 8;
  const concurrent = n(8000);
  rows.push(
    await measure(backend, `append 1 event, ${writers} writers`, concurrent, async (lat) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: writers }, async () => {
          while (next < concurrent) {
            const i = next++;
            await timed(lat, () => store.append(`member-${i}`, [event(i)], 'no_stream'));
          }
        }),
      );
    }),
  );

  const batches = n(500);
  const perBatch = 100;
  rows.push(
    await measure(backend, `append batches of ${perBatch}`, batches * perBatch, async (lat) => {
      for (let b = 0; b < batches; b++) {
        const events = Array.from({ length: perBatch }, (_, i) => event(b * perBatch + i));
        await timed(lat, () => store.append(`import-${b}`, events));
      }
    }),
  );

  const total = Number(
    (await sql<{ n: string }>`select count(*)::text as n from events`.execute(database.db)).rows[0]?.n ?? 0,
  );
  rows.push(
    await measure(backend, 'readAll, pages of 1000', total, async () => {
      let from = 0n;
      let read = 0;
      for (;;) {
        const page = await store.readAll({ fromPosition: from, maxCount: 1000 });
        if (!page.length) break;
        read += page.length;
        from = page[page.length - 1]!.globalPosition + 1n;
      }
      if (read !== total) throw new Error(`readAll read ${read} of ${total}`);
    }),
  );

  rows.push(
    await measure(backend, 'subscribeToAll catch-up', total, async () => {
      const controller = new AbortController();
      let seen = 0;
      for await (const _ of store.subscribeToAll({ signal: controller.signal, batchSize: 1000 })) {
        if (++seen === total) controller.abort();
      }
    }),
  );

  const live = n(1000);
  rows.push(
    await measure(backend, 'append → subscriber delivery', live, async (lat) => {
      const controller = new AbortController();
      const sentAt = new Map<string, bigint>();
      const head = await store.headPosition();
      const delivered = (async () => {
        let seen = 0;
        for await (const e of store.subscribeToAll({ afterPosition: head, signal: controller.signal, pollIntervalMs: 5 })) {
          const t = sentAt.get(e.eventId);
          if (t !== undefined) lat.push(Number(process.hrtime.bigint() - t) / 1e6);
          if (++seen === live) controller.abort();
        }
      })();
      for (let i = 0; i < live; i++) {
        const e = event(i);
        sentAt.set(e.eventId, process.hrtime.bigint());
        await store.append(`live-${i % 50}`, [e]);
      }
      await delivered;
    }),
  );
  return rows;
}

async function main(): Promise<void> {
  const all: Row[] = [];
  const backends = args.backend === 'both' ? ['postgres', 'pglite'] : [args.backend];
  let postgresVersion: string | undefined;

  if (backends.includes('postgres')) {
    const adminUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
    const name = `uce_bench_${Date.now()}`;
    await admin.unsafe(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const database = await openDatabase({ databaseUrl: url.toString(), maxConnections: 16 });
    try {
      postgresVersion = (await sql<{ v: string }>`select current_setting('server_version') as v`.execute(database.db)).rows[0]?.v;
      all.push(...(await benchBackend('postgres', database)));
    } finally {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }
  if (backends.includes('pglite')) {
    const dir = mkdtempSync(join(tmpdir(), 'uce-bench-'));
    const database = await openDatabase({ dataDir: dir });
    try {
      all.push(...(await benchBackend('pglite', database)));
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const machine = {
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: postgresVersion,
    quick: args.quick,
    at: new Date().toISOString(),
  };
  console.log(`\n${JSON.stringify(machine)}\n`);
  console.log('| backend | operation | events | s | events/s | p50 ms | p99 ms |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of all) {
    console.log(
      `| ${r.backend} | ${r.operation} | ${r.events} | ${r.seconds} | ${r.eventsPerSecond.toLocaleString('en')} | ${r.p50ms ?? ''} | ${r.p99ms ?? ''} |`,
    );
  }
  if (args.out) writeFileSync(args.out, JSON.stringify({ machine, results: all }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
