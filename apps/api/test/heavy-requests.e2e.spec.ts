import { creditCode, residentId } from '../../../libs/domain/test/spec-helpers.js';
import { describePostgres } from '../../../test/support/databases.js';
import { startTestApi, type TestApi } from './support/api-client.js';

/**
 * Heavy requests (docs/domain.md, "Limits"): an array of more than 10,000
 * commands is refused with 413 TOO_MANY_COMMANDS, a body over 10 MB with 413
 * PAYLOAD_TOO_LARGE as it arrives, and another client's coverage queries meanwhile
 * answer with a p99 under 1 s (the bound docs/domain.md states). A
 * mass-joining ceremony of 5,000 sign-ups fits in one request; on PostgreSQL
 * another client's queries meanwhile stay under 2.5 s (at most the 2 s
 * freshness wait for what the server acknowledged, and the query); on the
 * embedded store they share its one connection with the ceremony and may
 * wait for it (measured, not bounded: docs/domain.md).
 */

const setup = [
  { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
  { type: 'RegisterEnterprise', creditCode: creditCode(601), name: '某物流', areaId: 'LG', headcount: 6000, occurredOn: '2022-01-01' },
  { type: 'FoundEnterpriseUnion', unionId: 'U-1', creditCode: creditCode(601), occurredOn: '2022-01-02' },
];
const join = (i: number) => ({ type: 'JoinUnion', memberId: `M${i}`, personId: residentId(i % 1000, `19${70 + Math.floor(i / 1000)}0101`), name: '会员', unionId: 'U-1', occurredOn: '2022-03-01' });

/** Latencies of queries sent one after another by another client while `work` runs, in ms. */
async function whileRunning(api: TestApi, work: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  void work.finally(() => (done = true));
  while (!done || latencies.length < 5) {
    const started = performance.now();
    const answer = await api.get('/api/coverage?areaId=LG&asOf=2022-06-30');
    expect(answer.status).toBe(200);
    latencies.push(performance.now() - started);
  }
  await work;
  return latencies;
}
const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.99))]!;

function heavySuite(backend: 'pglite' | 'postgres') {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(backend);
    expect((await api.post('/api/commands', setup)).body.every((r: { ok: boolean }) => r.ok)).toBe(true);
  }, 60_000);
  afterAll(() => api?.close());

  it('refuses an array of more than 10,000 commands with 413 TOO_MANY_COMMANDS, writing nothing', async () => {
    const before = await api.eventCount();
    const answer = await api.post('/api/commands', Array.from({ length: 10_001 }, (_, i) => join(i)));
    expect(answer).toMatchObject({ status: 413, body: { error: 'TOO_MANY_COMMANDS', message: expect.stringContaining('at most 10000 commands') } });
    expect(await api.eventCount()).toBe(before);
  });

  it('refuses a 100,000-command body as it arrives (413 PAYLOAD_TOO_LARGE) while another client queries coverage unhindered', async () => {
    const before = await api.eventCount();
    const body = JSON.stringify(Array.from({ length: 100_000 }, (_, i) => join(i)));
    expect(body.length).toBeGreaterThan(10 * 1024 * 1024);
    const big = api.post('/api/commands', body);
    const latencies = await whileRunning(api, big);
    expect(await big).toMatchObject({ status: 413, body: { error: 'PAYLOAD_TOO_LARGE' } });
    expect(p99(latencies)).toBeLessThan(1000);
    expect(await api.eventCount()).toBe(before);
  });

  it('records a ceremony of 5,000 sign-ups in one request, while another client queries coverage', async () => {
    const big = api.post('/api/commands', Array.from({ length: 5_000 }, (_, i) => join(i)));
    const latencies = await whileRunning(api, big);
    const { status, body } = await big;
    expect(status).toBe(200);
    expect(body.filter((r: { ok: boolean }) => r.ok)).toHaveLength(5_000);
    if (backend === 'postgres') expect(p99(latencies)).toBeLessThan(2500);
  }, 120_000);
}

describe('heavy requests [PGlite]', () => heavySuite('pglite'));
describePostgres('heavy requests', () => heavySuite('postgres'));
