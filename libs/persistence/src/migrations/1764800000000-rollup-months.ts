import { sql, type Kysely } from 'kysely';

/**
 * Monthly buckets over the two daily roll-ups (1764600000000): the same
 * changes summed per calendar month. A figure as of a date is then the
 * months before the date's month plus the days of that month up to the date
 * — at most a few hundred rows per area instead of one per day since the
 * first event (~1,800 rows per key for five years of a district). Kept by
 * the coverage projection with the daily rows; filled here from them, so
 * nothing has to be rebuilt.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createMonthlyRollups(db);
  await sql`
    insert into rm_coverage_monthly (area_id, month, band, status, new_form, delta)
    select area_id, date_trunc('month', day)::date, band, status, new_form, sum(delta)::int from rm_coverage_daily
    group by 1, 2, 3, 4, 5 having sum(delta) <> 0`.execute(db);
  await sql`
    insert into rm_member_monthly (area_id, month, union_kind, new_form, retained_reason, delta)
    select area_id, date_trunc('month', day)::date, union_kind, new_form, retained_reason, sum(delta)::int from rm_member_daily
    group by 1, 2, 3, 4, 5 having sum(delta) <> 0`.execute(db);
}

async function createMonthlyRollups(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table rm_coverage_monthly (
      area_id text not null, month date not null, band text not null, status text not null, new_form boolean not null,
      delta integer not null,
      primary key (area_id, month, band, status, new_form))`.execute(db);
  await sql`
    create table rm_member_monthly (
      area_id text not null, month date not null, union_kind text not null, new_form boolean not null, retained_reason text not null,
      delta integer not null,
      primary key (area_id, month, union_kind, new_form, retained_reason))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table rm_coverage_monthly`.execute(db);
  await sql`drop table rm_member_monthly`.execute(db);
}
