import {
  decideLeave,
  decidePassUp,
  decideResume,
  decideRetain,
  decideTransfer,
  DomainError,
  evolveMember,
  initialMemberState,
  membershipSpells,
  unionOn,
  type MemberEvent,
  type MemberState,
} from '../src/index.js';
import { expectRefusal, given } from './spec-helpers.js';

const joined = (on = '2021-01-01', unionId = 'U1'): MemberEvent => ({
  type: 'MemberJoined',
  data: { memberId: 'M1', personKey: 'pk', personIdMasked: '440307********0011', name: '李四', unionId, occupation: null, newForm: false, channel: null, campaignId: null, ceremonyId: null, occurredOn: on },
});
const retained = (on: string, reason: 'unemployed' | 'retired' = 'unemployed', heldByUnionId: string | null = null, unionId = heldByUnionId ?? 'U1'): MemberEvent => ({
  type: 'MembershipRetained',
  data: { memberId: 'M1', unionId, heldByUnionId, reason, occurredOn: on },
});
const resumed = (on: string, toUnionId: string, fromUnionId = 'U1'): MemberEvent => ({ type: 'MembershipResumed', data: { memberId: 'M1', fromUnionId, toUnionId, occurredOn: on } });
const transferred = (on: string, toUnionId: string, fromUnionId = 'U1'): MemberEvent => ({ type: 'MembershipTransferred', data: { memberId: 'M1', fromUnionId, toUnionId, occurredOn: on } });
const passedUp = (on: string, toUnionId = 'F1'): MemberEvent => ({ type: 'MembershipPassedUp', data: { memberId: 'M1', fromUnionId: 'U1', toUnionId, reason: 'enterpriseClosed', occurredOn: on } });
const awaiting = (on: string): MemberEvent => ({ type: 'MembershipAwaitingTransfer', data: { memberId: 'M1', unionId: 'U1', reason: 'enterpriseClosed', occurredOn: on } });
const left = (on: string, unionId = 'U1'): MemberEvent => ({ type: 'MemberLeft', data: { memberId: 'M1', unionId, reason: null, occurredOn: on } });

const member = (...events: MemberEvent[]) => given(evolveMember, initialMemberState, events);
const asMember = (s: MemberState) => {
  if (s.status !== 'member') throw new Error('expected a member');
  return s;
};
const ok = () => undefined;
const failing = (code: string) => () => {
  throw new DomainError(code, code);
};

const retain = (on: string, extra: { heldByUnionId?: string; reason?: 'unemployed' | 'retired' } = {}) => ({
  type: 'RetainMembership' as const,
  memberId: 'M1',
  reason: extra.reason ?? ('unemployed' as const),
  occurredOn: on,
  ...(extra.heldByUnionId ? { heldByUnionId: extra.heldByUnionId } : {}),
});
const resume = (on: string, unionId = 'U2') => ({ type: 'ResumeMembership' as const, memberId: 'M1', unionId, occurredOn: on });
const passUp = (on: string, toUnionId?: string, fromUnionId = 'U1') => ({
  type: 'PassMembershipUp' as const,
  memberId: 'M1',
  fromUnionId,
  reason: 'enterpriseClosed' as const,
  occurredOn: on,
  ...(toUnionId ? { toUnionId } : {}),
});

describe('RetainMembership (保留会籍)', () => {
  it('keeps the membership in the union already held when no residence-area union is named', () => {
    expect(decideRetain(retain('2022-03-01'), member(joined()))).toEqual([retained('2022-03-01')]);
  });
  it('moves it to the residence-area union that holds it meanwhile, from the date', () => {
    const events = decideRetain(retain('2022-03-01', { heldByUnionId: 'F-home', reason: 'retired' }), member(joined()), { requireHeldBy: ok });
    expect(events).toEqual([retained('2022-03-01', 'retired', 'F-home')]);
    const after = asMember(given(evolveMember, member(joined()), events));
    expect([unionOn(after, '2022-02-28'), unionOn(after, '2022-03-01')]).toEqual(['U1', 'F-home']);
  });
  it('refuses an unknown member, a date outside the membership, and a holding union not active on the date', () => {
    expectRefusal(() => decideRetain(retain('2022-03-01'), member()), 'UNKNOWN_MEMBER');
    expectRefusal(() => decideRetain(retain('2020-03-01'), member(joined())), 'MEMBERSHIP_NOT_ACTIVE');
    expectRefusal(() => decideRetain(retain('2022-03-01'), member(joined(), left('2022-01-01'))), 'MEMBERSHIP_NOT_ACTIVE');
    expectRefusal(() => decideRetain(retain('2022-03-01', { heldByUnionId: 'F-old' }), member(joined()), { requireHeldBy: failing('UNION_NOT_ACTIVE') }), 'UNION_NOT_ACTIVE');
  });
  it('refuses a member already retained, or retained again before the earlier retention ended', () => {
    expectRefusal(() => decideRetain(retain('2022-06-01'), member(joined(), retained('2022-03-01'))), 'MEMBERSHIP_ALREADY_RETAINED');
    const resumedLater = member(joined(), retained('2022-03-01'), resumed('2022-09-01', 'U2'));
    expectRefusal(() => decideRetain(retain('2022-06-01'), resumedLater), 'MEMBERSHIP_ALREADY_RETAINED');
    expect(decideRetain(retain('2023-01-01'), resumedLater)).toHaveLength(1);
  });
  it('refuses a retention dated before a change of union already recorded', () => {
    expectRefusal(() => decideRetain(retain('2022-03-01'), member(joined(), transferred('2022-06-01', 'U2'))), 'MEMBER_HAS_LATER_FACTS');
  });
});

describe('ResumeMembership', () => {
  it("moves a retained membership to the new employer's union and ends the retention", () => {
    const state = member(joined(), retained('2022-03-01', 'unemployed', 'F-home'));
    const events = decideResume(resume('2022-09-01', 'U2'), state, ok);
    expect(events).toEqual([resumed('2022-09-01', 'U2', 'F-home')]);
    const after = asMember(given(evolveMember, state, events));
    expect(after.retentions).toEqual([{ from: '2022-03-01', to: '2022-09-01', reason: 'unemployed' }]);
    expect(unionOn(after, '2022-09-01')).toBe('U2');
  });
  it('refuses a member not retained, a date before the retention, an inactive union, a date outside the membership', () => {
    expectRefusal(() => decideResume(resume('2022-09-01'), member(joined()), ok), 'MEMBERSHIP_NOT_RETAINED');
    expectRefusal(() => decideResume(resume('2022-09-01'), member(), ok), 'UNKNOWN_MEMBER');
    const state = member(joined(), retained('2022-03-01'));
    expectRefusal(() => decideResume(resume('2022-02-01'), state, ok), 'DATE_BEFORE_RETENTION');
    expectRefusal(() => decideResume(resume('2022-09-01'), state, failing('UNION_NOT_ACTIVE')), 'UNION_NOT_ACTIVE');
    expectRefusal(() => decideResume(resume('2022-09-01'), member(joined(), retained('2022-03-01'), left('2022-06-01')), ok), 'MEMBERSHIP_NOT_ACTIVE');
    // Resumed already: no retention left open.
    expectRefusal(() => decideResume(resume('2022-12-01', 'U3'), member(joined(), retained('2022-03-01'), resumed('2022-09-01', 'U2')), ok), 'MEMBERSHIP_NOT_RETAINED');
  });
  it('refuses a resumption dated before a change of union recorded during the retention', () => {
    const state = member(joined(), retained('2022-03-01'), passedUp('2022-06-01'));
    expectRefusal(() => decideResume(resume('2022-05-01'), state, ok), 'MEMBER_HAS_LATER_FACTS');
    expect(decideResume(resume('2022-07-01'), state, ok)).toEqual([resumed('2022-07-01', 'U2', 'F1')]);
  });
});

describe('a retained member', () => {
  const state = member(joined(), retained('2022-03-01'));
  it('cannot be transferred while retained (ResumeMembership records the new job), but could before', () => {
    expectRefusal(() => decideTransfer({ type: 'TransferMembership', memberId: 'M1', toUnionId: 'U2', occurredOn: '2022-05-01' }, state, ok), 'MEMBERSHIP_RETAINED', /ResumeMembership/);
    expect(decideTransfer({ type: 'TransferMembership', memberId: 'M1', toUnionId: 'U2', occurredOn: '2022-01-01' }, state, ok)).toHaveLength(1);
  });
  it('may still leave', () => {
    expect(decideLeave({ type: 'LeaveUnion', memberId: 'M1', occurredOn: '2022-05-01' }, state).member).toEqual([left('2022-05-01')]);
  });
});

describe('PassMembershipUp', () => {
  it('passes the membership to the federation from the date', () => {
    const events = decidePassUp(passUp('2022-03-01', 'F1'), member(joined()), ok);
    expect(events).toEqual([passedUp('2022-03-01')]);
    const after = asMember(given(evolveMember, member(joined()), events));
    expect([unionOn(after, '2022-02-28'), unionOn(after, '2022-03-01')]).toEqual(['U1', 'F1']);
  });
  it('flags the member as awaiting a transfer when no federation covers the area, keeping the union', () => {
    const events = decidePassUp(passUp('2022-03-01'), member(joined()));
    expect(events).toEqual([awaiting('2022-03-01')]);
    const after = asMember(given(evolveMember, member(joined()), events));
    expect(after.awaitingTransfer).toEqual({ since: '2022-03-01', unionId: 'U1', reason: 'enterpriseClosed' });
    expect(unionOn(after, '2022-03-01')).toBe('U1');
  });
  it('clears the flag with a later transfer, resumption or pass-up', () => {
    const flagged = member(joined(), awaiting('2022-03-01'));
    expect(asMember(given(evolveMember, flagged, [transferred('2022-04-01', 'U2')])).awaitingTransfer).toBeNull();
    expect(asMember(given(evolveMember, flagged, [passedUp('2022-03-01')])).awaitingTransfer).toBeNull();
    expect(asMember(given(evolveMember, member(joined(), retained('2022-01-01'), awaiting('2022-03-01')), [resumed('2022-05-01', 'U2')])).awaitingTransfer).toBeNull();
    // A late transfer dated before the closure does not settle it.
    expect(asMember(given(evolveMember, flagged, [transferred('2022-02-01', 'U2')])).awaitingTransfer).not.toBeNull();
  });
  it('refuses a member who does not hold the union on the date: passing up twice is harmless', () => {
    expectRefusal(() => decidePassUp(passUp('2022-03-01', 'F1'), member(joined(), passedUp('2022-03-01')), ok), 'MEMBERSHIP_NOT_IN_UNION');
    expectRefusal(() => decidePassUp(passUp('2022-03-01', 'F1'), member(joined(), transferred('2022-02-01', 'U2')), ok), 'MEMBERSHIP_NOT_IN_UNION');
    expectRefusal(() => decidePassUp(passUp('2022-03-01'), member(joined(), awaiting('2022-03-01'))), 'ALREADY_AWAITING_TRANSFER');
  });
  it('refuses an unknown member, a date outside the membership, and a target that is not an active federation', () => {
    expectRefusal(() => decidePassUp(passUp('2022-03-01', 'F1'), member(), ok), 'UNKNOWN_MEMBER');
    expectRefusal(() => decidePassUp(passUp('2020-03-01', 'F1'), member(joined()), ok), 'MEMBERSHIP_NOT_ACTIVE');
    expectRefusal(() => decidePassUp(passUp('2022-03-01', 'F1'), member(joined(), left('2022-03-01')), ok), 'MEMBERSHIP_NOT_ACTIVE');
    expectRefusal(() => decidePassUp(passUp('2022-03-01', 'U9'), member(joined()), failing('NOT_A_FEDERATION')), 'NOT_A_FEDERATION');
    expectRefusal(() => decidePassUp(passUp('2022-03-01', 'F0'), member(joined()), failing('UNION_NOT_ACTIVE')), 'UNION_NOT_ACTIVE');
  });
  it('passes up a retained member too, who stays retained', () => {
    const state = member(joined(), retained('2022-01-01'));
    const after = asMember(given(evolveMember, state, decidePassUp(passUp('2022-03-01', 'F1'), state, ok)));
    expect(membershipSpells(after).map((s) => [s.validFrom, s.unionId, s.retained])).toEqual([
      ['2021-01-01', 'U1', false],
      ['2022-01-01', 'U1', true],
      ['2022-03-01', 'F1', true],
    ]);
  });
});

describe('membershipSpells', () => {
  it('cuts the membership where the union or the retained status changes, until leaving', () => {
    const state = member(
      joined('2021-01-01'),
      transferred('2021-06-01', 'U2'),
      retained('2022-01-01', 'unemployed', 'F-home', 'F-home'),
      resumed('2022-07-01', 'U3', 'F-home'),
      retained('2023-01-01', 'retired', null, 'U3'),
      left('2024-01-01', 'U3'),
    );
    expect(membershipSpells(state)).toEqual([
      { validFrom: '2021-01-01', validTo: '2021-06-01', unionId: 'U1', retained: false, retainedReason: null },
      { validFrom: '2021-06-01', validTo: '2022-01-01', unionId: 'U2', retained: false, retainedReason: null },
      { validFrom: '2022-01-01', validTo: '2022-07-01', unionId: 'F-home', retained: true, retainedReason: 'unemployed' },
      { validFrom: '2022-07-01', validTo: '2023-01-01', unionId: 'U3', retained: false, retainedReason: null },
      { validFrom: '2023-01-01', validTo: '2024-01-01', unionId: 'U3', retained: true, retainedReason: 'retired' },
    ]);
  });
  it('is open-ended while the membership lasts, merges spells that do not differ, and is empty for no member', () => {
    const state = member(joined('2021-01-01'), transferred('2021-06-01', 'U2'), transferred('2021-03-01', 'U2'));
    expect(membershipSpells(state)).toEqual([
      { validFrom: '2021-01-01', validTo: '2021-03-01', unionId: 'U1', retained: false, retainedReason: null },
      { validFrom: '2021-03-01', validTo: '9999-12-31', unionId: 'U2', retained: false, retainedReason: null },
    ]);
    expect(membershipSpells(member())).toEqual([]);
  });
  it('ends at a leave dated on the day of a change', () => {
    expect(membershipSpells(member(joined('2021-01-01'), retained('2021-05-01'), left('2021-05-01')))).toEqual([
      { validFrom: '2021-01-01', validTo: '2021-05-01', unionId: 'U1', retained: false, retainedReason: null },
    ]);
  });
});
