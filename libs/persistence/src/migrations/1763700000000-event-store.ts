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
 * `append_to_stream` appends atomically in one round trip: it checks the
 * event ids (idempotency), moves the stream's revision only if the stream is
 * in the expected state (optimistic concurrency; the row lock serialises
 * appends to one stream), and inserts the events. It reports 'duplicate' or
 * 'wrong_revision' without writing anything.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
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

  await sql.raw(APPEND_TO_STREAM).execute(db);
}

const APPEND_TO_STREAM = `
create function append_to_stream(
  p_stream text, p_expected text,
  p_ids uuid[], p_types text[], p_data text[], p_metadata text[], p_occurred_on date[], p_schema_versions integer[]
) returns table (o_outcome text, o_revision bigint, o_last_position bigint)
language plpgsql
-- PL/pgSQL caches one generic plan per statement; planned while the log was
-- small it degrades as the log grows (seen on PGlite: appends slowed linearly).
set plan_cache_mode = force_custom_plan
as $fn$
#variable_conflict use_column
declare
  v_count integer := cardinality(p_ids);
  v_revision bigint;
  v_base bigint;
  v_next bigint;
  v_inserted integer;
begin
  if exists (select 1 from events where event_id = any(p_ids)) then
    return query select 'duplicate'::text, null::bigint, null::bigint;
    return;
  end if;

  if p_expected = 'any' then
    insert into event_streams as s (stream_id, revision) values (p_stream, v_count - 1)
    on conflict (stream_id) do update set revision = s.revision + v_count, updated_at = now()
    returning s.revision into v_revision;
  elsif p_expected = 'no_stream' then
    insert into event_streams as s (stream_id, revision) values (p_stream, v_count - 1)
    on conflict (stream_id) do nothing
    returning s.revision into v_revision;
  elsif p_expected = 'stream_exists' then
    update event_streams s set revision = s.revision + v_count, updated_at = now()
    where s.stream_id = p_stream
    returning s.revision into v_revision;
  else
    update event_streams s set revision = s.revision + v_count, updated_at = now()
    where s.stream_id = p_stream and s.revision = p_expected::bigint
    returning s.revision into v_revision;
  end if;

  if v_revision is null then
    return query select 'wrong_revision'::text, (select s.revision from event_streams s where s.stream_id = p_stream), null::bigint;
    return;
  end if;

  -- Position = xid * 2^20 + index of the event within this transaction.
  v_base := pg_current_xact_id()::text::bigint * 1048576;
  select coalesce(max(e.global_position) + 1, v_base) into v_next
  from events e where e.global_position >= v_base and e.global_position < v_base + 1048576;
  if v_next + v_count > v_base + 1048576 then
    raise exception 'a transaction may append at most 1048576 events' using errcode = '54000';
  end if;

  insert into events (global_position, stream_id, stream_revision, event_id, event_type, data, metadata, occurred_on, schema_version)
  select v_next + v.ord - 1, p_stream, v_revision - v_count + v.ord,
         v.event_id, v.event_type, v.data::jsonb, v.metadata::jsonb, v.occurred_on, v.schema_version
  from unnest(p_ids, p_types, p_data, p_metadata, p_occurred_on, p_schema_versions)
       with ordinality as v(event_id, event_type, data, metadata, occurred_on, schema_version, ord)
  on conflict (event_id) do nothing;
  get diagnostics v_inserted = row_count;
  if v_inserted <> v_count then
    -- Another transaction stored one of these ids since the check above.
    raise exception 'event ids appended concurrently elsewhere' using errcode = '40001';
  end if;

  return query select 'ok'::text, v_revision, v_next + v_count - 1;
end
$fn$`;

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function append_to_stream`.execute(db);
  await sql`drop table events`.execute(db);
  await sql`drop table event_streams`.execute(db);
}
