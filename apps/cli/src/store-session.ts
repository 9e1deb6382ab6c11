import type { EventStore } from '#event-store';
import { openEventStore, type OpenedEventStore } from '#kurrentdb';
import { describeTarget, loadConfig, migrateDatabase, openDatabase, targetOf, type Database } from '#persistence';

/**
 * Opens the configured store (DATABASE_URL, else DATA_DIR; the log in
 * KurrentDB when EVENTSTORE_URL is set), migrated (as its owner, with
 * MIGRATION_DATABASE_URL), for one CLI command, and closes it afterwards
 * whatever happens.
 */
export async function withStore<T>(
  work: (ctx: {
    database: Database;
    store: EventStore;
    /** Set when the log of record is KurrentDB's: the store, for the policies' commands. */
    recordIn: EventStore | undefined;
    /** Set when the log of record is KurrentDB's: compares the copy the engine reads with it. */
    compareWithSource: OpenedEventStore['compareWithSource'];
  }) => Promise<T>,
  /** `asOwner`: the work itself runs as the owner (MIGRATION_DATABASE_URL, when set): a one-time migration of the log. */
  options: { quiet?: boolean; asOwner?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  const target = options.asOwner && config.migrationDatabaseUrl !== undefined ? { databaseUrl: config.migrationDatabaseUrl } : targetOf(config);
  if (!options.quiet) console.error(`store: ${describeTarget(target)}`);
  const database = await openDatabase(target);
  try {
    await migrateDatabase(database, options.asOwner ? undefined : config.migrationDatabaseUrl);
    const opened = await openEventStore(config, database, options.quiet ? undefined : { log: () => undefined, warn: (m) => console.error(m), error: (m) => console.error(m) });
    try {
      return await work({ database, store: opened.store, recordIn: opened.mirror && opened.store, compareWithSource: opened.compareWithSource });
    } finally {
      await opened.close();
    }
  } finally {
    await database.close();
  }
}
