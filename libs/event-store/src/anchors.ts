import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Anchors: the log's head (position and hash) signed with an Ed25519 key
 * kept outside the database, one JSON line each in an anchor file. The hash
 * chain alone cannot tell a log rewritten from its first altered event on,
 * every hash recomputed; a head signed before the rewrite can: the hash at
 * its position no longer matches (docs/audit.md). Whoever holds the public
 * key can check an anchor; only the private key's holder can make one.
 */
export interface SignedAnchor {
  readonly position: string;
  /** The chain hash of the event at `position`, hex. */
  readonly hash: string;
  /** When the engine recorded that event (ISO 8601), as the head row says. */
  readonly headRecordedAt: string | null;
  /** When the anchor was signed (ISO 8601). */
  readonly signedAt: string;
  /** The signer's public key (SPKI, DER, base64), to tell which key signed. */
  readonly publicKey: string;
  /** Ed25519 over `message(anchor)`, base64. */
  readonly signature: string;
  /**
   * Only on a reseal statement: the hash `position` had before a one-time
   * migration chained the log again (docs/privacy.md, old logs). Signed
   * after the anchors before it were verified, it vouches for them: the
   * log up to `position` is the one they anchored, migrated.
   */
  readonly previousHash?: string;
}

type Signed = Pick<SignedAnchor, 'position' | 'hash' | 'headRecordedAt' | 'signedAt' | 'previousHash'>;

const message = (a: Signed): Buffer =>
  Buffer.from(
    a.previousHash === undefined
      ? `uce-anchor/v1\n${a.position}\n${a.hash}\n${a.headRecordedAt ?? ''}\n${a.signedAt}\n`
      : `uce-reseal/v1\n${a.position}\n${a.previousHash}\n${a.hash}\n${a.headRecordedAt ?? ''}\n${a.signedAt}\n`,
    'utf8',
  );

const spki = (key: KeyObject): string => key.export({ type: 'spki', format: 'der' }).toString('base64');

/** A new Ed25519 key pair, as PEM: the private key for the engine's operator, the public one for auditors. */
export function newAnchorKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The Ed25519 private key in a PEM text, or an error saying what is wrong with it. */
export function anchorPrivateKey(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the anchor key must be an Ed25519 private key, not ${key.asymmetricKeyType}`);
  return key;
}

/** The Ed25519 public key in a PEM text (a public key, or the private key it belongs to). */
export function anchorPublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the anchor key must be an Ed25519 key, not ${key.asymmetricKeyType}`);
  return key;
}

export function signAnchor(
  head: { position: string; hash: string; recordedAt: string | null },
  privateKey: KeyObject,
  now = new Date(),
  /** For a reseal statement: the hash the position had before the migration. */
  previousHash?: string,
): SignedAnchor {
  const unsigned: Signed = { position: head.position, hash: head.hash, headRecordedAt: head.recordedAt, signedAt: now.toISOString(), ...(previousHash === undefined ? {} : { previousHash }) };
  return { ...unsigned, publicKey: spki(createPublicKey(privateKey)), signature: sign(null, message(unsigned), privateKey).toString('base64') };
}

/** Why an anchor line cannot be trusted: malformed, signed by another key, or its signature does not hold. */
export function anchorProblem(value: unknown, trusted: KeyObject): string | undefined {
  const a = value as Partial<SignedAnchor> | null;
  if (typeof a !== 'object' || a === null) return 'not an anchor (a JSON object)';
  if (typeof a.position !== 'string' || !/^\d{1,19}$/.test(a.position)) return 'its position is not a whole number';
  if (typeof a.hash !== 'string' || !/^[0-9a-f]{64}$/.test(a.hash)) return 'its hash is not 64 hex digits';
  if (typeof a.signedAt !== 'string' || Number.isNaN(Date.parse(a.signedAt))) return 'its signing time is not an instant';
  if (a.headRecordedAt !== null && typeof a.headRecordedAt !== 'string') return 'its head time is malformed';
  if (a.previousHash !== undefined && (typeof a.previousHash !== 'string' || !/^[0-9a-f]{64}$/.test(a.previousHash))) return 'its previous hash is not 64 hex digits';
  if (typeof a.signature !== 'string') return 'it has no signature';
  if (a.publicKey !== spki(trusted)) return 'it was signed with another key than the trusted one';
  const signed: Signed = { position: a.position, hash: a.hash, headRecordedAt: a.headRecordedAt ?? null, signedAt: a.signedAt, ...(a.previousHash === undefined ? {} : { previousHash: a.previousHash }) };
  return verify(null, message(signed), trusted, Buffer.from(a.signature, 'base64')) ? undefined : 'its signature does not hold (the anchor was altered)';
}
