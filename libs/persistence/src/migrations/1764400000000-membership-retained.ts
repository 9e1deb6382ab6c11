import { sql, type Kysely } from 'kysely';

/**
 * Memberships kept while unemployed or retired (保留会籍): each membership
 * period says whether the membership was retained then, and why. Existing
 * rows predate retention and are not retained.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await addRetained(db);
}

/** The change to rm_membership_periods. */
async function addRetained(db: Kysely<unknown>): Promise<void> {
  await sql`alter table rm_membership_periods add column retained boolean not null default false, add column retained_reason text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table rm_membership_periods drop column retained, drop column retained_reason`.execute(db);
}
