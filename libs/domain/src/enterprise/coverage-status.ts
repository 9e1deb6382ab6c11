import { asOf, type IsoDate } from '../shared/index.js';

/**
 * How an enterprise counts in the coverage figures at the end of a day — the
 * contract's "Meaning of the coverage figures" (../shared/CONTRACT.md),
 * written once. The coverage projection (its validity periods), the
 * enterprise history (libs/audit), the coverage deciders below and the tests'
 * brute-force oracle all read it from here.
 *
 * - **active**: registered on or before the day, not closed on or before it;
 * - **band**: by the latest headcount dated on or before the day;
 * - **independent**: its own union founded on or before the day and not
 *   dissolved on or before it;
 * - **federationCovered**: not independent, and a coverage spell in force on
 *   the day: begun on or before it, and not ended on or before it by an
 *   uncover, the federation's dissolution or the enterprise's closure
 *   (`coverageEnd`) — a relocation does not end it;
 * - **unorganized**: active and neither.
 *
 * The contract asks for a federation that *exists* on the day. Within a
 * coverage spell that is "not dissolved on or before the day": the federation
 * existed on the spell's first day (CoverEnterprise refuses otherwise,
 * UNION_NOT_ACTIVE), and its founding date never changes once recorded (a
 * union id is founded once: UNION_ALREADY_EXISTS), so only its dissolution
 * can end its existence inside the spell. The rule therefore needs the
 * federations' dissolution dates and nothing else of them — which is all the
 * projection keeps — and a federation whose dissolution is not known (not
 * recorded yet at the instant asked about, or not loaded) still covers.
 */

/** A spell of an own union or of a coverage (`id`: the union, or the federation): from `from`, until `to` (exclusive; null while open). */
export interface Spell {
  readonly id: string;
  readonly from: IsoDate;
  readonly to: IsoDate | null;
}

/** What these rules read of an enterprise: its folded state (`RegisteredEnterprise`, enterprise.ts). */
export interface EnterpriseFacts {
  readonly newForm: boolean;
  readonly registeredOn: IsoDate;
  readonly closedOn: IsoDate | null;
  readonly locations: ReadonlyArray<{ readonly on: IsoDate; readonly areaId: string }>;
  readonly headcounts: ReadonlyArray<{ readonly on: IsoDate; readonly headcount: number }>;
  readonly ownUnions: readonly Spell[];
  readonly coverages: readonly Spell[];
}

export type Band = '100+' | '25-99' | '<25';
/** The contract's size bands, largest first. */
export const BANDS: readonly Band[] = ['100+', '25-99', '<25'];
/** `100+` (≥ 100 staff), `25-99`, `<25` (≤ 24). */
export const bandOf = (headcount: number): Band => (headcount >= 100 ? '100+' : headcount >= 25 ? '25-99' : '<25');

export type CoverageStatus = 'independent' | 'federationCovered' | 'unorganized';

/** A federation's dissolution date as known to the caller; null when it is not (known to be) dissolved. */
export type FederationDissolvedOn = (federationId: string) => IsoDate | null;

/** Where the enterprise is located at the end of the day (undefined before its registration). */
export const areaOn = (e: EnterpriseFacts, date: IsoDate) => asOf(e.locations, date)?.areaId;
/** The latest headcount dated on or before the day (of two on one day, the one recorded last). */
export const headcountOn = (e: EnterpriseFacts, date: IsoDate) => asOf(e.headcounts, date)?.headcount;

/** Registered on or before the day and not closed on or before it: counted by the figures. */
export const activeOn = (e: EnterpriseFacts, date: IsoDate): boolean => e.registeredOn <= date && (e.closedOn === null || e.closedOn > date);

/** The own union in force at the end of the day: founded on or before it, not dissolved on or before it. */
export const ownUnionOn = (e: EnterpriseFacts, date: IsoDate): Spell | undefined =>
  e.ownUnions.find((u) => u.from <= date && (u.to === null || u.to > date));

/**
 * The first day a coverage spell no longer covers: the earliest of its
 * uncover, its federation's dissolution and the enterprise's closure; null
 * while none of them is known. It may fall before the spell's start (a
 * dissolution recorded late, dated before the coverage began): then the spell
 * never covered.
 */
export function coverageEnd(e: EnterpriseFacts, spell: Spell, dissolvedOn: FederationDissolvedOn): IsoDate | null {
  let end: IsoDate | null = null;
  for (const d of [spell.to, dissolvedOn(spell.id), e.closedOn]) if (d !== null && (end === null || d < end)) end = d;
  return end;
}

/** The coverage spell in force at the end of the day, if any (its `id` is the federation). Own unions are not looked at. */
export const coverageOn = (e: EnterpriseFacts, date: IsoDate, dissolvedOn: FederationDissolvedOn): Spell | undefined =>
  e.coverages.find((s) => {
    const end = coverageEnd(e, s, dissolvedOn);
    return s.from <= date && (end === null || end > date);
  });

/** How an enterprise counts on a day. */
export interface CountedOn {
  readonly areaId: string;
  readonly headcount: number;
  readonly band: Band;
  readonly newForm: boolean;
  readonly status: CoverageStatus;
  /** The own union, when independent. */
  readonly unionId: string | null;
  /** The covering federation, when federationCovered. */
  readonly federationId: string | null;
}

/** How the enterprise counts at the end of the day; null when it is not active then (not registered yet, or closed). */
export function countedOn(e: EnterpriseFacts, date: IsoDate, dissolvedOn: FederationDissolvedOn): CountedOn | null {
  if (!activeOn(e, date)) return null;
  const headcount = headcountOn(e, date) ?? 0;
  const own = ownUnionOn(e, date);
  const cover = own ? undefined : coverageOn(e, date, dissolvedOn);
  return {
    areaId: areaOn(e, date)!,
    headcount,
    band: bandOf(headcount),
    newForm: e.newForm,
    status: own ? 'independent' : cover ? 'federationCovered' : 'unorganized',
    unionId: own?.id ?? null,
    federationId: cover?.id ?? null,
  };
}

/**
 * Every day on which `countedOn` may change (unsorted, with repeats): the
 * registration, relocations, headcounts, own unions' and coverages' starts
 * and ends, the closure. Between two consecutive ones it is constant.
 */
export function countChangeDays(e: EnterpriseFacts, dissolvedOn: FederationDissolvedOn): IsoDate[] {
  const days: IsoDate[] = [e.registeredOn, ...e.locations.map((l) => l.on), ...e.headcounts.map((h) => h.on)];
  if (e.closedOn !== null) days.push(e.closedOn);
  for (const u of e.ownUnions) days.push(u.from, ...(u.to === null ? [] : [u.to]));
  for (const s of e.coverages) {
    const end = coverageEnd(e, s, dissolvedOn);
    days.push(s.from, ...(end === null ? [] : [end]));
  }
  return days;
}
