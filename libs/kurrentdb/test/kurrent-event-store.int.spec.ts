import { KyselyEventStore } from '#event-store';
import { createPostgresTestDatabase, describePostgres } from '../../../test/support/databases.js';
import { eventStoreContract, type StoreUnderTest } from '../../event-store/test/event-store.contract.js';
import { makeCertificates } from '../../../test/support/tls.js';
import { openEventStore, startKurrentEndpoint, type LogAccess, type OpenedEventStore } from '../src/index.js';

/** The engine that keeps the log: a caller holding its one password may do everything. */
const access: LogAccess = {
  authenticate: async (credentials) =>
    credentials?.password === 'log-host-secret' ? { reads: true, canSee: async () => true, appendRefusal: () => undefined } : undefined,
};

/**
 * The adapter — the engine's log kept in KurrentDB, read from its copy —
 * against a real KurrentDB protocol endpoint: another engine's, serving its
 * own PostgreSQL log over gRPC. The same contract as the other backends.
 */
async function adapterThroughTheEndpoint(): Promise<StoreUnderTest> {
  const logHost = await createPostgresTestDatabase();
  const copy = await createPostgresTestDatabase();
  // Over TLS: the official clients send no credentials over a plain connection.
  const certificates = await makeCertificates();
  const endpoint = await startKurrentEndpoint({ store: new KyselyEventStore(logHost.db), access, host: '127.0.0.1', port: 0, tls: certificates });
  const config = { eventStoreUrl: `kurrentdb://engine:log-host-secret@127.0.0.1:${endpoint.port}?tls=true&tlsCAFile=${encodeURIComponent(certificates.caFile)}` };
  let opened: OpenedEventStore = await openEventStore(config, copy);
  return {
    get store() {
      return opened.store;
    },
    db: copy.db,
    reset: async () => {
      await opened.close();
      await logHost.truncateAll();
      await copy.truncateAll();
      opened = await openEventStore(config, copy);
    },
    close: async () => {
      await opened.close();
      await endpoint.close();
      await Promise.all([logHost.close(), copy.close()]);
    },
  };
}

describePostgres('event store contract [KurrentDB adapter → the engine\'s own endpoint]', () => {
  eventStoreContract(adapterThroughTheEndpoint);
});
