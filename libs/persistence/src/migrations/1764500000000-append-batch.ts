import { sql, type Kysely } from 'kysely';

/**
 * `append_batch`: many commands' events in one statement, positioned in the
 * order given (the commands' order), not grouped by stream. Streams come in
 * lock order with their expected revision and how many events each gets
 * (0: only checked and held FOR SHARE); each event names its stream (an
 * index into the stream list) and its offset among that stream's events.
 * Raises, undoing everything, like append_multiple: UE001 wrong revision,
 * UE002 some event ids already stored. Returns each stream's revision after
 * the append (a checked stream's as it stands), and the last position.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`
create function append_batch(
  p_streams text[], p_expected text[], p_counts integer[],
  p_event_stream integer[], p_event_offset integer[],
  p_ids uuid[], p_types text[], p_data text[], p_metadata text[], p_occurred_on date[], p_schema_versions integer[]
) returns table (o_stream text, o_revision bigint, o_last_position bigint)
language plpgsql
set plan_cache_mode = force_custom_plan
as $fn$
declare
  v_base bigint[] := array_fill(0::bigint, array[cardinality(p_streams)]);
  v_revisions bigint[] := array_fill(null::bigint, array[cardinality(p_streams)]);
  v_last bigint;
  v_event_streams text[];
  v_event_revisions bigint[];
  v_revision bigint;
  v_ok boolean;
  r record;
  st record;
begin
  if exists (select 1 from events where event_id = any(p_ids)) then
    raise exception 'event ids already stored' using errcode = 'UE002',
      detail = (select e.stream_id from events e where e.event_id = any(p_ids) limit 1);
  end if;
  -- Stream by stream in lock order (a loop over unnest: subscripts into a
  -- text array walk it from the start).
  for st in select * from unnest(p_streams, p_expected, p_counts) with ordinality as x(stream, expected, count, i) loop
    if st.count = 0 then
      select s.revision into v_revision from event_streams s where s.stream_id = st.stream for share;
      v_ok := case st.expected
        when 'any' then true
        when 'no_stream' then v_revision is null
        when 'stream_exists' then v_revision is not null
        else v_revision = st.expected::bigint
      end;
      if not coalesce(v_ok, false) then
        raise exception 'wrong expected revision' using errcode = 'UE001',
          detail = st.stream || chr(31) || coalesce(v_revision::text, 'no_stream');
      end if;
      v_revisions[st.i] := v_revision;
    else
      select * into r from claim_stream_revision(st.stream, st.expected, st.count);
      if not r.o_claimed then
        raise exception 'wrong expected revision' using errcode = 'UE001',
          detail = st.stream || chr(31) || coalesce(r.o_revision::text, 'no_stream');
      end if;
      v_base[st.i] := r.o_revision - st.count + 1;
      v_revisions[st.i] := r.o_revision;
    end if;
  end loop;
  if cardinality(p_ids) > 0 then
    -- Each event's stream and revision in one pass (unnest: subscripts into a
    -- text array walk it from the start; v_base holds fixed-width values).
    select array_agg(sn.name order by u.o), array_agg(v_base[u.s] + u.k order by u.o) into v_event_streams, v_event_revisions
    from unnest(p_event_stream, p_event_offset) with ordinality as u(s, k, o)
    join unnest(p_streams) with ordinality as sn(name, i) on sn.i = u.s;
    v_last := write_events(v_event_streams, v_event_revisions, p_ids, p_types, p_data, p_metadata, p_occurred_on, p_schema_versions);
  end if;
  return query select x.stream, v_revisions[x.i::int], v_last from unnest(p_streams) with ordinality as x(stream, i);
end
$fn$`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function append_batch`.execute(db);
}
