import { refuse, type IsoDate } from '../shared/index.js';
import type { ErasureBasis, MemberState, PersonalDataErased } from './membership.js';

/**
 * Erasure of a person's personal data (PIPL Art. 47, 个人信息删除): the
 * command and its decision. The fact it records, PersonalDataErased, is a
 * member event (membership.ts).
 */
export interface ErasePersonalData {
  type: 'ErasePersonalData';
  /** One of the person's memberships… */
  memberId?: string;
  /** …or their resident identity number (never stored: it finds their stream). */
  personId?: string;
  legalBasis: ErasureBasis;
  /** The erasure request's reference in the federation's own records (no personal data). */
  reference?: string;
  occurredOn: IsoDate;
}

/**
 * Which memberships an erasure covers: every membership the person ever
 * held (their person stream's spells), and the one named. Refused when the
 * command finds nobody, or when a membership was recorded before personal
 * fields were sealed (its name is in clear in the log: the migration in
 * docs/privacy.md must run first, or erasure would claim what it cannot do).
 */
export function decideErasure(
  c: ErasePersonalData,
  members: ReadonlyArray<{ memberId: string; state: MemberState; recordedInClear: boolean }>,
): Array<{ memberId: string; events: PersonalDataErased[] }> {
  const known = members.filter((m) => m.state.status === 'member');
  if (known.length === 0) {
    if (c.memberId !== undefined) refuse('UNKNOWN_MEMBER', `member "${c.memberId}" does not exist`);
    refuse('UNKNOWN_PERSON', 'no membership is recorded for this identity number');
  }
  const inClear = known.find((m) => m.recordedInClear);
  if (inClear) {
    refuse(
      'PERSONAL_DATA_IN_CLEAR',
      `member "${inClear.memberId}" was recorded before personal data was sealed: run \`npm run cli -- seal-personal-data\` first (docs/privacy.md)`,
    );
  }
  return known.map((m) => ({
    memberId: m.memberId,
    events: [{ type: 'PersonalDataErased', data: { memberId: m.memberId, legalBasis: c.legalBasis, reference: c.reference ?? null, occurredOn: c.occurredOn } }],
  }));
}
