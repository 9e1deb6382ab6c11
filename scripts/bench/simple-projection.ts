/**
 * The "simple projection" of the peer benchmark, run on both sides:
 *
 *   peer_stream_state (stream_id text primary key, last_type text not null,
 *                      events integer not null, headcount integer)
 *
 * Every event upserts its stream's row: events + 1, last_type = its type,
 * headcount = data.headcount when the event carries one (a number), else
 * the row keeps its headcount.
 *
 * Both implementations do the same work per batch: the batch is aggregated
 * per stream in JS (`aggregateBatch`, shared), then written with ONE
 * multi-row `insert … select from unnest(arrays) on conflict do update`
 * (`upsertStatementParts`, shared), and the batch's checkpoint is moved in
 * the same transaction.
 *
 * This file holds our side (`simpleProjection`, fed by libs/projections'
 * ProjectionRunner); peer-emmett.ts holds Emmett's, built on the same helpers.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '#persistence';
import type { EventStore } from '#event-store';
import { ProjectionRunner, type Projection } from '#projections';
import type { Measured } from './measured.js';

export const PEER_STREAM_STATE_TABLE = 'peer_stream_state';

/** What the projection needs of an event, whichever store it came from. */
export interface ProjectedEvent {
  readonly streamId: string;
  readonly type: string;
  readonly data: unknown;
}

/** One stream's effect of a batch: the row delta to upsert. */
export interface StreamStateDelta {
  readonly streamId: string;
  lastType: string;
  events: number;
  /** The last headcount reported in the batch, or null (keep the stored one). */
  headcount: number | null;
}

/** Folds a batch (in global order) into one delta per stream, in order of first appearance. */
export function aggregateBatch(events: Iterable<ProjectedEvent>): StreamStateDelta[] {
  const byStream = new Map<string, StreamStateDelta>();
  for (const e of events) {
    let row = byStream.get(e.streamId);
    if (!row) {
      row = { streamId: e.streamId, lastType: e.type, events: 0, headcount: null };
      byStream.set(e.streamId, row);
    }
    row.events += 1;
    row.lastType = e.type;
    const headcount = (e.data as { headcount?: unknown } | null)?.headcount;
    if (typeof headcount === 'number') row.headcount = headcount;
  }
  return [...byStream.values()];
}

/** The deltas as four parallel arrays: the parameters of the upsert's unnest. */
export function deltaColumns(rows: readonly StreamStateDelta[]) {
  return {
    streamIds: rows.map((r) => r.streamId),
    lastTypes: rows.map((r) => r.lastType),
    events: rows.map((r) => r.events),
    headcounts: rows.map((r) => r.headcount),
  };
}

/** `create table if not exists` for the projection's table (name is an internal constant, not user input). */
export function createTableStatementText(table: string = PEER_STREAM_STATE_TABLE): string {
  return `create table if not exists ${table} (
    stream_id text primary key, last_type text not null, events integer not null, headcount integer)`;
}

/**
 * The one multi-row upsert, as the five fixed pieces of text around its four
 * array parameters (stream ids, last types, event counts, headcounts): each
 * side puts its own SQL layer's parameters between them, so both run the
 * same statement.
 */
export function upsertStatementParts(table: string = PEER_STREAM_STATE_TABLE): readonly [string, string, string, string, string] {
  return [
    `insert into ${table} (stream_id, last_type, events, headcount)
    select * from unnest(`,
    '::text[], ',
    '::text[], ',
    '::int[], ',
    `::int[])
    on conflict (stream_id) do update set
      last_type = excluded.last_type,
      events = ${table}.events + excluded.events,
      headcount = coalesce(excluded.headcount, ${table}.headcount)`,
  ];
}

/** Rows and sum(events) of the projected table, to check a run against the log. */
export interface ProjectedTotals {
  readonly rows: number;
  readonly events: number;
}

export function checkTotals(side: string, got: ProjectedTotals, expected: ProjectedTotals): void {
  if (got.rows !== expected.rows || got.events !== expected.events) {
    throw new Error(
      `${side}: ${PEER_STREAM_STATE_TABLE} has ${got.rows} rows summing to ${got.events} events; expected ${expected.rows} rows (streams) and ${expected.events} events`,
    );
  }
}

const UPSERT_PARTS = upsertStatementParts();
const [U0, U1, U2, U3, U4] = [0, 1, 2, 3, 4].map((i) => sql.raw(UPSERT_PARTS[i as 0 | 1 | 2 | 3 | 4])) as [RawBuilder<unknown>, RawBuilder<unknown>, RawBuilder<unknown>, RawBuilder<unknown>, RawBuilder<unknown>];

/** Our implementation: a Projection for libs/projections' ProjectionRunner. */
export const simpleProjection: Projection = {
  name: 'peer-stream-state',
  tables: [PEER_STREAM_STATE_TABLE],

  async createTables(db) {
    await sql`create table if not exists projection_checkpoints (
      name text primary key, position bigint not null default 0, updated_at timestamptz not null default now())`.execute(db);
    await sql.raw(createTableStatementText()).execute(db);
  },

  async apply(db, events) {
    if (events.length === 0) return;
    const c = deltaColumns(aggregateBatch(events));
    // Bind parameters: postgres.js sends each JS array as one array parameter.
    await sql`${U0}${c.streamIds}${U1}${c.lastTypes}${U2}${c.events}${U3}${c.headcounts}${U4}`.execute(db);
  },
};

export interface OurSimpleProjectionOptions {
  /** Events per batch (and per transaction); default 1000. */
  readonly batchSize?: number;
}

/**
 * Catches the simple projection up from position 0 through ProjectionRunner
 * (each batch's upsert and its checkpoint commit in one transaction), timed
 * from the first read until the runner reports the head reached. Before the
 * clock starts, the table is dropped and recreated and the checkpoint
 * removed, so every run starts from 0. Afterwards checks that the table
 * has one row per stream of the log and that sum(events) is the log's
 * event count (throws otherwise).
 */
export async function benchOurSimpleProjection(
  db: Kysely<DB>,
  store: EventStore,
  options: OurSimpleProjectionOptions = {},
): Promise<Measured> {
  await sql.raw(`drop table if exists ${PEER_STREAM_STATE_TABLE}`).execute(db);
  await simpleProjection.createTables(db);
  await sql`delete from projection_checkpoints where name = ${simpleProjection.name}`.execute(db);
  const { rows: logRows } = await sql<{ events: string; streams: string }>`
    select count(*)::text as events, count(distinct stream_id)::text as streams from events`.execute(db);
  const expected = { rows: Number(logRows[0]?.streams ?? 0), events: Number(logRows[0]?.events ?? 0) };

  const runner = new ProjectionRunner(db, store, [simpleProjection], { batchSize: options.batchSize ?? 1000 });
  const started = process.hrtime.bigint();
  const applied = await runner.catchUp();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  const { rows } = await sql<{ rows: string; events: string }>`
    select count(*)::text as rows, coalesce(sum(events), 0)::text as events from peer_stream_state`.execute(db);
  checkTotals('our projection', { rows: Number(rows[0]?.rows ?? 0), events: Number(rows[0]?.events ?? 0) }, expected);
  if (applied !== expected.events) throw new Error(`our projection: the runner applied ${applied} events; the log has ${expected.events}`);
  return { events: applied, seconds, eventsPerSecond: applied / seconds };
}
