import { sql } from 'kysely';
import { EVENT_STORE } from '#persistence/nest';
import type { EventStore } from '#event-store';
import { ProjectionRunner } from '#projections';
import { coverageProjection, organizingProjection } from '#read-models';
import { describePostgres } from '../../../test/support/databases.js';
import { startTestApi, type TestApi } from './support/api-client.js';

/** Polls until the condition holds (no timing asserted: an API that never gets there fails the test). */
async function until<T>(what: string, probe: () => Promise<T>, holds: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 1500; i++) {
    const value = await probe();
    if (holds(value)) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never: ${what}`);
}

/** The API's health answer, and a command's status. */
const healthOf = (api: TestApi) => () => api.get('/api/health');
const command = async (api: TestApi, body: unknown) => (await api.post('/api/commands', body)).status;

const projection = (body: any, name: string) => body.projections.find((p: any) => p.name === name);

function suite(backend: 'pglite' | 'postgres'): void {
  it("reports the API's own failing projection as degraded (200), the others at the head, and clears it once it applies again", async () => {
    const api = await startTestApi(backend);
    try {
      expect(await command(api, { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' })).toBeLessThan(300);
      await until('caught up', healthOf(api), (h) => h.body.projections.every((p: any) => p.lag === '0'));
      // A read-model table that refuses a row: the coverage projection fails on the next area, the others do not.
      await sql`alter table rm_areas add constraint health_test_refuses check (area_id <> 'BAD')`.execute(api.db);
      expect(await command(api, { type: 'DefineArea', areaId: 'BAD', kind: 'subdistrict', name: '坏街道', parentId: 'LG' })).toBeLessThan(300);
      const head = String(await api.app.get<EventStore>(EVENT_STORE).headPosition());

      const degraded = await until('degraded', healthOf(api), (h) =>
        h.body.status === 'degraded' && h.body.projections.every((p: any) => p.name === 'coverage' || p.lag === '0'),
      );
      expect(degraded.status).toBe(200);
      expect(degraded.body).toMatchObject({ status: 'degraded', headPosition: head });
      expect(projection(degraded.body, 'coverage')).toEqual({
        name: 'coverage',
        position: String(Number(head) - 1),
        lag: '1',
        failing: {
          error: expect.stringMatching(/^(PostgresError|DatabaseError) 23514$/),
          message: 'new row for relation "rm_areas" violates check constraint "health_test_refuses"',
          since: expect.any(String),
          attempts: expect.any(Number),
          nextRetryAt: expect.any(String),
        },
      });
      expect(projection(degraded.body, 'membership-succession')).toEqual({ name: 'membership-succession', position: head, lag: '0' });

      await sql`alter table rm_areas drop constraint health_test_refuses`.execute(api.db);
      const ok = await until('ok again', healthOf(api), (h) => h.body.status === 'ok');
      expect(ok.body.projections.map((p: any) => [p.name, p.lag, p.failing])).toEqual([
        ['coverage', '0', undefined],
        ['organizing', '0', undefined],
        ['membership-succession', '0', undefined],
      ]);
    } finally {
      await api.close();
    }
  });

  it("shows a separate worker's failure (PROJECTIONS=worker); a projection that lags without failing leaves the status ok", async () => {
    const api = await startTestApi(backend, { PROJECTIONS: 'worker' });
    let broken = true;
    const flakyOrganizing = {
      ...organizingProjection,
      apply: async (db: any, events: any, upTo: bigint) => {
        if (broken && events.some((e: any) => e.type === 'AreaDefined')) throw new Error('organizing is broken');
        await organizingProjection.apply(db, events, upTo);
      },
    };
    // The worker: coverage and the flaky organizing projection; nobody runs the membership policy.
    const worker = new ProjectionRunner(api.db, api.app.get<EventStore>(EVENT_STORE), [coverageProjection, flakyOrganizing], {
      pollIntervalMs: 5,
      retry: { initialMs: 10, maxMs: 50 },
    });
    worker.start();
    try {
      // Event 1, the test's admin token being issued (no projection's business), applied first: the failure below is the area's alone.
      await until('the token applied', healthOf(api), (h) => projection(h.body, 'organizing').position === '1');
      expect(await command(api, { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' })).toBeLessThan(300);
      const degraded = await until('degraded', healthOf(api), (h) => h.body.status === 'degraded' && projection(h.body, 'coverage').lag === '0');
      expect(degraded.status).toBe(200);
      expect(projection(degraded.body, 'organizing')).toMatchObject({ position: '1', lag: '1', failing: { error: 'Error', message: 'organizing is broken' } });

      broken = false;
      const ok = await until('organizing cleared', healthOf(api), (h) => projection(h.body, 'organizing').lag === '0' && !projection(h.body, 'organizing').failing);
      expect(ok.status).toBe(200);
      expect(ok.body.status).toBe('ok');
      expect(projection(ok.body, 'membership-succession')).toEqual({ name: 'membership-succession', position: '0', lag: '2' });
    } finally {
      await worker.stop();
      await api.close();
    }
  });
}

describe('GET /api/health with failing projections, on the embedded store', () => suite('pglite'));
describePostgres('GET /api/health with failing projections, on PostgreSQL', () => suite('postgres'));
