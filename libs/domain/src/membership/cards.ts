import { refuse, type IsoDate } from '../shared/index.js';
import { legacyCardRef, type Member, type MemberCard, type MemberEvent, type MemberState } from './membership.js';

/**
 * Member cards (会员卡). The member's stream holds the member's cards; a
 * stream per card number reserves the number forever, written in the same
 * atomic append — like the person stream for one membership per person — so
 * two members can never get one number, even concurrently, and a replaced or
 * revoked number is never issued again.
 *
 * A card number finds its holder: it is personal data. Its stream is named
 * by a keyed hash of the number (`card-<cardKey>`, the key of the number
 * upper-cased, from the person-index key as persons' keys are), and the
 * number itself is sealed in the events with the holder's key, so that
 * erasing the person erases their card numbers (docs/privacy.md). Cards
 * recorded before that live in `card-<NUMBER>` streams with the number in
 * clear (`legacyCardRef`), until `seal-personal-data` migrates them; a new
 * number must be unused in both.
 */
export const cardStream = (cardRef: string) => `card-${cardRef}`;

/** The streams that may reserve a number: under its key, and (cards recorded before keys) under itself. */
export const cardStreamsOf = (cardNumber: string, cardKey: string): [string, string] => [cardStream(cardKey), cardStream(legacyCardRef(cardNumber))];

export type CardNumberAssigned = { type: 'CardNumberAssigned'; data: { memberId: string; personKey?: string; cardNumber?: string; occurredOn: IsoDate } };
export type CardNumberRetired = {
  type: 'CardNumberRetired';
  /** `cardNumber`: only on cards recorded before keys. */
  data: { memberId: string; cardNumber?: string; reason: 'replaced' | 'revoked'; occurredOn: IsoDate };
};
export type CardEvent = CardNumberAssigned | CardNumberRetired;

export type CardState = { status: 'unused' } | { status: 'assigned'; memberId: string; retiredOn: IsoDate | null };
export const initialCardState: CardState = { status: 'unused' };

export function evolveCard(state: CardState, event: CardEvent): CardState {
  switch (event.type) {
    case 'CardNumberAssigned':
      return { status: 'assigned', memberId: event.data.memberId, retiredOn: null };
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

/** The number must be unused, under its key and (cards recorded before keys) under itself. */
function requireUnused(cards: readonly CardState[]): void {
  const used = cards.find((card): card is Extract<CardState, { status: 'assigned' }> => card.status !== 'unused');
  if (used) {
    // The number is not repeated: a card number finds its holder, and refusals reach logs and import reports.
    refuse('CARD_NUMBER_ALREADY_USED', `this card number was already given to a member${used.retiredOn ? ` and retired on ${used.retiredOn}` : ''}: card numbers are never reused`);
  }
}

export interface IssueMemberCard {
  type: 'IssueMemberCard';
  memberId: string;
  cardNumber: string;
  occurredOn: IsoDate;
}
/** `cards`: the number's keyed stream and its legacy one; `cardKey`: the number's key. */
export function decideIssueCard(c: IssueMemberCard, member: MemberState, cards: readonly CardState[], cardKey: string): { member: MemberEvent[]; card: CardEvent[] } {
  const m = requireCardHolder(member, c.memberId, c.occurredOn);
  const valid = validCard(m);
  if (valid) refuse('CARD_ALREADY_ISSUED', `member "${c.memberId}" holds a valid card (issued ${valid.issuedOn}): replace or revoke it`);
  requireNoLaterCardFacts(m, c.occurredOn);
  requireUnused(cards);
  const { memberId, cardNumber, occurredOn } = c;
  const { personKey } = m;
  return {
    member: [{ type: 'MemberCardIssued', data: { memberId, personKey, cardKey, cardNumber, occurredOn } }],
    card: [{ type: 'CardNumberAssigned', data: { memberId, personKey, cardNumber, occurredOn } }],
  };
}

export interface ReplaceMemberCard {
  type: 'ReplaceMemberCard';
  memberId: string;
  newCardNumber: string;
  occurredOn: IsoDate;
  reason?: string;
}
/** Returns the events for the member, the new number's stream, and the old card's stream (named by `oldCardRef`). */
export function decideReplaceCard(
  c: ReplaceMemberCard,
  member: MemberState,
  newCards: readonly CardState[],
  newCardKey: string,
): { member: MemberEvent[]; newCard: CardEvent[]; oldCardRef: string; oldCard: CardEvent[] } {
  const m = requireCardHolder(member, c.memberId, c.occurredOn);
  const valid = validCard(m);
  if (!valid) return refuse('NO_VALID_CARD', `member "${c.memberId}" holds no valid card to replace: issue one`);
  requireNoLaterCardFacts(m, c.occurredOn);
  requireUnused(newCards);
  const { memberId, newCardNumber, occurredOn } = c;
  const { personKey } = m;
  return {
    member: [{ type: 'MemberCardReplaced', data: { memberId, personKey, newCardKey, newCardNumber, reason: c.reason ?? null, occurredOn } }],
    newCard: [{ type: 'CardNumberAssigned', data: { memberId, personKey, cardNumber: newCardNumber, occurredOn } }],
    oldCardRef: valid.cardRef,
    oldCard: [{ type: 'CardNumberRetired', data: { memberId, reason: 'replaced', occurredOn } }],
  };
}

export interface RevokeMemberCard {
  type: 'RevokeMemberCard';
  memberId: string;
  occurredOn: IsoDate;
  reason?: string;
}
/** A card may be revoked after its holder left too (tidying up); not before the membership began. */
export function decideRevokeCard(c: RevokeMemberCard, member: MemberState): { member: MemberEvent[]; cardRef: string; card: CardEvent[] } {
  const m = requireMember(member, c.memberId);
  if (c.occurredOn < m.joinedOn) refuse('MEMBERSHIP_NOT_ACTIVE', `member "${c.memberId}" joined on ${m.joinedOn}, after ${c.occurredOn}`);
  const valid = validCard(m);
  if (!valid) return refuse('NO_VALID_CARD', `member "${c.memberId}" holds no valid card to revoke`);
  requireNoLaterCardFacts(m, c.occurredOn);
  const { memberId, occurredOn } = c;
  return {
    member: [{ type: 'MemberCardRevoked', data: { memberId, reason: c.reason ?? null, occurredOn } }],
    cardRef: valid.cardRef,
    card: [{ type: 'CardNumberRetired', data: { memberId, reason: 'revoked', occurredOn } }],
  };
}
