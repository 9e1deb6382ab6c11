import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * A master key from configuration (PERSON_ID_KEY, PERSONAL_DATA_KEY): it
 * never encrypts data itself, it wraps the data keys kept in the database
 * (envelope encryption), so that rotating it means rewrapping those keys,
 * never touching the log. The wrapping key is derived from the configured
 * secret with HKDF-SHA256 per purpose; its fingerprint (another HKDF output,
 * which reveals nothing of the key) is stored beside what it wrapped so a
 * wrong or rotated key is recognised by name rather than by a failed
 * decryption.
 */
export class MasterKey {
  private readonly key: Buffer;
  /** 16 hex digits naming this key for this purpose. */
  readonly fingerprint: string;

  constructor(
    secret: string,
    /** What it wraps: 'person-index' or 'personal-data'. */
    readonly purpose: string,
    /** The setting it comes from, for messages (`PERSONAL_DATA_KEY`). */
    readonly setting: string,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'uce master key', `wrap ${purpose}`, 32));
    this.fingerprint = Buffer.from(hkdfSync('sha256', secret, 'uce master key', `fingerprint ${purpose}`, 8)).toString('hex');
  }

  /** AES-256-GCM of a data key, bound to `context` (what the key is for): version ‖ iv ‖ tag ‖ ciphertext. */
  wrap(dataKey: Uint8Array, context: string): Buffer {
    return seal(this.key, dataKey, context);
  }

  /** The data key; throws if it was not wrapped by this key for this context. */
  unwrap(wrapped: Uint8Array, context: string): Buffer {
    return open(this.key, wrapped, context);
  }
}

/** The current master key of a purpose, and during a rotation the one it replaces. */
export class MasterKeys {
  constructor(
    readonly current: MasterKey,
    readonly previous?: MasterKey,
  ) {}

  /** The key whose fingerprint is `fingerprint`, or a clear error naming the setting. */
  byFingerprint(fingerprint: string): MasterKey {
    if (fingerprint === this.current.fingerprint) return this.current;
    if (this.previous && fingerprint === this.previous.fingerprint) return this.previous;
    throw new WrongMasterKeyError(
      `${this.current.setting} does not open the ${this.current.purpose} keys in this store (they were wrapped by the key with fingerprint ${fingerprint}, ` +
        `this one is ${this.current.fingerprint}): set the key they were wrapped with, or, to rotate, set ${this.current.setting}_PREVIOUS to it and run \`npm run cli -- rotate-keys\` (docs/privacy.md)`,
    );
  }
}

/** The configured master key is not the one the store's keys were wrapped with. */
export class WrongMasterKeyError extends Error {
  override readonly name = 'WrongMasterKeyError';
  readonly code = 'WRONG_MASTER_KEY';
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM with a fresh 96-bit iv and `context` as additional data: version ‖ iv ‖ tag ‖ ciphertext. */
export function seal(key: Uint8Array, plaintext: Uint8Array, context: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]);
}

/** Opens what `seal` made with the same key and context; throws on any change (GCM's tag). */
export function open(key: Uint8Array, sealed: Uint8Array, context: string): Buffer {
  const bytes = Buffer.from(sealed);
  if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION) throw new Error('not a sealed value of this engine');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + IV_BYTES));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/** A fresh 256-bit data key. */
export const newDataKey = (): Buffer => randomBytes(32);

