import { refuse, type IsoDate } from '../shared/index.js';
import {
  requireMemberOn,
  unionOn,
  type Member,
  type MemberEvent,
  type MemberState,
  type RetentionReason,
  type SuccessionReason,
} from './membership.js';

/**
 * The rest of a membership's life (Trade Union rule: "retired and unemployed
 * members keep their membership; if the employer closes, membership passes
 * to the upper-level union"): retention (保留会籍) and its end when the member
 * works again, and succession to the federation over the area.
 */

/** The latest date at which the union held or the retained status changes. */
export function latestUnionFactOn(m: Member): IsoDate {
  const dates = [...m.unions.map((u) => u.on), ...m.retentions.flatMap((r) => (r.to === null ? [r.from] : [r.from, r.to]))];
  return dates.reduce((a, b) => (a > b ? a : b), m.joinedOn);
}

function requireNoLaterUnionFacts(m: Member, date: IsoDate, what: string): void {
  const latest = latestUnionFactOn(m);
  if (latest > date) {
    refuse('MEMBER_HAS_LATER_FACTS', `member "${m.memberId}" cannot ${what} on ${date}: a change of union is recorded for ${latest}`);
  }
}

export interface RetainMembership {
  type: 'RetainMembership';
  memberId: string;
  reason: RetentionReason;
  occurredOn: IsoDate;
  /** The residence-area union that holds the membership meanwhile; default: the union already held. */
  heldByUnionId?: string;
}
export interface RetainContext {
  /** Refuses unless the holding union exists on the date (given when heldByUnionId is). */
  readonly requireHeldBy?: () => void;
}
export function decideRetain(c: RetainMembership, state: MemberState, ctx: RetainContext = {}): MemberEvent[] {
  const m = requireMemberOn(state, c.memberId, c.occurredOn);
  const other = m.retentions.find((r) => r.to === null || r.to > c.occurredOn);
  if (other) {
    refuse(
      'MEMBERSHIP_ALREADY_RETAINED',
      `member "${c.memberId}" already keeps a retained membership (${other.reason}) from ${other.from}${other.to ? ` to ${other.to}` : ''}`,
    );
  }
  requireNoLaterUnionFacts(m, c.occurredOn, 'have kept the membership');
  ctx.requireHeldBy?.();
  const heldBy = c.heldByUnionId ?? null;
  return [
    {
      type: 'MembershipRetained',
      data: { memberId: c.memberId, unionId: heldBy ?? unionOn(m, c.occurredOn)!, heldByUnionId: heldBy, reason: c.reason, occurredOn: c.occurredOn },
    },
  ];
}

export interface ResumeMembership {
  type: 'ResumeMembership';
  memberId: string;
  /** The new employer's union. */
  unionId: string;
  occurredOn: IsoDate;
}
export function decideResume(c: ResumeMembership, state: MemberState, requireUnion: () => void): MemberEvent[] {
  const m = requireMemberOn(state, c.memberId, c.occurredOn);
  const open = m.retentions.find((r) => r.to === null);
  if (!open) refuse('MEMBERSHIP_NOT_RETAINED', `member "${c.memberId}" does not keep a retained membership: use TransferMembership`);
  const retention = open!;
  if (c.occurredOn < retention.from) {
    refuse('DATE_BEFORE_RETENTION', `member "${c.memberId}" has kept a retained membership since ${retention.from}, after ${c.occurredOn}`);
  }
  requireNoLaterUnionFacts(m, c.occurredOn, 'have resumed');
  requireUnion();
  return [{ type: 'MembershipResumed', data: { memberId: c.memberId, fromUnionId: unionOn(m, c.occurredOn)!, toUnionId: c.unionId, occurredOn: c.occurredOn } }];
}

export interface PassMembershipUp {
  type: 'PassMembershipUp';
  memberId: string;
  fromUnionId: string;
  /** The federation over the area; absent when none covers it (the member then awaits a transfer). */
  toUnionId?: string;
  reason: SuccessionReason;
  occurredOn: IsoDate;
}
/**
 * Needs the member to hold `fromUnionId` on the date, so that passing up the
 * same member twice is refused (the second time, the federation is held).
 */
export function decidePassUp(c: PassMembershipUp, state: MemberState, requireFederation?: () => void): MemberEvent[] {
  const m = requireMemberOn(state, c.memberId, c.occurredOn);
  const held = unionOn(m, c.occurredOn);
  if (held !== c.fromUnionId) {
    refuse('MEMBERSHIP_NOT_IN_UNION', `member "${c.memberId}" belongs to union "${held}" on ${c.occurredOn}, not "${c.fromUnionId}"`);
  }
  const { memberId, fromUnionId, reason, occurredOn } = c;
  if (c.toUnionId !== undefined) {
    requireFederation?.();
    return [{ type: 'MembershipPassedUp', data: { memberId, fromUnionId, toUnionId: c.toUnionId, reason, occurredOn } }];
  }
  const waiting = m.awaitingTransfer;
  if (waiting && waiting.unionId === fromUnionId) {
    refuse('ALREADY_AWAITING_TRANSFER', `member "${memberId}" has awaited a transfer out of union "${fromUnionId}" since ${waiting.since}`);
  }
  return [{ type: 'MembershipAwaitingTransfer', data: { memberId, unionId: fromUnionId, reason, occurredOn } }];
}
