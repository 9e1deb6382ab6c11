import { sql, type Kysely } from 'kysely';

/** `recorded_to` of a row that is still part of what the engine knows. */
const STILL_KNOWN = '9223372036854775807';

/**
 * Bitemporal coverage read models. Each period row gets a second, recorded
 * axis: `recorded_from` is the log position of the event that made the engine
 * know the row, `recorded_to` the position of the event that replaced it
 * (9223372036854775807 while it stands). The figures "as known at position
 * P" are then the rows with recorded_from <= P < recorded_to — what the
 * engine would have answered then, late reports recorded afterwards ignored —
 * and the rows whose recorded_from or recorded_to lie between two positions
 * are exactly the changes between the two answers.
 *
 * Areas record the position that defined them, unions the position of their
 * dissolution. Existing rows have no recorded history, so the read models are
 * emptied and their checkpoint reset: the runner rebuilds them from the log.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`truncate rm_areas, rm_area_ancestors, rm_unions, rm_enterprises, rm_enterprise_periods,
            rm_enterprise_locations, rm_enterprise_federations, rm_membership_periods`.execute(db);
  await sql`delete from projection_checkpoints where name = 'coverage'`.execute(db);
  await addRecordedAxis(db);
}

/** The changes to the tables of 1763800000000-coverage-read-model. */
async function addRecordedAxis(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    `alter table rm_areas add column defined_position bigint not null`,
    `alter table rm_unions add column dissolved_position bigint`,
    ...['rm_enterprise_periods', 'rm_enterprise_locations', 'rm_membership_periods'].map(
      (table) => `alter table ${table} add column recorded_from bigint not null, add column recorded_to bigint not null`,
    ),
    `drop index rm_enterprise_periods_as_of`,
    `create index rm_enterprise_periods_as_of on rm_enterprise_periods (area_id, valid_from, valid_to) where recorded_to = ${STILL_KNOWN}`,
    `create index rm_enterprise_periods_known on rm_enterprise_periods (area_id, valid_from, recorded_from, recorded_to)`,
    `drop index rm_membership_periods_as_of`,
    `create index rm_membership_periods_as_of on rm_membership_periods (union_id, valid_from, valid_to) where recorded_to = ${STILL_KNOWN}`,
    `create index rm_membership_periods_known on rm_membership_periods (union_id, valid_from, recorded_from, recorded_to)`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`truncate rm_areas, rm_area_ancestors, rm_unions, rm_enterprises, rm_enterprise_periods,
            rm_enterprise_locations, rm_enterprise_federations, rm_membership_periods`.execute(db);
  await sql`delete from projection_checkpoints where name = 'coverage'`.execute(db);
  for (const statement of [
    `alter table rm_areas drop column defined_position`,
    `alter table rm_unions drop column dissolved_position`,
    ...['rm_enterprise_periods', 'rm_enterprise_locations', 'rm_membership_periods'].map(
      (table) => `alter table ${table} drop column recorded_from, drop column recorded_to`,
    ),
    `drop index rm_enterprise_periods_known`,
    `drop index rm_membership_periods_known`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}
