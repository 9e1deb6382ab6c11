import { refuse, type IsoDate } from '../shared/index.js';

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
    occurredOn: IsoDate;
  };
};
export type MembershipTransferred = {
  type: 'MembershipTransferred';
  data: { memberId: string; fromUnionId: string; toUnionId: string; occurredOn: IsoDate };
};
export type MemberLeft = { type: 'MemberLeft'; data: { memberId: string; unionId: string; reason: string | null; occurredOn: IsoDate } };
export type MemberEvent = MemberJoined | MembershipTransferred | MemberLeft;

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
      latestOn: IsoDate;
    };
export const initialMemberState: MemberState = { status: 'none' };

export function evolveMember(state: MemberState, event: MemberEvent): MemberState {
  if (event.type === 'MemberJoined') {
    const { memberId, personKey, unionId, occurredOn } = event.data;
    return { status: 'member', memberId, personKey, joinedOn: occurredOn, leftOn: null, unions: [{ on: occurredOn, unionId }], latestOn: occurredOn };
  }
  if (state.status !== 'member') return state;
  const on = event.data.occurredOn;
  const latestOn = on > state.latestOn ? on : state.latestOn;
  switch (event.type) {
    case 'MembershipTransferred':
      return { ...state, unions: [...state.unions, { on, unionId: event.data.toUnionId }], latestOn };
    case 'MemberLeft':
      return { ...state, leftOn: on, latestOn };
  }
}

/** The union a member belongs to at the end of a date. */
export function unionOn(state: Extract<MemberState, { status: 'member' }>, date: IsoDate): string | undefined {
  let found: { on: IsoDate; unionId: string } | undefined;
  for (const u of state.unions) if (u.on <= date && (!found || u.on >= found.on)) found = u;
  return found?.unionId;
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
  occurredOn: IsoDate;
}

export function decideJoin(
  c: JoinUnion,
  member: MemberState,
  person: PersonState,
  ctx: JoinContext,
): { member: MemberEvent[]; person: PersonEvent[] } {
  if (member.status !== 'none') refuse('MEMBER_ALREADY_EXISTS', `member "${c.memberId}" already exists`);
  const held = person.spells.find((s) => s.from > c.occurredOn || s.to === null || s.to > c.occurredOn);
  if (held) {
    refuse(
      'PERSON_ALREADY_MEMBER',
      `this person (${ctx.personIdMasked}) holds membership "${held.memberId}" from ${held.from}${held.to ? ` to ${held.to}` : ''}, which overlaps ${c.occurredOn}: one person, one membership`,
    );
  }
  ctx.requireUnion();
  ctx.requireCampaign?.();
  ctx.requireCeremony?.();
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
          occurredOn: c.occurredOn,
        },
      },
    ],
    person: [{ type: 'PersonMembershipOpened', data: { personKey: ctx.personKey, memberId: c.memberId, occurredOn: c.occurredOn } }],
  };
}

function requireMemberOn(state: MemberState, memberId: string, date: IsoDate) {
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
