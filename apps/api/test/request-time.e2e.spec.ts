import { describePostgres } from '../../../test/support/databases.js';
import { startTestApi, type TestApi } from './support/api-client.js';

/**
 * A time limit per request (docs/operations.md): with REQUEST_TIMEOUT_MS set
 * below what a query takes, queries are answered 503 REQUEST_TIMEOUT with
 * Retry-After — coded, never a 500, never a hung client — while commands
 * are not cut off (their answer tells whether they were recorded).
 */
// On PostgreSQL: a query there waits on the network, so a 1 ms limit passes before it is answered.
describePostgres('a time limit per request', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('postgres', { REQUEST_TIMEOUT_MS: '1' });
  }, 60_000);
  afterAll(() => api?.close());

  it('answers a query it cannot finish in time 503 REQUEST_TIMEOUT, with Retry-After', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => fetch(`${api.url}/api/coverage?areaId=LG&asOf=2022-06-30`, { headers: { authorization: `Bearer ${api.adminToken}` } })));
    const timedOut = answers.filter((a) => a.status === 503);
    expect(timedOut.length).toBeGreaterThan(0);
    for (const a of timedOut) {
      expect(a.headers.get('retry-after')).toBe('10');
      expect(await a.json()).toEqual({ error: 'REQUEST_TIMEOUT', message: expect.stringContaining('not answered within') });
    }
    for (const a of answers.filter((x) => x.status !== 503)) expect([200, 404]).toContain(a.status);
  });

  it('does not cut off commands: each is answered with what became of it', async () => {
    const answer = await api.post('/api/commands', [
      { type: 'DefineArea', areaId: 'TL', kind: 'district', name: '限时区' },
      { type: 'DefineArea', areaId: 'TL-1', kind: 'subdistrict', name: '限时街道', parentId: 'TL' },
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body.map((r: { ok: boolean }) => r.ok)).toEqual([true, true]);
  });

  it('keeps every other answer as it was: a body that is not JSON is still 400 MALFORMED_COMMAND', async () => {
    const answer = await fetch(`${api.url}/api/commands`, { method: 'POST', headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' }, body: '{ not json' });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: string }).error).toBe('MALFORMED_COMMAND');
  });
});
