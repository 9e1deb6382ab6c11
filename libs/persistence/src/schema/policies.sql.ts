/*
 * The working tables of the process managers (libs/policies), as they
 * stand; a policy creates them from here in a rebuild's scratch schema.
 */

/**
 * `membership-succession`: areas and their parents, regional federations
 * and their lifetimes, enterprise unions (their enterprise, and the date
 * from which their members pass up), enterprise locations, and each
 * member's spells in each union.
 */
export const SUCCESSION_TABLES_DDL: readonly string[] = [
  `create table succession_areas (area_id text primary key, parent_id text)`,
  `create table succession_federations (
     union_id text primary key, area_id text not null, founded_on date not null, dissolved_on date)`,
  `create table succession_unions (
     union_id text primary key, credit_code text not null, founded_on date not null, dissolved_on date,
     succession_on date, succession_reason text)`,
  `create index succession_unions_by_enterprise on succession_unions (credit_code)`,
  `create table succession_locations (
     credit_code text not null, located_on date not null, area_id text not null, position bigint not null)`,
  `create index succession_locations_by_enterprise on succession_locations (credit_code, located_on)`,
  `create table succession_member_spells (
     member_id text not null, union_id text not null, valid_from date not null, valid_to date not null)`,
  `create index succession_member_spells_by_union on succession_member_spells (union_id, valid_from)`,
  `create index succession_member_spells_by_member on succession_member_spells (member_id)`,
];
