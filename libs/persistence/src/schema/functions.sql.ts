/*
 * The event store's SQL functions, as they stand: the current definition of
 * each, in the order they can be created. Written into a database by the
 * migrations (frozen: each one's SQL is its own copy); created from here by
 * `createSchema` (schema.ts). libs/persistence/test/schema.int.spec.ts
 * proves both give the same functions (pg_get_functiondef). Changing one
 * means a new migration with the new definition, and the same change here.
 *
 * Appends (docs/event-store.md): `append_to_stream` (one stream),
 * `append_multiple` (several, atomically), `append_batch` (many commands'
 * events in their order). Each claims its streams' revisions, then
 * `write_events` numbers, chains (`event_hash` over `event_content`) and
 * inserts the events under the log's head row lock.
 *
 * The three appends run as their owner (SECURITY DEFINER): the application's
 * role may read the log but not write it (docs/database-roles.md). That role
 * may create objects in `public` (a rebuild moves its new tables there), and
 * a function or operator of its own there that matched a call better than
 * the built-in one would run as the owner; so the appends' search_path holds
 * only pg_catalog (and temporary objects, last), and the functions they run
 * name every object of the log with its schema — quoted, "public".events, so
 * that the schema test, which renames the migrated schema to compare it,
 * leaves these names alone.
 *
 * Their statements keep their plans between calls (PostgreSQL's default
 * plan cache): each is a lookup by key, so a generic plan is the same plan,
 * and `enable_seqscan = off` keeps a log whose statistics lag behind it from
 * being scanned whole. Planning every statement on every call (custom plans,
 * until migration 1765500000000) was half of an append's time in the server.
 */

/**
 * The bytes of one event that its hash covers: each field written as
 * `<byte length>:<text>;` — position, event id, stream id, stream revision,
 * type, data (jsonb text), metadata (jsonb text), business date (YYYY-MM-DD
 * or empty), recorded time (microseconds since the Unix epoch), schema
 * version. The verifier (libs/event-store/src/verify-chain.ts) recomputes it
 * in TypeScript.
 */
export const EVENT_CONTENT = `
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

/** An event's chained hash: sha256(previous hash ‖ its content); the first event chains on 32 zero bytes. */
export const EVENT_HASH = `
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
 * claimed; the last step of every append. Takes the log's head row FOR
 * UPDATE (held until commit: positions in commit order), and returns the
 * last position.
 */
export const WRITE_EVENTS = `
create function write_events(
  p_streams text[], p_revisions bigint[],
  p_ids uuid[], p_types text[], p_data text[], p_metadata text[], p_occurred_on date[], p_schema_versions integer[]
) returns bigint
language plpgsql
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
  from "public".event_log_head h where h.id for update;
  if not found then
    raise exception 'the event log has no head row (event_log_head)' using errcode = '55000';
  end if;
  -- The contents in one pass over the arrays (unnest, not subscripts: a
  -- subscript into an array of variable-width values walks it from the
  -- start), then the chain: one sha256 per event.
  select array_agg("public".event_content(v_position + u.o, u.id, u.stream, u.revision, u.type, u.data, u.metadata, u.occurred_on, v_at, u.schema_version) order by u.o),
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

  insert into "public".events (global_position, stream_id, stream_revision, event_id, event_type, data, metadata,
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

  update "public".event_log_head set position = v_position, hash = v_hash, recorded_at = v_at where id;
  return v_position;
end
$fn$`;

/** Moves a stream's revision by p_count if it is in the expected state; not claimed: the revision it has. */
export const CLAIM_REVISION = `
create function claim_stream_revision(p_stream text, p_expected text, p_count integer)
returns table (o_claimed boolean, o_revision bigint)
language plpgsql
set enable_seqscan = off
as $fn$
#variable_conflict use_column
declare
  v_revision bigint;
begin
  if p_expected = 'any' then
    insert into "public".event_streams as s (stream_id, revision) values (p_stream, p_count - 1)
    on conflict (stream_id) do update set revision = s.revision + p_count, updated_at = now()
    returning s.revision into v_revision;
  elsif p_expected = 'no_stream' then
    insert into "public".event_streams as s (stream_id, revision) values (p_stream, p_count - 1)
    on conflict (stream_id) do nothing
    returning s.revision into v_revision;
  elsif p_expected = 'stream_exists' then
    update "public".event_streams s set revision = s.revision + p_count, updated_at = now()
    where s.stream_id = p_stream
    returning s.revision into v_revision;
  else
    update "public".event_streams s set revision = s.revision + p_count, updated_at = now()
    where s.stream_id = p_stream and s.revision = p_expected::bigint
    returning s.revision into v_revision;
  end if;
  if v_revision is null then
    return query select false, (select s.revision from "public".event_streams s where s.stream_id = p_stream);
  else
    return query select true, v_revision;
  end if;
end
$fn$`;

/**
 * One stream's append: 'duplicate' when every id is stored, 'wrong_revision'
 * (with the stream's revision) when it is not in the expected state, else
 * 'ok' with its new revision and the last position.
 */
export const APPEND_TO_STREAM = `
create function append_to_stream(
  p_stream text, p_expected text,
  p_ids uuid[], p_types text[], p_data text[], p_metadata text[], p_occurred_on date[], p_schema_versions integer[]
) returns table (o_outcome text, o_revision bigint, o_last_position bigint)
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
set enable_seqscan = off
as $fn$
declare
  v_count integer := cardinality(p_ids);
  r record;
begin
  if exists (select 1 from "public".events where event_id = any(p_ids)) then
    return query select 'duplicate'::text, null::bigint, null::bigint;
    return;
  end if;
  select * into r from "public".claim_stream_revision(p_stream, p_expected, v_count);
  if not r.o_claimed then
    return query select 'wrong_revision'::text, r.o_revision, null::bigint;
    return;
  end if;
  return query select 'ok'::text, r.o_revision, "public".write_events(
    array_fill(p_stream, array[v_count]),
    array(select r.o_revision - v_count + g from generate_series(1, v_count) g),
    p_ids, p_types, p_data, p_metadata, p_occurred_on, p_schema_versions);
end
$fn$`;

/**
 * A multi-stream append in one statement. Streams come in lock order. Every
 * stream is claimed (or, with no events, checked and held FOR SHARE) before
 * the head is taken, once, for all events. Raises, undoing everything:
 * UE001 wrong revision (DETAIL: stream, chr(31), actual revision or
 * 'no_stream'), UE002 some event ids are already stored (DETAIL: stream).
 */
export const APPEND_MULTIPLE = `
create function append_multiple(
  p_streams text[], p_expected text[], p_counts integer[],
  p_ids uuid[], p_types text[], p_data text[], p_metadata text[], p_occurred_on date[], p_schema_versions integer[]
) returns table (o_stream text, o_revision bigint, o_last_position bigint)
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
set enable_seqscan = off
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
  if exists (select 1 from "public".events where event_id = any(p_ids)) then
    raise exception 'event ids already stored' using errcode = 'UE002',
      detail = (select e.stream_id from "public".events e where e.event_id = any(p_ids) limit 1);
  end if;
  for i in 1 .. cardinality(p_streams) loop
    v_count := p_counts[i];
    if v_count = 0 then
      select s.revision into v_revision from "public".event_streams s where s.stream_id = p_streams[i] for share;
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
      select * into r from "public".claim_stream_revision(p_streams[i], p_expected[i], v_count);
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
    v_last := "public".write_events(v_event_streams, v_event_revisions, p_ids, p_types, p_data, p_metadata, p_occurred_on, p_schema_versions);
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

/**
 * Many commands' events in one statement, positioned in the order given (the
 * commands' order), not grouped by stream. Streams come in lock order with
 * their expected revision and how many events each gets (0: only checked);
 * each event names its stream (an index into the stream list) and its offset
 * among that stream's events. The batch's existing stream rows are locked in
 * lock order, every expectation checked in one query, existing streams moved
 * on in one UPDATE and new ones inserted in one INSERT. Raises like
 * append_multiple (UE001 naming the first stream that failed, UE002). Returns
 * each stream's revision after the append, and the last position.
 */
export const APPEND_BATCH = `
create function append_batch(
  p_streams text[], p_expected text[], p_counts integer[],
  p_event_stream integer[], p_event_offset integer[],
  p_ids uuid[], p_types text[], p_data text[], p_metadata text[], p_occurred_on date[], p_schema_versions integer[]
) returns table (o_stream text, o_revision bigint, o_last_position bigint)
language plpgsql
security definer
-- Every lookup here is by key. On a log being filled from empty, the
-- statistics lag far behind event_streams' size and the planner would scan
-- it whole for each batch, and the import would slow down as it grows.
set enable_seqscan = off
set search_path = pg_catalog, pg_temp
as $fn$
declare
  v_last bigint;
  v_bad record;
  v_new integer;
  v_inserted integer;
  v_event_streams text[];
  v_event_revisions bigint[];
begin
  if exists (select 1 from "public".events where event_id = any(p_ids)) then
    raise exception 'event ids already stored' using errcode = 'UE002',
      detail = (select e.stream_id from "public".events e where e.event_id = any(p_ids) limit 1);
  end if;
  perform 1 from "public".event_streams s where s.stream_id = any(p_streams) order by s.stream_id collate "C" for update;
  select x.stream, s.revision into v_bad
  from unnest(p_streams, p_expected) with ordinality as x(stream, expected, i)
  left join "public".event_streams s on s.stream_id = x.stream
  where not coalesce(case x.expected
    when 'any' then true
    when 'no_stream' then s.revision is null
    when 'stream_exists' then s.revision is not null
    else s.revision = x.expected::bigint
  end, false)
  order by x.i limit 1;
  if found then
    raise exception 'wrong expected revision' using errcode = 'UE001',
      detail = v_bad.stream || chr(31) || coalesce(v_bad.revision::text, 'no_stream');
  end if;

  update "public".event_streams s set revision = s.revision + x.count, updated_at = now()
  from unnest(p_streams, p_counts) as x(stream, count)
  where s.stream_id = x.stream and x.count > 0;
  select count(*) into v_new
  from unnest(p_streams, p_counts) as x(stream, count)
  where x.count > 0 and not exists (select 1 from "public".event_streams s where s.stream_id = x.stream);
  if v_new > 0 then
    insert into "public".event_streams (stream_id, revision)
    select x.stream, x.count - 1 from unnest(p_streams, p_counts) as x(stream, count)
    where x.count > 0 and not exists (select 1 from "public".event_streams s where s.stream_id = x.stream)
    order by x.stream collate "C"
    on conflict (stream_id) do nothing;
    get diagnostics v_inserted = row_count;
    if v_inserted <> v_new then
      -- Another transaction created one of these streams since the check.
      select x.stream, s.revision into v_bad
      from unnest(p_streams, p_expected) as x(stream, expected) join "public".event_streams s on s.stream_id = x.stream
      where x.expected = 'no_stream' order by x.stream collate "C" limit 1;
      raise exception 'wrong expected revision' using errcode = 'UE001',
        detail = coalesce(v_bad.stream, p_streams[1]) || chr(31) || coalesce(v_bad.revision::text, 'no_stream');
    end if;
  end if;

  if cardinality(p_ids) > 0 then
    -- Each event's stream and revision: its stream's first new revision plus its offset.
    select array_agg(st.stream order by u.o), array_agg(st.revision - st.count + 1 + u.k order by u.o)
      into v_event_streams, v_event_revisions
    from unnest(p_event_stream, p_event_offset) with ordinality as u(s, k, o)
    join (select x.i, x.stream, x.count, s.revision
          from unnest(p_streams, p_counts) with ordinality as x(stream, count, i)
          join "public".event_streams s on s.stream_id = x.stream) st on st.i = u.s;
    v_last := "public".write_events(v_event_streams, v_event_revisions, p_ids, p_types, p_data, p_metadata, p_occurred_on, p_schema_versions);
  end if;
  return query
    select x.stream, s.revision, v_last
    from unnest(p_streams) with ordinality as x(stream, i) left join "public".event_streams s on s.stream_id = x.stream
    order by x.i;
end
$fn$`;

/**
 * Who may call them: the appends and their steps are not PUBLIC's. The owner
 * may, and the application's role is granted the appends alone
 * (roles.ts): `write_events` and `claim_stream_revision` called directly
 * would write events or move revisions outside an append's checks.
 */
const FUNCTION_PRIVILEGES = `
revoke execute on function
  append_to_stream(text, text, uuid[], text[], text[], text[], date[], integer[]),
  append_multiple(text[], text[], integer[], uuid[], text[], text[], text[], date[], integer[]),
  append_batch(text[], text[], integer[], integer[], integer[], uuid[], text[], text[], text[], date[], integer[]),
  write_events(text[], bigint[], uuid[], text[], text[], text[], date[], integer[]),
  claim_stream_revision(text, text, integer)
from public`;

/**
 * Every function, in an order in which they can be created (an SQL
 * function's body is checked at creation), then who may call them.
 */
export const FUNCTIONS: readonly string[] = [
  EVENT_CONTENT,
  EVENT_HASH,
  WRITE_EVENTS,
  CLAIM_REVISION,
  APPEND_TO_STREAM,
  APPEND_MULTIPLE,
  APPEND_BATCH,
  FUNCTION_PRIVILEGES,
];
