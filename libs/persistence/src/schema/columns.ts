/**
 * Every table's columns as information_schema describes them — type,
 * `not null`, `default …` — in the order they come in the table. `DB`, the
 * type Kysely checks queries against, is derived from it (db.ts), and
 * libs/persistence/test/schema.int.spec.ts compares it with a freshly
 * migrated database on both backends: a column a migration adds must be
 * added here, and then the type has it too.
 */
export const COLUMNS = {
  /** One row per stream: its last revision. */
  event_streams: {
    stream_id: 'text not null',
    revision: 'bigint not null',
    updated_at: 'timestamp with time zone not null default now()',
  },
  /** The append-only log (written only by the SQL functions of functions.ts). */
  events: {
    global_position: 'bigint not null',
    stream_id: 'text not null',
    stream_revision: 'bigint not null',
    event_id: 'uuid not null',
    event_type: 'text not null',
    data: 'jsonb not null',
    metadata: 'jsonb not null',
    occurred_on: 'date',
    recorded_at: 'timestamp with time zone not null',
    schema_version: 'integer not null default 1',
    hash: 'bytea not null',
  },
  /** The one row that orders appends: last position, hash and recorded time. */
  event_log_head: {
    id: 'boolean not null default true',
    position: 'bigint not null',
    hash: 'bytea not null',
    recorded_at: 'timestamp with time zone not null',
  },
  /** Each projection's (and policy's) position in the log. */
  projection_checkpoints: {
    name: 'text not null',
    position: 'bigint not null default 0',
    updated_at: 'timestamp with time zone not null default now()',
  },
  /** A projection (or policy) that fails, while it fails: why, since when, and when it is tried next. */
  projection_failures: {
    name: 'text not null',
    error: 'text not null',
    message: 'text not null',
    position: 'bigint not null',
    failing_since: 'timestamp with time zone not null',
    attempts: 'integer not null',
    next_retry_at: 'timestamp with time zone not null',
    updated_at: 'timestamp with time zone not null default now()',
  },
  /** The engine's data keys, wrapped by a master key from configuration (personal-data.sql.ts). */
  key_ring: {
    purpose: 'text not null',
    wrapped: 'bytea not null',
    master: 'text not null',
    created_at: 'timestamp with time zone not null default now()',
    rewrapped_at: 'timestamp with time zone',
  },
  /** One key per person sealing their personal fields, wrapped by PERSONAL_DATA_KEY; erasure deletes it. */
  personal_data_keys: {
    key_id: 'uuid not null',
    person_key: 'text not null',
    wrapped: 'bytea not null',
    master: 'text not null',
    created_at: 'timestamp with time zone not null default now()',
  },
  /** How far the engine's copy of a KurrentDB log has come (event-log.sql.ts). */
  log_mirror: {
    id: 'boolean not null default true',
    source: 'text not null',
    commit_position: 'numeric not null',
    prepare_position: 'numeric not null',
    copied_at: 'timestamp with time zone not null',
  },
  /** What each `cli verify` run reported about the hash chain (audit.sql.ts). */
  chain_verifications: {
    id: 'bigint not null generated always as identity',
    verified_at: 'timestamp with time zone not null default now()',
    verified_by: 'text not null',
    ok: 'boolean not null',
    events_checked: 'bigint not null',
    head_position: 'bigint',
    head_hash: 'text',
    anchors_checked: 'integer not null',
    failure: 'text',
  },
  rm_areas: {
    area_id: 'text not null',
    kind: 'text not null',
    name: 'text not null',
    parent_id: 'text',
    defined_position: 'bigint not null',
  },
  rm_area_ancestors: {
    ancestor_id: 'text not null',
    area_id: 'text not null',
    depth: 'integer not null',
  },
  rm_unions: {
    union_id: 'text not null',
    kind: 'text not null',
    name: 'text',
    credit_code: 'text',
    area_id: 'text',
    founded_on: 'date not null',
    dissolved_on: 'date',
    dissolved_position: 'bigint',
  },
  rm_enterprises: {
    credit_code: 'text not null',
    name: 'text not null',
    new_form: 'boolean not null',
    registered_on: 'date not null',
    closed_on: 'date',
  },
  rm_enterprise_periods: {
    credit_code: 'text not null',
    valid_from: 'date not null',
    valid_to: 'date not null',
    area_id: 'text not null',
    headcount: 'integer not null',
    band: 'text not null',
    new_form: 'boolean not null',
    status: 'text not null',
    union_id: 'text',
    federation_id: 'text',
    recorded_from: 'bigint not null',
    recorded_to: 'bigint not null',
  },
  rm_enterprise_locations: {
    credit_code: 'text not null',
    valid_from: 'date not null',
    valid_to: 'date not null',
    area_id: 'text not null',
    recorded_from: 'bigint not null',
    recorded_to: 'bigint not null',
  },
  rm_enterprise_federations: {
    federation_id: 'text not null',
    credit_code: 'text not null',
  },
  rm_membership_periods: {
    member_id: 'text not null',
    union_id: 'text not null',
    valid_from: 'date not null',
    valid_to: 'date not null',
    new_form: 'boolean not null',
    recorded_from: 'bigint not null',
    recorded_to: 'bigint not null',
    retained: 'boolean not null default false',
    retained_reason: 'text',
  },
  rm_coverage_daily: {
    area_id: 'text not null',
    day: 'date not null',
    band: 'text not null',
    status: 'text not null',
    new_form: 'boolean not null',
    delta: 'integer not null',
  },
  rm_coverage_monthly: {
    area_id: 'text not null',
    month: 'date not null',
    band: 'text not null',
    status: 'text not null',
    new_form: 'boolean not null',
    delta: 'integer not null',
  },
  rm_member_daily: {
    area_id: 'text not null',
    day: 'date not null',
    union_kind: 'text not null',
    new_form: 'boolean not null',
    retained_reason: 'text not null',
    delta: 'integer not null',
  },
  rm_member_monthly: {
    area_id: 'text not null',
    month: 'date not null',
    union_kind: 'text not null',
    new_form: 'boolean not null',
    retained_reason: 'text not null',
    delta: 'integer not null',
  },
  rm_staff_daily: {
    area_id: 'text not null',
    day: 'date not null',
    band: 'text not null',
    status: 'text not null',
    new_form: 'boolean not null',
    delta: 'bigint not null',
  },
  rm_staff_monthly: {
    area_id: 'text not null',
    month: 'date not null',
    band: 'text not null',
    status: 'text not null',
    new_form: 'boolean not null',
    delta: 'bigint not null',
  },
  rm_campaigns: {
    campaign_id: 'text not null',
    name: 'text not null',
    area_id: 'text not null',
    target_joins: 'integer not null',
    starts_on: 'date not null',
    ends_on: 'date not null',
    target_occupations: 'jsonb not null',
  },
  rm_ceremonies: {
    ceremony_id: 'text not null',
    area_id: 'text not null',
    campaign_id: 'text',
    held_on: 'date not null',
  },
  rm_attributed_joins: {
    member_id: 'text not null',
    campaign_id: 'text',
    ceremony_id: 'text',
    union_id: 'text not null',
    area_id: 'text',
    occupation: 'text',
    channel: 'text',
    new_form: 'boolean not null',
    joined_on: 'date not null',
    left_on: 'date',
  },
  rm_outreach: {
    credit_code: 'text not null',
    step: 'text not null',
    reached_on: 'date not null',
  },
  succession_areas: {
    area_id: 'text not null',
    parent_id: 'text',
  },
  succession_federations: {
    union_id: 'text not null',
    area_id: 'text not null',
    founded_on: 'date not null',
    dissolved_on: 'date',
  },
  succession_unions: {
    union_id: 'text not null',
    credit_code: 'text not null',
    founded_on: 'date not null',
    dissolved_on: 'date',
    succession_on: 'date',
    succession_reason: 'text',
  },
  succession_locations: {
    credit_code: 'text not null',
    located_on: 'date not null',
    area_id: 'text not null',
    position: 'bigint not null',
  },
  succession_member_spells: {
    member_id: 'text not null',
    union_id: 'text not null',
    valid_from: 'date not null',
    valid_to: 'date not null',
  },
} as const satisfies Record<string, Record<string, string>>;

/** A column's description, read: its SQL type (as information_schema.columns.data_type names it), nullability, default, identity (`generated always as identity`). */
export interface ColumnDescription {
  readonly type: string;
  readonly nullable: boolean;
  readonly default: string | null;
  /** information_schema.columns.identity_generation: 'ALWAYS', 'BY DEFAULT', or null (not an identity column). */
  readonly identity: 'ALWAYS' | 'BY DEFAULT' | null;
}

export function describeColumn(description: string): ColumnDescription {
  const m = /^(.+?)( not null)?(?: default (.+)| generated (always|by default) as identity)?$/.exec(description);
  if (!m) throw new Error(`unreadable column description: ${description}`);
  return { type: m[1]!, nullable: m[2] === undefined, default: m[3] ?? null, identity: m[4] === undefined ? null : (m[4].toUpperCase() as 'ALWAYS' | 'BY DEFAULT') };
}
