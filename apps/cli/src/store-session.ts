import { KyselyEventStore } from '#event-store';
import { describeTarget, loadConfig, migrateToLatest, openDatabase, targetOf, type Database } from '#persistence';

/**
 * Opens the configured store (DATABASE_URL, else DATA_DIR), migrated, for
 * one CLI command, and closes it afterwards whatever happens.
 */
export async function withStore<T>(
  work: (ctx: { database: Database; store: KyselyEventStore }) => Promise<T>,
  options: { quiet?: boolean } = {},
): Promise<T> {
  const target = targetOf(loadConfig());
  if (!options.quiet) console.error(`store: ${describeTarget(target)}`);
  const database = await openDatabase(target);
  try {
    await migrateToLatest(database.db);
    return await work({ database, store: new KyselyEventStore(database.db) });
  } finally {
    await database.close();
  }
}
