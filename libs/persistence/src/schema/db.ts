import type { ColumnType, SelectType } from 'kysely';

/*
 * The database as TypeScript sees it: one interface per table (the Kysely
 * migration tables excepted), column by column. `Kysely<DB>` checks every
 * query built with the builder against it, and `sql<Row>` templates take
 * their row types from it (`Selectable<RmAreasTable>`, `Pick<…>`).
 *
 * Kept beside `COLUMNS` (columns.ts), a runtime description of the same
 * tables that a type-level assertion proves equal to `DB`, and that
 * libs/persistence/test/schema.int.spec.ts compares with the catalog
 * of a freshly migrated database: a column added by a migration and not
 * here fails the test. The DDL itself is in the *.sql.ts files beside
 * this one (see docs/schema.md).
 */

/**
 * `bigint` (positions, revisions): postgres.js returns it as a string, PGlite
 * as a number, so read it as `::text` (or `String(…)`) where the value
 * matters, and write it as a decimal string.
 */
export type Int8 = ColumnType<string | number, string, string>;

/** `date`: both drivers return a Date (midnight UTC); read `::text` for 'YYYY-MM-DD'. Written as 'YYYY-MM-DD'. */
export type DateColumn = ColumnType<Date, string, string>;

/** `timestamptz`: returned as a Date; written as a Date or an ISO text. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;

/**
 * What only `jsonb(text)` (jsonb.ts) produces: jsonb is written from JSON
 * text cast in SQL, never bound as a string (postgres.js, seeing a jsonb
 * parameter, would encode the string once more).
 */
export interface JsonbInput {
  readonly __jsonbFromText: true;
}

/** `jsonb`: returned parsed; written with `jsonb(text)` (jsonb.ts). */
export type Jsonb = ColumnType<unknown, JsonbInput, JsonbInput>;

/** `bytea`: a Buffer (postgres.js) or a Uint8Array (PGlite). */
export type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

/**
 * A column with a default: optional on insert. (Kysely's `Generated<T>`
 * does not unwrap a `ColumnType` such as `Int8`: selecting the column would
 * give the wrapper's type.)
 */
export type Default<C> = [C] extends [ColumnType<infer S, infer I, infer U>] ? ColumnType<S, I | undefined, U> : ColumnType<C, C | undefined, C>;

// ---------------------------------------------------------------- the event log

/** One row per stream: its last revision. */
export interface EventStreamsTable {
  stream_id: string;
  revision: Int8;
  updated_at: Default<Timestamp>;
}

/** The append-only log (written only by the SQL functions of functions.ts). */
export interface EventsTable {
  global_position: Int8;
  stream_id: string;
  stream_revision: Int8;
  event_id: string;
  event_type: string;
  data: Jsonb;
  metadata: Jsonb;
  occurred_on: DateColumn | null;
  recorded_at: Timestamp;
  schema_version: Default<number>;
  hash: Bytes;
}

/** The one row that orders appends: last position, hash and recorded time. */
export interface EventLogHeadTable {
  id: Default<boolean>;
  position: Int8;
  hash: Bytes;
  recorded_at: Timestamp;
}

/** Each projection's (and policy's) position in the log. */
export interface ProjectionCheckpointsTable {
  name: string;
  position: Default<Int8>;
  updated_at: Default<Timestamp>;
}

/** A projection (or policy) that fails, while it fails: why, since when, and when it is tried next. */
export interface ProjectionFailuresTable {
  name: string;
  error: string;
  message: string;
  position: Int8;
  failing_since: Timestamp;
  attempts: number;
  next_retry_at: Timestamp;
  updated_at: Default<Timestamp>;
}

// ---------------------------------------------------------------- coverage read model

export interface RmAreasTable {
  area_id: string;
  kind: string;
  name: string;
  parent_id: string | null;
  defined_position: Int8;
}

export interface RmAreaAncestorsTable {
  ancestor_id: string;
  area_id: string;
  depth: number;
}

export interface RmUnionsTable {
  union_id: string;
  kind: string;
  name: string | null;
  credit_code: string | null;
  area_id: string | null;
  founded_on: DateColumn;
  dissolved_on: DateColumn | null;
  dissolved_position: Int8 | null;
}

export interface RmEnterprisesTable {
  credit_code: string;
  name: string;
  new_form: boolean;
  registered_on: DateColumn;
  closed_on: DateColumn | null;
}

export interface RmEnterprisePeriodsTable {
  credit_code: string;
  valid_from: DateColumn;
  valid_to: DateColumn;
  area_id: string;
  headcount: number;
  band: string;
  new_form: boolean;
  status: string;
  union_id: string | null;
  federation_id: string | null;
  recorded_from: Int8;
  recorded_to: Int8;
}

export interface RmEnterpriseLocationsTable {
  credit_code: string;
  valid_from: DateColumn;
  valid_to: DateColumn;
  area_id: string;
  recorded_from: Int8;
  recorded_to: Int8;
}

export interface RmEnterpriseFederationsTable {
  federation_id: string;
  credit_code: string;
}

export interface RmMembershipPeriodsTable {
  member_id: string;
  union_id: string;
  valid_from: DateColumn;
  valid_to: DateColumn;
  new_form: boolean;
  recorded_from: Int8;
  recorded_to: Int8;
  retained: Default<boolean>;
  retained_reason: string | null;
}

export interface RmCoverageDailyTable {
  area_id: string;
  day: DateColumn;
  band: string;
  status: string;
  new_form: boolean;
  delta: number;
}

export interface RmCoverageMonthlyTable {
  area_id: string;
  month: DateColumn;
  band: string;
  status: string;
  new_form: boolean;
  delta: number;
}

export interface RmMemberDailyTable {
  area_id: string;
  day: DateColumn;
  union_kind: string;
  new_form: boolean;
  retained_reason: string;
  delta: number;
}

export interface RmMemberMonthlyTable {
  area_id: string;
  month: DateColumn;
  union_kind: string;
  new_form: boolean;
  retained_reason: string;
  delta: number;
}

// ---------------------------------------------------------------- organizing work read model

export interface RmCampaignsTable {
  campaign_id: string;
  name: string;
  area_id: string;
  target_joins: number;
  starts_on: DateColumn;
  ends_on: DateColumn;
  target_occupations: Jsonb;
}

export interface RmCeremoniesTable {
  ceremony_id: string;
  area_id: string;
  campaign_id: string | null;
  held_on: DateColumn;
}

export interface RmAttributedJoinsTable {
  member_id: string;
  campaign_id: string | null;
  ceremony_id: string | null;
  union_id: string;
  area_id: string | null;
  occupation: string | null;
  channel: string | null;
  new_form: boolean;
  joined_on: DateColumn;
  left_on: DateColumn | null;
}

export interface RmOutreachTable {
  credit_code: string;
  step: string;
  reached_on: DateColumn;
}

// ---------------------------------------------------------------- membership succession policy

export interface SuccessionAreasTable {
  area_id: string;
  parent_id: string | null;
}

export interface SuccessionFederationsTable {
  union_id: string;
  area_id: string;
  founded_on: DateColumn;
  dissolved_on: DateColumn | null;
}

export interface SuccessionUnionsTable {
  union_id: string;
  credit_code: string;
  founded_on: DateColumn;
  dissolved_on: DateColumn | null;
  succession_on: DateColumn | null;
  succession_reason: string | null;
}

export interface SuccessionLocationsTable {
  credit_code: string;
  located_on: DateColumn;
  area_id: string;
  position: Int8;
}

export interface SuccessionMemberSpellsTable {
  member_id: string;
  union_id: string;
  valid_from: DateColumn;
  valid_to: DateColumn;
}

/** Every table of the engine's schema (`public`, or a rebuild's scratch schema on the search_path). */
export interface DB {
  event_streams: EventStreamsTable;
  events: EventsTable;
  event_log_head: EventLogHeadTable;
  projection_checkpoints: ProjectionCheckpointsTable;
  projection_failures: ProjectionFailuresTable;
  rm_areas: RmAreasTable;
  rm_area_ancestors: RmAreaAncestorsTable;
  rm_unions: RmUnionsTable;
  rm_enterprises: RmEnterprisesTable;
  rm_enterprise_periods: RmEnterprisePeriodsTable;
  rm_enterprise_locations: RmEnterpriseLocationsTable;
  rm_enterprise_federations: RmEnterpriseFederationsTable;
  rm_membership_periods: RmMembershipPeriodsTable;
  rm_coverage_daily: RmCoverageDailyTable;
  rm_coverage_monthly: RmCoverageMonthlyTable;
  rm_member_daily: RmMemberDailyTable;
  rm_member_monthly: RmMemberMonthlyTable;
  rm_campaigns: RmCampaignsTable;
  rm_ceremonies: RmCeremoniesTable;
  rm_attributed_joins: RmAttributedJoinsTable;
  rm_outreach: RmOutreachTable;
  succession_areas: SuccessionAreasTable;
  succession_federations: SuccessionFederationsTable;
  succession_unions: SuccessionUnionsTable;
  succession_locations: SuccessionLocationsTable;
  succession_member_spells: SuccessionMemberSpellsTable;
}

/** A table's name. */
export type TableName = keyof DB;

/**
 * A row of a table as the engine reads it in SQL: `bigint`, `date` and
 * `timestamptz` columns selected `::text` (strings, the same on both
 * drivers), the others as the driver returns them. `Pick` the columns a
 * query selects: `sql<Pick<TextRow<RmEnterpriseLocationsTable>, 'area_id' | 'valid_from'>>`.
 */
export type TextRow<Table> = { [K in keyof Table]: AsText<Table[K]> };
type AsText<C> = C extends ColumnType<infer S, unknown, unknown> ? ([S] extends [Date] ? string : IsInt8<S> extends true ? string : S) : SelectType<C>;
type IsInt8<S> = [S] extends [string | number] ? ([string | number] extends [S] ? true : false) : false;
