import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type Database } from '#persistence';
import { DATABASE, EVENT_STORE } from '#persistence/nest';
import type { EventStore } from '#event-store';
import { ProjectionRunner } from '#projections';
import { coverageProjection, organizingProjection } from '#read-models';
import { createPostgresTestDatabase, describePostgres, type TestDatabase } from '../../../test/support/databases.js';
import { createApi } from '../src/bootstrap.js';

/** Polls until the condition holds (no timing asserted: an API that never gets there fails the test). */
async function until<T>(what: string, probe: () => Promise<T>, holds: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 1500; i++) {
    const value = await probe();
    if (holds(value)) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never: ${what}`);
}

interface Api {
  app: NestFastifyApplication;
  db: Database['db'];
  health(): Promise<{ status: number; body: any }>;
  command(body: unknown): Promise<number>;
  close(): Promise<void>;
}

async function startApi(backend: 'pglite' | 'postgres', env: Record<string, string>): Promise<Api> {
  let pg: TestDatabase | undefined;
  let dataDir: string | undefined;
  const store: Record<string, string> = {};
  if (backend === 'postgres') {
    pg = await createPostgresTestDatabase();
    store['DATABASE_URL'] = pg.url!;
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'uce-health-'));
    store['DATA_DIR'] = dataDir;
  }
  const app = await createApi(loadConfig({ ...store, ...env, PERSON_ID_KEY: 'health-test-key-0123456789' }));
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return {
    app,
    db: app.get<Database>(DATABASE).db,
    health: async () => {
      const response = await fetch(`${url}/api/health`);
      return { status: response.status, body: await response.json() };
    },
    command: async (body) =>
      (await fetch(`${url}/api/commands`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status,
    close: async () => {
      await app.close();
      await pg?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const projection = (body: any, name: string) => body.projections.find((p: any) => p.name === name);

function suite(backend: 'pglite' | 'postgres'): void {
  it("reports the API's own failing projection as degraded (200), the others at the head, and clears it once it applies again", async () => {
    const api = await startApi(backend, {});
    try {
      expect(await api.command({ type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' })).toBeLessThan(300);
      await until('caught up', api.health, (h) => h.body.projections.every((p: any) => p.lag === '0'));
      // A read-model table that refuses a row: the coverage projection fails on the next area, the others do not.
      await sql`alter table rm_areas add constraint health_test_refuses check (area_id <> 'BAD')`.execute(api.db);
      expect(await api.command({ type: 'DefineArea', areaId: 'BAD', kind: 'subdistrict', name: '坏街道', parentId: 'LG' })).toBeLessThan(300);
      const head = String(await api.app.get<EventStore>(EVENT_STORE).headPosition());

      const degraded = await until('degraded', api.health, (h) =>
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
      const ok = await until('ok again', api.health, (h) => h.body.status === 'ok');
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
    const api = await startApi(backend, { PROJECTIONS: 'worker' });
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
      expect(await api.command({ type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' })).toBeLessThan(300);
      const degraded = await until('degraded', api.health, (h) => h.body.status === 'degraded' && projection(h.body, 'coverage').lag === '0');
      expect(degraded.status).toBe(200);
      expect(projection(degraded.body, 'organizing')).toMatchObject({ position: '0', lag: '1', failing: { error: 'Error', message: 'organizing is broken' } });

      broken = false;
      const ok = await until('organizing cleared', api.health, (h) => projection(h.body, 'organizing').lag === '0' && !projection(h.body, 'organizing').failing);
      expect(ok.status).toBe(200);
      expect(ok.body.status).toBe('ok');
      expect(projection(ok.body, 'membership-succession')).toEqual({ name: 'membership-succession', position: '0', lag: '1' });
    } finally {
      await worker.stop();
      await api.close();
    }
  });
}

describe('GET /api/health with failing projections, on the embedded store', () => suite('pglite'));
describePostgres('GET /api/health with failing projections, on PostgreSQL', () => suite('postgres'));
