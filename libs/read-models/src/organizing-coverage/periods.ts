import {
  areaOn,
  asOf,
  headcountOn,
  membershipSpells,
  type IsoDate,
  type MemberState,
  type RegisteredEnterprise,
} from '#domain';

/**
 * Validity periods: an entity's history cut into maximal spans of days
 * [validFrom, validTo) over which everything a coverage figure needs is
 * constant. Computed from the folded state of the entity's stream, so a late
 * event simply yields new periods for that one entity.
 */
/** The end of an open period (a date, not 'infinity': drivers turn date parameters into JS Dates). */
export const OPEN_END = '9999-12-31';

export type Band = '100+' | '25-99' | '<25';
export const BANDS: readonly Band[] = ['100+', '25-99', '<25'];
export const bandOf = (headcount: number): Band => (headcount >= 100 ? '100+' : headcount >= 25 ? '25-99' : '<25');

export type CoverageStatus = 'independent' | 'federationCovered' | 'unorganized';

export interface EnterprisePeriod {
  readonly validFrom: IsoDate;
  readonly validTo: IsoDate | typeof OPEN_END;
  readonly areaId: string;
  readonly headcount: number;
  readonly band: Band;
  readonly newForm: boolean;
  readonly status: CoverageStatus;
  /** The own union (independent) or the covering federation (federationCovered). */
  readonly unionId: string | null;
  readonly federationId: string | null;
}

const sortedUnique = (dates: Iterable<IsoDate>) => [...new Set(dates)].sort();

/** Cuts [start, end) at the given dates and describes each piece by its first day; merges equal neighbours. */
function cut<T extends object>(start: IsoDate, end: IsoDate | null, dates: Iterable<IsoDate>, describe: (day: IsoDate) => T | null) {
  const inside = sortedUnique([start, ...dates]).filter((d) => d >= start && (end === null || d < end));
  const periods: Array<T & { validFrom: IsoDate; validTo: IsoDate }> = [];
  inside.forEach((day, i) => {
    const validTo = inside[i + 1] ?? end ?? OPEN_END;
    const value = describe(day);
    if (value === null) return;
    const last = periods[periods.length - 1];
    if (last && last.validTo === day && sameValues(last, value)) {
      periods[periods.length - 1] = { ...last, validTo };
    } else {
      periods.push({ ...value, validFrom: day, validTo });
    }
  });
  return periods;
}

function sameValues(a: object, b: object): boolean {
  return Object.entries(b).every(([k, v]) => (a as Record<string, unknown>)[k] === v);
}

/**
 * The periods in which the enterprise is active (registered, not closed),
 * with its area, size band and organizing status as the contract defines
 * them: independent when its own union exists that day; else
 * federationCovered when covered that day by a federation that exists that
 * day; else unorganized.
 */
export function enterprisePeriods(e: RegisteredEnterprise, federationDissolvedOn: (id: string) => IsoDate | null): EnterprisePeriod[] {
  const coverageEnd = (s: { id: string; to: IsoDate | null }) => {
    const ends = [s.to, federationDissolvedOn(s.id)].filter((d): d is IsoDate => d !== null);
    return ends.length ? ends.sort()[0]! : null;
  };
  const dates = [
    ...e.locations.map((l) => l.on),
    ...e.headcounts.map((h) => h.on),
    ...e.ownUnions.flatMap((u) => [u.from, ...(u.to ? [u.to] : [])]),
    ...e.coverages.flatMap((s) => [s.from, ...(coverageEnd(s) ? [coverageEnd(s)!] : [])]),
  ];
  return cut(e.registeredOn, e.closedOn, dates, (day) => {
    const headcount = headcountOn(e, day) ?? 0;
    const own = e.ownUnions.find((u) => u.from <= day && (u.to === null || u.to > day));
    const cover = own ? undefined : e.coverages.find((s) => s.from <= day && (coverageEnd(s) === null || coverageEnd(s)! > day));
    return {
      areaId: areaOn(e, day)!,
      headcount,
      band: bandOf(headcount),
      newForm: e.newForm,
      status: own ? 'independent' : cover ? 'federationCovered' : 'unorganized',
      unionId: own?.id ?? null,
      federationId: cover?.id ?? null,
    } satisfies Omit<EnterprisePeriod, 'validFrom' | 'validTo'>;
  }) as EnterprisePeriod[];
}

/** Where the enterprise is located, from its registration on (closure does not end it: a union of a closed enterprise is still somewhere). */
export function locationPeriods(e: RegisteredEnterprise) {
  return cut(e.registeredOn, null, e.locations.map((l) => l.on), (day) => ({ areaId: asOf(e.locations, day)!.areaId }));
}

export interface MembershipPeriod {
  readonly validFrom: IsoDate;
  readonly validTo: IsoDate | typeof OPEN_END;
  readonly unionId: string;
  readonly newForm: boolean;
  /** Kept while unemployed or retired (保留会籍), and why. */
  readonly retained: boolean;
  readonly retainedReason: string | null;
}

/** The union a membership is held in, and whether it is retained, period by period, from joining until leaving. */
export function membershipPeriods(m: Extract<MemberState, { status: 'member' }>, newForm: boolean): MembershipPeriod[] {
  return membershipSpells(m).map((s) => ({ ...s, newForm }));
}
