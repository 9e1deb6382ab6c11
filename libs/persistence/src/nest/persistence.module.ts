import { Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { openEventStore, type OpenedEventStore } from '#kurrentdb';
import type { EngineConfig } from '../config.js';
import { describeTarget, openDatabase, targetOf, type Database, type DatabaseTarget } from '../database.js';
import { migrateDatabase } from '../migrate.js';

/** Injection tokens. */
export const DATABASE = Symbol('DATABASE');
export const EVENT_STORE = Symbol('EVENT_STORE');
/** The OpenedEventStore: the store, and whether its log is the database's own. */
export const OPENED_STORE = Symbol('OPENED_STORE');

/**
 * Opens the database named by the configuration, migrates it to the latest
 * schema before anything else starts (as its owner, with
 * MIGRATION_DATABASE_URL), and closes it on shutdown. Provides the
 * Database and the EventStore to every other module: the database's own
 * log, or KurrentDB's (EVENTSTORE_URL) with its copy in the database.
 */
@Module({})
export class PersistenceModule implements OnApplicationShutdown {
  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(OPENED_STORE) private readonly opened: OpenedEventStore,
  ) {}

  static forRoot(config: EngineConfig): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      providers: [
        {
          provide: DATABASE,
          useFactory: async (): Promise<Database> => {
            const logger = new Logger('Persistence');
            const target = targetOf(config);
            logger.log(`opening ${describeTarget(target)}`);
            const database = await openDatabase(target);
            const { applied, total, grantedTo } = await migrateDatabase(database, config.migrationDatabaseUrl);
            const roles = grantedTo ? `, by its owner (MIGRATION_DATABASE_URL); the role ${grantedTo} may append to the log, not rewrite it` : '';
            logger.log(`schema up to date (${total} migrations, ${applied.length} applied now)${roles}`);
            return database;
          },
        },
        {
          provide: OPENED_STORE,
          useFactory: async (database: Database): Promise<OpenedEventStore> => {
            const logger = new Logger('EventStore');
            const opened = await openEventStore(config, database, logger);
            if (opened.mirror) logger.log(`the log of record: ${opened.location}`);
            return opened;
          },
          inject: [DATABASE],
        },
        { provide: EVENT_STORE, useFactory: (opened: OpenedEventStore) => opened.store, inject: [OPENED_STORE] },
      ],
      exports: [DATABASE, EVENT_STORE, OPENED_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.opened.close();
    await this.database.close();
  }
}
