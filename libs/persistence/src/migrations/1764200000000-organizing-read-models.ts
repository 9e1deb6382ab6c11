import { sql, type Kysely } from 'kysely';

/**
 * Read models of organizing work: campaigns (joining drives), ceremonies,
 * the joins attributed to them, and the outreach steps ("three in place")
 * each enterprise has reached. Fed by the `organizing` projection; campaign
 * progress, ceremony compliance, the outreach funnel and the target gap are
 * queries over these and the coverage tables.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createOrganizingTables(db);
}

/** The tables. */
async function createOrganizingTables(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    `create table rm_campaigns (
       campaign_id text primary key, name text not null, area_id text not null, target_joins integer not null,
       starts_on date not null, ends_on date not null, target_occupations jsonb not null)`,
    `create table rm_ceremonies (
       ceremony_id text primary key, area_id text not null, campaign_id text, held_on date not null)`,
    `create index rm_ceremonies_by_campaign on rm_ceremonies (campaign_id)`,
    `create index rm_ceremonies_by_date on rm_ceremonies (held_on)`,
    `create table rm_attributed_joins (
       member_id text primary key, campaign_id text, ceremony_id text, union_id text not null, area_id text,
       occupation text, channel text, new_form boolean not null, joined_on date not null, left_on date)`,
    `create index rm_attributed_joins_by_campaign on rm_attributed_joins (campaign_id)`,
    `create index rm_attributed_joins_by_ceremony on rm_attributed_joins (ceremony_id)`,
    `create table rm_outreach (
       credit_code text not null, step text not null, reached_on date not null, primary key (credit_code, step))`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['rm_outreach', 'rm_attributed_joins', 'rm_ceremonies', 'rm_campaigns']) {
    await sql`drop table ${sql.table(table)}`.execute(db);
  }
}
