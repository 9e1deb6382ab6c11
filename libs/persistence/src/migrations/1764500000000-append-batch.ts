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
export async function up(db: Kysely<any>): Promise<void> {
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
  v_revision bigint;
  v_ok boolean;
  r record;
begin
  if exists (select 1 from events where event_id = any(p_ids)) then
    raise exception 'event ids already stored' using errcode = 'UE002',
      detail = (select e.stream_id from events e where e.event_id = any(p_ids) limit 1);
  end if;
  for i in 1 .. cardinality(p_streams) loop
    if p_counts[i] = 0 then
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
      v_revisions[i] := v_revision;
    else
      select * into r from claim_stream_revision(p_streams[i], p_expected[i], p_counts[i]);
      if not r.o_claimed then
        raise exception 'wrong expected revision' using errcode = 'UE001',
          detail = p_streams[i] || chr(31) || coalesce(r.o_revision::text, 'no_stream');
      end if;
      v_base[i] := r.o_revision - p_counts[i] + 1;
      v_revisions[i] := r.o_revision;
    end if;
  end loop;
  if cardinality(p_ids) > 0 then
    v_last := write_events(
      array(select p_streams[p_event_stream[o]] from generate_series(1, cardinality(p_ids)) o order by o),
      array(select v_base[p_event_stream[o]] + p_event_offset[o] from generate_series(1, cardinality(p_ids)) o order by o),
      p_ids, p_types, p_data, p_metadata, p_occurred_on, p_schema_versions);
  end if;
  return query select p_streams[i], v_revisions[i], v_last from generate_subscripts(p_streams, 1) i;
end
$fn$`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function append_batch`.execute(db);
}
