import {
  decideJoin,
  decideLeave,
  decideTransfer,
  DomainError,
  evolveMember,
  evolvePerson,
  initialMemberState,
  initialPersonState,
  unionOn,
  type JoinContext,
  type MemberEvent,
  type PersonEvent,
} from '../src/index.js';
import { expectRefusal, given, residentId } from './spec-helpers.js';

const PID = residentId(1);
const ctx: JoinContext = { personKey: 'pk', personIdMasked: '440307********0011', requireUnion: () => undefined };
const join = (memberId: string, on: string, extra = {}) => ({ type: 'JoinUnion' as const, memberId, personId: PID, name: '李四', unionId: 'U1', occurredOn: on, ...extra });
const joined = (memberId = 'M1', on = '2021-01-01'): MemberEvent => ({
  type: 'MemberJoined',
  data: { memberId, personKey: 'pk', personIdMasked: '440307********0011', name: '李四', unionId: 'U1', occupation: null, newForm: false, channel: null, campaignId: null, ceremonyId: null, occurredOn: on },
});
const member = (...events: MemberEvent[]) => given(evolveMember, initialMemberState, events);
const person = (...events: PersonEvent[]) => given(evolvePerson, initialPersonState, events);
const opened = (memberId: string, on: string): PersonEvent => ({ type: 'PersonMembershipOpened', data: { personKey: 'pk', memberId, occurredOn: on } });
const closed = (memberId: string, on: string): PersonEvent => ({ type: 'PersonMembershipClosed', data: { personKey: 'pk', memberId, occurredOn: on } });

describe('JoinUnion', () => {
  it('records the membership on the member stream and opens it on the person stream, never storing the number', () => {
    const decided = decideJoin(join('M1', '2021-01-01', { occupation: '外卖骑手', newForm: true, channel: 'street', campaignId: 'C1' }), member(), person(), ctx);
    expect(decided.member).toEqual([
      { type: 'MemberJoined', data: { memberId: 'M1', personKey: 'pk', personIdMasked: '440307********0011', name: '李四', unionId: 'U1', occupation: '外卖骑手', newForm: true, channel: 'street', campaignId: 'C1', ceremonyId: null, occurredOn: '2021-01-01' } },
    ]);
    expect(decided.person).toEqual([opened('M1', '2021-01-01')]);
    expect(JSON.stringify(decided)).not.toContain(PID);
  });
  it('refuses a member id in use and a person holding a membership that overlaps the date', () => {
    expectRefusal(() => decideJoin(join('M1', '2021-01-01'), member(joined()), person(), ctx), 'MEMBER_ALREADY_EXISTS');
    expectRefusal(() => decideJoin(join('M2', '2022-01-01'), member(), person(opened('M1', '2021-01-01')), ctx), 'PERSON_ALREADY_MEMBER', /one person, one membership/);
    // A late join dated before an open membership would overlap it too.
    expectRefusal(() => decideJoin(join('M2', '2020-01-01'), member(), person(opened('M1', '2021-01-01')), ctx), 'PERSON_ALREADY_MEMBER');
  });
  it('accepts a person again once the earlier membership ended', () => {
    const ended = person(opened('M1', '2021-01-01'), closed('M1', '2021-06-30'));
    expect(decideJoin(join('M2', '2021-06-30'), member(), ended, ctx).member).toHaveLength(1);
    expectRefusal(() => decideJoin(join('M2', '2021-03-01'), member(), ended, ctx), 'PERSON_ALREADY_MEMBER');
  });
  it('refuses when a reference does not hold on the date (union, campaign, ceremony)', () => {
    const failing = (code: string) => () => {
      throw new DomainError(code, code);
    };
    expectRefusal(() => decideJoin(join('M1', '2021-01-01'), member(), person(), { ...ctx, requireUnion: failing('UNION_NOT_ACTIVE') }), 'UNION_NOT_ACTIVE');
    expectRefusal(() => decideJoin(join('M1', '2021-01-01'), member(), person(), { ...ctx, requireCampaign: failing('DATE_OUTSIDE_CAMPAIGN') }), 'DATE_OUTSIDE_CAMPAIGN');
    expectRefusal(() => decideJoin(join('M1', '2021-01-01'), member(), person(), { ...ctx, requireCeremony: failing('UNKNOWN_CEREMONY') }), 'UNKNOWN_CEREMONY');
    expectRefusal(() => decideJoin(join('M1', '2021-01-01', { areaId: 'NOWHERE' }), member(), person(), { ...ctx, requireArea: failing('UNKNOWN_AREA') }), 'UNKNOWN_AREA');
  });
  it('keeps where the worker was signed up, when the command says', () => {
    const [event] = decideJoin(join('M1', '2023-04-01', { areaId: 'LG-03', campaignId: 'K1' }), member(), person(), ctx).member;
    expect(event!.type === 'MemberJoined' && event!.data.areaId).toBe('LG-03');
  });
});

describe('TransferMembership', () => {
  const transfer = (to: string, on: string) => ({ type: 'TransferMembership' as const, memberId: 'M1', toUnionId: to, occurredOn: on });
  it('moves the membership to another union from its date; a late transfer slots into the past', () => {
    const state = member(joined(), { type: 'MembershipTransferred', data: { memberId: 'M1', fromUnionId: 'U1', toUnionId: 'U3', occurredOn: '2023-01-01' } });
    const events = decideTransfer(transfer('U2', '2022-01-01'), state, () => undefined);
    expect(events).toEqual([{ type: 'MembershipTransferred', data: { memberId: 'M1', fromUnionId: 'U1', toUnionId: 'U2', occurredOn: '2022-01-01' } }]);
    const after = given(evolveMember, state, events);
    if (after.status !== 'member') throw new Error('expected a member');
    expect([unionOn(after, '2021-12-31'), unionOn(after, '2022-01-01'), unionOn(after, '2023-01-01')]).toEqual(['U1', 'U2', 'U3']);
  });
  it('refuses an unknown member, a date outside the membership, the union already held, and an inactive target', () => {
    expectRefusal(() => decideTransfer(transfer('U2', '2022-01-01'), member(), () => undefined), 'UNKNOWN_MEMBER');
    expectRefusal(() => decideTransfer(transfer('U2', '2020-01-01'), member(joined()), () => undefined), 'MEMBERSHIP_NOT_ACTIVE');
    const left = member(joined(), { type: 'MemberLeft', data: { memberId: 'M1', unionId: 'U1', reason: null, occurredOn: '2021-06-30' } });
    expectRefusal(() => decideTransfer(transfer('U2', '2021-07-01'), left, () => undefined), 'MEMBERSHIP_NOT_ACTIVE');
    expectRefusal(() => decideTransfer(transfer('U1', '2022-01-01'), member(joined()), () => undefined), 'ALREADY_IN_UNION');
    expectRefusal(
      () => decideTransfer(transfer('U2', '2022-01-01'), member(joined()), () => { throw new DomainError('UNION_NOT_ACTIVE', 'x'); }),
      'UNION_NOT_ACTIVE',
    );
  });
});

describe('LeaveUnion', () => {
  it('ends the membership on the member and the person streams', () => {
    const decided = decideLeave({ type: 'LeaveUnion', memberId: 'M1', occurredOn: '2022-01-01', reason: 'moved away' }, member(joined()));
    expect(decided.member).toEqual([{ type: 'MemberLeft', data: { memberId: 'M1', unionId: 'U1', reason: 'moved away', occurredOn: '2022-01-01' } }]);
    expect(decided.person).toEqual([closed('M1', '2022-01-01')]);
  });
  it('refuses leaving before facts recorded for later dates, twice, or before joining', () => {
    const transferred = member(joined(), { type: 'MembershipTransferred', data: { memberId: 'M1', fromUnionId: 'U1', toUnionId: 'U2', occurredOn: '2023-01-01' } });
    expectRefusal(() => decideLeave({ type: 'LeaveUnion', memberId: 'M1', occurredOn: '2022-01-01' }, transferred), 'MEMBER_HAS_LATER_FACTS');
    const left = member(joined(), { type: 'MemberLeft', data: { memberId: 'M1', unionId: 'U1', reason: null, occurredOn: '2021-06-30' } });
    expectRefusal(() => decideLeave({ type: 'LeaveUnion', memberId: 'M1', occurredOn: '2022-01-01' }, left), 'MEMBERSHIP_NOT_ACTIVE');
    expectRefusal(() => decideLeave({ type: 'LeaveUnion', memberId: 'M1', occurredOn: '2020-01-01' }, member(joined())), 'MEMBERSHIP_NOT_ACTIVE');
    expectRefusal(() => decideLeave({ type: 'LeaveUnion', memberId: 'M9', occurredOn: '2020-01-01' }, member()), 'UNKNOWN_MEMBER');
  });
});
