import { rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
// The older client first: both register their generated classes in one global namespace, and the
// newer's (a superset, which the engine alone loads) must be the ones left.
import { AccessDeniedError as EsdbAccessDeniedError, EventStoreDBClient } from '@eventstore/db-client';
import { AccessDeniedError, jsonEvent, KurrentDBClient, START, type ResolvedEvent } from '@kurrent/kurrentdb-client';
import { describePostgres } from '../../../test/support/databases.js';
import { makeCertificates, type Certificates } from '../../../test/support/throwaway-certificates.js';
import { creditCode } from '../../../libs/domain/test/spec-helpers.js';
import { freePort, startTestApi, type TestApi } from './support/api-client.js';

const WATCHED = creditCode(901);
const ELSEWHERE = creditCode(902);

const SETUP = [
  { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
  { type: 'DefineArea', areaId: 'NK', kind: 'subdistrict', name: '南坑街道', parentId: 'LG' },
  { type: 'DefineArea', areaId: 'HG', kind: 'subdistrict', name: '横岗街道', parentId: 'LG' },
  { type: 'RegisterEnterprise', creditCode: WATCHED, name: 'A', areaId: 'NK', headcount: 120, occurredOn: '2024-01-01' },
  { type: 'RegisterEnterprise', creditCode: ELSEWHERE, name: 'B', areaId: 'HG', headcount: 30, occurredOn: '2024-01-01' },
];

/**
 * The engine's KurrentDB endpoint as an integrator meets it: the official
 * clients, unmodified, over TLS, with an API token as the password; what
 * each role may read and append (docs/kurrentdb.md).
 */
describePostgres('the KurrentDB endpoint of a running engine', () => {
  let api: TestApi;
  let tls: Certificates;
  let port: number;
  const tokens: Record<string, string> = {};
  const clients: Array<{ dispose(): Promise<void> }> = [];

  /** A kurrentdb client with this token as the password (none: no credentials). */
  const kurrent = (token?: string) => {
    const credentials = token ? `integrator:${token}@` : '';
    const client = KurrentDBClient.connectionString(`kurrentdb://${credentials}localhost:${port}?tls=true&tlsCAFile=${encodeURIComponent(tls.caFile)}`);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    tls = await makeCertificates();
    port = await freePort();
    api = await startTestApi('postgres', { GRPC_PORT: String(port), GRPC_TLS_CERT_FILE: tls.certFile, GRPC_TLS_KEY_FILE: tls.keyFile });
    const { body } = await api.post('/api/commands', SETUP);
    expect(body.filter((r: { ok: boolean }) => !r.ok)).toEqual([]);
    tokens['admin'] = api.adminToken;
    tokens['federationNK'] = await api.issue('federation', 'NK');
    tokens['auditorHG'] = await api.issue('auditor', 'HG');
    tokens['viewer'] = await api.issue('viewer', 'LG');
    tokens['engine'] = await api.issue('engine');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await api?.close();
    if (tls) rmSync(tls.dir, { recursive: true, force: true });
  });

  it("follows one enterprise's stream while commands about it arrive over HTTP: in order, each event once", async () => {
    const subscription = kurrent(tokens['federationNK']).subscribeToStream(`enterprise-${WATCHED}`, { fromRevision: START });
    const caughtUp = new Promise((resolve) => subscription.once('caughtUp', resolve));
    const seen: ResolvedEvent[] = [];
    const received = (async () => {
      for await (const resolved of subscription) {
        seen.push(resolved);
        if (seen.length === 4) break;
      }
    })();
    await caughtUp;
    for (const [i, headcount] of [130, 140, 150].entries()) {
      const { status } = await api.post('/api/commands', { type: 'ReportHeadcount', creditCode: WATCHED, headcount, occurredOn: `2024-0${i + 2}-01` });
      expect(status).toBe(200);
    }
    await received;
    await subscription.unsubscribe();
    expect(seen.map((r) => [r.event!.type, Number(r.event!.revision)])).toEqual([
      ['EnterpriseRegistered', 0],
      ['HeadcountReported', 1],
      ['HeadcountReported', 2],
      ['HeadcountReported', 3],
    ]);
    expect(seen.slice(1).map((r) => (r.event!.data as { headcount: number }).headcount)).toEqual([130, 140, 150]);
    // The record's metadata carries the business date and who recorded the fact, never more than the log holds.
    expect(seen[1]!.event!.metadata).toMatchObject({ $occurredOn: '2024-02-01' });
  });

  it("reads only the caller's area: a federation's own enterprises, not another community's", async () => {
    const nk = kurrent(tokens['federationNK']);
    await expect(collect(nk.readStream(`enterprise-${ELSEWHERE}`))).rejects.toBeInstanceOf(AccessDeniedError);
    const streams = new Set((await collect(nk.readAll())).map((r) => r.event!.streamId));
    expect(streams).toContain(`enterprise-${WATCHED}`);
    expect(streams).toContain('area-NK');
    expect(streams).not.toContain(`enterprise-${ELSEWHERE}`);
    expect(streams).not.toContain('access-tokens');
    const hg = new Set((await collect(kurrent(tokens['auditorHG']).readAll())).map((r) => r.event!.streamId));
    expect([...hg].sort()).toEqual(['area-HG', `enterprise-${ELSEWHERE}`]);
  });

  it('refuses a viewer, a missing credential and a wrong one (both clients)', async () => {
    await expect(collect(kurrent(tokens['viewer']).readAll())).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(collect(kurrent().readAll())).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(collect(kurrent(`uce_0123456789abcdef_${'x'.repeat(43)}`).readAll())).rejects.toBeInstanceOf(AccessDeniedError);
    const esdb = EventStoreDBClient.connectionString(`esdb://someone:${'not-a-token'}@localhost:${port}?tls=true&tlsCAFile=${encodeURIComponent(tls.caFile)}`);
    clients.push(esdb);
    await expect(esdb.appendToStream('integration-x', jsonEvent({ type: 'Noted', data: {} }))).rejects.toBeInstanceOf(EsdbAccessDeniedError);
  });

  it("lets an admin append to a stream of its own, never to the domain's, and nobody delete", async () => {
    const admin = kurrent(tokens['admin']);
    const before = await api.eventCount();
    const domain = await admin.appendToStream(`enterprise-${WATCHED}`, jsonEvent({ type: 'HeadcountReported', data: { creditCode: WATCHED, headcount: 1 } })).catch((e) => e);
    expect(domain).toBeInstanceOf(AccessDeniedError);
    expect(await api.eventCount()).toBe(before);
    const federation = await kurrent(tokens['federationNK']).appendToStream('integration-crm', jsonEvent({ type: 'Noted', data: {} })).catch((e) => e);
    expect(federation).toBeInstanceOf(AccessDeniedError);

    const id = randomUUID();
    const own = await admin.appendToStream('integration-crm', jsonEvent({ id, type: 'ContactSynced', data: { batch: 1 } }));
    expect(own.nextExpectedRevision).toBe(0n);
    expect(await api.eventCount()).toBe(before + 1);
    // The figures are the commands' alone.
    const { body } = await api.get('/api/coverage?areaId=LG&asOf=2024-12-31');
    expect(body.bands['100+'].active).toBe(1);
    await expect(admin.deleteStream('integration-crm')).rejects.toBeInstanceOf(AccessDeniedError);
    expect(await api.eventCount()).toBe(before + 1);
  });

  it('gives an engine token the log, and nothing of the HTTP API', async () => {
    const engine = kurrent(tokens['engine']);
    const all = await collect(engine.readAll());
    expect(all.some((r) => r.event!.streamId === 'access-tokens')).toBe(true);
    expect((await api.get('/api/coverage?areaId=LG&asOf=2024-12-31', tokens['engine'])).status).toBe(403);
    expect((await api.post('/api/commands', { type: 'ReportHeadcount', creditCode: WATCHED, headcount: 9, occurredOn: '2024-06-01' }, tokens['engine'])).status).toBe(403);
  });
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
