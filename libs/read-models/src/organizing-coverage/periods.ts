import {
  asOf,
  countChangeDays,
  countedOn,
  membershipSpells,
  type CountedOn,
  OPEN_SPELL_END,
  type FederationDissolvedOn,
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
export const OPEN_END = OPEN_SPELL_END;

/** How the enterprise counts (the domain's CountedOn) over a span of days. */
export interface EnterprisePeriod extends CountedOn {
  readonly validFrom: IsoDate;
  readonly validTo: IsoDate | typeof OPEN_END;
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
 * with its area, size band and organizing status — each day as the domain's
 * `countedOn` counts it (libs/domain/src/enterprise/coverage-status.ts), cut
 * at every day it may change and merged where it does not.
 */
export function enterprisePeriods(e: RegisteredEnterprise, federationDissolvedOn: FederationDissolvedOn): EnterprisePeriod[] {
  return cut(e.registeredOn, e.closedOn, countChangeDays(e, federationDissolvedOn), (day) => countedOn(e, day, federationDissolvedOn)) as EnterprisePeriod[];
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
