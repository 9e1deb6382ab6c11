import { sql, type Kysely } from 'kysely';

/**
 * A tamper-evident log: every event carries `hash`, a SHA-256 chained over the
 * previous event's hash and the event's own content, in global order.
 *
 * To chain at append time *in global order*, the order must be decided where
 * the hash is: appends take the one-row `event_log_head` (last position, last
 * hash, last recorded time) FOR UPDATE, number their events from it, chain
 * them, and move it. The lock is held until commit, so positions are dense
 * (1, 2, 3, …) and follow commit order: a reader that sees an event sees
 * every event before it, with no horizon to wait for. `recorded_at` is taken
 * under the same lock and never goes backwards, so "everything recorded by
 * time T" is a prefix of the log (the basis of knownAt queries).
 *
 * Appends lock streams first (in a fixed order) and the head last, once per
 * statement, so two appends cannot deadlock.
 *
 * What is hashed (the verifier recomputes it independently, in TypeScript):
 *   hash = sha256(previous hash || utf8(field₁ ‖ field₂ ‖ …)), each field
 *   written as `<byte length>:<text>;`, the fields being position, event id,
 *   stream id, stream revision, type, data (jsonb text), metadata (jsonb
 *   text), business date (YYYY-MM-DD or empty), recorded time (microseconds
 *   since the Unix epoch), schema version. The first event chains on 32 zero
 *   bytes. Length prefixes make the encoding unambiguous.
 *
 * Upgrading an existing log renumbers its positions densely (keeping their
 * order), chains every event, and resets projection checkpoints (the next
 * migration empties the read models, which are then rebuilt from the log).
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    `lock table events in exclusive mode`,
    `alter table events add column hash bytea`,
    `create table event_log_head (
       id boolean primary key default true check (id),
       position bigint not null,
       hash bytea not null,
       recorded_at timestamptz not null)`,
    EVENT_CONTENT,
    EVENT_HASH,
    // Dense positions for events stored before this migration (order kept).
    `update events set global_position = -global_position`,
    `update events e set global_position = n.rn
       from (select global_position as gp, row_number() over (order by global_position desc) as rn from events) n
      where e.global_position = n.gp`,
    `do $do$
     declare
       v_hash bytea := decode(repeat('00', 32), 'hex');
       r record;
     begin
       for r in select * from events order by global_position loop
         v_hash := event_hash(v_hash, r.global_position, r.event_id, r.stream_id, r.stream_revision, r.event_type,
                              r.data, r.metadata, r.occurred_on, r.recorded_at, r.schema_version);
         update events set hash = v_hash where global_position = r.global_position;
       end loop;
       insert into event_log_head (position, hash, recorded_at)
       select coalesce(max(global_position), 0), v_hash, coalesce(max(recorded_at), 'epoch') from events;
     end
     $do$`,
    `alter table events alter column hash set not null, alter column recorded_at drop default`,
    `create index events_recorded_at on events (recorded_at, global_position)`,
    `delete from projection_checkpoints`,
    WRITE_EVENTS,
    CLAIM_REVISION,
    APPEND_TO_STREAM,
    APPEND_MULTIPLE,
  ]) {
    await sql.raw(statement).execute(db);
  }
}

/** The bytes of one event that its hash covers (see the header), and its chained hash. */
const EVENT_CONTENT = `
create function event_content(
  p_position bigint, p_event_id uuid, p_stream text, p_revision bigint, p_type text,
  p_data jsonb, p_metadata jsonb, p_occurred_on date, p_recorded_at timestamptz, p_schema_version integer
) returns bytea
language sql stable
as $fn$
  select convert_to(
    octet_length(p_position::text) || ':' || p_position::text || ';' ||
    octet_length(p_event_id::text) || ':' || p_event_id::text || ';' ||
    octet_length(p_stream) || ':' || p_stream || ';' ||
    octet_length(p_revision::text) || ':' || p_revision::text || ';' ||
    octet_length(p_type) || ':' || p_type || ';' ||
    octet_length(p_data::text) || ':' || p_data::text || ';' ||
    octet_length(p_metadata::text) || ':' || p_metadata::text || ';' ||
    octet_length(coalesce(to_char(p_occurred_on, 'YYYY-MM-DD'), '')) || ':' || coalesce(to_char(p_occurred_on, 'YYYY-MM-DD'), '') || ';' ||
    octet_length(((extract(epoch from p_recorded_at) * 1000000)::bigint)::text) || ':' || ((extract(epoch from p_recorded_at) * 1000000)::bigint)::text || ';' ||
    octet_length(p_schema_version::text) || ':' || p_schema_version::text || ';',
    'UTF8')
$fn$`;

const EVENT_HASH = `
create function event_hash(
  p_previous bytea, p_position bigint, p_event_id uuid, p_stream text, p_revision bigint, p_type text,
  p_data jsonb, p_metadata jsonb, p_occurred_on date, p_recorded_at timestamptz, p_schema_version integer
) returns bytea
language sql stable
as $fn$
  select sha256(p_previous || event_content(p_position, p_event_id, p_stream, p_revision, p_type,
                                            p_data, p_metadata, p_occurred_on, p_recorded_at, p_schema_version))
$fn$`;

/**
 * Numbers, chains and inserts events whose streams' revisions are already
 * claimed; the last step of every append. Returns the last position.
 */
const WRITE_EVENTS = `
create function write_events(
  p_streams text[], p_revisions bigint[],
  p_ids uuid[], p_types text[], p_data text[], p_metadata text[], p_occurred_on date[], p_schema_versions integer[]
) returns bigint
language plpgsql
set plan_cache_mode = force_custom_plan
as $fn$
declare
  v_count integer := cardinality(p_ids);
  v_data jsonb[] := p_data::jsonb[];
  v_metadata jsonb[] := p_metadata::jsonb[];
  v_position bigint;
  v_hash bytea;
  v_at timestamptz;
  v_positions bigint[];
  v_contents bytea[];
  v_hashes bytea[];
  v_content bytea;
  v_inserted integer;
begin
  select h.position, h.hash, greatest(clock_timestamp(), h.recorded_at) into v_position, v_hash, v_at
  from event_log_head h where h.id for update;
  if not found then
    raise exception 'the event log has no head row (event_log_head)' using errcode = '55000';
  end if;
  -- The contents in one pass over the arrays (unnest, not subscripts: a
  -- subscript into an array of variable-width values walks it from the
  -- start), then the chain: one sha256 per event.
  select array_agg(event_content(v_position + u.o, u.id, u.stream, u.revision, u.type, u.data, u.metadata, u.occurred_on, v_at, u.schema_version) order by u.o),
         array_agg(v_position + u.o order by u.o)
    into v_contents, v_positions
  from unnest(p_ids, p_streams, p_revisions, p_types, v_data, v_metadata, p_occurred_on, p_schema_versions)
       with ordinality as u(id, stream, revision, type, data, metadata, occurred_on, schema_version, o);
  v_hashes := '{}';
  foreach v_content in array v_contents loop
    v_hash := sha256(v_hash || v_content);
    v_hashes := v_hashes || v_hash;
  end loop;
  v_position := v_position + v_count;

  insert into events (global_position, stream_id, stream_revision, event_id, event_type, data, metadata,
                      occurred_on, recorded_at, schema_version, hash)
  select v.position, v.stream, v.revision, v.event_id, v.event_type, v.data, v.metadata, v.occurred_on, v_at, v.schema_version, v.hash
  from unnest(v_positions, p_streams, p_revisions, p_ids, p_types, v_data, v_metadata, p_occurred_on, p_schema_versions, v_hashes)
       as v(position, stream, revision, event_id, event_type, data, metadata, occurred_on, schema_version, hash)
  on conflict (event_id) do nothing;
  get diagnostics v_inserted = row_count;
  if v_inserted <> v_count then
    -- Another transaction stored one of these ids since the caller checked.
    raise exception 'event ids appended concurrently elsewhere' using errcode = '40001';
  end if;

  update event_log_head set position = v_position, hash = v_hash, recorded_at = v_at where id;
  return v_position;
end
$fn$`;

/** Moves a stream's revision by p_count if it is in the expected state; null revision: it is not. */
const CLAIM_REVISION = `
create function claim_stream_revision(p_stream text, p_expected text, p_count integer)
returns table (o_claimed boolean, o_revision bigint)
language plpgsql
set plan_cache_mode = force_custom_plan
as $fn$
#variable_conflict use_column
declare
  v_revision bigint;
begin
  if p_expected = 'any' then
    insert into event_streams as s (stream_id, revision) values (p_stream, p_count - 1)
    on conflict (stream_id) do update set revision = s.revision + p_count, updated_at = now()
    returning s.revision into v_revision;
  elsif p_expected = 'no_stream' then
    insert into event_streams as s (stream_id, revision) values (p_stream, p_count - 1)
    on conflict (stream_id) do nothing
    returning s.revision into v_revision;
  elsif p_expected = 'stream_exists' then
    update event_streams s set revision = s.revision + p_count, updated_at = now()
    where s.stream_id = p_stream
    returning s.revision into v_revision;
  else
    update event_streams s set revision = s.revision + p_count, updated_at = now()
    where s.stream_id = p_stream and s.revision = p_expected::bigint
    returning s.revision into v_revision;
  end if;
  if v_revision is null then
    return query select false, (select s.revision from event_streams s where s.stream_id = p_stream);
  else
    return query select true, v_revision;
  end if;
end
$fn$`;

const APPEND_TO_STREAM = `
create or replace function append_to_stream(
  p_stream text, p_expected text,
  p_ids uuid[], p_types text[], p_data text[], p_metadata text[], p_occurred_on date[], p_schema_versions integer[]
) returns table (o_outcome text, o_revision bigint, o_last_position bigint)
language plpgsql
set plan_cache_mode = force_custom_plan
as $fn$
declare
  v_count integer := cardinality(p_ids);
  r record;
begin
  if exists (select 1 from events where event_id = any(p_ids)) then
    return query select 'duplicate'::text, null::bigint, null::bigint;
    return;
  end if;
  select * into r from claim_stream_revision(p_stream, p_expected, v_count);
  if not r.o_claimed then
    return query select 'wrong_revision'::text, r.o_revision, null::bigint;
    return;
  end if;
  return query select 'ok'::text, r.o_revision, write_events(
    array_fill(p_stream, array[v_count]),
    array(select r.o_revision - v_count + g from generate_series(1, v_count) g),
    p_ids, p_types, p_data, p_metadata, p_occurred_on, p_schema_versions);
end
$fn$`;

/**
 * Streams come in lock order. Every stream is claimed (or, with no events,
 * checked and held FOR SHARE) before the head is taken, once, for all events.
 */
const APPEND_MULTIPLE = `
create or replace function append_multiple(
  p_streams text[], p_expected text[], p_counts integer[],
  p_ids uuid[], p_types text[], p_data text[], p_metadata text[], p_occurred_on date[], p_schema_versions integer[]
) returns table (o_stream text, o_revision bigint, o_last_position bigint)
language plpgsql
set plan_cache_mode = force_custom_plan
as $fn$
declare
  v_count integer;
  v_revision bigint;
  v_revisions bigint[] := '{}';
  v_event_streams text[] := '{}';
  v_event_revisions bigint[] := '{}';
  v_ok boolean;
  v_last bigint;
  v_offset integer := 0;
  r record;
begin
  if exists (select 1 from events where event_id = any(p_ids)) then
    raise exception 'event ids already stored' using errcode = 'UE002',
      detail = (select e.stream_id from events e where e.event_id = any(p_ids) limit 1);
  end if;
  for i in 1 .. cardinality(p_streams) loop
    v_count := p_counts[i];
    if v_count = 0 then
      select s.revision into v_revision from event_streams s where s.stream_id = p_streams[i] for share;
      v_ok := case p_expected[i]
        when 'any' then true
        when 'no_stream' then v_revision is null
        when 'stream_exists' then v_revision is not null
        else v_revision = p_expected[i]::bigint
      end;
      if not coalesce(v_ok, false) then
        raise exception 'wrong expected revision' using errcode = 'UE001',
          detail = p_streams[i] || chr(31) || coalesce(v_revision::text, 'no_stream');
      end if;
    else
      select * into r from claim_stream_revision(p_streams[i], p_expected[i], v_count);
      if not r.o_claimed then
        raise exception 'wrong expected revision' using errcode = 'UE001',
          detail = p_streams[i] || chr(31) || coalesce(r.o_revision::text, 'no_stream');
      end if;
      v_revision := r.o_revision;
      v_event_streams := v_event_streams || array_fill(p_streams[i], array[v_count]);
      v_event_revisions := v_event_revisions || array(select v_revision - v_count + g from generate_series(1, v_count) g);
    end if;
    v_revisions := v_revisions || v_revision;
  end loop;

  if cardinality(p_ids) > 0 then
    v_last := write_events(v_event_streams, v_event_revisions, p_ids, p_types, p_data, p_metadata, p_occurred_on, p_schema_versions);
  end if;
  v_last := v_last - cardinality(p_ids);
  for i in 1 .. cardinality(p_streams) loop
    o_stream := p_streams[i];
    o_revision := v_revisions[i];
    if p_counts[i] = 0 then
      o_last_position := null;
    else
      v_offset := v_offset + p_counts[i];
      o_last_position := v_last + v_offset;
    end if;
    return next;
  end loop;
end
$fn$`;

export async function down(): Promise<void> {
  throw new Error('the hash chain cannot be taken out of a log (positions were renumbered)');
}
