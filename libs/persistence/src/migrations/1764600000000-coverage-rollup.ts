import { sql, type Kysely } from 'kysely';

/**
 * A daily roll-up of the current enterprise figures, for coverage answers in
 * milliseconds at district scale: for every area and each of its ancestors,
 * the change on each day of the count of active enterprises by band, status
 * and new-form flag (+1 on the first day of a period, −1 on the day after
 * it). The count on a date is the sum of the changes up to it, read from one
 * short index range per area. Kept by the coverage projection together with
 * the periods; emptied and rebuilt with them.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createCoverageRollup(db);
  // Existing read models have no roll-up: rebuild them from the log.
  await sql`truncate rm_areas, rm_area_ancestors, rm_unions, rm_enterprises, rm_enterprise_periods,
            rm_enterprise_locations, rm_enterprise_federations, rm_membership_periods`.execute(db);
  await sql`delete from projection_checkpoints where name = 'coverage'`.execute(db);
}

async function createCoverageRollup(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table rm_coverage_daily (
      area_id text not null, day date not null, band text not null, status text not null, new_form boolean not null,
      delta integer not null,
      primary key (area_id, day, band, status, new_form))`.execute(db);
  // The query's whole range from the index alone (once vacuum has marked the pages all-visible).
  await sql`create index rm_coverage_daily_covering on rm_coverage_daily (area_id, day) include (band, status, new_form, delta)`.execute(db);
  // Memberships likewise: held in unions located in the area (retained_reason '-': not retained).
  await sql`
    create table rm_member_daily (
      area_id text not null, day date not null, union_kind text not null, new_form boolean not null, retained_reason text not null,
      delta integer not null,
      primary key (area_id, day, union_kind, new_form, retained_reason))`.execute(db);
  await sql`create index rm_member_daily_covering on rm_member_daily (area_id, day) include (union_kind, new_form, retained_reason, delta)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table rm_coverage_daily`.execute(db);
  await sql`drop table rm_member_daily`.execute(db);
}
