/**
 * Which fields of which events are a person's data, sealed with that
 * person's key before the event is appended (docs/privacy.md). One place:
 * an event type that gains a personal field is declared here, and the
 * executors seal it, the readers open it, erasure destroys it.
 *
 * - `fields`: those present are sealed together, removed from the stored
 *   event's data (an event with none of them is stored as it is);
 * - `person`: the field holding the person's keyed stream key, which finds
 *   their key (it stays in clear: it is an HMAC, useless without the secret);
 * - `subject`: the field the sealed box is bound to (GCM's additional data),
 *   so a box moved to another event does not open.
 */
export const SEALED_FIELDS: Readonly<Record<string, { readonly fields: readonly string[]; readonly person: string; readonly subject: string }>> = {
  MemberJoined: { fields: ['name', 'personIdMasked'], person: 'personKey', subject: 'memberId' },
  // A card number finds its holder. (`oldCardNumber`, and the number on a revocation or retirement: cards recorded before keys.)
  MemberCardIssued: { fields: ['cardNumber'], person: 'personKey', subject: 'memberId' },
  MemberCardReplaced: { fields: ['newCardNumber', 'oldCardNumber'], person: 'personKey', subject: 'memberId' },
  MemberCardRevoked: { fields: ['cardNumber'], person: 'personKey', subject: 'memberId' },
  CardNumberAssigned: { fields: ['cardNumber'], person: 'personKey', subject: 'memberId' },
  CardNumberRetired: { fields: ['cardNumber'], person: 'personKey', subject: 'memberId' },
};

/** The sealed part of a stored event's data: the key that opens it and the box (version ‖ iv ‖ tag ‖ ciphertext, base64). */
export interface SealedBox {
  readonly key: string;
  readonly box: string;
}

export const isSealedType = (type: string): boolean => Object.hasOwn(SEALED_FIELDS, type);
