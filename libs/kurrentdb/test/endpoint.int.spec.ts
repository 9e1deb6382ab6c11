import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { credentials as grpcCredentials } from '@grpc/grpc-js';
import * as esdb from '@eventstore/db-client';
import * as kurrent from '@kurrent/kurrentdb-client';
import serverFeaturesGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_grpc_pb.js';
import sharedPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb.js';
import type { SupportedMethods } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_pb.js';
import { KyselyEventStore } from '#event-store';
import { createPGliteTestDatabase, type TestDatabase } from '../../../test/support/databases.js';
import { KURRENT_ENDPOINT_SERVER_VERSION, startKurrentEndpoint, type KurrentEndpoint } from '../src/index.js';
import { makeCertificates, type Certificates } from '../../../test/support/throwaway-certificates.js';
import { collect, endpointSuite, record, tableAccess, until } from './endpoint.suite.js';

describe('KurrentDB endpoint [PGlite]', () => {
  endpointSuite(createPGliteTestDatabase);
});

describe('KurrentDB endpoint: connecting, plain connections, closing', () => {
  let database: TestDatabase;
  let certificates: Certificates;
  let store: KyselyEventStore;
  beforeAll(async () => {
    [database, certificates] = await Promise.all([createPGliteTestDatabase(), makeCertificates()]);
    store = new KyselyEventStore(database.db);
  });
  afterAll(async () => {
    await database?.close();
    await rm(certificates.dir, { recursive: true, force: true });
  });

  const tls = () => ({ cert: certificates.cert, key: certificates.key });
  const secureUrl = (scheme: string, endpoint: KurrentEndpoint) =>
    `${scheme}://admin:admin-token@localhost:${endpoint.port}?tls=true&tlsCAFile=${encodeURIComponent(certificates.caFile)}`;

  it('answers the server-features probe without credentials: what it serves, and no BatchAppend (appends go through Append)', async () => {
    const endpoint = await startKurrentEndpoint({ store, access: tableAccess, port: 0, tls: tls() });
    const probe = new serverFeaturesGrpc.ServerFeaturesClient(`localhost:${endpoint.port}`, grpcCredentials.createSsl(await readFile(certificates.caFile)));
    try {
      const features = await new Promise<SupportedMethods>((resolve, reject) =>
        probe.getSupportedMethods(new sharedPb.Empty(), (error, answer) => (error ? reject(error) : resolve(answer!))),
      );
      expect(features.getEventStoreServerVersion()).toBe(KURRENT_ENDPOINT_SERVER_VERSION);
      expect(features.getMethodsList().map((m) => `${m.getServiceName()}/${m.getMethodName()}`).sort()).toEqual([
        'event_store.client.server_features.serverfeatures/getsupportedmethods',
        'event_store.client.streams.streams/append',
        'event_store.client.streams.streams/read',
        'kurrentdb.protocol.v2.streams.streamsservice/appendrecords',
      ]);
    } finally {
      probe.close();
      await endpoint.close();
    }
  });

  it('refuses to start without a TLS choice: plain gRPC only where configured', async () => {
    await expect(startKurrentEndpoint({ store, access: tableAccess, port: 0 })).rejects.toThrow('needs tls');
  });

  it('on a plain connection the Node clients send no credentials, so their appends and subscriptions are refused', async () => {
    const endpoint = await startKurrentEndpoint({ store, access: tableAccess, port: 0, tls: 'insecure' });
    const older = esdb.EventStoreDBClient.connectionString(`esdb://admin:admin-token@127.0.0.1:${endpoint.port}?tls=false`);
    const newer = kurrent.KurrentDBClient.connectionString(`kurrentdb://admin:admin-token@127.0.0.1:${endpoint.port}?tls=false`);
    try {
      const stream = `enterprise-${randomUUID()}`;
      await expect(older.appendToStream(stream, esdb.jsonEvent({ type: 'Registered', data: {} }))).rejects.toBeInstanceOf(esdb.AccessDeniedError);
      await expect(newer.appendToStream(stream, kurrent.jsonEvent({ type: 'Registered', data: {} }))).rejects.toBeInstanceOf(kurrent.AccessDeniedError);
      // The kurrentdb client reads through its Rust bridge, which does send them.
      await store.append(stream, [{ eventId: randomUUID(), type: 'Registered', data: {} }]);
      expect((await collect(newer.readStream(stream))).map((e) => e.type)).toEqual(['Registered']);
    } finally {
      await Promise.all([older.dispose(), newer.dispose()]);
      await endpoint.close();
    }
  });

  it('closes promptly, ending open subscriptions', async () => {
    const endpoint = await startKurrentEndpoint({ store, access: tableAccess, port: 0, tls: tls() });
    const client = kurrent.KurrentDBClient.connectionString(secureUrl('kurrentdb', endpoint));
    try {
      const subscription = client.subscribeToAll({ fromPosition: 'end' });
      const log = record(subscription);
      const ended = new Promise<unknown>((resolve) => {
        subscription.on('error', resolve);
        subscription.on('end', () => resolve('end'));
      });
      await until(() => log.includes('caughtUp'), 'caught up');

      const started = Date.now();
      await endpoint.close();
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(await ended).toBeInstanceOf(kurrent.UnavailableError);
    } finally {
      await client.dispose();
    }
  });
});
