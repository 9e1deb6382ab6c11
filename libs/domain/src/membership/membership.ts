import { asOf, refuse, type IsoDate } from '../shared/index.js';

/**
 * Membership (会籍). A member's stream holds one membership's life: joined,
 * transferred between unions, left. A person's stream — keyed by a keyed hash
 * of the resident identity number, never the number itself — holds the spells
 * of membership, so that "one person, one membership at a time" is enforced by
 * one stream's optimistic concurrency even under concurrent joins.
 */
export const memberStream = (memberId: string) => `member-${memberId}`;
export const personStream = (personKey: string) => `person-${personKey}`;

export type MemberJoined = {
  type: 'MemberJoined';
  data: {
    memberId: string;
    personKey: string;
    /** For display only: `440307********0428`. */
    personIdMasked: string;
    name: string;
    unionId: string;
    occupation: string | null;
    newForm: boolean;
    channel: string | null;
    campaignId: string | null;
    ceremonyId: string | null;
    /** Where the worker was signed up, when the command said (for campaign figures by area). */
    areaId?: string | null;
    occurredOn: IsoDate;
  };
};
export type MembershipTransferred = {
  type: 'MembershipTransferred';
  data: { memberId: string; fromUnionId: string; toUnionId: string; occurredOn: IsoDate };
};
export type MemberLeft = { type: 'MemberLeft'; data: { memberId: string; unionId: string; reason: string | null; occurredOn: IsoDate } };

/** Why a member keeps the membership without an employer's union (保留会籍). */
export const RETENTION_REASONS = ['unemployed', 'retired'] as const;
export type RetentionReason = (typeof RETENTION_REASONS)[number];
/** Why a membership passes to the upper-level federation. */
export const SUCCESSION_REASONS = ['enterpriseClosed', 'unionDissolved'] as const;
export type SuccessionReason = (typeof SUCCESSION_REASONS)[number];

/**
 * Kept while unemployed or retired. `unionId` holds it meanwhile: the
 * residence-area union named (`heldByUnionId`, which then also becomes the
 * union held from the date), or else the union already held.
 */
export type MembershipRetained = {
  type: 'MembershipRetained';
  data: { memberId: string; unionId: string; heldByUnionId: string | null; reason: RetentionReason; occurredOn: IsoDate };
};
/** Back at work: the membership moves to the new employer's union and is no longer retained. */
export type MembershipResumed = {
  type: 'MembershipResumed';
  data: { memberId: string; fromUnionId: string; toUnionId: string; occurredOn: IsoDate };
};
/** The employer closed or its union was dissolved: the membership passes to the federation over the area. */
export type MembershipPassedUp = {
  type: 'MembershipPassedUp';
  data: { memberId: string; fromUnionId: string; toUnionId: string; reason: SuccessionReason; occurredOn: IsoDate };
};
/** As MembershipPassedUp, but no federation covers the area: the member keeps the old union id, flagged. */
export type MembershipAwaitingTransfer = {
  type: 'MembershipAwaitingTransfer';
  data: { memberId: string; unionId: string; reason: SuccessionReason; occurredOn: IsoDate };
};
/**
 * Member cards (会员卡); each number is reserved in its own stream, named by
 * a keyed hash of the number (cards.ts). The number is the holder's personal
 * data: `personKey` says whose key seals it once stored (docs/privacy.md).
 * Cards recorded before keys (legacy) carry the number alone, in clear, and
 * the old number on a replacement or revocation: `cardRefOf` reads both.
 */
export type MemberCardIssued = {
  type: 'MemberCardIssued';
  data: { memberId: string; personKey?: string; cardKey?: string; cardNumber?: string; occurredOn: IsoDate };
};
/** Ends the valid card, and issues the new one. */
export type MemberCardReplaced = {
  type: 'MemberCardReplaced';
  data: { memberId: string; personKey?: string; newCardKey?: string; newCardNumber?: string; oldCardNumber?: string; reason: string | null; occurredOn: IsoDate };
};
/** Ends the valid card. */
export type MemberCardRevoked = { type: 'MemberCardRevoked'; data: { memberId: string; cardNumber?: string; reason: string | null; occurredOn: IsoDate } };

/**
 * Erasure of a person's personal data (PIPL Art. 47, 个人信息删除). The name
 * and masked identity number are sealed with a key of the person's own
 * outside the log; erasure destroys that key and records this fact on each
 * of the person's memberships — a fact that names no person, only the
 * membership (its pseudonymous id), the legal ground and the request's
 * reference. Every figure stays as it was: the memberships, their unions
 * and dates are not personal data and are not erased.
 */
export type PersonalDataErased = {
  type: 'PersonalDataErased';
  data: { memberId: string; legalBasis: ErasureBasis; reference: string | null; occurredOn: IsoDate };
};

/** The grounds of PIPL Art. 47 on which personal data must be deleted. */
export const ERASURE_BASES = [
  /** (1) the purpose is achieved, cannot be achieved, or the data is no longer needed for it. */
  'purposeAchieved',
  /** (2) the service ended or the retention period expired. */
  'retentionEnded',
  /** (3) the person withdrew consent. */
  'consentWithdrawn',
  /** (4) the processing breached a law, regulation or agreement. */
  'unlawfulProcessing',
  /** (5) another ground provided by law or regulation. */
  'otherLegalGround',
] as const;
export type ErasureBasis = (typeof ERASURE_BASES)[number];

export type MemberEvent =
  | MemberJoined
  | MembershipTransferred
  | MemberLeft
  | MembershipRetained
  | MembershipResumed
  | MembershipPassedUp
  | MembershipAwaitingTransfer
  | MemberCardIssued
  | MemberCardReplaced
  | MemberCardRevoked
  | PersonalDataErased;

export interface Retention {
  readonly from: IsoDate;
  /** The resumption's date; null while retained. */
  readonly to: IsoDate | null;
  readonly reason: RetentionReason;
}
export interface MemberCard {
  /** Its card stream's reference: the keyed hash of its number (or, for a card recorded before keys, the number: cards.ts). */
  readonly cardRef: string;
  readonly issuedOn: IsoDate;
  /** When it stopped being valid (replaced or revoked); null while valid. */
  readonly endedOn: IsoDate | null;
  readonly ended: 'replaced' | 'revoked' | null;
}

export type MemberState =
  | { status: 'none' }
  | {
      status: 'member';
      memberId: string;
      personKey: string;
      joinedOn: IsoDate;
      leftOn: IsoDate | null;
      /** The union held from each date, in recording order (join first). */
      unions: ReadonlyArray<{ on: IsoDate; unionId: string }>;
      /** Spells of retained membership (保留会籍), in recording order. */
      retentions: readonly Retention[];
      /** Set when the employer closed (or its union was dissolved) and no federation could take the membership. */
      awaitingTransfer: { since: IsoDate; unionId: string; reason: SuccessionReason } | null;
      /** Cards, in issuing order; at most one valid (the last). */
      cards: readonly MemberCard[];
      latestOn: IsoDate;
    };
export type Member = Extract<MemberState, { status: 'member' }>;
export const initialMemberState: MemberState = { status: 'none' };

/** A transfer, resumption or pass-up dated on or after the flag's date settles it. */
const settle = (s: Member, on: IsoDate): Member['awaitingTransfer'] => (s.awaitingTransfer && on >= s.awaitingTransfer.since ? null : s.awaitingTransfer);
/** Ends the valid card (a member holds at most one). */
const endCard = (cards: readonly MemberCard[], on: IsoDate, ended: 'replaced' | 'revoked') => cards.map((c) => (c.endedOn === null ? { ...c, endedOn: on, ended } : c));
/** The stream reference of a card recorded before keys: its number, upper-cased (card numbers are case-insensitive). */
export const legacyCardRef = (cardNumber: string): string => cardNumber.toUpperCase();
/** A card's stream reference from a member event: its key, or the number of a card recorded before keys. */
const cardRefOf = (key: string | undefined, number: string | undefined): string => key ?? legacyCardRef(number!);

export function evolveMember(state: MemberState, event: MemberEvent): MemberState {
  if (event.type === 'MemberJoined') {
    const { memberId, personKey, unionId, occurredOn } = event.data;
    return {
      status: 'member',
      memberId,
      personKey,
      joinedOn: occurredOn,
      leftOn: null,
      unions: [{ on: occurredOn, unionId }],
      retentions: [],
      awaitingTransfer: null,
      cards: [],
      latestOn: occurredOn,
    };
  }
  // An erasure leaves the membership as it was: only whose it is can no longer be read.
  if (state.status !== 'member' || event.type === 'PersonalDataErased') return state;
  const on = event.data.occurredOn;
  const s: Member = { ...state, latestOn: on > state.latestOn ? on : state.latestOn };
  switch (event.type) {
    case 'MembershipTransferred':
      return { ...s, unions: [...s.unions, { on, unionId: event.data.toUnionId }], awaitingTransfer: settle(s, on) };
    case 'MemberLeft':
      return { ...s, leftOn: on };
    case 'MembershipRetained': {
      const held = event.data.heldByUnionId;
      return {
        ...s,
        unions: held === null ? s.unions : [...s.unions, { on, unionId: held }],
        retentions: [...s.retentions, { from: on, to: null, reason: event.data.reason }],
      };
    }
    case 'MembershipResumed':
      return {
        ...s,
        unions: [...s.unions, { on, unionId: event.data.toUnionId }],
        retentions: s.retentions.map((r) => (r.to === null ? { ...r, to: on } : r)),
        awaitingTransfer: settle(s, on),
      };
    case 'MembershipPassedUp':
      return { ...s, unions: [...s.unions, { on, unionId: event.data.toUnionId }], awaitingTransfer: settle(s, on) };
    case 'MembershipAwaitingTransfer':
      return { ...s, awaitingTransfer: { since: on, unionId: event.data.unionId, reason: event.data.reason } };
    case 'MemberCardIssued':
      return { ...s, cards: [...s.cards, { cardRef: cardRefOf(event.data.cardKey, event.data.cardNumber), issuedOn: on, endedOn: null, ended: null }] };
    case 'MemberCardReplaced':
      return {
        ...s,
        cards: [...endCard(s.cards, on, 'replaced'), { cardRef: cardRefOf(event.data.newCardKey, event.data.newCardNumber), issuedOn: on, endedOn: null, ended: null }],
      };
    case 'MemberCardRevoked':
      return { ...s, cards: endCard(s.cards, on, 'revoked') };
  }
}

/** The retention in force at the end of a date, if any. */
export function retentionOn(state: Member, date: IsoDate): Retention | undefined {
  return state.retentions.find((r) => r.from <= date && (r.to === null || r.to > date));
}

/** The union a member belongs to at the end of a date. */
export function unionOn(state: Member, date: IsoDate): string | undefined {
  return asOf(state.unions, date)?.unionId;
}

export type PersonMembershipOpened = { type: 'PersonMembershipOpened'; data: { personKey: string; memberId: string; occurredOn: IsoDate } };
export type PersonMembershipClosed = { type: 'PersonMembershipClosed'; data: { personKey: string; memberId: string; occurredOn: IsoDate } };
export type PersonEvent = PersonMembershipOpened | PersonMembershipClosed;

export interface PersonState {
  readonly spells: ReadonlyArray<{ memberId: string; from: IsoDate; to: IsoDate | null }>;
}
export const initialPersonState: PersonState = { spells: [] };

export function evolvePerson(state: PersonState, event: PersonEvent): PersonState {
  switch (event.type) {
    case 'PersonMembershipOpened':
      return { spells: [...state.spells, { memberId: event.data.memberId, from: event.data.occurredOn, to: null }] };
    case 'PersonMembershipClosed':
      return { spells: state.spells.map((s) => (s.memberId === event.data.memberId ? { ...s, to: event.data.occurredOn } : s)) };
  }
}

/** What a join must know of the references it names, as of its date. */
export interface JoinContext {
  readonly personKey: string;
  readonly personIdMasked: string;
  /** Refuses unless the union exists on the date (see union.ts). */
  readonly requireUnion: () => void;
  readonly requireCampaign?: () => void;
  readonly requireCeremony?: () => void;
  /** Refuses unless the area where the join was made is defined. */
  readonly requireArea?: () => void;
}

export interface JoinUnion {
  type: 'JoinUnion';
  memberId: string;
  personId: string;
  name: string;
  unionId: string;
  occupation?: string;
  newForm?: boolean;
  channel?: string;
  campaignId?: string;
  ceremonyId?: string;
  areaId?: string;
  occurredOn: IsoDate;
}

export function decideJoin(
  c: JoinUnion,
  member: MemberState,
  person: PersonState,
  ctx: JoinContext,
): { member: MemberEvent[]; person: PersonEvent[] } {
  if (member.status !== 'none') refuse('MEMBER_ALREADY_EXISTS', `member "${c.memberId}" already exists`);
  // The references first: a join naming an unknown union must not tell whether the person is a member.
  ctx.requireUnion();
  ctx.requireCampaign?.();
  ctx.requireCeremony?.();
  ctx.requireArea?.();
  const held = person.spells.find((s) => s.from > c.occurredOn || s.to === null || s.to > c.occurredOn);
  if (held) {
    refuse('PERSON_ALREADY_MEMBER', `this person already holds a membership elsewhere that overlaps ${c.occurredOn}: one person, one membership`, {
      memberId: held.memberId,
      message: `this person holds membership "${held.memberId}" from ${held.from}${held.to ? ` to ${held.to}` : ''}, which overlaps ${c.occurredOn}: one person, one membership`,
    });
  }
  return {
    member: [
      {
        type: 'MemberJoined',
        data: {
          memberId: c.memberId,
          personKey: ctx.personKey,
          personIdMasked: ctx.personIdMasked,
          name: c.name,
          unionId: c.unionId,
          occupation: c.occupation ?? null,
          newForm: c.newForm ?? false,
          channel: c.channel ?? null,
          campaignId: c.campaignId ?? null,
          ceremonyId: c.ceremonyId ?? null,
          ...(c.areaId ? { areaId: c.areaId } : {}),
          occurredOn: c.occurredOn,
        },
      },
    ],
    person: [{ type: 'PersonMembershipOpened', data: { personKey: ctx.personKey, memberId: c.memberId, occurredOn: c.occurredOn } }],
  };
}

/** Refuses unless the member exists and the membership is in force on the date; returns the member. */
export function requireMemberOn(state: MemberState, memberId: string, date: IsoDate): Member {
  if (state.status !== 'member') return refuse('UNKNOWN_MEMBER', `member "${memberId}" does not exist`);
  if (date < state.joinedOn) refuse('MEMBERSHIP_NOT_ACTIVE', `member "${memberId}" joined on ${state.joinedOn}, after ${date}`);
  if (state.leftOn !== null && state.leftOn <= date) refuse('MEMBERSHIP_NOT_ACTIVE', `member "${memberId}" left on ${state.leftOn}`);
  return state;
}

export interface TransferMembership {
  type: 'TransferMembership';
  memberId: string;
  toUnionId: string;
  occurredOn: IsoDate;
}
export function decideTransfer(c: TransferMembership, state: MemberState, requireToUnion: () => void): MemberEvent[] {
  const m = requireMemberOn(state, c.memberId, c.occurredOn);
  const retained = retentionOn(m, c.occurredOn);
  if (retained) {
    refuse(
      'MEMBERSHIP_RETAINED',
      `member "${c.memberId}" keeps a retained membership (${retained.reason}) from ${retained.from} on ${c.occurredOn}: record the new job with ResumeMembership`,
    );
  }
  const from = unionOn(m, c.occurredOn)!;
  if (from === c.toUnionId) refuse('ALREADY_IN_UNION', `member "${c.memberId}" already belongs to union "${c.toUnionId}" on ${c.occurredOn}`);
  requireToUnion();
  return [{ type: 'MembershipTransferred', data: { memberId: c.memberId, fromUnionId: from, toUnionId: c.toUnionId, occurredOn: c.occurredOn } }];
}

export interface LeaveUnion {
  type: 'LeaveUnion';
  memberId: string;
  occurredOn: IsoDate;
  reason?: string;
}
export function decideLeave(c: LeaveUnion, state: MemberState): { member: MemberEvent[]; person: PersonEvent[]; personKey: string } {
  const m = requireMemberOn(state, c.memberId, c.occurredOn);
  if (m.latestOn > c.occurredOn) {
    refuse('MEMBER_HAS_LATER_FACTS', `member "${c.memberId}" cannot have left on ${c.occurredOn}: facts are recorded up to ${m.latestOn}`);
  }
  return {
    personKey: m.personKey,
    member: [{ type: 'MemberLeft', data: { memberId: c.memberId, unionId: unionOn(m, c.occurredOn)!, reason: c.reason ?? null, occurredOn: c.occurredOn } }],
    person: [{ type: 'PersonMembershipClosed', data: { personKey: m.personKey, memberId: c.memberId, occurredOn: c.occurredOn } }],
  };
}
