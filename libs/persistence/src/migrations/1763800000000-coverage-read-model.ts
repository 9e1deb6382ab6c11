import { sql, type Kysely } from 'kysely';

/**
 * Read models for coverage as of any date. Late reports change the past, so
 * each enterprise's history is kept as validity periods [valid_from,
 * valid_to): maximal spans of days over which its location, size band,
 * new-form flag and organizing status are all constant. An as-of query is
 * then one aggregation over the periods that contain the date. Memberships
 * likewise. Open-ended periods end at 9999-12-31.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    sql`create table projection_checkpoints (
          name text primary key,
          position bigint not null default 0,
          updated_at timestamptz not null default now())`,
    sql`create table rm_areas (
          area_id text primary key, kind text not null, name text not null, parent_id text)`,
    sql`create table rm_area_ancestors (
          ancestor_id text not null, area_id text not null, depth integer not null,
          primary key (ancestor_id, area_id))`,
    sql`create index rm_area_ancestors_by_area on rm_area_ancestors (area_id)`,
    sql`create table rm_unions (
          union_id text primary key, kind text not null, name text, credit_code text, area_id text,
          founded_on date not null, dissolved_on date)`,
    sql`create table rm_enterprises (
          credit_code text primary key, name text not null, new_form boolean not null,
          registered_on date not null, closed_on date)`,
    sql`create table rm_enterprise_periods (
          credit_code text not null, valid_from date not null, valid_to date not null,
          area_id text not null, headcount integer not null, band text not null, new_form boolean not null,
          status text not null, union_id text, federation_id text)`,
    sql`create index rm_enterprise_periods_by_code on rm_enterprise_periods (credit_code)`,
    sql`create index rm_enterprise_periods_as_of on rm_enterprise_periods (area_id, valid_from, valid_to)`,
    sql`create table rm_enterprise_locations (
          credit_code text not null, valid_from date not null, valid_to date not null, area_id text not null)`,
    sql`create index rm_enterprise_locations_by_code on rm_enterprise_locations (credit_code, valid_from)`,
    sql`create table rm_enterprise_federations (
          federation_id text not null, credit_code text not null, primary key (federation_id, credit_code))`,
    sql`create table rm_membership_periods (
          member_id text not null, union_id text not null, valid_from date not null, valid_to date not null,
          new_form boolean not null)`,
    sql`create index rm_membership_periods_by_member on rm_membership_periods (member_id)`,
    sql`create index rm_membership_periods_as_of on rm_membership_periods (union_id, valid_from, valid_to)`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'rm_membership_periods', 'rm_enterprise_federations', 'rm_enterprise_locations', 'rm_enterprise_periods',
    'rm_enterprises', 'rm_unions', 'rm_area_ancestors', 'rm_areas', 'projection_checkpoints',
  ]) {
    await sql`drop table ${sql.table(table)}`.execute(db);
  }
}
