import { Migrator, type Kysely, type MigrationResult } from 'kysely';
import { migrations } from './migrations/index.js';
import type { DB } from './schema/db.js';

export interface MigrationReport {
  readonly applied: string[];
  readonly total: number;
}

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<DB>): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((r: MigrationResult) => r.status === 'Error');
  if (error) {
    const which = failed ? ` (migration ${failed.migrationName})` : '';
    throw new Error(`schema migration failed${which}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName),
    total: Object.keys(migrations).length,
  };
}
