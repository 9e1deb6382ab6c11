import { sql, type Kysely } from 'kysely';

/**
 * With the log of record in KurrentDB (EVENTSTORE_URL), the engine keeps a
 * copy of it in its own log tables: this row says how far the copy has come
 * in KurrentDB's `$all` and which server it copies (docs/kurrentdb.md).
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table log_mirror (
      id boolean primary key default true check (id),
      source text not null,
      commit_position numeric(20, 0) not null,
      prepare_position numeric(20, 0) not null,
      copied_at timestamptz not null)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists log_mirror`.execute(db);
}
