import { sql, type Kysely } from 'kysely';

/**
 * What each `npm run cli -- verify` run reported about the hash chain: when,
 * who ran it, whether the chain held, how many events and anchors it
 * checked, the head it ran up to, and the failure's message (positions and
 * hashes, never personal data). Read by GET /api/chain (docs/audit.md): a
 * record of when the chain was last checked, not a proof — whoever can write
 * the database could write a row.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table chain_verifications (
      id bigint generated always as identity primary key,
      verified_at timestamptz not null default now(),
      verified_by text not null,
      ok boolean not null,
      events_checked bigint not null,
      head_position bigint,
      head_hash text,
      anchors_checked integer not null,
      failure text)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists chain_verifications`.execute(db);
}
