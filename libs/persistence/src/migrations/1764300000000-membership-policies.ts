import { sql, type Kysely } from 'kysely';

/**
 * The working tables of the `membership-succession` policy (libs/policies):
 * what it must know, as of the events it has seen, to pass the members of a
 * closed enterprise's union (or a dissolved one) to the federation over the
 * enterprise's area — areas and their parents, regional federations and
 * their lifetimes, enterprise unions (their enterprise, and the date from
 * which their members pass up), enterprise locations, and each member's
 * spells in each union.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    sql`create table succession_areas (area_id text primary key, parent_id text)`,
    sql`create table succession_federations (
          union_id text primary key, area_id text not null, founded_on date not null, dissolved_on date)`,
    sql`create table succession_unions (
          union_id text primary key, credit_code text not null, founded_on date not null, dissolved_on date,
          succession_on date, succession_reason text)`,
    sql`create index succession_unions_by_enterprise on succession_unions (credit_code)`,
    sql`create table succession_locations (
          credit_code text not null, located_on date not null, area_id text not null, position bigint not null)`,
    sql`create index succession_locations_by_enterprise on succession_locations (credit_code, located_on)`,
    sql`create table succession_member_spells (
          member_id text not null, union_id text not null, valid_from date not null, valid_to date not null)`,
    sql`create index succession_member_spells_by_union on succession_member_spells (union_id, valid_from)`,
    sql`create index succession_member_spells_by_member on succession_member_spells (member_id)`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table succession_areas, succession_federations, succession_unions, succession_locations, succession_member_spells`.execute(db);
  await sql`delete from projection_checkpoints where name = 'membership-succession'`.execute(db);
}
