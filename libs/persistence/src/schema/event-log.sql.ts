/*
 * The event log's tables, as they stand (see functions.sql.ts for the
 * functions that write them, docs/event-store.md for what they guarantee).
 * Current definitions: the migrations reached them step by step;
 * libs/persistence/test/schema.int.spec.ts proves the two agree.
 */

/** One row per stream: its last revision (moved only from the expected one: the stream's lock). */
export const EVENT_STREAMS = `
create table event_streams (
  stream_id text primary key,
  revision  bigint not null,
  updated_at timestamptz not null default now()
)`;

/**
 * The append-only log. Positions are dense and in commit order; `hash`
 * chains every event on the one before it; `recorded_at` never goes
 * backwards along the log.
 */
export const EVENTS = `
create table events (
  global_position bigint primary key,
  stream_id       text not null,
  stream_revision bigint not null,
  event_id        uuid not null,
  event_type      text not null,
  data            jsonb not null,
  metadata        jsonb not null,
  occurred_on     date,
  recorded_at     timestamptz not null,
  schema_version  integer not null default 1,
  hash            bytea not null,
  constraint events_event_id_key unique (event_id),
  constraint events_stream_revision_key unique (stream_id, stream_revision)
)`;

/** "Everything recorded by instant T" (knownAt). */
export const EVENTS_RECORDED_AT = `create index events_recorded_at on events (recorded_at, global_position)`;

/** The one row every append takes FOR UPDATE: last position, last hash, last recorded time. */
export const EVENT_LOG_HEAD = `
create table event_log_head (
  id boolean primary key default true check (id),
  position bigint not null,
  hash bytea not null,
  recorded_at timestamptz not null
)`;

/** The head of an empty log: position 0, the genesis hash (32 zero bytes). */
export const EMPTY_LOG_HEAD = `insert into event_log_head (position, hash, recorded_at) values (0, decode(repeat('00', 32), 'hex'), 'epoch')`;

/**
 * With the log of record in KurrentDB (EVENTSTORE_URL), the tables above
 * hold the engine's copy of it (docs/kurrentdb.md): how far the copy has
 * come in KurrentDB's `$all` (commit and prepare positions, unsigned 64-bit,
 * hence numeric), and which server it copies. Empty otherwise.
 */
export const LOG_MIRROR = `
create table log_mirror (
  id boolean primary key default true check (id),
  source text not null,
  commit_position numeric(20, 0) not null,
  prepare_position numeric(20, 0) not null,
  copied_at timestamptz not null
)`;

export const EVENT_LOG_TABLES: readonly string[] = [EVENT_STREAMS, EVENTS, EVENTS_RECORDED_AT, EVENT_LOG_HEAD, LOG_MIRROR];
