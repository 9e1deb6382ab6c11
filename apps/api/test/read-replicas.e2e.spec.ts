import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { creditCode } from '../../../libs/domain/test/spec-helpers.js';
import { createPostgresTestDatabase, describePostgres } from '../../../test/support/databases.js';
import { startTestApi, type TestApi } from './support/api-client.js';

/**
 * Reads on a real PostgreSQL streaming standby (READ_DATABASE_URL): the
 * answers come from it, read-your-writes holds, and when it stops in the
 * middle of a run — or falls behind — every answer is still right. Needs a
 * physical standby of the test server and the right to stop and start it:
 * TEST_STANDBY_URL, and `.ci/standby` run as root (CI creates one; see
 * .ci/standby). Without TEST_STANDBY_URL it is skipped, and says so.
 */
const STANDBY_URL = process.env['TEST_STANDBY_URL']?.trim() || undefined;
const describeStandby = STANDBY_URL ? describe : describe.skip;
const title = STANDBY_URL ? 'reads on a streaming standby' : 'reads on a streaming standby [SKIPPED: no TEST_STANDBY_URL; CI makes one with .ci/standby]';

const standby = async (action: 'stop' | 'start') => {
  await promisify(execFile)('bash', [resolve(__dirname, '../../../.ci/standby'), action], { env: { ...process.env, PRIMARY_URL: process.env['PG_TEST_ADMIN_URL'] } });
};

const code = (n: number) => creditCode(900 + n);
const SETUP = [
  { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
  { type: 'DefineArea', areaId: 'BJ', kind: 'subdistrict', name: '布吉街道', parentId: 'LG' },
  { type: 'DefineArea', areaId: 'HG', kind: 'subdistrict', name: '横岗街道', parentId: 'LG' },
  ...Array.from({ length: 12 }, (_, i) => ({
    type: 'RegisterEnterprise', creditCode: code(i), name: `E${i}`, areaId: i % 2 ? 'BJ' : 'HG', headcount: 10 + i * 20, occurredOn: '2020-01-01',
  })),
  { type: 'FoundEnterpriseUnion', unionId: 'U-1', creditCode: code(11), occurredOn: '2020-02-01' },
];

/** The figures of an answer, without freshness (which says where and how far, not what). */
const figures = ({ freshness: _f, ...rest }: Record<string, unknown>) => rest;
const lastPosition = (body: unknown) =>
  String(Math.max(...(body as Array<{ events: Array<{ position: string }> }>).flatMap((r) => r.events.map((e) => Number(e.position)))));

describeStandby(title, () => {
  /** Reads on the standby, replicas tried again 300 ms after they fail. */
  let api: TestApi;
  /** The same database, read on the primary only: the reference for every figure. */
  let primary: TestApi;
  let standbyDb: postgres.Sql;

  beforeAll(async () => {
    api = await startTestApi('postgres', { READ_REPLICA_RETRY_MS: '300', READ_REPLICA_WAIT_MS: '1000' });
    expect(api.env['READ_DATABASE_URL']).toBeDefined();
    primary = await startTestApi('postgres', { DATABASE_URL: api.env['DATABASE_URL']!, PROJECTIONS: 'worker' });
    standbyDb = postgres(api.env['READ_DATABASE_URL']!, { max: 1, onnotice: () => undefined });
    const { status, body } = await api.post('/api/commands', SETUP);
    expect([status, (body as Array<{ ok: boolean }>).every((r) => r.ok)]).toEqual([200, true]);
  });
  afterAll(async () => {
    await standby('start').catch(() => undefined);
    if (standbyDb) {
      await standbyDb`select pg_wal_replay_resume()`.catch(() => undefined);
      await standbyDb.end({ timeout: 1 });
    }
    await primary?.close();
    await api?.close();
  });

  it('answers from the standby, the same figures as the primary, right after the commands', async () => {
    for (const path of ['/api/coverage?areaId=LG&asOf=2021-06-30', '/api/coverage/enterprises?areaId=BJ&asOf=2021-06-30', '/api/areas?areaId=LG', '/api/coverage/series?areaId=LG&from=2020-01-01&to=2021-01-01&step=quarter']) {
      const [onStandby, onPrimary] = [await api.get(path), await primary.get(path)];
      expect(onStandby.status).toBe(200);
      expect(onStandby.body.freshness).toEqual({ position: expect.any(String), caughtUp: true, server: 'replica-1' });
      expect(figures(onStandby.body)).toEqual(figures(onPrimary.body));
    }
    expect((await api.get('/api/health', null)).body.replicas).toEqual([{ server: 'replica-1', state: 'up', since: expect.any(String) }]);
  });

  it('reads its own writes on the standby: each answer right after a command counts it', async () => {
    for (let i = 1; i <= 15; i++) {
      const recorded = await api.post('/api/commands', { type: 'ReportHeadcount', creditCode: code(0), headcount: 10 + i, occurredOn: `2021-01-${String(i).padStart(2, '0')}` });
      expect(recorded.status).toBe(200);
      const { body } = await api.get('/api/coverage?areaId=HG&asOf=2021-06-30');
      expect(body.freshness).toMatchObject({ caughtUp: true, server: 'replica-1' });
      expect(BigInt(body.freshness.position)).toBeGreaterThanOrEqual(BigInt(lastPosition([recorded.body])));
      expect(body.staff).toBe(10 + i + [2, 4, 6, 8, 10].reduce((sum, k) => sum + 10 + k * 20, 0));
    }
  });

  it('waits on the standby for a position recorded through another server', async () => {
    const recorded = await primary.post('/api/commands', { type: 'RelocateEnterprise', creditCode: code(2), areaId: 'BJ', occurredOn: '2021-02-01' });
    expect(recorded.status).toBe(200);
    const position = lastPosition([recorded.body]);
    const { body } = await api.get(`/api/coverage/enterprises?areaId=BJ&asOf=2021-06-30&position=${position}`);
    expect(body.freshness).toMatchObject({ caughtUp: true, server: 'replica-1' });
    expect(body.items.map((e: { creditCode: string }) => e.creditCode)).toContain(code(2));
  });

  it('keeps every answer right while the standby stops in the middle of a run, then reads from it again once it is back', async () => {
    const paths = ['/api/coverage?areaId=LG&asOf=2021-06-30', '/api/coverage?areaId=BJ&asOf=2020-12-31', '/api/coverage/enterprises?areaId=LG&asOf=2021-06-30', '/api/campaigns?areaId=LG'];
    const expected = new Map<string, unknown>();
    for (const path of paths) expected.set(path, figures((await primary.get(path)).body));

    const answers: Array<{ status: number; server: string; right: boolean }> = [];
    let running = true;
    const client = async (k: number) => {
      for (let i = k; running; i++) {
        const path = paths[i % paths.length]!;
        const { status, body } = await api.get(path);
        answers.push({ status, server: body?.freshness?.server, right: JSON.stringify(figures(body ?? {})) === JSON.stringify(expected.get(path)) });
      }
    };
    const clients = [0, 1, 2, 3].map(client);
    await new Promise((r) => setTimeout(r, 400));
    const beforeStop = answers.length;
    await standby('stop');
    const stoppedAt = answers.length;
    await new Promise((r) => setTimeout(r, 1500));
    const health = (await api.get('/api/health', null)).body;
    running = false;
    await Promise.all(clients);
    // Commands go on while it is down: the primary takes them, and reads follow them.
    const during = await api.post('/api/commands', { type: 'ReportHeadcount', creditCode: code(1), headcount: 31, occurredOn: '2021-03-01' });
    expect(during.status).toBe(200);

    expect(beforeStop).toBeGreaterThan(0);
    expect(answers.length).toBeGreaterThan(stoppedAt);
    expect(answers.filter((a) => a.status !== 200 || !a.right)).toEqual([]);
    expect(answers.slice(0, beforeStop).every((a) => a.server === 'replica-1')).toBe(true);
    expect(answers.at(-1)!.server).toBe('primary');
    expect(health).toMatchObject({ status: 'degraded', replicas: [{ server: 'replica-1', state: 'down' }] });
    const { body: afterWrite } = await api.get('/api/coverage?areaId=BJ&asOf=2021-06-30');
    expect(afterWrite.freshness).toMatchObject({ caughtUp: true, server: 'primary' });

    // Back: it replays what it missed (the write above among it), is probed, and answers again.
    await standby('start');
    let back: { state?: string } | undefined;
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      back = (await api.get('/api/health', null)).body.replicas[0];
      if (back?.state === 'up') break;
    }
    expect(back?.state).toBe('up');
    const again = await api.get('/api/coverage?areaId=BJ&asOf=2021-06-30');
    expect(again.body.freshness).toMatchObject({ caughtUp: true, server: 'replica-1' });
    expect(figures(again.body)).toEqual(figures((await primary.get('/api/coverage?areaId=BJ&asOf=2021-06-30')).body));
  });

  it('leaves out a standby that cannot replay up to a write in time, and the primary answers it', async () => {
    // Its own server, so that the standby stays left out for the whole test.
    const lagging = await startTestApi('postgres', { DATABASE_URL: api.env['DATABASE_URL']!, READ_DATABASE_URL: api.env['READ_DATABASE_URL']!, READ_REPLICA_RETRY_MS: '60000' });
    await standbyDb`select pg_wal_replay_pause()`;
    try {
      const recorded = await lagging.post('/api/commands', { type: 'ReportHeadcount', creditCode: code(3), headcount: 77, occurredOn: '2021-04-01' });
      expect(recorded.status).toBe(200);
      const started = Date.now();
      const { status, body } = await lagging.get('/api/coverage?areaId=BJ&asOf=2021-06-30');
      expect(status).toBe(200);
      expect(body.freshness).toMatchObject({ caughtUp: true, server: 'primary' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900); // it waited READ_REPLICA_WAIT_MS for the standby first
      expect(figures(body)).toEqual(figures((await primary.get('/api/coverage?areaId=BJ&asOf=2021-06-30')).body));
      expect((await lagging.get('/api/health', null)).body.replicas[0].state).toBe('behind');
      // Left out: the next answers do not wait for it.
      const next = Date.now();
      expect((await lagging.get('/api/coverage?areaId=LG&asOf=2021-06-30')).body.freshness.server).toBe('primary');
      expect(Date.now() - next).toBeLessThan(900);
    } finally {
      await standbyDb`select pg_wal_replay_resume()`;
      await lagging.close();
    }
  });

  it('with READ_REPLICA_FALLBACK=unavailable refuses with 503 REPLICA_UNAVAILABLE while the standby is down, never another server\'s answer', async () => {
    const strict = await startTestApi('postgres', {
      DATABASE_URL: api.env['DATABASE_URL']!,
      READ_DATABASE_URL: api.env['READ_DATABASE_URL']!,
      READ_REPLICA_FALLBACK: 'unavailable',
      READ_REPLICA_RETRY_MS: '300',
      PROJECTIONS: 'worker',
    });
    try {
      const up = await strict.get('/api/coverage?areaId=LG&asOf=2021-06-30');
      expect([up.status, up.body.freshness.server]).toEqual([200, 'replica-1']);
      await standby('stop');
      const down = await strict.get('/api/coverage?areaId=LG&asOf=2021-06-30');
      expect(down.status).toBe(503);
      expect(down.body.error).toBe('REPLICA_UNAVAILABLE');
      const later = await strict.get('/api/coverage/enterprises?areaId=LG&asOf=2021-06-30');
      expect([later.status, later.body.error]).toEqual([503, 'REPLICA_UNAVAILABLE']);
    } finally {
      await standby('start');
      await strict.close();
    }
  });
});

/**
 * What runs everywhere PostgreSQL does, without a standby: the primary's own
 * database named as a replica (a stand-in that is never behind), and a
 * replica that cannot be reached at all.
 */
describePostgres('read replicas without a standby', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('postgres', { READ_DATABASE_URL: '' });
    const { status } = await api.post('/api/commands', SETUP);
    expect(status).toBe(200);
    // The other servers below acknowledged none of it: let the read models take it in first.
    expect((await api.get('/api/coverage?areaId=LG')).body.freshness.caughtUp).toBe(true);
  });
  afterAll(() => api?.close());

  const withReplicas = (settings: Record<string, string>) => startTestApi('postgres', { DATABASE_URL: api.env['DATABASE_URL']!, PROJECTIONS: 'worker', ...settings });

  it('reads from a replica that follows the primary, with the same figures', async () => {
    const replicated = await withReplicas({ READ_DATABASE_URL: api.env['DATABASE_URL']!.replace('127.0.0.1', 'localhost') });
    try {
      // The primary first: starting, the replicated server issued its token, which the read models take in meanwhile —
      // the replica, read after, is as far along or further, never behind.
      const onPrimary = await api.get('/api/coverage?areaId=LG&asOf=2021-06-30');
      const onReplica = await replicated.get('/api/coverage?areaId=LG&asOf=2021-06-30');
      expect(onReplica.body.freshness).toEqual({ position: expect.any(String), caughtUp: true, server: 'replica-1' });
      expect(BigInt(onReplica.body.freshness.position)).toBeGreaterThanOrEqual(BigInt(onPrimary.body.freshness.position));
      expect(figures(onReplica.body)).toEqual(figures(onPrimary.body));
      expect(onPrimary.body.freshness).toEqual({ position: expect.any(String), caughtUp: true });
    } finally {
      await replicated.close();
    }
  });

  it('refuses to start when a replica is another database, rather than read figures that are not the log\'s', async () => {
    const other = await createPostgresTestDatabase();
    try {
      for (const url of [other.url!, other.url!.replace(/\/[^/]*$/, '/postgres')]) {
        await expect(withReplicas({ READ_DATABASE_URL: url })).rejects.toThrow(/READ_DATABASE_URL: replica-1 \(postgres:\/\/[^)]*\) is not a copy of DATABASE_URL's database/);
      }
    } finally {
      await other.close();
    }
  });

  it('starts with a replica it cannot reach, answers from the primary, and says so in its health', async () => {
    const unreachable = 'postgres://postgres@127.0.0.1:1/nowhere';
    const degraded = await withReplicas({ READ_DATABASE_URL: unreachable });
    const strict = await withReplicas({ READ_DATABASE_URL: unreachable, READ_REPLICA_FALLBACK: 'unavailable' });
    try {
      const { status, body } = await degraded.get('/api/coverage?areaId=LG&asOf=2021-06-30');
      expect([status, body.freshness.server]).toEqual([200, 'primary']);
      expect(figures(body)).toEqual(figures((await api.get('/api/coverage?areaId=LG&asOf=2021-06-30')).body));
      const health = (await degraded.get('/api/health', null)).body;
      expect(health).toMatchObject({ status: 'degraded', replicas: [{ server: 'replica-1', state: 'down' }] });
      expect(JSON.stringify(health)).not.toContain('127.0.0.1:1');
      const refused = await strict.get('/api/coverage?areaId=LG&asOf=2021-06-30');
      expect([refused.status, refused.body.error]).toEqual([503, 'REPLICA_UNAVAILABLE']);
    } finally {
      await degraded.close();
      await strict.close();
    }
  });
});
