import type { RecordedEvent } from '#event-store';
import * as d from '#domain';
import type { IsoDate } from '#domain';

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

export const ENTITY_KINDS = ['enterprise', 'member', 'union', 'campaign'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export const isEntityKind = (value: unknown): value is EntityKind => (ENTITY_KINDS as readonly unknown[]).includes(value);

/** The stream that holds an entity's history (the names libs/domain gives them). */
export function streamOf(kind: EntityKind, id: string): string {
  switch (kind) {
    case 'enterprise':
      return d.enterpriseStream(id);
    case 'member':
      return d.memberStream(id);
    case 'union':
      return d.unionStream(id);
    case 'campaign':
      return d.campaignStream(id);
  }
}

/** The error code for an entity that has no history at all. */
export const UNKNOWN_ENTITY_CODES: Record<EntityKind, string> = {
  enterprise: 'UNKNOWN_ENTERPRISE',
  member: 'UNKNOWN_MEMBER',
  union: 'UNKNOWN_UNION',
  campaign: 'UNKNOWN_CAMPAIGN',
};

/** No event was ever recorded for the entity. */
export class UnknownEntityError extends Error {
  override readonly name = 'UnknownEntityError';
  readonly code: string;
  constructor(
    readonly kind: EntityKind,
    readonly id: string,
  ) {
    super(`no ${kind} "${id}" is recorded`);
    this.code = UNKNOWN_ENTITY_CODES[kind];
  }
}

// ── query values ─────────────────────────────────────────────────────────

// ── the event list ───────────────────────────────────────────────────────

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
  readonly actor: string | null;
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

const countsOn = (e: RecordedEvent, asOf: IsoDate) => {
  const date = businessDate(e);
  return date === null || date <= asOf;
};

const knownBy = (knownAt: Date | undefined) => (e: RecordedEvent) => knownAt === undefined || e.recordedAt.getTime() <= knownAt.getTime();

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

/** A fact in a few words, for the terminal and the `summary` field. */
export function describeEvent(e: Pick<RecordedEvent, 'type' | 'data'>): string {
  const x = (e.data ?? {}) as Record<string, unknown>;
  const opt = (label: string, value: unknown) => (value === undefined || value === null || value === '' ? '' : `, ${label}${String(value)}`);
  switch (e.type) {
    case 'EnterpriseRegistered':
      return `registered "${x['name']}" in ${x['areaId']}, ${x['headcount']} staff${x['newForm'] ? ', new-form' : ''}`;
    case 'HeadcountReported':
      return `headcount ${x['headcount']}`;
    case 'EnterpriseRelocated':
      return `relocated to ${x['areaId']}`;
    case 'EnterpriseClosed':
      return 'closed';
    case 'OwnUnionFounded':
      return `own union ${x['unionId']} founded`;
    case 'OwnUnionDissolved':
      return `own union ${x['unionId']} dissolved`;
    case 'EnterpriseCovered':
      return `covered by federation ${x['federationId']}`;
    case 'EnterpriseUncovered':
      return `no longer covered by federation ${x['federationId']}`;
    case 'OutreachRecorded':
      return `outreach: ${x['step']}`;
    case 'MemberJoined':
      return (
        `${x['name']} (${x['personIdMasked']}) joined ${x['unionId']}` +
        opt('', x['occupation']) +
        (x['newForm'] ? ', new-form' : '') +
        opt('via ', x['channel']) +
        opt('campaign ', x['campaignId']) +
        opt('ceremony ', x['ceremonyId'])
      );
    case 'MembershipTransferred':
      return `transferred from ${x['fromUnionId']} to ${x['toUnionId']}`;
    case 'MemberLeft':
      return `left ${x['unionId']}${opt('reason: ', x['reason'])}`;
    case 'MembershipRetained':
      return `membership kept while ${x['reason']}${opt('held by ', x['heldByUnionId'])}`;
    case 'MembershipResumed':
      return `membership resumed: from ${x['fromUnionId']} to ${x['toUnionId']}`;
    case 'MembershipPassedUp':
      return `passed up from ${x['fromUnionId']} to federation ${x['toUnionId']} (${x['reason']})`;
    case 'MembershipAwaitingTransfer':
      return `awaiting transfer from ${x['unionId']} (${x['reason']}; no federation covers the area)`;
    case 'MemberCardIssued':
      return `member card ${x['cardNumber']} issued`;
    case 'MemberCardReplaced':
      return `member card ${x['oldCardNumber']} replaced by ${x['newCardNumber']}${opt('reason: ', x['reason'])}`;
    case 'MemberCardRevoked':
      return `member card ${x['cardNumber']} revoked${opt('reason: ', x['reason'])}`;
    case 'EnterpriseUnionFounded':
      return `founded as the own union of enterprise ${x['creditCode']}`;
    case 'FederationFounded':
      return `federation "${x['name']}" founded (${x['scope']}, area ${x['areaId']}${opt('industry ', x['industry'])})`;
    case 'UnionDissolved':
      return 'dissolved';
    case 'CampaignLaunched': {
      const occupations = Array.isArray(x['targetOccupations']) && x['targetOccupations'].length ? `, for ${x['targetOccupations'].join('/')}` : '';
      return `launched "${x['name']}" in ${x['areaId']}: ${x['targetJoins']} joins from ${x['startsOn']} to ${x['endsOn']}${occupations}`;
    }
    case 'CeremonyHeld':
      return `ceremony ${x['ceremonyId']} held in ${x['areaId']}${opt('for campaign ', x['campaignId'])}`;
    default: {
      const json = JSON.stringify(e.data);
      return json.length > 120 ? `${json.slice(0, 117)}...` : json;
    }
  }
}

// ── the state as of a date ───────────────────────────────────────────────

export type Band = '100+' | '25-99' | '<25';
/** The contract's size bands. */
export const bandOf = (headcount: number): Band => (headcount >= 100 ? '100+' : headcount >= 25 ? '25-99' : '<25');

export interface EnterpriseAsOf {
  readonly kind: 'enterprise';
  readonly creditCode: string;
  /** Registered on or before the date. */
  readonly registered: boolean;
  readonly name: string | null;
  readonly newForm: boolean | null;
  readonly registeredOn: IsoDate | null;
  readonly closed: boolean;
  readonly closedOn: IsoDate | null;
  /** Registered and not closed on or before the date: counted by the coverage figures. */
  readonly active: boolean;
  readonly areaId: string | null;
  readonly headcount: number | null;
  readonly band: Band | null;
  /** Its own union in force on the date. */
  readonly ownUnion: { readonly unionId: string; readonly foundedOn: IsoDate } | null;
  /** The federation covering it on the date (one that exists on the date). */
  readonly federationCoverage: { readonly federationId: string; readonly since: IsoDate } | null;
  /** As the coverage figures count it; null when not active. */
  readonly organizing: 'independent' | 'federationCovered' | 'unorganized' | null;
  readonly summary: string;
}

export interface MemberAsOf {
  readonly kind: 'member';
  readonly memberId: string;
  /** `notJoined`: the join is dated after the date. */
  readonly status: 'notJoined' | 'member' | 'left';
  readonly name: string | null;
  readonly personIdMasked: string | null;
  readonly occupation: string | null;
  readonly newForm: boolean | null;
  readonly campaignId: string | null;
  readonly ceremonyId: string | null;
  readonly joinedOn: IsoDate | null;
  readonly leftOn: IsoDate | null;
  readonly leftReason: string | null;
  /** The union held on the date (or, once left, the union left). */
  readonly unionId: string | null;
  /** Since when that union was held. */
  readonly unionSince: IsoDate | null;
  readonly transfers: ReadonlyArray<{ readonly on: IsoDate; readonly fromUnionId: string; readonly toUnionId: string }>;
  readonly summary: string;
}

export interface UnionAsOf {
  readonly kind: 'union';
  readonly unionId: string;
  readonly status: 'notFounded' | 'active' | 'dissolved';
  readonly unionKind: 'enterprise' | 'federation' | null;
  readonly foundedOn: IsoDate | null;
  readonly dissolvedOn: IsoDate | null;
  /** Enterprise union: its enterprise. */
  readonly creditCode?: string;
  /** Federation: its name, scope, area and industry. */
  readonly name?: string;
  readonly scope?: string;
  readonly areaId?: string;
  readonly industry?: string | null;
  readonly summary: string;
}

export interface CampaignAsOf {
  readonly kind: 'campaign';
  readonly campaignId: string;
  /** `notLaunched` only when nothing of it was known at `knownAt`. */
  readonly status: 'notLaunched' | 'planned' | 'running' | 'ended';
  readonly definition: Omit<d.CampaignLaunched['data'], 'campaignId'> | null;
  /** Ceremonies held for it on or before the date, with the joins at each. */
  readonly ceremonies: ReadonlyArray<{ readonly ceremonyId: string; readonly areaId: string; readonly occurredOn: IsoDate; readonly joins: number }>;
  /** Joins attributed to it (or made at one of its ceremonies) on or before the date. */
  readonly joins: {
    readonly total: number;
    readonly newForm: number;
    readonly atCeremonies: number;
    /** total ÷ targetJoins (null without a definition or a zero target). */
    readonly progress: number | null;
    readonly members: ReadonlyArray<{ readonly memberId: string; readonly unionId: string; readonly occurredOn: IsoDate; readonly ceremonyId: string | null; readonly occupation: string | null; readonly newForm: boolean }>;
  };
  readonly summary: string;
}

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

function fold<S, E>(events: readonly RecordedEvent[], evolve: (s: S, e: E) => S, initial: S): S {
  return events.reduce((s, e) => evolve(s, { type: e.type, data: e.data } as E), initial);
}

/** The spell in force at the end of the date, if any. */
const inForce = (spells: readonly d.Spell[], date: IsoDate) => spells.find((s) => s.from <= date && (s.to === null || s.to > date));

export function enterpriseAsOf(
  creditCode: string,
  state: d.EnterpriseState,
  federations: ReadonlyMap<string, d.UnionState>,
  asOf: IsoDate,
): EnterpriseAsOf {
  if (state.status !== 'registered') {
    return {
      kind: 'enterprise',
      creditCode,
      registered: false,
      name: null,
      newForm: null,
      registeredOn: null,
      closed: false,
      closedOn: null,
      active: false,
      areaId: null,
      headcount: null,
      band: null,
      ownUnion: null,
      federationCoverage: null,
      organizing: null,
      summary: `on ${asOf}: not registered yet`,
    };
  }
  const closed = state.closedOn !== null && state.closedOn <= asOf;
  const active = state.registeredOn <= asOf && !closed;
  const headcount = d.headcountOn(state, asOf) ?? null;
  const areaId = d.areaOn(state, asOf) ?? null;
  const own = active ? inForce(state.ownUnions, asOf) : undefined;
  // A coverage ends with an uncover, the federation's dissolution or the closure; the federation must exist on the date.
  const covering = active
    ? state.coverages.find((s) => inForce([s], asOf) && d.unionActiveOn(federations.get(s.id) ?? d.initialUnionState, asOf))
    : undefined;
  const organizing = !active ? null : own ? 'independent' : covering ? 'federationCovered' : 'unorganized';
  const band = headcount === null ? null : bandOf(headcount);
  const where = `${state.name}, ${headcount ?? '?'} staff (${band ?? '?'}) in ${areaId ?? '?'}`;
  const summary = closed
    ? `on ${asOf}: closed since ${state.closedOn} (registered ${state.registeredOn}); last known: ${where}`
    : `on ${asOf}: active since ${state.registeredOn}: ${where}; ` +
      (own
        ? `own union ${own.id} since ${own.from}`
        : covering
          ? `covered by federation ${covering.id} since ${covering.from}`
          : 'no union, not covered') +
      (own && covering ? ` (also covered by federation ${covering.id})` : '');
  return {
    kind: 'enterprise',
    creditCode,
    registered: true,
    name: state.name,
    newForm: state.newForm,
    registeredOn: state.registeredOn,
    closed,
    closedOn: closed ? state.closedOn : null,
    active,
    areaId,
    headcount,
    band,
    ownUnion: own ? { unionId: own.id, foundedOn: own.from } : null,
    federationCoverage: covering ? { federationId: covering.id, since: covering.from } : null,
    organizing,
    summary,
  };
}

export function memberAsOf(memberId: string, counted: readonly RecordedEvent[], asOf: IsoDate): MemberAsOf {
  const state = fold(counted, d.evolveMember, d.initialMemberState);
  const joined = counted.find((e) => e.type === 'MemberJoined')?.data as d.MemberJoined['data'] | undefined;
  const left = counted.find((e) => e.type === 'MemberLeft')?.data as d.MemberLeft['data'] | undefined;
  if (state.status !== 'member' || !joined) {
    return {
      kind: 'member',
      memberId,
      status: 'notJoined',
      name: null,
      personIdMasked: null,
      occupation: null,
      newForm: null,
      campaignId: null,
      ceremonyId: null,
      joinedOn: null,
      leftOn: null,
      leftReason: null,
      unionId: null,
      unionSince: null,
      transfers: [],
      summary: `on ${asOf}: not a member yet`,
    };
  }
  const hasLeft = state.leftOn !== null && state.leftOn <= asOf;
  // Once left, the union held on the leaving date is the one left.
  const held = d.asOf(state.unions, hasLeft ? state.leftOn! : asOf);
  const transfers = counted
    .filter((e) => e.type === 'MembershipTransferred')
    .map((e) => e.data as d.MembershipTransferred['data'])
    .map(({ occurredOn, fromUnionId, toUnionId }) => ({ on: occurredOn, fromUnionId, toUnionId }))
    .sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
  const summary = hasLeft
    ? `on ${asOf}: left ${held?.unionId} on ${state.leftOn}${left?.reason ? ` (${left.reason})` : ''}; member from ${state.joinedOn}`
    : `on ${asOf}: member of ${held?.unionId} since ${held?.on}; joined ${state.joinedOn}`;
  return {
    kind: 'member',
    memberId,
    status: hasLeft ? 'left' : 'member',
    name: joined.name,
    personIdMasked: joined.personIdMasked,
    occupation: joined.occupation,
    newForm: joined.newForm,
    campaignId: joined.campaignId,
    ceremonyId: joined.ceremonyId,
    joinedOn: state.joinedOn,
    leftOn: hasLeft ? state.leftOn : null,
    leftReason: hasLeft ? (left?.reason ?? null) : null,
    unionId: held?.unionId ?? null,
    unionSince: held?.on ?? null,
    transfers,
    summary: `${joined.name}: ${summary}`,
  };
}

export function unionAsOf(unionId: string, state: d.UnionState, asOf: IsoDate): UnionAsOf {
  if (state.kind === 'none') {
    return { kind: 'union', unionId, status: 'notFounded', unionKind: null, foundedOn: null, dissolvedOn: null, summary: `on ${asOf}: not founded yet` };
  }
  const dissolved = state.dissolvedOn !== null && state.dissolvedOn <= asOf;
  const what = state.kind === 'enterprise' ? `own union of enterprise ${state.creditCode}` : `federation "${state.name}" (${state.scope}, area ${state.areaId})`;
  const details =
    state.kind === 'enterprise'
      ? { creditCode: state.creditCode }
      : { name: state.name, scope: state.scope, areaId: state.areaId, industry: state.industry };
  return {
    kind: 'union',
    unionId,
    status: dissolved ? 'dissolved' : 'active',
    unionKind: state.kind,
    foundedOn: state.foundedOn,
    dissolvedOn: dissolved ? state.dissolvedOn : null,
    ...details,
    summary: `on ${asOf}: ${what}, founded ${state.foundedOn}${dissolved ? `, dissolved ${state.dissolvedOn}` : ', active'}`,
  };
}

export function campaignAsOf(campaignId: string, state: d.CampaignState, related: readonly RecordedEvent[], asOf: IsoDate): CampaignAsOf {
  const ceremonies = related
    .filter((e) => e.type === 'CeremonyHeld')
    .map((e) => e.data as d.CeremonyHeld['data'])
    .map(({ ceremonyId, areaId, occurredOn }) => ({ ceremonyId, areaId, occurredOn }));
  const members = related
    .filter((e) => e.type === 'MemberJoined')
    .map((e) => e.data as d.MemberJoined['data'])
    .map(({ memberId, unionId, occurredOn, ceremonyId, occupation, newForm }) => ({ memberId, unionId, occurredOn, ceremonyId, occupation, newForm }));
  const joinsAt = (ceremonyId: string) => members.filter((m) => m.ceremonyId === ceremonyId).length;
  const definition = state.status === 'launched' ? (({ status: _s, campaignId: _c, ...rest }) => rest)(state) : null;
  const status = !definition ? 'notLaunched' : asOf < definition.startsOn ? 'planned' : asOf > definition.endsOn ? 'ended' : 'running';
  const progress = definition && definition.targetJoins > 0 ? members.length / definition.targetJoins : null;
  const summary = !definition
    ? `on ${asOf}: not launched`
    : `on ${asOf}: "${definition.name}" ${status} (${definition.startsOn} to ${definition.endsOn}, area ${definition.areaId}): ` +
      `${members.length} of ${definition.targetJoins} joins, ${ceremonies.length} ceremon${ceremonies.length === 1 ? 'y' : 'ies'}`;
  return {
    kind: 'campaign',
    campaignId,
    status,
    definition,
    ceremonies: ceremonies.map((c) => ({ ...c, joins: joinsAt(c.ceremonyId) })),
    joins: {
      total: members.length,
      newForm: members.filter((m) => m.newForm).length,
      atCeremonies: members.filter((m) => m.ceremonyId !== null).length,
      progress,
      members,
    },
    summary,
  };
}
