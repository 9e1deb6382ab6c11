import { sql, type Kysely } from 'kysely';

/**
 * Keys outside the hash-chained log (docs/privacy.md): the engine's key
 * ring (the person-index HMAC key, wrapped by PERSON_ID_KEY) and one key per
 * person sealing their personal fields (wrapped by PERSONAL_DATA_KEY), which
 * erasure destroys.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table key_ring (
      purpose text primary key,
      wrapped bytea not null,
      master text not null,
      created_at timestamptz not null default now(),
      rewrapped_at timestamptz)`.execute(db);
  await sql`
    create table personal_data_keys (
      key_id uuid primary key,
      person_key text not null,
      wrapped bytea not null,
      master text not null,
      created_at timestamptz not null default now(),
      constraint personal_data_keys_person_key unique (person_key))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists personal_data_keys`.execute(db);
  await sql`drop table if exists key_ring`.execute(db);
}
