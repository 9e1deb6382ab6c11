import { Migrator, sql, type Kysely, type MigrationResult } from 'kysely';
import { ConfigError } from './config.js';
import { openDatabase, type Database } from './database.js';
import { migrations } from './migrations/index.js';
import { grantApplicationRole } from './roles.js';
import type { DB } from './schema/db.js';

export interface MigrationReport {
  readonly applied: string[];
  readonly total: number;
  /** Migrated as the schema's owner: the application's role, granted what it needs (roles.ts). */
  readonly grantedTo?: string;
}

const OWNER_NEEDED =
  'migrations run as the schema\'s owner: set MIGRATION_DATABASE_URL to its URL, or run `npm run cli -- migrate --owner-url URL` first (docs/database-roles.md)';

/**
 * Brings the schema up to date; throws with the failing migration's name.
 * A role that does not own the log (the application's) only reads which
 * migrations ran, so that it can start on a current schema, and is refused,
 * naming MIGRATION_DATABASE_URL, when some are left to run. The owner is
 * refused while something another role created could run as the owner
 * (`inspectSession`).
 */
export async function migrateToLatest(db: Kysely<DB>): Promise<MigrationReport> {
  const session = await inspectSession(db);
  if (session.owns && session.untrusted.length) {
    throw new Error(
      `refusing to migrate as "${session.role}": ${session.untrusted.join(', ')} (created by another role) could run as "${session.role}" ` +
        `in place of what a migration means to call; drop it, or if it is to be trusted, make "${session.role}" own it (docs/database-roles.md)`,
    );
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
  const total = Object.keys(migrations).length;
  const pending = (await migrator.getMigrations().catch(explainDenied)).filter((m) => m.executedAt === undefined).map((m) => m.name);
  if (pending.length === 0) return { applied: [], total };
  if (!session.owns) {
    throw new Error(`the schema has ${pending.length} migration${pending.length === 1 ? '' : 's'} to run (${pending.join(', ')}), and the role "${session.role}" does not own it: ${OWNER_NEEDED}`);
  }
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((r: MigrationResult) => r.status === 'Error');
  if (error) {
    const which = failed ? ` (migration ${failed.migrationName})` : '';
    const hint = (error as { code?: string }).code === '42501' ? `; ${OWNER_NEEDED}` : '';
    throw new Error(`schema migration failed${which}: ${error instanceof Error ? error.message : String(error)}${hint}`);
  }
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName), total };
}

function explainDenied(error: unknown): never {
  if ((error as { code?: string }).code !== '42501') throw error;
  throw new Error(`cannot read which migrations ran: ${(error as Error).message}; ${OWNER_NEEDED}`);
}

/**
 * Who this session is, whether it owns the log (or no log exists yet), and,
 * for the owner, what another role created that the owner's statements
 * could pick up by name: the application's role may create objects in
 * `public` (a rebuild moves tables in) and schemas, and a function or
 * operator there that matched a call better than the built-in one, or a
 * schema named like the owner (first on its search_path, "$user"), would
 * run or resolve as the owner. Trusted: the owner's own objects, the log
 * owner's, a superuser's. Only catalog names here, schema-qualified.
 */
async function inspectSession(db: Kysely<DB>): Promise<{ role: string; owns: boolean; untrusted: string[] }> {
  const { rows } = await sql<{ role: string; owns: boolean; untrusted: string[] }>`
    with log as (select c.relowner as owner from pg_catalog.pg_class c where c.oid = pg_catalog.to_regclass('public.events'))
    select current_user::text as role,
           coalesce((select pg_catalog.pg_has_role(log.owner, 'USAGE') from log), true) as owns,
           array(select x.what from (
             select 'the function ' || p.oid::pg_catalog.regprocedure::text as what, p.proowner as owner from pg_catalog.pg_proc p
             where p.pronamespace = 'public'::pg_catalog.regnamespace
             union all
             select 'the operator ' || o.oid::pg_catalog.regoperator::text, o.oprowner from pg_catalog.pg_operator o
             where o.oprnamespace = 'public'::pg_catalog.regnamespace
             union all
             select 'the schema ' || pg_catalog.quote_ident(n.nspname), n.nspowner from pg_catalog.pg_namespace n
             where n.nspname = current_user
           ) x join pg_catalog.pg_roles r on r.oid = x.owner
           where not r.rolsuper and r.rolname <> current_user and r.oid is distinct from (select log.owner from log)
           order by 1) as untrusted`.execute(db);
  return rows[0]!;
}

/**
 * Brings the schema of `database` up to date: through `ownerUrl` when given
 * (MIGRATION_DATABASE_URL, `cli migrate --owner-url`), a connection of the
 * schema's owner closed afterwards, then granting the role `database`
 * connects as what the application needs (roles.ts); else through
 * `database` itself, as before roles were split.
 */
export async function migrateDatabase(database: Database, ownerUrl: string | undefined): Promise<MigrationReport> {
  if (ownerUrl === undefined) return migrateToLatest(database.db);
  if (database.kind !== 'postgres') {
    throw new ConfigError('an owner URL (MIGRATION_DATABASE_URL, --owner-url) needs DATABASE_URL: the embedded store has no roles (docs/database-roles.md)');
  }
  const app = await sessionOf(database.db);
  const owner = await openDatabase({ databaseUrl: ownerUrl, maxConnections: 2 });
  try {
    const { database: ownerDatabase } = await sessionOf(owner.db);
    if (ownerDatabase !== app.database) {
      throw new ConfigError(`the owner URL opens the database "${ownerDatabase}", DATABASE_URL "${app.database}": both must name the same database`);
    }
    const report = await migrateToLatest(owner.db);
    await grantApplicationRole(owner.db, app.role);
    return { ...report, grantedTo: app.role };
  } finally {
    await owner.close();
  }
}

async function sessionOf(db: Kysely<DB>): Promise<{ role: string; database: string }> {
  const { rows } = await sql<{ role: string; database: string }>`select current_user::text as role, current_database()::text as database`.execute(db);
  return rows[0]!;
}
