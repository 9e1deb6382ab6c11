import { sql, type Kysely } from 'kysely';
import { AUDIT_TABLES } from './audit.sql.js';
import type { DB } from './db.js';
import { EMPTY_LOG_HEAD, EVENT_LOG_TABLES } from './event-log.sql.js';
import { FUNCTIONS } from './functions.sql.js';
import { PERSONAL_DATA_TABLES } from './personal-data.sql.js';
import { SUCCESSION_TABLES_DDL } from './policies.sql.js';
import { PROJECTION_CHECKPOINTS, PROJECTION_TABLES } from './projections.sql.js';
import { COVERAGE_TABLES_DDL, ORGANIZING_TABLES_DDL } from './read-models.sql.js';

async function run(db: Kysely<DB>, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/**
 * A `projection_checkpoints` table in the current search_path, unless one is
 * there: a rebuild's scratch schema needs its own.
 */
export async function createCheckpointsTable(db: Kysely<DB>): Promise<void> {
  await sql.raw(PROJECTION_CHECKPOINTS.replace('create table', 'create table if not exists')).execute(db);
}

/** The coverage read model's tables and indexes, in the current search_path (a rebuild's scratch schema). */
export async function createCoverageTables(db: Kysely<DB>): Promise<void> {
  await run(db, COVERAGE_TABLES_DDL);
}

/** The organizing-work read model's tables and indexes, in the current search_path. */
export async function createOrganizingTables(db: Kysely<DB>): Promise<void> {
  await run(db, ORGANIZING_TABLES_DDL);
}

/** The membership-succession policy's working tables, in the current search_path. */
export async function createSuccessionTables(db: Kysely<DB>): Promise<void> {
  await run(db, SUCCESSION_TABLES_DDL);
}

/**
 * The whole schema from the current definitions, in an empty schema (the
 * current search_path): what running every migration gives, except the
 * migrations' own bookkeeping. Not how databases are made — the migrations
 * are (`migrateToLatest`) — but the reference they are tested against
 * (libs/persistence/test/schema.int.spec.ts).
 */
export async function createSchema(db: Kysely<DB>): Promise<void> {
  await run(db, EVENT_LOG_TABLES);
  await run(db, PROJECTION_TABLES);
  await run(db, PERSONAL_DATA_TABLES);
  await run(db, AUDIT_TABLES);
  await run(db, FUNCTIONS);
  await createCoverageTables(db);
  await createOrganizingTables(db);
  await createSuccessionTables(db);
  await sql.raw(EMPTY_LOG_HEAD).execute(db);
}
