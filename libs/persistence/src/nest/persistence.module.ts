import { Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { openEventStore, type OpenedEventStore } from '#kurrentdb';
import type { EngineConfig } from '../config.js';
import { describeTarget, openDatabase, targetOf, type Database, type DatabaseTarget } from '../database.js';
import { migrateDatabase } from '../migrate.js';
import { openReadReplicas, type ReadReplicas } from '../read-replicas.js';

/** Injection tokens. */
export const DATABASE = Symbol('DATABASE');
export const EVENT_STORE = Symbol('EVENT_STORE');
/** The OpenedEventStore: the store, and whether its log is the database's own. */
export const OPENED_STORE = Symbol('OPENED_STORE');
/** The read replicas (READ_DATABASE_URL), or null. */
export const READ_REPLICAS = Symbol('READ_REPLICAS');

/**
 * Opens the database named by the configuration, migrates it to the latest
 * schema before anything else starts (as its owner, with
 * MIGRATION_DATABASE_URL), and closes it on shutdown. Provides the
 * Database and the EventStore to every other module: the database's own
 * log, or KurrentDB's (EVENTSTORE_URL) with its copy in the database —
 * and the read replicas the query routes read from (READ_DATABASE_URL).
 */
@Module({})
export class PersistenceModule implements OnApplicationShutdown {
  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(OPENED_STORE) private readonly opened: OpenedEventStore,
    @Inject(READ_REPLICAS) private readonly replicas: ReadReplicas | null,
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
        {
          provide: READ_REPLICAS,
          useFactory: (database: Database): Promise<ReadReplicas> | null =>
            config.readReplicas ? openReadReplicas(config.readReplicas, database, new Logger('ReadReplicas')) : null,
          inject: [DATABASE],
        },
      ],
      exports: [DATABASE, EVENT_STORE, OPENED_STORE, READ_REPLICAS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.replicas?.close();
    await this.opened.close();
    await this.database.close();
  }
}
