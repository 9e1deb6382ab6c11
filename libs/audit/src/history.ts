import type { RecordedEvent } from '#event-store';
import * as d from '#domain';
import type { IsoDate } from '#domain';
import { campaignAsOf, type CampaignAsOf } from './as-of/campaign.js';
import { enterpriseAsOf, type EnterpriseAsOf } from './as-of/enterprise.js';
import { fold } from './as-of/fold.js';
import { memberAsOf, type MemberAsOf } from './as-of/member.js';
import { unionAsOf, type UnionAsOf } from './as-of/union.js';
import { streamOf, UnknownEntityError, type EntityKind } from './entities.js';
import { countsOn, knownBy, toEntries, type HistoryEntry } from './entries.js';

/**
 * An entity's history for auditors: every event of its stream with who
 * recorded it, when, and by which command — and the entity as it stood at the
 * end of a date (`asOf`), optionally as the engine knew it at an instant
 * (`knownAt`). Pure: the events come in, nothing is read or written here (the
 * loader in load-history.ts reads them through the EventStore port).
 *
 * - `knownAt` hides every event recorded after that instant, from the list
 *   and from the state: "what the engine knew then".
 * - `asOf` only shapes the state: events whose business date is on or before
 *   it count (a late report recorded afterwards but dated earlier counts); the
 *   list still shows every event. Events without a business date (a campaign's
 *   launch) count on every date.
 */

export type EntityAsOf = EnterpriseAsOf | MemberAsOf | UnionAsOf | CampaignAsOf;

export interface EntityHistory {
  readonly kind: EntityKind;
  readonly id: string;
  readonly streamId: string;
  readonly asOf: IsoDate;
  /** The instant the history is shown as known at (ISO 8601), or null: everything recorded. */
  readonly knownAt: string | null;
  /** Every event of the stream (recorded by `knownAt`), in order. */
  readonly events: HistoryEntry[];
  /** Campaign only: the ceremonies and joins attributed to it, from their own streams, in global order. */
  readonly related?: HistoryEntry[];
  readonly state: EntityAsOf;
}

/** What the loader read besides the entity's own stream. */
export interface HistoryContext {
  /** Enterprise: the streams of the federations that covered it, by federation id. */
  readonly federations?: ReadonlyMap<string, readonly RecordedEvent[]>;
  /** Campaign: ceremony and join events attributed to it (from ceremony- and member- streams), in global order. */
  readonly related?: readonly RecordedEvent[];
}

export interface HistoryOptions {
  readonly asOf: IsoDate;
  readonly knownAt?: Date;
}

/**
 * The history of one entity from its stream's events (in revision order) and
 * the context the loader read. Throws UnknownEntityError for an empty stream.
 */
export function buildHistory(
  kind: EntityKind,
  id: string,
  stream: readonly RecordedEvent[],
  context: HistoryContext,
  { asOf, knownAt }: HistoryOptions,
): EntityHistory {
  if (stream.length === 0) throw new UnknownEntityError(kind, id);
  const known = knownBy(knownAt);
  const listed = stream.filter(known);
  // Fold in recording order: of two facts on one date, the one recorded last wins (docs/domain.md).
  const counted = listed.filter((e) => countsOn(e, asOf));
  const related = kind === 'campaign' ? (context.related ?? []).filter(known) : undefined;
  let state: EntityAsOf;
  switch (kind) {
    case 'enterprise': {
      const federations = new Map<string, d.UnionState>();
      for (const [federationId, events] of context.federations ?? []) {
        federations.set(federationId, fold(events.filter(known).filter((e) => countsOn(e, asOf)), d.evolveUnion, d.initialUnionState));
      }
      state = enterpriseAsOf(id, fold(counted, d.evolveEnterprise, d.initialEnterpriseState), federations, asOf);
      break;
    }
    case 'member':
      state = memberAsOf(id, counted, asOf);
      break;
    case 'union':
      state = unionAsOf(id, fold(counted, d.evolveUnion, d.initialUnionState), asOf);
      break;
    case 'campaign':
      state = campaignAsOf(id, fold(counted, d.evolveCampaign, d.initialCampaignState), related!.filter((e) => countsOn(e, asOf)), asOf);
      break;
  }
  if (listed.length === 0) state = { ...state, summary: `nothing of it was recorded by ${knownAt!.toISOString()}` };
  return {
    kind,
    id,
    streamId: streamOf(kind, id),
    asOf,
    knownAt: knownAt ? knownAt.toISOString() : null,
    events: toEntries(listed, asOf),
    ...(related ? { related: toEntries(related, asOf, { withStreamId: true }) } : {}),
    state,
  };
}
