import { refuse, type IsoDate } from '../shared/index.js';
import type { Member, MemberCard, MemberEvent, MemberState } from './membership.js';

/**
 * Member cards (会员卡). The member's stream holds the member's cards; a
 * stream per card number (`card-<NUMBER>`, case-insensitive) reserves the
 * number forever, written in the same atomic append — like the person stream
 * for one membership per person — so two members can never get one number,
 * even concurrently, and a replaced or revoked number is never issued again.
 */
export const cardStream = (cardNumber: string) => `card-${cardNumber.toUpperCase()}`;

export type CardNumberAssigned = { type: 'CardNumberAssigned'; data: { cardNumber: string; memberId: string; occurredOn: IsoDate } };
export type CardNumberRetired = {
  type: 'CardNumberRetired';
  data: { cardNumber: string; memberId: string; reason: 'replaced' | 'revoked'; occurredOn: IsoDate };
};
export type CardEvent = CardNumberAssigned | CardNumberRetired;

export type CardState = { status: 'unused' } | { status: 'assigned'; cardNumber: string; memberId: string; retiredOn: IsoDate | null };
export const initialCardState: CardState = { status: 'unused' };

export function evolveCard(state: CardState, event: CardEvent): CardState {
  switch (event.type) {
    case 'CardNumberAssigned':
      return { status: 'assigned', cardNumber: event.data.cardNumber, memberId: event.data.memberId, retiredOn: null };
    case 'CardNumberRetired':
      return state.status === 'assigned' ? { ...state, retiredOn: event.data.occurredOn } : state;
  }
}

/** The member's valid card, if any. */
export const validCard = (m: Member): MemberCard | undefined => m.cards.find((c) => c.endedOn === null);

function requireMember(state: MemberState, memberId: string): Member {
  if (state.status !== 'member') return refuse('UNKNOWN_MEMBER', `member "${memberId}" does not exist`);
  return state;
}

/** A card goes only to a member who has not left, on a date of the membership. */
function requireCardHolder(state: MemberState, memberId: string, date: IsoDate): Member {
  const m = requireMember(state, memberId);
  if (m.leftOn !== null) refuse('MEMBERSHIP_NOT_ACTIVE', `member "${memberId}" left on ${m.leftOn}: no card for a former member`);
  if (date < m.joinedOn) refuse('MEMBERSHIP_NOT_ACTIVE', `member "${memberId}" joined on ${m.joinedOn}, after ${date}`);
  return m;
}

/** Card facts keep their order in time: a card's history never runs backwards. */
function requireNoLaterCardFacts(m: Member, date: IsoDate): void {
  const latest = m.cards.flatMap((c) => [c.issuedOn, ...(c.endedOn ? [c.endedOn] : [])]).reduce((a, b) => (a > b ? a : b), '');
  if (latest > date) refuse('CARD_HAS_LATER_FACTS', `member "${m.memberId}" has card facts recorded up to ${latest}, after ${date}`);
}

function requireUnused(card: CardState): void {
  if (card.status !== 'unused') {
    // The number is not repeated: a card number finds its holder, and refusals reach logs and import reports.
    refuse('CARD_NUMBER_ALREADY_USED', `this card number was already given to a member${card.retiredOn ? ` and retired on ${card.retiredOn}` : ''}: card numbers are never reused`);
  }
}

export interface IssueMemberCard {
  type: 'IssueMemberCard';
  memberId: string;
  cardNumber: string;
  occurredOn: IsoDate;
}
export function decideIssueCard(c: IssueMemberCard, member: MemberState, card: CardState): { member: MemberEvent[]; card: CardEvent[] } {
  const m = requireCardHolder(member, c.memberId, c.occurredOn);
  const valid = validCard(m);
  if (valid) refuse('CARD_ALREADY_ISSUED', `member "${c.memberId}" holds a valid card (issued ${valid.issuedOn}): replace or revoke it`);
  requireNoLaterCardFacts(m, c.occurredOn);
  requireUnused(card);
  const { memberId, cardNumber, occurredOn } = c;
  return {
    member: [{ type: 'MemberCardIssued', data: { memberId, cardNumber, occurredOn } }],
    card: [{ type: 'CardNumberAssigned', data: { cardNumber, memberId, occurredOn } }],
  };
}

export interface ReplaceMemberCard {
  type: 'ReplaceMemberCard';
  memberId: string;
  newCardNumber: string;
  occurredOn: IsoDate;
  reason?: string;
}
/** Returns the events for the member, the new number's stream, and the old number's stream (named by `oldCardNumber`). */
export function decideReplaceCard(
  c: ReplaceMemberCard,
  member: MemberState,
  newCard: CardState,
): { member: MemberEvent[]; newCard: CardEvent[]; oldCardNumber: string; oldCard: CardEvent[] } {
  const m = requireCardHolder(member, c.memberId, c.occurredOn);
  const valid = validCard(m);
  if (!valid) return refuse('NO_VALID_CARD', `member "${c.memberId}" holds no valid card to replace: issue one`);
  requireNoLaterCardFacts(m, c.occurredOn);
  requireUnused(newCard);
  const { memberId, newCardNumber, occurredOn } = c;
  return {
    member: [{ type: 'MemberCardReplaced', data: { memberId, oldCardNumber: valid.cardNumber, newCardNumber, reason: c.reason ?? null, occurredOn } }],
    newCard: [{ type: 'CardNumberAssigned', data: { cardNumber: newCardNumber, memberId, occurredOn } }],
    oldCardNumber: valid.cardNumber,
    oldCard: [{ type: 'CardNumberRetired', data: { cardNumber: valid.cardNumber, memberId, reason: 'replaced', occurredOn } }],
  };
}

export interface RevokeMemberCard {
  type: 'RevokeMemberCard';
  memberId: string;
  occurredOn: IsoDate;
  reason?: string;
}
/** A card may be revoked after its holder left too (tidying up); not before the membership began. */
export function decideRevokeCard(c: RevokeMemberCard, member: MemberState): { member: MemberEvent[]; cardNumber: string; card: CardEvent[] } {
  const m = requireMember(member, c.memberId);
  if (c.occurredOn < m.joinedOn) refuse('MEMBERSHIP_NOT_ACTIVE', `member "${c.memberId}" joined on ${m.joinedOn}, after ${c.occurredOn}`);
  const valid = validCard(m);
  if (!valid) return refuse('NO_VALID_CARD', `member "${c.memberId}" holds no valid card to revoke`);
  requireNoLaterCardFacts(m, c.occurredOn);
  const { memberId, occurredOn } = c;
  return {
    member: [{ type: 'MemberCardRevoked', data: { memberId, cardNumber: valid.cardNumber, reason: c.reason ?? null, occurredOn } }],
    cardNumber: valid.cardNumber,
    card: [{ type: 'CardNumberRetired', data: { cardNumber: valid.cardNumber, memberId, reason: 'revoked', occurredOn } }],
  };
}
