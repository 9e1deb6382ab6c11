import { KyselyEventStore } from '#event-store';
import { describeTarget, loadConfig, migrateDatabase, openDatabase, targetOf, type Database } from '#persistence';

/**
 * Opens the configured store (DATABASE_URL, else DATA_DIR), migrated (as
 * its owner, with MIGRATION_DATABASE_URL), for one CLI command, and closes
 * it afterwards whatever happens.
 */
export async function withStore<T>(
  work: (ctx: { database: Database; store: KyselyEventStore }) => Promise<T>,
  /** `asOwner`: the work itself runs as the owner (MIGRATION_DATABASE_URL, when set): a one-time migration of the log. */
  options: { quiet?: boolean; asOwner?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  const target = options.asOwner && config.migrationDatabaseUrl !== undefined ? { databaseUrl: config.migrationDatabaseUrl } : targetOf(config);
  if (!options.quiet) console.error(`store: ${describeTarget(target)}`);
  const database = await openDatabase(target);
  try {
    await migrateDatabase(database, options.asOwner ? undefined : config.migrationDatabaseUrl);
    return await work({ database, store: new KyselyEventStore(database.db) });
  } finally {
    await database.close();
  }
}
