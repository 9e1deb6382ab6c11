import { sql, type Kysely } from 'kysely';

/**
 * The event log.
 *
 * `global_position` is `xid * 2^20 + n`, where xid is the appending
 * transaction's id and n the event's index within that transaction. Ordering
 * by it orders by transaction, and every row whose xid is older than the
 * oldest transaction still running is final: no transaction can commit a
 * smaller position later. Readers of the whole log stop at that horizon, so a
 * subscription never skips an event that commits late.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table event_streams (
      stream_id text primary key,
      revision  bigint not null,
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table events (
      global_position bigint primary key,
      stream_id       text not null,
      stream_revision bigint not null,
      event_id        uuid not null,
      event_type      text not null,
      data            jsonb not null,
      metadata        jsonb not null,
      occurred_on     date,
      recorded_at     timestamptz not null default now(),
      schema_version  integer not null default 1,
      constraint events_event_id_key unique (event_id),
      constraint events_stream_revision_key unique (stream_id, stream_revision)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table events`.execute(db);
  await sql`drop table event_streams`.execute(db);
}
