import type { EventStore, RecordedEvent } from '#event-store';
import type { PersonalDataVault } from '#personal-data';
import { unionStream, type CeremonyHeld, type EnterpriseCovered, type MemberJoined } from '#domain';
import { streamOf, UnknownEntityError, type EntityKind } from './entities.js';
import { buildHistory, type EntityHistory, type HistoryContext, type HistoryOptions } from './history.js';

/** Events read per page when looking through the log for a campaign's ceremonies and joins. */
const SCAN_PAGE = 2000;

/**
 * Reads an entity's history through the EventStore port: its stream, and
 * what its state as of a date depends on beyond it — for an enterprise, the
 * streams of the federations that covered it (a coverage ends when the
 * federation is dissolved); for a campaign, the ceremonies and joins
 * attributed to it, which live in their own streams. Personal fields are
 * opened through the vault; an erased person's read as null.
 */
export async function loadHistory(
  store: EventStore,
  vault: Pick<PersonalDataVault, 'openAll'>,
  kind: EntityKind,
  id: string,
  options: HistoryOptions,
): Promise<EntityHistory> {
  // Personal fields opened with their persons' keys: null where the person was erased.
  const stream = await vault.openAll(await store.readStream(streamOf(kind, id)));
  if (stream.length === 0) throw new UnknownEntityError(kind, id);
  let context: HistoryContext = {};
  if (kind === 'enterprise') {
    const ids = [...new Set(stream.filter((e) => e.type === 'EnterpriseCovered').map((e) => (e.data as EnterpriseCovered['data']).federationId))];
    const streams = ids.length ? await store.readStreams(ids.map(unionStream)) : new Map<string, RecordedEvent[]>();
    context = { federations: new Map(ids.map((fid) => [fid, streams.get(unionStream(fid)) ?? []])) };
  } else if (kind === 'campaign') {
    context = { related: await vault.openAll(await campaignFacts(store, id, stream[0]!.globalPosition)) };
  }
  return buildHistory(kind, id, stream, context, options);
}

/**
 * Ceremonies held for a campaign and joins attributed to it (by campaignId,
 * or made at one of its ceremonies). No stream or index gathers them, so this
 * reads the log from the campaign's launch on (a ceremony or join cannot name
 * a campaign before it exists): a pass over everything recorded since.
 */
async function campaignFacts(store: EventStore, campaignId: string, from: bigint): Promise<RecordedEvent[]> {
  const found: RecordedEvent[] = [];
  const ceremonies = new Set<string>();
  for (let position = from; ; ) {
    const page = await store.readAll({ fromPosition: position, maxCount: SCAN_PAGE });
    for (const e of page) {
      if (e.type === 'CeremonyHeld' && (e.data as CeremonyHeld['data']).campaignId === campaignId) {
        ceremonies.add((e.data as CeremonyHeld['data']).ceremonyId);
        found.push(e);
      } else if (e.type === 'MemberJoined') {
        const join = e.data as MemberJoined['data'];
        if (join.campaignId === campaignId || (join.ceremonyId !== null && ceremonies.has(join.ceremonyId))) found.push(e);
      }
    }
    if (page.length < SCAN_PAGE) return found;
    position = page[page.length - 1]!.globalPosition + 1n;
  }
}
