import { AreaDirectory } from '#commands';
import type { Principal } from '#domain';
import { openEventStore } from '#kurrentdb';
import { migrateDatabase, openDatabase, targetOf, type EngineConfig } from '#persistence';
import { callAdminChannel, handleTokenRequest, type ChannelAnswer, type ChannelRequest } from './admin-channel.js';
import { TokenRegistry } from './token-registry.js';

/**
 * A token request of the machine's operator (the CLI's `token` commands):
 * to the API running on the embedded store through its local channel, or —
 * on PostgreSQL, or with no API holding DATA_DIR — on the store directly.
 */
export async function requestTokens(config: EngineConfig, body: ChannelRequest, operator: Principal): Promise<ChannelAnswer> {
  const viaServer = config.databaseUrl === undefined ? await callAdminChannel(config.dataDir, body) : undefined;
  if (viaServer) return viaServer;
  const database = await openDatabase(targetOf(config));
  try {
    await migrateDatabase(database, config.migrationDatabaseUrl);
    const { store, close } = await openEventStore(config, database);
    try {
      return await handleTokenRequest(new TokenRegistry(store, new AreaDirectory(store)), body, operator);
    } finally {
      await close();
    }
  } finally {
    await database.close();
  }
}
