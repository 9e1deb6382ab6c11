import { rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { jsonEvent, KurrentDBClient, START } from '@kurrent/kurrentdb-client';
import { KyselyEventStore } from '#event-store';
import { createPGliteTestDatabase, type TestDatabase } from '../../../test/support/databases.js';
import { makeCertificates, type Certificates } from '../../../test/support/throwaway-certificates.js';
import { startKurrentEndpoint, type KurrentEndpoint, type LogAccess } from '../src/index.js';

/** Waits for a condition (this file loads only the newer client: see endpoint.suite.ts on loading both). */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); await new Promise((resolve) => setTimeout(resolve, 20))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

describe('KurrentDB endpoint: a subscription lasts as long as its credentials', () => {
  let database: TestDatabase;
  let certificates: Certificates;
  let endpoint: KurrentEndpoint;
  let client: KurrentDBClient;
  /** The tokens that still hold: revoking one takes it out. */
  const valid = new Set(['reader-token', 'admin-token']);
  const access: LogAccess = {
    authenticate: async (credentials) =>
      credentials && valid.has(credentials.password) ? { reads: true, canSee: async () => true, appendRefusal: () => undefined } : undefined,
  };

  beforeAll(async () => {
    [database, certificates] = await Promise.all([createPGliteTestDatabase(), makeCertificates()]);
    endpoint = await startKurrentEndpoint({ store: new KyselyEventStore(database.db), access, port: 0, tls: certificates, recheckCredentialsMs: 100 });
  });
  afterAll(async () => {
    await client?.dispose();
    await endpoint?.close();
    await database?.close();
    await rm(certificates.dir, { recursive: true, force: true });
  });

  it('ends with the token revoked, and takes no more events', async () => {
    const url = (token: string) => `kurrentdb://reader:${token}@localhost:${endpoint.port}?tls=true&tlsCAFile=${encodeURIComponent(certificates.caFile)}`;
    client = KurrentDBClient.connectionString(url('reader-token'));
    const admin = KurrentDBClient.connectionString(url('admin-token'));
    try {
      const subscription = client.subscribeToAll({ fromPosition: START });
      const seen: string[] = [];
      let ended: unknown;
      subscription.on('data', (resolved) => resolved.event && seen.push(resolved.event.type));
      subscription.on('error', (error) => (ended = error));
      await admin.appendToStream('integration-a', jsonEvent({ id: randomUUID(), type: 'Before', data: {} }));
      await until(() => seen.length === 1, 'the first event');

      valid.delete('reader-token');
      await until(() => ended !== undefined, 'the subscription to end');
      expect(String(ended)).toMatch(/no longer hold/);
      await admin.appendToStream('integration-a', jsonEvent({ id: randomUUID(), type: 'After', data: {} }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen).toEqual(['Before']);
    } finally {
      await admin.dispose();
    }
  });
});
