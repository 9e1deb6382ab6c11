import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { jsonEvent, KurrentDBClient, START } from '@kurrent/kurrentdb-client';
import { KyselyEventStore, type EventStore, type NewEvent } from '#event-store';
import { openEventStore, startKurrentEndpoint, type LogAccess } from '#kurrentdb';
import { migrateToLatest, openDatabase } from '#persistence';
import { makeCertificates } from '../../test/support/throwaway-certificates.js';
import { log, withDatabase } from './district.js';
import { toMeasured, type Measured } from './measured.js';
import { appendInStreamOrder, type PeerAppend } from './peer-emmett.js';

/** What one store did with the same appends: append (with per-call latency), read back in global order, and a catch-up subscription from the start. */
export interface LogRates {
  readonly append: Measured;
  readonly read: Measured;
  readonly subscription: Measured;
}

export interface KurrentDbBench {
  readonly events: number;
  /** The engine's store, called in process. */
  readonly direct: LogRates;
  /** The same store behind the engine's KurrentDB endpoint, over TLS, called by the official client (@kurrent/kurrentdb-client). */
  readonly endpoint: LogRates;
  /** The engine on KurrentDB (EVENTSTORE_URL, the endpoint above as the server): appends that return once copied; the copy catching up the endpoint's log from scratch. */
  readonly adapter: { readonly append: Measured; readonly copy: Measured };
}

const PASSWORD = 'bench-password';
/** The benchmark's one caller may do everything (the endpoint's access checks still run on every call). */
const access: LogAccess = {
  authenticate: async (credentials) =>
    credentials?.password === PASSWORD ? { reads: true, canSee: async () => true, appendRefusal: () => undefined } : undefined,
};

const asNew = (events: PeerAppend['events']): NewEvent[] =>
  events.map((e) => ({ eventId: randomUUID(), type: e.type, data: e.data, metadata: e.metadata ?? {}, occurredOn: (e.data['occurredOn'] as string | undefined) ?? null }));

/**
 * Append, read and subscription throughput of the engine's log three ways,
 * with the same appends (`concurrency` in flight, never two for one stream):
 * the store in process; the store through the KurrentDB endpoint with the
 * official client; and the engine running on KurrentDB through that
 * endpoint (docs/kurrentdb.md, docs/benchmarks.md). Each on a database of
 * its own on the bench's PostgreSQL server.
 */
export async function benchKurrentDb(appends: readonly PeerAppend[], concurrency: number, tag: string): Promise<KurrentDbBench> {
  const events = appends.reduce((n, a) => n + a.events.length, 0);
  const certificates = await makeCertificates();
  try {
    log(`kurrentdb: ${events} events in ${appends.length} appends, ${concurrency} in flight — direct`);
    const direct = await withDatabase(`uce_bench_${tag}_kdb_direct`, async (url) => {
      const database = await openDatabase({ databaseUrl: url, maxConnections: 16 });
      try {
        await migrateToLatest(database.db);
        return await directRates(new KyselyEventStore(database.db), appends, concurrency, events);
      } finally {
        await database.close();
      }
    });
    return await withDatabase(`uce_bench_${tag}_kdb_host`, async (hostUrl) => {
      const host = await openDatabase({ databaseUrl: hostUrl, maxConnections: 16 });
      await migrateToLatest(host.db);
      const endpoint = await startKurrentEndpoint({ store: new KyselyEventStore(host.db), access, host: '127.0.0.1', port: 0, tls: certificates });
      const url = `kurrentdb://bench:${PASSWORD}@localhost:${endpoint.port}?tls=true&tlsCAFile=${encodeURIComponent(certificates.caFile)}`;
      const client = KurrentDBClient.connectionString(url);
      try {
        log('kurrentdb: through the endpoint, with the official client');
        const through = await endpointRates(client, appends, concurrency, events);
        log('kurrentdb: the engine on KurrentDB (the endpoint as its server)');
        const adapter = await withDatabase(`uce_bench_${tag}_kdb_engine`, (engineUrl) => adapterRates(url, engineUrl, appends, concurrency, events));
        return { events, direct, endpoint: through, adapter };
      } finally {
        await client.dispose();
        await endpoint.close();
        await host.close();
      }
    });
  } finally {
    rmSync(certificates.dir, { recursive: true, force: true });
  }
}

async function directRates(store: EventStore, appends: readonly PeerAppend[], concurrency: number, events: number): Promise<LogRates> {
  const append = await timed(events, () => appendInStreamOrder(appends, concurrency, (a) => store.append(a.streamId, asNew(a.events))));
  const read = await timed(events, async () => {
    let from = 1n;
    for (;;) {
      const page = await store.readAll({ fromPosition: from, maxCount: 1000 });
      if (page.length === 0) return;
      from = page[page.length - 1]!.globalPosition + 1n;
    }
  });
  const subscription = await timed(events, async () => {
    const controller = new AbortController();
    let seen = 0;
    for await (const _ of store.subscribeToAll({ signal: controller.signal })) if (++seen === events) controller.abort();
  });
  return { append, read, subscription };
}

async function endpointRates(client: KurrentDBClient, appends: readonly PeerAppend[], concurrency: number, events: number): Promise<LogRates> {
  const append = await timed(events, () =>
    appendInStreamOrder(appends, concurrency, (a) =>
      client.appendToStream(
        a.streamId,
        a.events.map((e) => jsonEvent({ id: randomUUID(), type: e.type, data: e.data, metadata: e.metadata ?? {} })),
      ),
    ),
  );
  const read = await timed(events, async () => {
    let seen = 0;
    for await (const _ of client.readAll({ fromPosition: START })) seen++;
    if (seen !== events) throw new Error(`read ${seen} events back through the endpoint, not ${events}`);
  });
  const subscription = await timed(events, async () => {
    const subscribed = client.subscribeToAll({ fromPosition: START });
    let seen = 0;
    for await (const _ of subscribed) if (++seen === events) break;
    await subscribed.unsubscribe();
  });
  return { append, read, subscription };
}

async function adapterRates(serverUrl: string, engineUrl: string, appends: readonly PeerAppend[], concurrency: number, events: number): Promise<KurrentDbBench['adapter']> {
  const database = await openDatabase({ databaseUrl: engineUrl, maxConnections: 16 });
  try {
    await migrateToLatest(database.db);
    const t0 = process.hrtime.bigint();
    const opened = await openEventStore({ eventStoreUrl: serverUrl }, database);
    try {
      const local = new KyselyEventStore(database.db);
      while ((await local.headPosition()) < BigInt(events)) await new Promise((resolve) => setTimeout(resolve, 20));
      const copy = toMeasured(events, Number(process.hrtime.bigint() - t0) / 1e9);
      const append = await timed(events, () => appendInStreamOrder(appends, concurrency, (a) => opened.store.append(a.streamId, asNew(a.events))));
      return { append, copy };
    } finally {
      await opened.close();
    }
  } finally {
    await database.close();
  }
}

/** The results as table rows: what, in process, through the endpoint, the engine on KurrentDB. */
export function kurrentDbRows(k: KurrentDbBench): string[][] {
  const r = (n: number) => Math.round(n).toLocaleString('en-US');
  const latency = (m: { p50Ms?: number; p99Ms?: number }) => (m.p50Ms === undefined ? '' : `, p50 ${m.p50Ms.toFixed(1)} ms, p99 ${m.p99Ms!.toFixed(1)} ms`);
  return [
    ['append', `${r(k.direct.append.eventsPerSecond)} ev/s${latency(k.direct.append)}`, `${r(k.endpoint.append.eventsPerSecond)} ev/s${latency(k.endpoint.append)}`, `${r(k.adapter.append.eventsPerSecond)} ev/s${latency(k.adapter.append)}`],
    ['read $all', `${r(k.direct.read.eventsPerSecond)} ev/s`, `${r(k.endpoint.read.eventsPerSecond)} ev/s`, ''],
    ['catch-up subscription', `${r(k.direct.subscription.eventsPerSecond)} ev/s`, `${r(k.endpoint.subscription.eventsPerSecond)} ev/s`, `copy: ${r(k.adapter.copy.eventsPerSecond)} ev/s`],
  ];
}

/** Runs the work, as a rate of `events` (with per-call latencies when the work returns them). */
async function timed(events: number, work: () => Promise<number[] | void>): Promise<Measured> {
  const t0 = process.hrtime.bigint();
  const latencies = await work();
  return toMeasured(events, Number(process.hrtime.bigint() - t0) / 1e9, latencies ?? undefined);
}
