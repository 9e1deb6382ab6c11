import { createHmac } from 'node:crypto';

/**
 * The keys of the person index. A person's stream: an HMAC of the resident identity number
 * with the person-index key (key-ring.ts), so that the same person always
 * maps to the same stream (one membership at a time) while the number
 * itself is never stored and cannot be tried against the log without the
 * secret key.
 */
export class PersonKeys {
  private readonly key: Buffer;

  constructor(key: string | Uint8Array) {
    this.key = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key);
    if (this.key.length < 16) throw new Error('the person-index key must be at least 16 bytes');
  }

  keyOf(residentId: string): string {
    return createHmac('sha256', this.key).update(residentId.toUpperCase()).digest('hex').slice(0, 40);
  }

  /**
   * A keyed digest of a text for a purpose (a command's content, to tell a
   * retry from another command reusing its id): commands carry identity
   * numbers, so an unkeyed digest would give them back to whoever tries.
   */
  digest(purpose: string, text: string): string {
    return createHmac('sha256', this.key).update(`${purpose}:${text}`).digest('hex').slice(0, 32);
  }

  /** The key of a member card number (its stream's name, libs/domain cards.ts): the same for any case of the number. */
  cardKeyOf(cardNumber: string): string {
    return createHmac('sha256', this.key).update(`card:${cardNumber.toUpperCase()}`).digest('hex').slice(0, 40);
  }
}
