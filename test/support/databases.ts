import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import postgres from 'postgres';
import { openDatabase, migrateToLatest, type Database, type DB } from '#persistence';

/**
 * Test databases: a fresh PostgreSQL database per test file (created on the
 * server found by test/global-setup.cjs and dropped afterwards), or a fresh
 * in-memory PGlite. Both migrated to the latest schema.
 */
export interface TestDatabase extends Database {
  /** A postgres:// URL for this database (PostgreSQL only). */
  readonly url?: string;
  /** Empties every table but the migrations' own. */
  truncateAll(): Promise<void>;
}

export const postgresAvailable = Boolean(process.env['PG_TEST_ADMIN_URL']);
export const postgresSkipReason = process.env['PG_TEST_SKIP_REASON'] ?? 'PostgreSQL was not probed';

/** `describe` for PostgreSQL suites: skipped, with the reason in its title, when no server is reachable. */
export function describePostgres(title: string, fn: () => void): void {
  if (postgresAvailable) describe(`${title} [PostgreSQL ${process.env['PG_TEST_VERSION']}]`, fn);
  else describe.skip(`${title} [PostgreSQL SKIPPED: ${postgresSkipReason}]`, fn);
}

export async function createPostgresTestDatabase(options: { maxConnections?: number } = {}): Promise<TestDatabase> {
  const adminUrl = process.env['PG_TEST_ADMIN_URL'];
  if (!adminUrl) throw new Error(`PostgreSQL is not available: ${postgresSkipReason}`);
  const name = `uce_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), maxConnections: options.maxConnections ?? 20 });
  await migrateToLatest(database.db);
  return {
    ...database,
    url: url.toString(),
    truncateAll: () => truncateAll(database),
    close: async () => {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 1 });
    },
  };
}

export async function createPGliteTestDatabase(): Promise<TestDatabase> {
  const database = await openDatabase({ inMemory: true });
  await migrateToLatest(database.db);
  return { ...database, truncateAll: () => truncateAll(database) };
}

async function truncateAll(database: Database): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    select format('%I.%I', schemaname, tablename) as name from pg_tables
    where schemaname = current_schema() and tablename not like 'schema_migrations%'`.execute(database.db);
  if (rows.length) await sql.raw(`truncate ${rows.map((r) => r.name).join(', ')}`).execute(database.db);
  // The log's head row (position 0, the genesis hash) must exist for appends.
  await sql`insert into event_log_head (position, hash, recorded_at) values (0, decode(repeat('00', 32), 'hex'), 'epoch')`.execute(database.db);
}

/** Every row of every table of the database (all schemas but the system's), as text: what a thief of the data would hold. */
export async function everyRowAsText(db: Kysely<DB>): Promise<string> {
  const { rows: tables } = await sql<{ s: string; t: string }>`
    select table_schema as s, table_name as t from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`.execute(db);
  const parts: string[] = [];
  for (const { s, t } of tables) {
    parts.push(`-- ${s}.${t}`, ...(await sql<{ r: string }>`select x::text as r from ${sql.id(s, t)} x`.execute(db)).rows.map((r) => r.r));
  }
  return parts.join('\n');
}
