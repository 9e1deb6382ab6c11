import { sql, type Selectable } from 'kysely';
import type { DB, TextRow } from '#persistence';
import type { EventMetadata, RecordedEvent } from './event-store.port.js';

/** An event as the store reads it: positions, revisions, ids and the business date as text; `recorded_at` as the driver returns it. */
export type EventRow = Pick<TextRow<DB['events']>, 'global_position' | 'stream_id' | 'stream_revision' | 'event_id' | 'event_type' | 'data' | 'occurred_on' | 'schema_version'> &
  Pick<Selectable<DB['events']>, 'recorded_at'> & { metadata: EventMetadata };

/** The columns of an `EventRow`. */
export const EVENT_COLUMNS = sql`global_position::text as global_position, stream_id, stream_revision::text as stream_revision,
  event_id::text as event_id, event_type, data, metadata, occurred_on::text as occurred_on, recorded_at, schema_version`;

// The columns are selected as text under their own names: ORDER BY must name
// the table's column (events.x), or PostgreSQL sorts by the text alias.

export function limit(maxCount: number | undefined) {
  return maxCount === undefined ? sql`` : sql`limit ${Math.max(0, Math.floor(maxCount))}`;
}

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    type: row.event_type,
    data: row.data,
    streamId: row.stream_id,
    streamRevision: Number(row.stream_revision),
    globalPosition: BigInt(row.global_position),
    occurredOn: row.occurred_on,
    recordedAt: row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at),
    metadata: row.metadata ?? {},
    schemaVersion: row.schema_version,
  };
}
