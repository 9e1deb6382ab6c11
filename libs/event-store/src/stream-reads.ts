import { sql, type Kysely } from 'kysely';
import type { DB, TextRow } from '#persistence';

/** An event of a stream as the projections and policies fold it. */
export type StreamEventRow = Readonly<Pick<TextRow<DB['events']>, 'stream_id' | 'event_type'> & { position: string; data: any }>;

/**
 * The events of some streams up to a log position, each stream in revision
 * order: what a projection or policy reading inside its batch's transaction
 * folds. One index range per stream (lateral), so the plan is the same with
 * or without statistics; the position only filters each stream's few events
 * (`+ 0`: as an index condition it would mark the whole log in a bitmap for
 * every stream).
 */
export async function streamEventsUpTo(db: Kysely<DB>, streamIds: readonly string[], upTo: bigint): Promise<StreamEventRow[]> {
  if (streamIds.length === 0) return [];
  const { rows } = await sql<StreamEventRow>`
    select e.* from unnest(${[...streamIds]}::text[]) as s(id)
    cross join lateral (
      select stream_id, global_position::text as position, event_type, data from events
      where events.stream_id = s.id and global_position + 0 <= ${upTo.toString()}::bigint order by events.stream_revision) e`.execute(db);
  return rows;
}
