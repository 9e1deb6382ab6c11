/*
 * The read models' tables and indexes, as they stand: what the migrations
 * built step by step, in one place. Rebuilds create a projection's fresh
 * tables in a scratch schema from these (`createCoverageTables`,
 * `createOrganizingTables` in schema.ts), so a migration that changes an rm_*
 * table must change its definition here too —
 * libs/persistence/test/schema.int.spec.ts fails until it does.
 */

/**
 * `recorded_to` of a row that is still part of what the engine knows
 * (2^63 − 1): the current rows, what the partial indexes below hold.
 */
export const STILL_KNOWN = '9223372036854775807';

/**
 * Coverage (docs/coverage.md): areas and their ancestors, unions, and per
 * enterprise and per member their validity periods [valid_from, valid_to)
 * (open-ended: 9999-12-31) with their recorded axis [recorded_from,
 * recorded_to) in log positions; and the daily and monthly roll-ups of the
 * current figures (per area and each ancestor: the change on each day, or
 * month, of the count by key — and of the headcount, for the staff).
 */
export const COVERAGE_TABLES_DDL: readonly string[] = [
  `create table rm_areas (
     area_id text primary key, kind text not null, name text not null, parent_id text, defined_position bigint not null)`,
  `create table rm_area_ancestors (
     ancestor_id text not null, area_id text not null, depth integer not null,
     primary key (ancestor_id, area_id))`,
  `create index rm_area_ancestors_by_area on rm_area_ancestors (area_id)`,
  `create table rm_unions (
     union_id text primary key, kind text not null, name text, credit_code text, area_id text,
     founded_on date not null, dissolved_on date, dissolved_position bigint)`,
  `create table rm_enterprises (
     credit_code text primary key, name text not null, new_form boolean not null,
     registered_on date not null, closed_on date)`,
  `create table rm_enterprise_periods (
     credit_code text not null, valid_from date not null, valid_to date not null,
     area_id text not null, headcount integer not null, band text not null, new_form boolean not null,
     status text not null, union_id text, federation_id text,
     recorded_from bigint not null, recorded_to bigint not null)`,
  `create index rm_enterprise_periods_by_code on rm_enterprise_periods (credit_code)`,
  `create index rm_enterprise_periods_as_of on rm_enterprise_periods (area_id, valid_from, valid_to) where recorded_to = ${STILL_KNOWN}`,
  `create index rm_enterprise_periods_known on rm_enterprise_periods (area_id, valid_from, recorded_from, recorded_to)`,
  `create table rm_enterprise_locations (
     credit_code text not null, valid_from date not null, valid_to date not null, area_id text not null,
     recorded_from bigint not null, recorded_to bigint not null)`,
  `create index rm_enterprise_locations_by_code on rm_enterprise_locations (credit_code, valid_from)`,
  `create table rm_enterprise_federations (
     federation_id text not null, credit_code text not null, primary key (federation_id, credit_code))`,
  `create table rm_membership_periods (
     member_id text not null, union_id text not null, valid_from date not null, valid_to date not null,
     new_form boolean not null, recorded_from bigint not null, recorded_to bigint not null,
     retained boolean not null default false, retained_reason text)`,
  `create index rm_membership_periods_by_member on rm_membership_periods (member_id)`,
  `create index rm_membership_periods_as_of on rm_membership_periods (union_id, valid_from, valid_to) where recorded_to = ${STILL_KNOWN}`,
  `create index rm_membership_periods_known on rm_membership_periods (union_id, valid_from, recorded_from, recorded_to)`,
  `create table rm_coverage_daily (
     area_id text not null, day date not null, band text not null, status text not null, new_form boolean not null,
     delta integer not null,
     primary key (area_id, day, band, status, new_form))`,
  // The query's whole range from the index alone (once vacuum has marked the pages all-visible).
  `create index rm_coverage_daily_covering on rm_coverage_daily (area_id, day) include (band, status, new_form, delta)`,
  // Memberships held in unions located in the area (retained_reason '-': not retained).
  `create table rm_member_daily (
     area_id text not null, day date not null, union_kind text not null, new_form boolean not null, retained_reason text not null,
     delta integer not null,
     primary key (area_id, day, union_kind, new_form, retained_reason))`,
  `create index rm_member_daily_covering on rm_member_daily (area_id, day) include (union_kind, new_form, retained_reason, delta)`,
  `create table rm_coverage_monthly (
     area_id text not null, month date not null, band text not null, status text not null, new_form boolean not null,
     delta integer not null,
     primary key (area_id, month, band, status, new_form))`,
  `create table rm_member_monthly (
     area_id text not null, month date not null, union_kind text not null, new_form boolean not null, retained_reason text not null,
     delta integer not null,
     primary key (area_id, month, union_kind, new_form, retained_reason))`,
  // Headcounts of the active enterprises (the staff of the membership rate): +headcount on a period's first day, −headcount after it.
  `create table rm_staff_daily (
     area_id text not null, day date not null, band text not null, status text not null, new_form boolean not null,
     delta bigint not null,
     primary key (area_id, day, band, status, new_form))`,
  `create index rm_staff_daily_covering on rm_staff_daily (area_id, day) include (band, status, new_form, delta)`,
  `create table rm_staff_monthly (
     area_id text not null, month date not null, band text not null, status text not null, new_form boolean not null,
     delta bigint not null,
     primary key (area_id, month, band, status, new_form))`,
];

/**
 * Organizing work (docs/campaigns.md): campaigns (joining drives),
 * ceremonies, the joins attributed to them, and the outreach steps each
 * enterprise has reached.
 */
export const ORGANIZING_TABLES_DDL: readonly string[] = [
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
];
