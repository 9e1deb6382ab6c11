import { asOf, type IsoDate } from '../shared/index.js';
import { retentionOn, type MemberState } from './membership.js';

/** The end of an open spell. */
export const OPEN_SPELL_END = '9999-12-31';

export interface MembershipSpell {
  readonly validFrom: IsoDate;
  /** Exclusive: the first day of the next spell, the leaving date, or 9999-12-31. */
  readonly validTo: IsoDate;
  readonly unionId: string;
  readonly retained: boolean;
  readonly retainedReason: string | null;
}

/** The membership held at the end of a day. */
export interface MembershipHeld {
  readonly unionId: string;
  /** Since when that union holds it (the join, transfer, resumption, pass-up or residence-area retention). */
  readonly since: IsoDate;
  /** Kept while unemployed or retired (保留会籍), and why. */
  readonly retained: boolean;
  readonly retainedReason: string | null;
}

/**
 * "Membership held" on a day, as every figure counts it: joined on or before
 * the day and not left on or before it; held in the union recorded last with
 * the latest date on or before the day; retained when a retention is open
 * then. Undefined when not a member on that day. A retained membership is
 * held (it counts in members.total, in the union holding it).
 */
export function membershipOn(state: MemberState, date: IsoDate): MembershipHeld | undefined {
  if (state.status !== 'member' || state.joinedOn > date || (state.leftOn !== null && state.leftOn <= date)) return undefined;
  const held = asOf(state.unions, date)!;
  const retention = retentionOn(state, date);
  return { unionId: held.unionId, since: held.on, retained: retention !== undefined, retainedReason: retention?.reason ?? null };
}

/**
 * A membership's history as maximal spells [validFrom, validTo) over which
 * the union holding it and the retained status are constant, from joining
 * until leaving. Read models build on it (members per union as of a date,
 * retained members).
 */
export function membershipSpells(state: MemberState): MembershipSpell[] {
  if (state.status !== 'member') return [];
  const end = state.leftOn;
  const changes = [
    state.joinedOn,
    ...state.unions.map((u) => u.on),
    ...state.retentions.flatMap((r) => (r.to === null ? [r.from] : [r.from, r.to])),
  ];
  const days = [...new Set(changes)].filter((d) => d >= state.joinedOn && (end === null || d < end)).sort();
  const spells: MembershipSpell[] = [];
  days.forEach((day, i) => {
    const validTo = days[i + 1] ?? end ?? OPEN_SPELL_END;
    const { unionId, retained, retainedReason } = membershipOn(state, day)!;
    const value = { unionId, retained, retainedReason };
    const last = spells[spells.length - 1];
    if (last && last.unionId === value.unionId && last.retained === value.retained && last.retainedReason === value.retainedReason) {
      spells[spells.length - 1] = { ...last, validTo };
    } else {
      spells.push({ validFrom: day, validTo, ...value });
    }
  });
  return spells;
}
