import type { IsoDate } from '../shared/index.js';
import { retentionOn, unionOn, type MemberState } from './membership.js';

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
    const retention = retentionOn(state, day);
    const value = { unionId: unionOn(state, day)!, retained: retention !== undefined, retainedReason: retention?.reason ?? null };
    const last = spells[spells.length - 1];
    if (last && last.unionId === value.unionId && last.retained === value.retained && last.retainedReason === value.retainedReason) {
      spells[spells.length - 1] = { ...last, validTo };
    } else {
      spells.push({ validFrom: day, validTo, ...value });
    }
  });
  return spells;
}
