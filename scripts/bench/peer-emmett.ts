/**
 * The peer in the event-store benchmark: Emmett's PostgreSQL event store
 * (@event-driven-io/emmett-postgresql 0.42, on node-postgres through
 * @event-driven-io/dumbo 0.12), measured on the same work our store gets:
 *
 *   append      every PeerAppend, one appendToStream call each, `concurrency`
 *               at a time, never two in flight for one stream, each stream's
 *               appends in input order (`appendInStreamOrder`, exported so the
 *               harness can drive our store with the very same scheduler);
 *   read        every event back in global order from position 0, pages of
 *               1000, through Emmett's `readMessagesBatch` (by position
 *               ranges: its consumer's cursor loses and repeats events after
 *               concurrent appends in 0.42 — counted in `consumerCursor`);
 *   projection  the simple projection of simple-projection.ts, as an Emmett
 *               projection definition, batches of `projectionBatchSize`
 *               (default 1000), one multi-row upsert + one checkpoint per
 *               batch, in one transaction per batch.
 *
 * What Emmett puts in the database (created by `eventStore.schema.migrate()`,
 * run before the clock starts), all in the default schema (public): tables
 * emt_streams, emt_messages, emt_processors, emt_projections (each
 * list-partitioned by `partition`, with an emt_default partition, itself
 * split into _active/_archived), the sequence emt_global_message_position,
 * dumbo's migration table dmb_migrations, and PL/pgSQL functions
 * (emt_append_to_stream, store_processor_checkpoint,
 * emt_try_acquire_projection_lock, emt_register_projection, …). In 0.42.0
 * emt_messages has no index but its primary key (stream_id, stream_position,
 * …): every page read scans and sorts the whole partition, so reading the
 * log costs O(events² / page) — 0.42.4 adds indexes on (global_position) and
 * (transaction_id, global_position). The projection writes
 * peer_stream_state (and, with `stockConsumer`, peer_stream_state_stock).
 *
 * Connections: one node-postgres pool (pg.Pool, `maxConnections`, default
 * 10 — the same as openDatabase's default) opened here and handed to every
 * Emmett API as an "ambient" pool, so Emmett opens none of its own; it is
 * ended (pool.end()) before benchEmmett returns, on success or failure.
 * (Given only a connection string, Emmett would open dumbo's process-wide
 * cached pg.Pool per connection string — reference-counted, ended only when
 * every store/consumer using it is closed.) Creating a dumbo pool also sets
 * node-postgres' process-wide type parsers (int8 → BigInt, json parsing);
 * our store uses postgres.js and is unaffected.
 *
 * `pg` and `@event-driven-io/dumbo` are imported directly: both are peer
 * dependencies of the Emmett packages (installed with them, not listed in
 * package.json).
 */
import pg from 'pg';
import { dumbo, sql as emmettSql, type Dumbo } from '@event-driven-io/dumbo';
import { getProjectorId, type Event, type ReadEvent } from '@event-driven-io/emmett';
import {
  getPostgreSQLEventStore,
  handleProjections,
  postgreSQLRawBatchSQLProjection,
  readMessagesBatch,
  rebuildPostgreSQLProjections,
  storeProcessorCheckpoint,
  transactionToPostgreSQLProjectionHandlerContext,
  type PostgreSQLProjectionDefinition,
  type PostgresReadEventMetadata,
} from '@event-driven-io/emmett-postgresql';
import {
  aggregateBatch,
  checkTotals,
  createTableStatementText,
  deltaColumns,
  PEER_STREAM_STATE_TABLE,
  upsertStatementParts,
  type ProjectedTotals,
} from './simple-projection.js';

import { toMeasured, type Measured } from './measured.js';

export { toMeasured, type Measured };

export interface PeerAppend {
  streamId: string;
  events: Array<{ type: string; data: Record<string, unknown>; metadata?: Record<string, unknown> }>;
}

export interface BenchEmmettOptions {
  /** A fresh database for the peer (the caller creates and drops it). */
  connectionString: string;
  /** The same appends, in the same order, that our store gets: one append call each. */
  appends: PeerAppend[];
  /** Appends in flight at once; never two for one stream. */
  concurrency: number;
  /** Events per projection batch (and transaction); default 1000, as our ProjectionRunner in benchOurSimpleProjection. */
  projectionBatchSize?: number;
  /** Size of the pg.Pool Emmett gets; default 10 (openDatabase's default). Should be ≥ concurrency. */
  maxConnections?: number;
  /**
   * Also measure Emmett's stock consumer (`rebuildPostgreSQLProjections`)
   * on the same projection: Emmett as shipped, which in 0.42 hands the
   * projection one event at a time (see below). Off by default: it is not
   * equal work, and it is slower.
   */
  stockConsumer?: boolean;
}

/**
 * What Emmett 0.42's consumer cursor (`readMessagesBatch({ after, batchSize })`
 * page after page, as its puller does) delivered from position 0 on the
 * appended log, against the log itself. Untimed; a correctness observation.
 */
export interface ConsumerCursorCheck {
  /** Events delivered, re-deliveries included. */
  delivered: number;
  /** Deliveries of an event already delivered. */
  redelivered: number;
  /** Events of the log never delivered. */
  missed: number;
}

export interface EmmettResults {
  append: Measured;
  read: Measured;
  projection: Measured;
  consumerCursor: ConsumerCursorCheck;
  /**
   * Only with `stockConsumer: true`: Emmett's stock consumer on the same
   * projection, timed over the log's event count, with what it projected.
   */
  projectionStockConsumer?: Measured & { projectedRows: number; projectedEvents: number; matchesLog: boolean };
}

/** Events read per page, as our side's `readAll({ maxCount: 1000 })`. */
export const READ_PAGE_SIZE = 1000;

/**
 * Runs `append` for every item, at most `concurrency` at once, never two
 * for one stream at once, and each stream's items in input order; otherwise
 * items start in input order (a worker takes the first item whose stream is
 * idle). Returns each call's latency in ms (the call alone, not the wait for
 * a free slot). The first failure stops new starts and is rethrown once the
 * calls in flight have settled.
 */
export async function appendInStreamOrder<T extends { readonly streamId: string }>(
  items: readonly T[],
  concurrency: number,
  append: (item: T) => Promise<unknown>,
): Promise<number[]> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  const latencies: number[] = [];
  const started = new Uint8Array(items.length);
  const busy = new Set<string>();
  let head = 0; // every item before `head` has started
  let waiting: Array<() => void> = [];
  let failure: { error: unknown } | undefined;

  const next = (): number | undefined => {
    while (head < items.length && started[head]) head++;
    // Scans past items of busy streams only (at most `concurrency` streams).
    for (let i = head; i < items.length; i++) if (!started[i] && !busy.has(items[i]!.streamId)) return i;
    return undefined;
  };

  const worker = async (): Promise<void> => {
    while (!failure) {
      const i = next();
      if (i === undefined) {
        if (head >= items.length) return; // everything has started
        await new Promise<void>((resolve) => waiting.push(resolve)); // all remaining items wait for a busy stream
        continue;
      }
      const item = items[i]!;
      started[i] = 1;
      busy.add(item.streamId);
      const t0 = process.hrtime.bigint();
      try {
        await append(item);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      } catch (error) {
        failure ??= { error };
      } finally {
        busy.delete(item.streamId);
        const wake = waiting;
        waiting = [];
        for (const resolve of wake) resolve();
      }
    }
  };

  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(items.length, 1)) }, worker));
  if (failure) throw failure.error;
  return latencies;
}

const elapsedSeconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

type PeerEvent = Event<string, Record<string, unknown>>;
type PeerReadEvent = ReadEvent<PeerEvent, PostgresReadEventMetadata>;

/**
 * The simple projection as an Emmett projection definition. A batch
 * projection (`postgreSQLRawBatchSQLProjection`): `evolve` gets the events
 * it is handed and returns the SQL to run — here the one multi-row upsert
 * of simple-projection.ts. Emmett's SQL layer (dumbo 0.12) has no bind
 * parameters: values are formatted into the statement text as quoted
 * literals (`%L`), as Emmett's own append does; our side binds the four
 * arrays as parameters. `init` registers the projection in emt_projections
 * and creates its table.
 */
export function emmettSimpleProjection(
  name: string,
  table: string,
  eventTypes: readonly string[],
): PostgreSQLProjectionDefinition<PeerEvent> {
  const upsert = upsertStatementParts(table).join('ARRAY[%L]');
  return postgreSQLRawBatchSQLProjection<PeerEvent>({
    name,
    // Emmett requires the list of types a projection handles; ours takes every event, so: every type in the log.
    canHandle: [...eventTypes],
    init: () => emmettSql(createTableStatementText(table)),
    evolve: (events) => {
      const rows = aggregateBatch(
        (events as PeerReadEvent[]).map((e) => ({ streamId: e.metadata.streamName, type: e.type, data: e.data })),
      );
      if (rows.length === 0) return [];
      const c = deltaColumns(rows);
      return [emmettSql(upsert, c.streamIds, c.lastTypes, c.events, c.headcounts)];
    },
  });
}

/** Runs the projection's `init` (registration in emt_projections, create table) in its own transaction. */
async function initProjection(connectionString: string, pool: Dumbo, projection: PostgreSQLProjectionDefinition<PeerEvent>): Promise<void> {
  await pool.withTransaction(async (transaction) => {
    const context = await transactionToPostgreSQLProjectionHandlerContext(connectionString, pool, transaction);
    await projection.init?.({ version: projection.version ?? 1, status: 'active', registrationType: 'async', context });
  });
}

async function projectedTotals(pool: Dumbo, table: string): Promise<ProjectedTotals> {
  const { rows } = await pool.execute.query<{ rows: string; events: string }>(
    emmettSql(`select count(*)::text as rows, coalesce(sum(events), 0)::text as events from ${table}`),
  );
  return { rows: Number(rows[0]?.rows ?? 0), events: Number(rows[0]?.events ?? 0) };
}

/** Pages through the log with the consumer's cursor and counts re-deliveries and misses (positions 1…head). */
async function checkConsumerCursor(pool: Dumbo, head: bigint, total: number): Promise<ConsumerCursorCheck> {
  const seen = new Uint8Array(Number(head) + 1);
  let delivered = 0;
  let redelivered = 0;
  let after = 0n;
  for (;;) {
    const page = await readMessagesBatch<PeerEvent>(pool.execute, { after, batchSize: READ_PAGE_SIZE });
    if (page.messages.length === 0) break;
    for (const m of page.messages) {
      const p = Number(m.metadata.globalPosition);
      if (seen[p]) redelivered++;
      seen[p] = 1;
    }
    delivered += page.messages.length;
    after = page.currentGlobalPosition;
  }
  return { delivered, redelivered, missed: total - (delivered - redelivered) };
}

/**
 * Appends, reads back and projects `appends` with Emmett on a fresh
 * database; see the file's comment. Throws if a read or a projection does
 * not account for every appended event.
 */
export async function benchEmmett(options: BenchEmmettOptions): Promise<EmmettResults> {
  const { connectionString, appends, concurrency } = options;
  const batchSize = options.projectionBatchSize ?? 1000;
  const total = appends.reduce((n, a) => n + a.events.length, 0);
  const expected: ProjectedTotals = { rows: new Set(appends.map((a) => a.streamId)).size, events: total };
  const eventTypes = [...new Set(appends.flatMap((a) => a.events.map((e) => e.type)))];

  const pgPool = new pg.Pool({ connectionString, max: options.maxConnections ?? 10 });
  // An "ambient" dumbo pool over pgPool: Emmett's close() on it is a no-op; pgPool.end() below closes it.
  const pool = dumbo({ connectionString, pool: pgPool });
  const eventStore = getPostgreSQLEventStore(connectionString, { connectionOptions: { dumbo: pool } });
  try {
    // Emmett's schema, before the clock starts (otherwise the first append would create it).
    await eventStore.schema.migrate();

    // ── append ──────────────────────────────────────────────────────────
    // No expectedStreamVersion (Emmett's NO_CONCURRENCY_CHECK, like our
    // 'any'): no business expectation is checked. Emmett's
    // emt_append_to_stream still reads the stream's current position and then
    // inserts the stream row (new stream) or updates it `where stream_position
    // = <what it read>`, so a racing writer on the same stream would fail with
    // ExpectedVersionConflictError instead of interleaving — which cannot
    // happen here, one append per stream being in flight at a time.
    // Unavoidable differences: Emmett's append is a transaction of three round
    // trips (BEGIN; select emt_append_to_stream(…) with values formatted into
    // the text; COMMIT), numbers events with a sequence, takes no global
    // lock and does not check message ids for duplicates; ours is one
    // statement that checks event ids (idempotent appends), hashes each event into a chain
    // and serialises commits on the log's head row (docs/event-store.md).
    const appendStarted = process.hrtime.bigint();
    let head = 0n; // the largest global position Emmett returned: the end of the log
    const latencies = await appendInStreamOrder(appends, concurrency, async (a) => {
      const result = await eventStore.appendToStream<PeerEvent>(a.streamId, a.events as PeerEvent[]);
      if (result.lastEventGlobalPosition > head) head = result.lastEventGlobalPosition;
    });
    const append = toMeasured(total, elapsedSeconds(appendStarted), latencies);

    // ── read ────────────────────────────────────────────────────────────
    // Emmett's `readMessagesBatch` (the query its consumer's puller runs for
    // each page: committed transactions below the snapshot's xmin, ordered by
    // (transaction_id, global_position), rows decoded into messages), called
    // directly page after page. Not the puller itself: it sleeps after every
    // batch (100 ms after the first, then `pullingFrequencyInMs`), which would
    // time its timer, not the store.
    // Pages are global-position ranges `{ from, to }` of READ_PAGE_SIZE up to
    // the head, not the puller's `{ after, batchSize }` cursor: in 0.42 that
    // cursor continues from the last position of a page while pages are
    // ordered by transaction id, so after concurrent appends (xid order ≠
    // position order) it re-delivers some events and never delivers others
    // (fixed upstream after 0.42 by a (transaction_id, global_position)
    // cursor, emmett PR #336). `consumerCursor` below counts how often that
    // happened on this very log. On a log that no one is writing to, the
    // ranges deliver every event exactly once, with the same query and the
    // same decoding; the count is checked.
    const readStarted = process.hrtime.bigint();
    let read = 0;
    for (let from = 1n; from <= head; from += BigInt(READ_PAGE_SIZE)) {
      const page = await readMessagesBatch<PeerEvent>(pool.execute, { from, to: from + BigInt(READ_PAGE_SIZE) - 1n });
      read += page.messages.length;
    }
    const readSeconds = elapsedSeconds(readStarted);
    if (read !== total) throw new Error(`Emmett read ${read} of ${total} events (positions 1…${head}, pages of ${READ_PAGE_SIZE})`);
    const readMeasured = toMeasured(read, readSeconds);
    const consumerCursor = await checkConsumerCursor(pool, head, total);

    // ── projection ──────────────────────────────────────────────────────
    // Emmett's projection machinery at batch granularity: the definition
    // above, dispatched per batch by `handleProjections` (what Emmett runs
    // for inline projections; it also takes the projection's shared
    // advisory lock and checks it is active), and the processor checkpoint
    // moved by `storeProcessorCheckpoint` (compare-and-set on
    // emt_processors) in the same transaction — the shape of our
    // ProjectionRunner.step. Emmett 0.42's consumer (postgreSQLEventStoreConsumer
    // / rebuildPostgreSQLProjections → postgreSQLProjector) does not do this:
    // its projector calls `projection.handle([event])` once per event and
    // stores the checkpoint after every event (one transaction per pulled
    // batch), i.e. a statement and a checkpoint write per event where ours
    // does one of each per batch; and it pages with the cursor described
    // under `read`. That path is measured separately with `stockConsumer`.
    // Batches are position ranges of `batchSize`, read as in `read`; the
    // checkpoint (the range's end) is kept in memory between batches, as
    // Emmett's processors do; our runner re-reads it per batch (one small query).
    const projection = emmettSimpleProjection(PEER_STREAM_STATE_TABLE, PEER_STREAM_STATE_TABLE, eventTypes);
    const processorId = getProjectorId({ projectionName: PEER_STREAM_STATE_TABLE });
    await initProjection(connectionString, pool, projection);

    const projectionStarted = process.hrtime.bigint();
    let checkpoint: bigint | null = null;
    let projected = 0;
    for (let from = 1n; from <= head; from += BigInt(batchSize)) {
      const to = from + BigInt(batchSize) - 1n < head ? from + BigInt(batchSize) - 1n : head;
      const page = await readMessagesBatch<PeerEvent>(pool.execute, { from, to });
      const last: bigint | null = checkpoint;
      await pool.withTransaction(async (transaction) => {
        if (page.messages.length > 0) {
          await handleProjections<PeerEvent>({
            projections: [projection],
            events: page.messages,
            connection: { connectionString, pool, transaction },
          });
        }
        const stored = await storeProcessorCheckpoint(transaction.execute, {
          processorId,
          version: 1,
          newCheckpoint: to,
          lastProcessedCheckpoint: last,
        });
        // Throwing rolls the batch back: another processor moved the checkpoint.
        if (!stored.success) throw new Error(`Emmett checkpoint not stored: ${stored.reason}`);
      });
      checkpoint = to;
      projected += page.messages.length;
    }
    const projectionSeconds = elapsedSeconds(projectionStarted);
    checkTotals('Emmett projection', await projectedTotals(pool, PEER_STREAM_STATE_TABLE), expected);
    if (projected !== total) throw new Error(`Emmett projection handled ${projected} of ${total} events`);
    const results: EmmettResults = { append, read: readMeasured, projection: toMeasured(projected, projectionSeconds), consumerCursor };

    // ── projection, Emmett's stock consumer (optional) ─────────────────
    if (options.stockConsumer) {
      // Same projection into its own table, under its own name and
      // processor id, from the start of the log. `rebuildPostgreSQLProjections`
      // is a consumer that stops when no messages are left; start() resolves
      // then. Timed from start() (which re-runs the projection's init —
      // idempotent, two statements — and takes Emmett's processor lock) to
      // its end, including the puller's sleeps (pullingFrequencyInMs 0, the
      // least it allows; the first batch is still followed by a fixed 100 ms).
      // Not checked against the log (it inherits the cursor's re-deliveries
      // and gaps, and its projector also skips, within a batch, an event whose
      // position is below the checkpoint it has just stored): what it
      // projected is returned instead.
      const stockTable = `${PEER_STREAM_STATE_TABLE}_stock`;
      const stock = emmettSimpleProjection(stockTable, stockTable, eventTypes);
      await initProjection(connectionString, pool, stock);
      const consumer = rebuildPostgreSQLProjections<PeerEvent>({
        connectionString,
        pool,
        projection: stock,
        pulling: { batchSize, pullingFrequencyInMs: 0 },
      });
      const stockStarted = process.hrtime.bigint();
      try {
        await consumer.start();
      } finally {
        await consumer.close(); // stops it if still running; closing the ambient pool is a no-op
      }
      const stockSeconds = elapsedSeconds(stockStarted);
      const got = await projectedTotals(pool, stockTable);
      results.projectionStockConsumer = {
        ...toMeasured(total, stockSeconds),
        projectedRows: got.rows,
        projectedEvents: got.events,
        matchesLog: got.rows === expected.rows && got.events === expected.events,
      };
    }
    return results;
  } finally {
    await eventStore.close(); // ambient pool: nothing to end
    await pgPool.end();
  }
}
