import type { RecordedEvent } from '#event-store';
import type { IsoDate } from '#domain';
import { describeEvent } from './describe-event.js';

/** The event list of a history: each event as an auditor reads it, and which events count as of a date, as known at an instant. */

/** One event as an auditor reads it. */
export interface HistoryEntry {
  /** Only for events of other streams (a campaign's ceremonies and joins). */
  readonly streamId?: string;
  /** Global position in the log, as a string (it is a 64-bit integer). */
  readonly position: string;
  /** Index of the event within its stream, from 0. */
  readonly revision: number;
  readonly type: string;
  /** Business date: when it happened in the world (null for a campaign's launch). */
  readonly occurredOn: IsoDate | null;
  /** When the engine recorded it (ISO 8601, UTC). */
  readonly recordedAt: string;
  /** Who recorded it: the holder of the token it was recorded with, the CLI's operator, or a policy. */
  readonly actor: string | null;
  /** The token it was recorded with, when one was (docs/access.md). */
  readonly tokenId?: string;
  /** Whom the recorder said it acted for (the command's `actor` field), when it did. */
  readonly onBehalfOf?: string;
  readonly commandId: string | null;
  readonly commandType: string | null;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** Recorded after an event of the same stream dated later than it: a late report. */
  readonly late: boolean;
  /** Whether it counts for the state as of `asOf` (dated on or before it, or undated). */
  readonly countsAsOf: boolean;
  /** The fact in a few words. */
  readonly summary: string;
  readonly data: unknown;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The event's business date: its `occurredOn`, else the date in its data. */
export function businessDate(e: RecordedEvent): IsoDate | null {
  return e.occurredOn ?? text((e.data as { occurredOn?: unknown } | null)?.occurredOn) ?? null;
}

/** Whether the event counts for the state at the end of `asOf`: dated on or before it, or undated. */
export const countsOn = (e: RecordedEvent, asOf: IsoDate) => {
  const date = businessDate(e);
  return date === null || date <= asOf;
};

/** Whether the event was recorded by `knownAt` (at or before it, to the millisecond); every event when undefined. */
export const knownBy = (knownAt: Date | undefined) => (e: RecordedEvent) => knownAt === undefined || e.recordedAt.getTime() <= knownAt.getTime();

/** Events as auditors read them, in the order given (recording order). */
export function toEntries(events: readonly RecordedEvent[], asOf: IsoDate, options: { withStreamId?: boolean } = {}): HistoryEntry[] {
  const latestByStream = new Map<string, IsoDate>();
  return events.map((e) => {
    const date = businessDate(e);
    const latest = latestByStream.get(e.streamId);
    if (date !== null && (latest === undefined || date > latest)) latestByStream.set(e.streamId, date);
    const m = e.metadata ?? {};
    return {
      ...(options.withStreamId ? { streamId: e.streamId } : {}),
      position: e.globalPosition.toString(),
      revision: e.streamRevision,
      type: e.type,
      occurredOn: date,
      recordedAt: e.recordedAt.toISOString(),
      actor: text(m.actor) ?? null,
      ...(text(m['tokenId']) ? { tokenId: text(m['tokenId']) } : {}),
      ...(text(m['onBehalfOf']) ? { onBehalfOf: text(m['onBehalfOf']) } : {}),
      commandId: text(m['commandId']) ?? null,
      commandType: text(m['commandType']) ?? null,
      ...(text(m.correlationId) ? { correlationId: text(m.correlationId) } : {}),
      ...(text(m.causationId) ? { causationId: text(m.causationId) } : {}),
      late: date !== null && latest !== undefined && date < latest,
      countsAsOf: countsOn(e, asOf),
      summary: describeEvent(e),
      data: e.data,
    };
  });
}

/**
 * A join shown without the person: no name, masked identity number or person
 * key (what a reader outside the join's area, or a campaign team that did not
 * record it, sees in a campaign's history; docs/access.md).
 */
export function withoutPerson(entry: HistoryEntry): HistoryEntry {
  const { name: _name, personIdMasked: _id, personKey: _key, ...data } = entry.data as Record<string, unknown>;
  return { ...entry, data, summary: `a member joined ${String(data['unionId'])}` };
}
