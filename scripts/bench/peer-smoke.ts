/**
 * Smoke run of the peer comparison: our KyselyEventStore and Emmett's
 * PostgreSQL event store, each in its own scratch database on the same
 * server, on the same generated appends.
 *
 *   npx tsc -p tsconfig.build.json && node dist/scripts/bench/peer-smoke.js [--enterprises 5000] [--concurrency 8] [--stock]
 *
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names
 * the server; the two databases are dropped at the end.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import postgres from 'postgres';
import { KyselyEventStore, type NewEvent } from '#event-store';
import { migrateToLatest, openDatabase } from '#persistence';
import { prng } from '#simulation';
import { appendInStreamOrder, benchEmmett, READ_PAGE_SIZE, toMeasured, type Measured, type PeerAppend } from './peer-emmett.js';
import { benchOurSimpleProjection } from './simple-projection.js';

const { values: args } = parseArgs({
  options: {
    enterprises: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '8' },
    seed: { type: 'string', default: '7' },
    stock: { type: 'boolean', default: false },
  },
});


/**
 * Enterprises `enterprise-<n>`, each with 1–5 events: EnterpriseRegistered,
 * then HeadcountReported; the events are grouped into appends of 1–2 (as
 * commands and the occasional batch report), and the appends of all
 * enterprises interleaved in time, each stream's in order.
 */
export function generateAppends(enterprises: number, seed: number): PeerAppend[] {
  const random = prng(seed);
  const day = (d: number) => new Date(Date.UTC(2021, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
  const timed: Array<{ at: number; append: PeerAppend }> = [];
  for (let n = 0; n < enterprises; n++) {
    const streamId = `enterprise-${n}`;
    const creditCode = `91440300${String(n).padStart(9, '0')}X`;
    let headcount = 1 + Math.floor(random() * 300);
    let at = random() * 1000; // days
    const count = 1 + Math.floor(random() * 5);
    const events: PeerAppend['events'] = [];
    for (let i = 0; i < count; i++) {
      if (i > 0) headcount = Math.max(1, headcount + Math.floor(random() * 41) - 20);
      const occurredOn = day(Math.floor(at + i * 90));
      events.push({
        type: i === 0 ? 'EnterpriseRegistered' : 'HeadcountReported',
        data: { creditCode, headcount, occurredOn },
        metadata: { actor: 'peer-smoke', correlationId: `smoke-${n}-${i}` },
      });
    }
    for (let i = 0; i < events.length; ) {
      const size = Math.min(events.length - i, random() < 0.8 ? 1 : 2);
      timed.push({ at, append: { streamId, events: events.slice(i, i + size) } });
      i += size;
      at += 1 + random() * 200;
    }
  }
  timed.sort((a, b) => a.at - b.at);
  return timed.map((t) => t.append);
}

async function benchOurs(url: string, appends: PeerAppend[], concurrency: number): Promise<{ append: Measured; read: Measured; projection: Measured }> {
  const database = await openDatabase({ databaseUrl: url, maxConnections: 10 });
  try {
    await migrateToLatest(database.db);
    const store = new KyselyEventStore(database.db);
    const total = appends.reduce((n, a) => n + a.events.length, 0);

    const appendStarted = process.hrtime.bigint();
    const latencies = await appendInStreamOrder(appends, concurrency, (a) =>
      store.append(
        a.streamId,
        a.events.map(
          (e): NewEvent => ({
            eventId: randomUUID(), // Emmett makes its message ids inside its append, too
            type: e.type,
            data: e.data,
            occurredOn: typeof e.data['occurredOn'] === 'string' ? e.data['occurredOn'] : null,
            ...(e.metadata ? { metadata: e.metadata } : {}),
          }),
        ),
        'any',
      ),
    );
    const append = toMeasured(total, Number(process.hrtime.bigint() - appendStarted) / 1e9, latencies);

    const readStarted = process.hrtime.bigint();
    let from = 0n;
    let read = 0;
    for (;;) {
      const page = await store.readAll({ fromPosition: from, maxCount: READ_PAGE_SIZE });
      if (page.length === 0) break;
      read += page.length;
      from = page[page.length - 1]!.globalPosition + 1n;
    }
    const readSeconds = Number(process.hrtime.bigint() - readStarted) / 1e9;
    if (read !== total) throw new Error(`our store read ${read} of ${total} events`);

    const projection = await benchOurSimpleProjection(database.db, store);

    // Untimed: the scheduler kept each stream's appends in input order (correlation ids smoke-<n>-<i>, i rising).
    const { rows } = await sql<{ n: string }>`
      select count(*)::text as n from (
        select split_part(metadata->>'correlationId', '-', 3)::int as i,
               lag(split_part(metadata->>'correlationId', '-', 3)::int) over (partition by stream_id order by stream_revision) as before
        from events) e
      where e.i <> e.before + 1`.execute(database.db);
    if (Number(rows[0]?.n ?? 0) !== 0) throw new Error(`${rows[0]?.n} events out of their stream's order`);
    return { append, read: toMeasured(read, readSeconds), projection };
  } finally {
    await database.close();
  }
}

const fmt = (x: number | undefined, digits: number) =>
  x === undefined ? '' : x.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main(): Promise<void> {
  const enterprises = Number(args.enterprises);
  const concurrency = Number(args.concurrency);
  const appends = generateAppends(enterprises, Number(args.seed));
  const total = appends.reduce((n, a) => n + a.events.length, 0);
  console.error(`${enterprises} enterprises: ${appends.length} appends, ${total} events; concurrency ${concurrency}`);

  const adminUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  const stamp = Date.now();
  const names = { ours: `uce_peer_ours_${stamp}`, emmett: `uce_peer_emmett_${stamp}` };
  const urlOf = (name: string) => {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const rows: Array<[string, string, Measured]> = [];
  const notes: string[] = [];
  try {
    for (const name of Object.values(names)) await admin.unsafe(`create database ${name}`);
    console.error('ours…');
    const ours = await benchOurs(urlOf(names.ours), appends, concurrency);
    console.error('emmett…');
    const emmett = await benchEmmett({
      connectionString: urlOf(names.emmett),
      appends,
      concurrency,
      projectionBatchSize: 1000,
      stockConsumer: args.stock,
    });
    rows.push(
      ['append', 'ours', ours.append],
      ['append', 'emmett', emmett.append],
      ['read (pages of 1000)', 'ours', ours.read],
      ['read (pages of 1000)', 'emmett', emmett.read],
      ['projection (batches of 1000)', 'ours', ours.projection],
      ['projection (batches of 1000)', 'emmett', emmett.projection],
    );
    const c = emmett.consumerCursor;
    notes.push(
      `Emmett's consumer cursor ({ after, batchSize: ${READ_PAGE_SIZE} }) from 0: delivered ${c.delivered} for ${total} events — ${c.redelivered} re-delivered, ${c.missed} never delivered.`,
    );
    const stock = emmett.projectionStockConsumer;
    if (stock) {
      rows.push(['projection, stock consumer', 'emmett', stock]);
      notes.push(
        `Emmett's stock consumer projected ${stock.projectedRows} rows / ${stock.projectedEvents} events for ${new Set(appends.map((a) => a.streamId)).size} streams / ${total} events${stock.matchesLog ? '' : ' (does NOT match the log)'}.`,
      );
    }
  } finally {
    for (const name of Object.values(names)) await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }

  console.log('| operation | store | events | s | events/s | p50 ms | p99 ms |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [operation, store, m] of rows) {
    console.log(
      `| ${operation} | ${store} | ${m.events} | ${fmt(m.seconds, 2)} | ${fmt(m.eventsPerSecond, 0)} | ${fmt(m.p50Ms, 2)} | ${fmt(m.p99Ms, 2)} |`,
    );
  }
  for (const note of notes) console.log(`\n${note}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
