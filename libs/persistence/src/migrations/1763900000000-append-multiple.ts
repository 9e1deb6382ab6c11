import { sql, type Kysely } from 'kysely';

/**
 * `append_multiple`: a multi-stream append in one statement (one round trip,
 * no explicit transaction). Streams come in lock order; each is appended by
 * append_to_stream, or — with no events — only checked and held FOR SHARE.
 * Anything but success raises, which undoes the whole statement:
 *   UE001 wrong revision (DETAIL: stream, actual revision or 'no_stream'),
 *   UE002 some event ids are already stored (DETAIL: stream).
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`
create function append_multiple(
  p_streams text[], p_expected text[], p_counts integer[],
  p_ids uuid[], p_types text[], p_data text[], p_metadata text[], p_occurred_on date[], p_schema_versions integer[]
) returns table (o_stream text, o_revision bigint, o_last_position bigint)
language plpgsql
set plan_cache_mode = force_custom_plan
as $fn$
declare
  v_offset integer := 0;
  v_count integer;
  v_revision bigint;
  v_ok boolean;
  r record;
begin
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
      o_stream := p_streams[i]; o_revision := v_revision; o_last_position := null;
      return next;
    else
      select * into r from append_to_stream(
        p_streams[i], p_expected[i],
        p_ids[v_offset + 1 : v_offset + v_count], p_types[v_offset + 1 : v_offset + v_count],
        p_data[v_offset + 1 : v_offset + v_count], p_metadata[v_offset + 1 : v_offset + v_count],
        p_occurred_on[v_offset + 1 : v_offset + v_count], p_schema_versions[v_offset + 1 : v_offset + v_count]);
      if r.o_outcome = 'wrong_revision' then
        raise exception 'wrong expected revision' using errcode = 'UE001',
          detail = p_streams[i] || chr(31) || coalesce(r.o_revision::text, 'no_stream');
      elsif r.o_outcome = 'duplicate' then
        raise exception 'event ids already stored' using errcode = 'UE002', detail = p_streams[i];
      end if;
      o_stream := p_streams[i]; o_revision := r.o_revision; o_last_position := r.o_last_position;
      return next;
      v_offset := v_offset + v_count;
    end if;
  end loop;
end
$fn$`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function append_multiple`.execute(db);
}
