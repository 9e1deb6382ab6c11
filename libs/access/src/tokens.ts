import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '#domain';

/**
 * API tokens: `uce_<id>_<secret>`. The id names the token in the records
 * (who recorded a fact, which token to revoke); the secret, 256 random bits,
 * is shown once and kept only as its SHA-256 (a slow hash adds nothing to a
 * secret that cannot be guessed). Issuing and revoking are facts on the
 * `access-tokens` stream, hash-chained like every other fact: an auditor
 * can replay who was given which access, by whom and when.
 */
export const TOKENS_STREAM = 'access-tokens';

export interface AccessTokenIssued {
  readonly type: 'AccessTokenIssued';
  readonly data: {
    readonly tokenId: string;
    readonly role: Role;
    readonly areaId: string | null;
    readonly holder: string;
    readonly secretHash: string;
    readonly issuedAt: string;
    readonly expiresAt: string;
    readonly issuedBy: string;
  };
}

export interface AccessTokenRevoked {
  readonly type: 'AccessTokenRevoked';
  readonly data: { readonly tokenId: string; readonly revokedAt: string; readonly revokedBy: string; readonly reason: string | null };
}

export type AccessTokenEvent = AccessTokenIssued | AccessTokenRevoked;

export type AccessToken = Omit<AccessTokenIssued['data'], 'secretHash'> & {
  readonly secretHash: string;
  readonly revokedAt: string | null;
  readonly revokedBy: string | null;
};

export type TokenTable = ReadonlyMap<string, AccessToken>;

export function evolveTokens(tokens: Map<string, AccessToken>, event: AccessTokenEvent): void {
  switch (event.type) {
    case 'AccessTokenIssued':
      tokens.set(event.data.tokenId, { ...event.data, revokedAt: null, revokedBy: null });
      return;
    case 'AccessTokenRevoked': {
      const token = tokens.get(event.data.tokenId);
      if (token && token.revokedAt === null) tokens.set(token.tokenId, { ...token, revokedAt: event.data.revokedAt, revokedBy: event.data.revokedBy });
      return;
    }
  }
}

const TOKEN = /^uce_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** A new token: its id, the secret to show once, and the hash to keep. */
export function newToken(): { tokenId: string; token: string; secretHash: string } {
  const tokenId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { tokenId, token: `uce_${tokenId}_${secret}`, secretHash: hashSecret(secret) };
}

/** The id and secret of a presented token, or undefined when it is not one. */
export function parseToken(presented: string): { tokenId: string; secret: string } | undefined {
  const match = TOKEN.exec(presented);
  return match ? { tokenId: match[1]!, secret: match[2]! } : undefined;
}

const hashSecret = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/** Whether the secret is the token's, in constant time. */
export function secretMatches(token: AccessToken, secret: string): boolean {
  return timingSafeEqual(Buffer.from(hashSecret(secret), 'hex'), Buffer.from(token.secretHash, 'hex'));
}

/** Why a presented credential is refused (never told apart to the caller: all are 401). */
export type TokenRefusal = 'missing' | 'malformed' | 'unknown' | 'expired' | 'revoked';
