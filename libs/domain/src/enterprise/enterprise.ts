import { refuse, type IsoDate } from '../shared/index.js';
import { areaOn, coverageEnd, type FederationDissolvedOn, type Spell } from './coverage-status.js';

/**
 * An enterprise (企业), identified by its unified social credit code. Its
 * stream holds what happened to it — registration, headcounts, relocations,
 * closure — and the organizing facts whose rules are about the enterprise:
 * its own union (at most one at a time) and federation coverage (at most one
 * federation at a time), and outreach visits.
 *
 * Facts carry the business date they happened on (`occurredOn`), and may
 * arrive late, dated before facts already recorded. A late fact is accepted
 * when it is consistent with the history as of its date (docs/domain.md).
 */
export const enterpriseStream = (creditCode: string) => `enterprise-${creditCode}`;

export const OUTREACH_STEPS = ['visited', 'policyExplained', 'measuresDrawnUp'] as const;
export type OutreachStep = (typeof OUTREACH_STEPS)[number];

type Dated<T> = { type: T; data: { creditCode: string; occurredOn: IsoDate } };
export type EnterpriseRegistered = { type: 'EnterpriseRegistered'; data: { creditCode: string; name: string; areaId: string; headcount: number; newForm: boolean; occurredOn: IsoDate } };
export type HeadcountReported = { type: 'HeadcountReported'; data: { creditCode: string; headcount: number; occurredOn: IsoDate } };
export type EnterpriseRelocated = { type: 'EnterpriseRelocated'; data: { creditCode: string; areaId: string; occurredOn: IsoDate } };
export type EnterpriseClosed = Dated<'EnterpriseClosed'>;
export type OwnUnionFounded = { type: 'OwnUnionFounded'; data: { creditCode: string; unionId: string; occurredOn: IsoDate } };
export type OwnUnionDissolved = { type: 'OwnUnionDissolved'; data: { creditCode: string; unionId: string; occurredOn: IsoDate } };
export type EnterpriseCovered = { type: 'EnterpriseCovered'; data: { creditCode: string; federationId: string; occurredOn: IsoDate } };
export type EnterpriseUncovered = { type: 'EnterpriseUncovered'; data: { creditCode: string; federationId: string; occurredOn: IsoDate } };
export type OutreachRecorded = { type: 'OutreachRecorded'; data: { creditCode: string; step: OutreachStep; occurredOn: IsoDate } };

export type EnterpriseEvent =
  | EnterpriseRegistered
  | HeadcountReported
  | EnterpriseRelocated
  | EnterpriseClosed
  | OwnUnionFounded
  | OwnUnionDissolved
  | EnterpriseCovered
  | EnterpriseUncovered
  | OutreachRecorded;

export interface RegisteredEnterprise {
  readonly status: 'registered';
  readonly creditCode: string;
  readonly name: string;
  readonly newForm: boolean;
  readonly registeredOn: IsoDate;
  readonly closedOn: IsoDate | null;
  /** Registration and relocations, in recording order. */
  readonly locations: ReadonlyArray<{ on: IsoDate; areaId: string }>;
  readonly headcounts: ReadonlyArray<{ on: IsoDate; headcount: number }>;
  readonly ownUnions: readonly Spell[];
  /** Coverage spells; `id` is the federation. */
  readonly coverages: readonly Spell[];
  /** Latest business date of the facts that must not follow a closure. */
  readonly latestFactOn: IsoDate;
}
export type EnterpriseState = { status: 'unknown' } | RegisteredEnterprise;
export const initialEnterpriseState: EnterpriseState = { status: 'unknown' };

const later = (a: IsoDate, b: IsoDate) => (a > b ? a : b);

function closeSpell(spells: readonly Spell[], id: string, on: IsoDate): Spell[] {
  // The open spell of that id that the date falls in (there is at most one).
  const index = spells.findIndex((s) => s.id === id && s.from <= on && s.to === null);
  return spells.map((s, i) => (i === index ? { ...s, to: on } : s));
}

export function evolveEnterprise(state: EnterpriseState, event: EnterpriseEvent): EnterpriseState {
  if (event.type === 'EnterpriseRegistered') {
    const { creditCode, name, areaId, headcount, newForm, occurredOn } = event.data;
    return {
      status: 'registered',
      creditCode,
      name,
      newForm,
      registeredOn: occurredOn,
      closedOn: null,
      locations: [{ on: occurredOn, areaId }],
      headcounts: [{ on: occurredOn, headcount }],
      ownUnions: [],
      coverages: [],
      latestFactOn: occurredOn,
    };
  }
  if (state.status !== 'registered') return state;
  const on = event.data.occurredOn;
  const s = { ...state, latestFactOn: event.type === 'OwnUnionDissolved' ? state.latestFactOn : later(state.latestFactOn, on) };
  switch (event.type) {
    case 'HeadcountReported':
      return { ...s, headcounts: [...s.headcounts, { on, headcount: event.data.headcount }] };
    case 'EnterpriseRelocated':
      return { ...s, locations: [...s.locations, { on, areaId: event.data.areaId }] };
    case 'EnterpriseClosed':
      return { ...s, closedOn: on };
    case 'OwnUnionFounded':
      return { ...s, ownUnions: [...s.ownUnions, { id: event.data.unionId, from: on, to: null }] };
    case 'OwnUnionDissolved':
      return { ...s, ownUnions: s.ownUnions.map((u) => (u.id === event.data.unionId ? { ...u, to: on } : u)) };
    case 'EnterpriseCovered':
      return { ...s, coverages: [...s.coverages, { id: event.data.federationId, from: on, to: null }] };
    case 'EnterpriseUncovered':
      return { ...s, coverages: closeSpell(s.coverages, event.data.federationId, on) };
    case 'OutreachRecorded':
      return s;
  }
}

/** Refuses unless the enterprise is registered and not closed before the date. */
export function requireOpenOn(state: EnterpriseState, creditCode: string, date: IsoDate): RegisteredEnterprise {
  if (state.status !== 'registered') return refuse('UNKNOWN_ENTERPRISE', `enterprise ${creditCode} is not registered`);
  if (date < state.registeredOn) {
    refuse('DATE_BEFORE_REGISTRATION', `enterprise ${creditCode} was registered on ${state.registeredOn}, after ${date}`);
  }
  if (state.closedOn !== null && date > state.closedOn) {
    refuse('ENTERPRISE_CLOSED', `enterprise ${creditCode} closed on ${state.closedOn}, before ${date}`);
  }
  return state;
}

/** A spell overlaps a new open-ended spell from `date` if it is in force on that date or starts after it. */
function overlapping(spells: readonly Spell[], date: IsoDate, endOf: (s: Spell) => IsoDate | null): Spell | undefined {
  return spells.find((s) => {
    const end = endOf(s);
    return s.from > date || end === null || end > date;
  });
}

// ── decisions ────────────────────────────────────────────────────────────

export interface RegisterEnterprise {
  type: 'RegisterEnterprise';
  creditCode: string;
  name: string;
  areaId: string;
  headcount: number;
  newForm?: boolean;
  occurredOn: IsoDate;
}
export function decideRegister(c: RegisterEnterprise, state: EnterpriseState, areaDefined: boolean): EnterpriseEvent[] {
  if (state.status === 'registered') refuse('ENTERPRISE_ALREADY_REGISTERED', `enterprise ${c.creditCode} is already registered`);
  if (!areaDefined) refuse('UNKNOWN_AREA', `area "${c.areaId}" is not defined`);
  const { creditCode, name, areaId, headcount, occurredOn } = c;
  return [{ type: 'EnterpriseRegistered', data: { creditCode, name, areaId, headcount, newForm: c.newForm ?? false, occurredOn } }];
}

export interface ReportHeadcount {
  type: 'ReportHeadcount';
  creditCode: string;
  headcount: number;
  occurredOn: IsoDate;
}
export function decideReportHeadcount(c: ReportHeadcount, state: EnterpriseState): EnterpriseEvent[] {
  requireOpenOn(state, c.creditCode, c.occurredOn);
  return [{ type: 'HeadcountReported', data: { creditCode: c.creditCode, headcount: c.headcount, occurredOn: c.occurredOn } }];
}

export interface RelocateEnterprise {
  type: 'RelocateEnterprise';
  creditCode: string;
  areaId: string;
  occurredOn: IsoDate;
}
export function decideRelocate(c: RelocateEnterprise, state: EnterpriseState, areaDefined: boolean): EnterpriseEvent[] {
  const e = requireOpenOn(state, c.creditCode, c.occurredOn);
  if (!areaDefined) refuse('UNKNOWN_AREA', `area "${c.areaId}" is not defined`);
  if (areaOn(e, c.occurredOn) === c.areaId) {
    refuse('ENTERPRISE_ALREADY_IN_AREA', `enterprise ${c.creditCode} is already located in "${c.areaId}" on ${c.occurredOn}`);
  }
  return [{ type: 'EnterpriseRelocated', data: { creditCode: c.creditCode, areaId: c.areaId, occurredOn: c.occurredOn } }];
}

export interface CloseEnterprise {
  type: 'CloseEnterprise';
  creditCode: string;
  occurredOn: IsoDate;
}
export function decideClose(c: CloseEnterprise, state: EnterpriseState): EnterpriseEvent[] {
  if (state.status === 'registered' && state.closedOn !== null) {
    refuse('ENTERPRISE_ALREADY_CLOSED', `enterprise ${c.creditCode} already closed on ${state.closedOn}`);
  }
  const e = requireOpenOn(state, c.creditCode, c.occurredOn);
  if (e.latestFactOn > c.occurredOn) {
    refuse(
      'ENTERPRISE_HAS_LATER_FACTS',
      `enterprise ${c.creditCode} cannot have closed on ${c.occurredOn}: facts are recorded for it up to ${e.latestFactOn}`,
    );
  }
  return [{ type: 'EnterpriseClosed', data: { creditCode: c.creditCode, occurredOn: c.occurredOn } }];
}

export interface FoundEnterpriseUnion {
  type: 'FoundEnterpriseUnion';
  unionId: string;
  creditCode: string;
  occurredOn: IsoDate;
}
/** The enterprise's side of a founding: at most one own union at a time. */
export function decideFoundOwnUnion(c: FoundEnterpriseUnion, state: EnterpriseState): EnterpriseEvent[] {
  const e = requireOpenOn(state, c.creditCode, c.occurredOn);
  const other = overlapping(e.ownUnions, c.occurredOn, (s) => s.to);
  if (other) {
    refuse(
      'ENTERPRISE_ALREADY_HAS_UNION',
      `enterprise ${c.creditCode} has its own union "${other.id}" (founded ${other.from}${other.to ? `, dissolved ${other.to}` : ''}), which overlaps ${c.occurredOn}`,
    );
  }
  return [{ type: 'OwnUnionFounded', data: { creditCode: c.creditCode, unionId: c.unionId, occurredOn: c.occurredOn } }];
}

export function decideDissolveOwnUnion(creditCode: string, unionId: string, occurredOn: IsoDate): EnterpriseEvent[] {
  return [{ type: 'OwnUnionDissolved', data: { creditCode, unionId, occurredOn } }];
}

/** What a coverage decision needs to know beyond the enterprise. */
export interface CoverageContext {
  /** The covering federation: its area and lifetime. */
  readonly federation: { readonly areaId: string; readonly foundedOn: IsoDate; readonly dissolvedOn: IsoDate | null };
  /** Dissolution dates of the federations in the enterprise's coverage spells. */
  readonly dissolvedOn: FederationDissolvedOn;
  /** Whether an area is the given one or lies below it. */
  readonly isWithin: (areaId: string, ancestorId: string) => boolean;
}

export interface CoverEnterprise {
  type: 'CoverEnterprise';
  federationId: string;
  creditCode: string;
  occurredOn: IsoDate;
}
export function decideCover(c: CoverEnterprise, state: EnterpriseState, ctx: CoverageContext): EnterpriseEvent[] {
  const e = requireOpenOn(state, c.creditCode, c.occurredOn);
  const location = areaOn(e, c.occurredOn)!;
  if (!ctx.isWithin(location, ctx.federation.areaId)) {
    refuse(
      'ENTERPRISE_OUTSIDE_FEDERATION_AREA',
      `enterprise ${c.creditCode} is located in "${location}" on ${c.occurredOn}, outside federation "${c.federationId}"'s area "${ctx.federation.areaId}"`,
    );
  }
  const other = overlapping(e.coverages, c.occurredOn, (s) => coverageEnd(e, s, ctx.dissolvedOn));
  if (other) {
    refuse(
      'ENTERPRISE_ALREADY_COVERED',
      `enterprise ${c.creditCode} is covered by federation "${other.id}" from ${other.from}, which overlaps ${c.occurredOn}`,
    );
  }
  return [{ type: 'EnterpriseCovered', data: { creditCode: c.creditCode, federationId: c.federationId, occurredOn: c.occurredOn } }];
}

export interface UncoverEnterprise {
  type: 'UncoverEnterprise';
  federationId: string;
  creditCode: string;
  occurredOn: IsoDate;
}
export function decideUncover(
  c: UncoverEnterprise,
  state: EnterpriseState,
  ctx: Pick<CoverageContext, 'dissolvedOn'>,
): EnterpriseEvent[] {
  const e = requireOpenOn(state, c.creditCode, c.occurredOn);
  const spell = e.coverages.find((s) => {
    const until = coverageEnd(e, s, ctx.dissolvedOn);
    return s.id === c.federationId && s.to === null && s.from <= c.occurredOn && (until === null || until > c.occurredOn);
  });
  if (!spell) {
    refuse('NOT_COVERED', `enterprise ${c.creditCode} is not covered by federation "${c.federationId}" on ${c.occurredOn}`);
  }
  return [{ type: 'EnterpriseUncovered', data: { creditCode: c.creditCode, federationId: c.federationId, occurredOn: c.occurredOn } }];
}

export interface RecordOutreach {
  type: 'RecordOutreach';
  creditCode: string;
  step: OutreachStep;
  occurredOn: IsoDate;
}
export function decideRecordOutreach(c: RecordOutreach, state: EnterpriseState): EnterpriseEvent[] {
  requireOpenOn(state, c.creditCode, c.occurredOn);
  return [{ type: 'OutreachRecorded', data: { creditCode: c.creditCode, step: c.step, occurredOn: c.occurredOn } }];
}
