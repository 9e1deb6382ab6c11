/*
 * Keys outside the hash-chained log (docs/privacy.md). The log keeps only
 * ciphertext of personal fields; destroying a person's key here erases the
 * person while every event, and so the chain, stays as it was. Every key is
 * stored wrapped (AES-256-GCM) by a master key from configuration, never in
 * clear: a stolen database alone opens nothing.
 */

/**
 * The engine's own data keys, one per purpose, each wrapped by a master key
 * from configuration. `person-index`: the HMAC key that turns an identity
 * number into a person's stream key (wrapped by PERSON_ID_KEY). `master` is
 * the fingerprint of the master key that wrapped it (rotation rewraps).
 */
export const KEY_RING = `
create table key_ring (
  purpose text primary key,
  wrapped bytea not null,
  master text not null,
  created_at timestamptz not null default now(),
  rewrapped_at timestamptz
)`;

/**
 * One key per person (by the person's keyed stream key) that seals the
 * personal fields of their events, wrapped by PERSONAL_DATA_KEY. Erasure
 * deletes the row; a later join of the same person gets a new key.
 */
export const PERSONAL_DATA_KEYS = `
create table personal_data_keys (
  key_id uuid primary key,
  person_key text not null,
  wrapped bytea not null,
  master text not null,
  created_at timestamptz not null default now(),
  constraint personal_data_keys_person_key unique (person_key)
)`;

export const PERSONAL_DATA_TABLES: readonly string[] = [KEY_RING, PERSONAL_DATA_KEYS];
