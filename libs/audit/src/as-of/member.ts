import type { RecordedEvent } from '#event-store';
import * as d from '#domain';
import type { IsoDate } from '#domain';
import { fold } from './fold.js';

/** A member at the end of a date: the membership held then, as the membership figures count it (the domain's `membershipOn`). */
export interface MemberAsOf {
  readonly kind: 'member';
  readonly memberId: string;
  /** `notJoined`: the join is dated after the date. */
  readonly status: 'notJoined' | 'member' | 'left';
  /** Null before the join, or once the person's data was erased (`erased`). */
  readonly name: string | null;
  readonly personIdMasked: string | null;
  /** The person's personal data was erased (docs/privacy.md): the membership is as it was, whose it was is gone. */
  readonly erased: boolean;
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

/** The member as of a date, from the events of its stream dated on or before it (in recording order). */
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
      erased: false,
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
  // A member: the membership held on the date, as the figures count it. Once left, the union held on the leaving date is the one left.
  const lastHeld = hasLeft ? d.asOf(state.unions, state.leftOn!) : undefined;
  const held = lastHeld ? { unionId: lastHeld.unionId, since: lastHeld.on } : d.membershipOn(state, asOf);
  const transfers = counted
    .filter((e) => e.type === 'MembershipTransferred')
    .map((e) => e.data as d.MembershipTransferred['data'])
    .map(({ occurredOn, fromUnionId, toUnionId }) => ({ on: occurredOn, fromUnionId, toUnionId }))
    .sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
  const summary = hasLeft
    ? `on ${asOf}: left ${held?.unionId} on ${state.leftOn}${left?.reason ? ` (${left.reason})` : ''}; member from ${state.joinedOn}`
    : `on ${asOf}: member of ${held?.unionId} since ${held?.since}; joined ${state.joinedOn}`;
  return {
    kind: 'member',
    memberId,
    status: hasLeft ? 'left' : 'member',
    name: joined.name ?? null,
    personIdMasked: joined.personIdMasked ?? null,
    erased: joined.name === null,
    occupation: joined.occupation,
    newForm: joined.newForm,
    campaignId: joined.campaignId,
    ceremonyId: joined.ceremonyId,
    joinedOn: state.joinedOn,
    leftOn: hasLeft ? state.leftOn : null,
    leftReason: hasLeft ? (left?.reason ?? null) : null,
    unionId: held?.unionId ?? null,
    unionSince: held?.since ?? null,
    transfers,
    summary: `${joined.name ?? '(personal data erased)'}: ${summary}`,
  };
}
