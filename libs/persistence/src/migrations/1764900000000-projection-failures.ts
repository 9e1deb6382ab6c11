import { sql, type Kysely } from 'kysely';

/**
 * A projection (or policy) that fails is retried with backoff by the
 * projection runner while the others go on; while it fails, its row here
 * says why (the error's class and code, and its message with possible
 * personal data taken out), since when, how many attempts, the checkpoint it
 * is stuck at and when it is tried next. Deleted once it applies again.
 * Written by whichever runner runs it (the API's or a worker's), read by
 * GET /api/health and `cli status`.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table projection_failures (
      name text primary key,
      error text not null,
      message text not null,
      position bigint not null,
      failing_since timestamptz not null,
      attempts integer not null,
      next_retry_at timestamptz not null,
      updated_at timestamptz not null default now())`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists projection_failures`.execute(db);
}
