import { createHmac } from 'node:crypto';

/**
 * The key of a person's stream: an HMAC of the resident identity number, so
 * that the same person always maps to the same stream (one membership at a
 * time) while the number itself is never stored and cannot be read back
 * without the secret key.
 */
export class PersonKeys {
  constructor(private readonly secret: string) {
    if (secret.length < 16) throw new Error('the person-id key must be at least 16 characters');
  }

  keyOf(residentId: string): string {
    return createHmac('sha256', this.secret).update(residentId.toUpperCase()).digest('hex').slice(0, 40);
  }
}
