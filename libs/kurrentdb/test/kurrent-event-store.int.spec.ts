import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import {
  EventIdConflictError,
  KyselyEventStore,
  WrongExpectedRevisionError,
  type EventStore,
  type RecordedEvent,
} from '#event-store';
import { createPostgresTestDatabase, describePostgres } from '../../../test/support/databases.js';
import { eventStoreContract, type StoreUnderTest } from '../../event-store/test/event-store.contract.js';
import { makeCertificates } from '../../../test/support/throwaway-certificates.js';
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
  const config = { eventStoreUrl: `kurrentdb://engine:log-host-secret@localhost:${endpoint.port}?tls=true&tlsCAFile=${encodeURIComponent(certificates.caFile)}` };
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

describePostgres('the copy of a KurrentDB log, kept by several processes', () => {
  it('is started by two processes at once on a new database, and each event is copied once', async () => {
    const [logHost, copy] = await Promise.all([createPostgresTestDatabase(), createPostgresTestDatabase()]);
    const certificates = await makeCertificates();
    const endpoint = await startKurrentEndpoint({ store: new KyselyEventStore(logHost.db), access, port: 0, tls: certificates });
    const config = { eventStoreUrl: `kurrentdb://engine:log-host-secret@localhost:${endpoint.port}?tls=true&tlsCAFile=${encodeURIComponent(certificates.caFile)}` };
    // Events in KurrentDB before either process starts: both copy processes race for the first batch.
    const host = new KyselyEventStore(logHost.db);
    for (let i = 0; i < 20; i++) await host.append(`integration-${i % 3}`, [{ eventId: randomUUID(), type: 'Noted', data: { i } }]);
    const [a, b] = await Promise.all([openEventStore(config, copy), openEventStore(config, copy)]);
    try {
      await a.store.append('integration-x', [{ eventId: randomUUID(), type: 'Noted', data: { i: 20 } }]);
      await b.store.append('integration-y', [{ eventId: randomUUID(), type: 'Noted', data: { i: 21 } }]);
      const copied = await new KyselyEventStore(copy.db).readAll();
      expect(copied.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 22 }, (_, i) => i));
      expect([a.mirror!.status().stopped, b.mirror!.status().stopped]).toEqual([null, null]);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await endpoint.close();
      await Promise.all([logHost.close(), copy.close()]);
      await rm(certificates.dir, { recursive: true, force: true });
    }
  });
});

/**
 * The same contract on a real KurrentDB (26.1 or later: multi-stream
 * appends use AppendRecords) when KURRENTDB_TEST_URL names one, e.g. one
 * started by
 *   docker run --rm -p 2113:2113 -e KURRENTDB_INSECURE=true -e KURRENTDB_MEM_DB=true docker.kurrent.io/kurrent-latest/kurrentdb:latest
 * with KURRENTDB_TEST_URL=kurrentdb://127.0.0.1:2113?tls=false (docs/kurrentdb.md).
 * A KurrentDB cannot be emptied: each test writes under a stream-name
 * prefix of its own, which the copy alone follows, and which the store the
 * contract sees takes off again.
 */
const realServer = process.env['KURRENTDB_TEST_URL'];

async function adapterOnRealKurrentDB(): Promise<StoreUnderTest> {
  const copy = await createPostgresTestDatabase();
  const config = { eventStoreUrl: realServer! };
  let prefix = `t${randomUUID().slice(0, 8)}-`;
  let opened: OpenedEventStore = await openEventStore(config, copy, undefined, { onlyStreamsStartingWith: prefix });
  let store = prefixed(opened.store, prefix);
  return {
    get store() {
      return store;
    },
    db: copy.db,
    reset: async () => {
      await opened.close();
      await copy.truncateAll();
      prefix = `t${randomUUID().slice(0, 8)}-`;
      opened = await openEventStore(config, copy, undefined, { onlyStreamsStartingWith: prefix });
      store = prefixed(opened.store, prefix);
    },
    close: async () => {
      await opened.close();
      await copy.close();
    },
  };
}

/** The store with every stream name under a prefix (added on the way in, taken off on the way out, errors included). */
function prefixed(inner: EventStore, prefix: string): EventStore {
  const out = (e: RecordedEvent): RecordedEvent => ({ ...e, streamId: e.streamId.slice(prefix.length) });
  // No name stays no name: the store must still refuse it.
  const named = (streamId: string) => (streamId === '' ? '' : prefix + streamId);
  const bare = (streamId: string) => (streamId.startsWith(prefix) ? streamId.slice(prefix.length) : streamId);
  const errors = async <T>(work: Promise<T>): Promise<T> =>
    work.catch((error: unknown) => {
      if (error instanceof WrongExpectedRevisionError) throw new WrongExpectedRevisionError(bare(error.streamId), error.expected, error.actual);
      if (error instanceof EventIdConflictError) throw new EventIdConflictError(bare(error.streamId), error.eventIds);
      throw error;
    });
  return {
    append: (streamId, events, expected) => errors(inner.append(named(streamId), events, expected)),
    appendMultiple: (appends) => errors(inner.appendMultiple(appends.map((a) => ({ ...a, streamId: named(a.streamId) })))),
    appendBatch: (streams, events) =>
      errors(inner.appendBatch(streams.map((st) => ({ ...st, streamId: named(st.streamId) })), events.map((e) => ({ ...e, streamId: named(e.streamId) })))),
    readEvents: async (ids) => (await inner.readEvents(ids)).map(out),
    readStream: async (streamId, options) => (await inner.readStream(named(streamId), options)).map(out),
    readStreams: async (ids) => new Map([...(await inner.readStreams(ids.map(named)))].map(([id, events]) => [bare(id), events.map(out)])),
    streamRevision: (streamId) => inner.streamRevision(named(streamId)),
    readAll: async (options) => (await inner.readAll(options)).map(out),
    subscribeToAll: (options) => ({
      async *[Symbol.asyncIterator]() {
        for await (const e of inner.subscribeToAll(options)) yield out(e);
      },
    }),
    headPosition: () => inner.headPosition(),
  };
}

if (realServer) {
  describePostgres('event store contract [KurrentDB adapter → a real KurrentDB, KURRENTDB_TEST_URL]', () => {
    eventStoreContract(adapterOnRealKurrentDB);
  });
} else {
  describe('event store contract [KurrentDB adapter → a real KurrentDB]', () => {
    it.skip('needs KURRENTDB_TEST_URL: no KurrentDB server can be installed on this machine (docs/kurrentdb.md gives the docker run line)', () => undefined);
  });
}
