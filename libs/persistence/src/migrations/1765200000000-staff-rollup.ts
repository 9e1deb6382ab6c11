import { sql, type Kysely } from 'kysely';

/**
 * The staff roll-up, for the membership rate (入会率) of the coverage answer:
 * `staff` is the sum of the latest headcounts of the active enterprises in
 * the area on the date. Like the enterprise roll-up (1764600000000,
 * 1764800000000), per area and each of its ancestors, the change on each day
 * (and each month) by band, status and new-form flag — here of the
 * headcounts: +headcount on the first day of an enterprise period and
 * −headcount on the day after it. Deltas are bigint (a district's staff is
 * millions; a day's change of many enterprises is summed in one row).
 *
 * Filled here from the current enterprise periods, as the coverage
 * projection writes it (rows that come to zero left out), so nothing has to
 * be rebuilt.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createStaffRollup(db);
  await sql`
    insert into rm_staff_daily (area_id, day, band, status, new_form, delta)
    select area_id, day, band, status, new_form, sum(delta)::bigint from (
      select a.ancestor_id as area_id, p.valid_from as day, p.band, p.status, p.new_form, p.headcount::bigint as delta
      from rm_enterprise_periods p join rm_area_ancestors a on a.area_id = p.area_id
      where p.recorded_to = 9223372036854775807
      union all
      select a.ancestor_id, p.valid_to, p.band, p.status, p.new_form, -p.headcount::bigint
      from rm_enterprise_periods p join rm_area_ancestors a on a.area_id = p.area_id
      where p.recorded_to = 9223372036854775807 and p.valid_to <> '9999-12-31'::date
    ) changes
    group by 1, 2, 3, 4, 5 having sum(delta) <> 0`.execute(db);
  await sql`
    insert into rm_staff_monthly (area_id, month, band, status, new_form, delta)
    select area_id, date_trunc('month', day)::date, band, status, new_form, sum(delta)::bigint from rm_staff_daily
    group by 1, 2, 3, 4, 5 having sum(delta) <> 0`.execute(db);
}

async function createStaffRollup(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table rm_staff_daily (
      area_id text not null, day date not null, band text not null, status text not null, new_form boolean not null,
      delta bigint not null,
      primary key (area_id, day, band, status, new_form))`.execute(db);
  await sql`create index rm_staff_daily_covering on rm_staff_daily (area_id, day) include (band, status, new_form, delta)`.execute(db);
  await sql`
    create table rm_staff_monthly (
      area_id text not null, month date not null, band text not null, status text not null, new_form boolean not null,
      delta bigint not null,
      primary key (area_id, month, band, status, new_form))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table rm_staff_daily`.execute(db);
  await sql`drop table rm_staff_monthly`.execute(db);
}
