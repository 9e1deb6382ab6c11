import { excludeSystemEvents, START, type KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { Kysely } from 'kysely';
import { KyselyEventStore, type RecordedEvent } from '#event-store';
import type { DB } from '#persistence';
import { copiedEvent, positionOfRow } from './log-mirror.js';

/** What comparing the engine's copy with KurrentDB's log found. */
export interface CopyComparison {
  readonly ok: boolean;
  /** Events compared, one by one. */
  readonly checked: number;
  /** The first disagreement: the copy's position (null past its end), the event id, and what differs (ids and positions only: never content). */
  readonly failure?: { readonly position: bigint | null; readonly eventId: string | null; readonly reason: string };
}

const PAGE = 1000;

/**
 * Walks KurrentDB's `$all` (system events aside) and the engine's copy
 * side by side, up to where the copy has come, and checks that they hold
 * the same events in the same order: id, stream, revision, type, data and
 * metadata. With the copy's hash chain (`verifyChain`) and signed anchors
 * of its head, this is what makes the log in KurrentDB tamper-evident: an
 * event deleted, truncated or scavenged away there, or written there
 * behind the engine's back in the past, shows here (docs/kurrentdb.md).
 */
export async function compareCopyWithSource(
  client: KurrentDBClient,
  db: Kysely<DB>,
  options: { onProgress?: (checked: number, total: number) => void } = {},
): Promise<CopyComparison> {
  const copy = new KyselyEventStore(db);
  const row = await db.selectFrom('log_mirror').select(['commit_position', 'prepare_position']).executeTakeFirst();
  const total = Number(await copy.headPosition());
  const upTo = row ? positionOfRow(row.commit_position, row.prepare_position) : undefined;
  let page: RecordedEvent[] = [];
  let next = 1n;
  let checked = 0;
  const nextCopied = async (): Promise<RecordedEvent | undefined> => {
    if (page.length === 0) {
      page = await copy.readAll({ fromPosition: next, maxCount: PAGE });
      if (page.length) next = page[page.length - 1]!.globalPosition + 1n;
    }
    return page.shift();
  };
  if (upTo) {
    for await (const { event } of client.readAll({ fromPosition: START, filter: excludeSystemEvents() })) {
      if (!event?.position) continue;
      const { commit, prepare } = event.position;
      if (commit > upTo.commit || (commit === upTo.commit && prepare > upTo.prepare)) break;
      const copied = await nextCopied();
      const expected = copiedEvent(event);
      if (!copied) return { ok: false, checked, failure: { position: null, eventId: event.id, reason: `KurrentDB holds event ${event.id} (revision ${event.revision} of its stream), which the copy lacks` } };
      const differs = difference(copied, { ...expected, streamRevision: Number(event.revision) });
      if (differs) {
        return { ok: false, checked, failure: { position: copied.globalPosition, eventId: copied.eventId, reason: `KurrentDB's event at this place ${differs}` } };
      }
      checked++;
      if (checked % PAGE === 0) options.onProgress?.(checked, total);
    }
  }
  const extra = await nextCopied();
  if (extra) {
    return {
      ok: false,
      checked,
      failure: { position: extra.globalPosition, eventId: extra.eventId, reason: 'the copy holds this event, which KurrentDB no longer holds (deleted, truncated or scavenged there)' },
    };
  }
  options.onProgress?.(checked, total);
  return { ok: true, checked };
}

/** How a copied event differs from KurrentDB's (which field), or undefined. */
function difference(copied: RecordedEvent, source: ReturnType<typeof copiedEvent> & { streamRevision: number }): string | undefined {
  if (copied.eventId !== source.eventId.toLowerCase()) return `is another event (${source.eventId})`;
  if (copied.streamId !== source.streamId) return 'is in another stream';
  if (copied.streamRevision !== source.streamRevision) return `has revision ${source.streamRevision}, the copy ${copied.streamRevision}`;
  if (copied.type !== source.type) return 'has another type';
  if (canonical(copied.data) !== canonical(source.data ?? null)) return 'has other data';
  if (canonical(copied.metadata) !== canonical(source.metadata ?? {})) return 'has other metadata';
  if (copied.occurredOn !== (source.occurredOn ?? null) || copied.schemaVersion !== (source.schemaVersion ?? 1)) return 'has another business date or schema version';
  return undefined;
}

/** JSON with every object's keys sorted: equal for equal values, whatever order a store kept the keys in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
