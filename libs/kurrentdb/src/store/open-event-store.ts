import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { KyselyEventStore, type EventStore } from '#event-store';
import type { Database, EngineConfig } from '#persistence';
import { compareCopyWithSource, type CopyComparison } from './compare-copy.js';
import { KurrentEventStore } from './kurrent-event-store.js';
import { LogMirror, type LogMirrorOptions } from './log-mirror.js';

export interface OpenedEventStore {
  readonly store: EventStore;
  /** Where the log of record is, for logs and reports (no credentials). */
  readonly location: string;
  /** With KurrentDB: the copy of its log, which the engine reads. */
  readonly mirror: LogMirror | undefined;
  /** With KurrentDB: compares the copy with KurrentDB's log, event by event (`cli verify`). */
  readonly compareWithSource: ((options?: Parameters<typeof compareCopyWithSource>[2]) => Promise<CopyComparison>) | undefined;
  close(): Promise<void>;
}

/**
 * The event store the configuration names: KurrentDB when EVENTSTORE_URL is
 * set (appends there; the engine's copy of the log, kept in the database,
 * for reads — started here), else the log tables of the database itself.
 */
export async function openEventStore(
  config: Pick<EngineConfig, 'eventStoreUrl'>,
  database: Database,
  logger?: LogMirrorOptions['logger'],
  mirrorOptions: Pick<LogMirrorOptions, 'onlyStreamsStartingWith'> = {},
): Promise<OpenedEventStore> {
  const local = new KyselyEventStore(database.db);
  if (config.eventStoreUrl === undefined) return { store: local, location: database.location, mirror: undefined, compareWithSource: undefined, close: async () => undefined };
  const source = withoutCredentials(config.eventStoreUrl);
  // The client accepts esdb:// but warns on the console that it is deprecated: the same server, under its new name.
  const client = KurrentDBClient.connectionString(config.eventStoreUrl.replace(/^esdb/, 'kurrentdb'));
  const mirror = new LogMirror(client, database.db, { source, ...mirrorOptions, ...(logger ? { logger } : {}) });
  try {
    await mirror.start();
  } catch (error) {
    await client.dispose();
    throw error;
  }
  return {
    store: new KurrentEventStore(client, mirror, local),
    location: `KurrentDB at ${source} (the engine's copy in ${database.location})`,
    mirror,
    compareWithSource: (options) => compareCopyWithSource(client, database.db, options),
    close: async () => {
      await mirror.stop();
      await client.dispose();
    },
  };
}

/** A connection string without its credentials and options: the server, as records and logs name it. */
export function withoutCredentials(url: string): string {
  return url.replace(/^esdb/, 'kurrentdb').replace(/\/\/[^@/]*@/, '//').replace(/[?#].*$/, '');
}
