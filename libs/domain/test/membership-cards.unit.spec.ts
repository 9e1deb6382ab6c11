import {
  cardStream,
  cardStreamsOf,
  decideLeave,
  decideIssueCard,
  decideReplaceCard,
  decideRevokeCard,
  evolveCard,
  evolveMember,
  initialCardState,
  initialMemberState,
  validCard,
  type CardEvent,
  type MemberEvent,
  type MemberState,
} from '../src/index.js';
import { expectRefusal, given } from './spec-helpers.js';

const joined = (memberId = 'M1', on = '2021-01-01'): MemberEvent => ({
  type: 'MemberJoined',
  data: { memberId, personKey: 'pk', personIdMasked: '440307********0011', name: '李四', unionId: 'U1', occupation: null, newForm: false, channel: null, campaignId: null, ceremonyId: null, occurredOn: on },
});
/** A card number's key, as the person index makes it (a stand-in here: any function of the upper-cased number). */
const keyOf = (cardNumber: string) => `k${cardNumber.toUpperCase()}`;
const issued = (cardNumber: string, on: string): MemberEvent => ({ type: 'MemberCardIssued', data: { memberId: 'M1', personKey: 'pk', cardKey: keyOf(cardNumber), cardNumber, occurredOn: on } });
const revoked = (on: string): MemberEvent => ({ type: 'MemberCardRevoked', data: { memberId: 'M1', reason: null, occurredOn: on } });
const left = (on: string): MemberEvent => ({ type: 'MemberLeft', data: { memberId: 'M1', unionId: 'U1', reason: null, occurredOn: on } });
const assigned = (cardNumber: string, on: string, memberId = 'M1'): CardEvent => ({ type: 'CardNumberAssigned', data: { memberId, personKey: 'pk', cardNumber, occurredOn: on } });
const retired = (on: string, reason: 'replaced' | 'revoked'): CardEvent => ({ type: 'CardNumberRetired', data: { memberId: 'M1', reason, occurredOn: on } });
/** A card recorded before keys: the number in clear, its stream named by it. */
const legacyIssued = (cardNumber: string, on: string): MemberEvent => ({ type: 'MemberCardIssued', data: { memberId: 'M1', cardNumber, occurredOn: on } });

const member = (...events: MemberEvent[]) => given(evolveMember, initialMemberState, events);
const card = (...events: CardEvent[]) => given(evolveCard, initialCardState, events);
const unused = [card(), card()];
const issue = (cardNumber: string, on: string) => ({ type: 'IssueMemberCard' as const, memberId: 'M1', cardNumber, occurredOn: on });
const replace = (newCardNumber: string, on: string, reason?: string) => ({ type: 'ReplaceMemberCard' as const, memberId: 'M1', newCardNumber, occurredOn: on, ...(reason ? { reason } : {}) });
const revoke = (on: string, reason?: string) => ({ type: 'RevokeMemberCard' as const, memberId: 'M1', occurredOn: on, ...(reason ? { reason } : {}) });
const cardsOf = (s: MemberState) => (s.status === 'member' ? s.cards : []);

describe('IssueMemberCard', () => {
  it("records the card on the member's stream and reserves the number on its own stream", () => {
    expect(decideIssueCard(issue('SZ-000123', '2021-02-01'), member(joined()), unused, keyOf('SZ-000123'))).toEqual({
      member: [issued('SZ-000123', '2021-02-01')],
      card: [assigned('SZ-000123', '2021-02-01')],
    });
  });
  it('refuses a member holding a valid card, a number ever given to anyone, an unknown member, a member who left, a date before joining', () => {
    const k = keyOf('SZ-000123');
    expectRefusal(() => decideIssueCard(issue('SZ-000124', '2021-03-01'), member(joined(), issued('SZ-000123', '2021-02-01')), unused, keyOf('SZ-000124')), 'CARD_ALREADY_ISSUED');
    expectRefusal(() => decideIssueCard(issue('SZ-000123', '2021-03-01'), member(joined()), [card(assigned('SZ-000123', '2021-02-01', 'M2')), card()], k), 'CARD_NUMBER_ALREADY_USED');
    expectRefusal(
      () => decideIssueCard(issue('SZ-000123', '2021-03-01'), member(joined()), [card(assigned('SZ-000123', '2021-02-01', 'M2'), retired('2021-02-15', 'revoked')), card()], k),
      'CARD_NUMBER_ALREADY_USED',
      /never reused/,
    );
    // A number given before card streams were keyed is used too.
    expectRefusal(() => decideIssueCard(issue('SZ-000123', '2021-03-01'), member(joined()), [card(), card(assigned('SZ-000123', '2019-02-01', 'M2'))], k), 'CARD_NUMBER_ALREADY_USED');
    expectRefusal(() => decideIssueCard(issue('SZ-000123', '2021-03-01'), member(), unused, k), 'UNKNOWN_MEMBER');
    expectRefusal(() => decideIssueCard(issue('SZ-000123', '2021-03-01'), member(joined(), left('2021-06-01')), unused, k), 'MEMBERSHIP_NOT_ACTIVE');
    expectRefusal(() => decideIssueCard(issue('SZ-000123', '2020-03-01'), member(joined()), unused, k), 'MEMBERSHIP_NOT_ACTIVE');
  });
  it('issues a new card after a revocation, not dated before it', () => {
    const state = member(joined(), issued('SZ-000123', '2021-02-01'), revoked('2021-05-01'));
    expect(decideIssueCard(issue('SZ-000200', '2021-06-01'), state, unused, keyOf('SZ-000200')).member).toEqual([issued('SZ-000200', '2021-06-01')]);
    expectRefusal(() => decideIssueCard(issue('SZ-000200', '2021-04-01'), state, unused, keyOf('SZ-000200')), 'CARD_HAS_LATER_FACTS');
  });
  it('reserves a number under its key, and looks for it under itself too (cards recorded before keys), without regard to case', () => {
    expect(cardStreamsOf('sz-000123', 'k1')).toEqual([cardStream('k1'), 'card-SZ-000123']);
  });
  it('reads a card recorded before keys under its number', () => {
    expect(cardsOf(member(joined(), legacyIssued('sz-000099', '2020-02-01')))).toEqual([{ cardRef: 'SZ-000099', issuedOn: '2020-02-01', endedOn: null, ended: null }]);
  });
});

describe('ReplaceMemberCard', () => {
  const holding = member(joined(), issued('SZ-000123', '2021-02-01'));
  it('retires the old number and gives the new one, atomically on three streams', () => {
    const decided = decideReplaceCard(replace('SZ-000456', '2021-08-01', 'lost'), holding, unused, keyOf('SZ-000456'));
    expect(decided).toEqual({
      member: [
        { type: 'MemberCardReplaced', data: { memberId: 'M1', personKey: 'pk', newCardKey: keyOf('SZ-000456'), newCardNumber: 'SZ-000456', reason: 'lost', occurredOn: '2021-08-01' } },
      ],
      newCard: [assigned('SZ-000456', '2021-08-01')],
      oldCardRef: keyOf('SZ-000123'),
      oldCard: [retired('2021-08-01', 'replaced')],
    });
    const after = given(evolveMember, holding, decided.member);
    expect(cardsOf(after)).toEqual([
      { cardRef: keyOf('SZ-000123'), issuedOn: '2021-02-01', endedOn: '2021-08-01', ended: 'replaced' },
      { cardRef: keyOf('SZ-000456'), issuedOn: '2021-08-01', endedOn: null, ended: null },
    ]);
    // A card recorded before keys is replaced on its own stream.
    expect(decideReplaceCard(replace('SZ-000456', '2021-08-01'), member(joined(), legacyIssued('SZ-000099', '2021-02-01')), unused, keyOf('SZ-000456')).oldCardRef).toBe('SZ-000099');
  });
  it('refuses without a valid card, with a used number (the old one included), dated before the last card fact, or after leaving', () => {
    const k = keyOf('SZ-000456');
    expectRefusal(() => decideReplaceCard(replace('SZ-000456', '2021-08-01'), member(joined()), unused, k), 'NO_VALID_CARD');
    expectRefusal(() => decideReplaceCard(replace('SZ-000456', '2021-08-01'), member(joined(), issued('SZ-000123', '2021-02-01'), revoked('2021-03-01')), unused, k), 'NO_VALID_CARD');
    expectRefusal(() => decideReplaceCard(replace('SZ-000123', '2021-08-01'), holding, [card(assigned('SZ-000123', '2021-02-01')), card()], keyOf('SZ-000123')), 'CARD_NUMBER_ALREADY_USED');
    expectRefusal(() => decideReplaceCard(replace('SZ-000456', '2021-01-15'), holding, unused, k), 'CARD_HAS_LATER_FACTS');
    expectRefusal(() => decideReplaceCard(replace('SZ-000456', '2021-08-01'), given(evolveMember, holding, [left('2021-06-01')]), unused, k), 'MEMBERSHIP_NOT_ACTIVE');
    expectRefusal(() => decideReplaceCard(replace('SZ-000456', '2021-08-01'), member(), unused, k), 'UNKNOWN_MEMBER');
  });
});

describe('RevokeMemberCard', () => {
  const holding = member(joined(), issued('SZ-000123', '2021-02-01'));
  it('ends the valid card and retires its number', () => {
    const decided = decideRevokeCard(revoke('2021-09-01', 'misused'), holding);
    expect(decided).toEqual({
      member: [{ type: 'MemberCardRevoked', data: { memberId: 'M1', reason: 'misused', occurredOn: '2021-09-01' } }],
      cardRef: keyOf('SZ-000123'),
      card: [retired('2021-09-01', 'revoked')],
    });
    const after = given(evolveMember, holding, decided.member);
    expect(after.status === 'member' && validCard(after)).toBe(undefined);
  });
  it('may tidy up the card of a member who left; the history stays', () => {
    const gone = given(evolveMember, holding, [left('2021-06-01')]);
    expect(decideRevokeCard(revoke('2021-07-01'), gone).member).toHaveLength(1);
    expect(cardsOf(gone)).toHaveLength(1);
  });
  it('refuses without a valid card, before the last card fact, before joining, or for an unknown member', () => {
    expectRefusal(() => decideRevokeCard(revoke('2021-09-01'), member(joined())), 'NO_VALID_CARD');
    expectRefusal(() => decideRevokeCard(revoke('2021-09-01'), given(evolveMember, holding, [revoked('2021-05-01')])), 'NO_VALID_CARD');
    expectRefusal(() => decideRevokeCard(revoke('2021-01-20'), holding), 'CARD_HAS_LATER_FACTS');
    expectRefusal(() => decideRevokeCard(revoke('2020-01-20'), holding), 'MEMBERSHIP_NOT_ACTIVE');
    expectRefusal(() => decideRevokeCard(revoke('2021-09-01'), member()), 'UNKNOWN_MEMBER');
  });
  it('card facts count as facts of the member: leaving is not dated before them', () => {
    expectRefusal(() => decideLeave({ type: 'LeaveUnion', memberId: 'M1', occurredOn: '2021-01-15' }, holding), 'MEMBER_HAS_LATER_FACTS');
  });
});
