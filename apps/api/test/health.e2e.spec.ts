import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPostgresTestDatabase, describePostgres, type TestDatabase } from '../../../test/support/databases.js';
import { loadConfig } from '#persistence';
import { EVENT_STORE } from '#persistence/nest';
import type { EventStore } from '#event-store';
import { createApi } from '../src/bootstrap.js';

async function startApi(env: Record<string, string>): Promise<{ app: NestFastifyApplication; url: string }> {
  const app = await createApi(loadConfig({ PERSON_ID_KEY: 'health-test-person-id-key-0123456789-abcdef', PERSONAL_DATA_KEY: 'health-test-personal-data-key-9876543210-zyx', ...env, PORT: '1' }));
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl() };
}

describe('GET /api/health on the embedded store', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'uce-e2e-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('answers 200 once migrated, and keeps the data in DATA_DIR across restarts', async () => {
    const first = await startApi({ DATA_DIR: dataDir });
    const health = await fetch(`${first.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      status: 'ok',
      store: 'pglite',
      headPosition: '0',
      projections: ['coverage', 'organizing', 'membership-succession'].map((name) => ({ name, position: '0', lag: '0' })),
    });
    const appended = await first.app
      .get<EventStore>(EVENT_STORE)
      .append('enterprise-X', [{ eventId: randomUUID(), type: 'EnterpriseRegistered', data: { name: 'X' } }]);
    await first.app.close();

    const second = await startApi({ DATA_DIR: dataDir });
    const again = await (await fetch(`${second.url}/api/health`)).json();
    expect(again).toMatchObject({ store: 'pglite', headPosition: appended.lastPosition.toString() });
    expect(await second.app.get<EventStore>(EVENT_STORE).readStream('enterprise-X')).toHaveLength(1);
    await second.app.close();
  });
});

describePostgres('GET /api/health on PostgreSQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createPostgresTestDatabase();
  });
  afterAll(() => database?.close());

  it('answers 200 with the store it runs on', async () => {
    const { app, url } = await startApi({ DATABASE_URL: database.url! });
    const response = await fetch(`${url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', store: 'postgres' });
    await app.close();
  });
});

describe('configuration', () => {
  it('refuses a malformed PORT or DATABASE_URL with a clear message', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow('PORT must be an integer');
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow('DATABASE_URL must be a postgres://');
    expect(loadConfig({})).toMatchObject({ port: 3000, dataDir: './data', databaseUrl: undefined });
  });

  it('refuses a short or predictable key, and starts on PostgreSQL or in production only with both keys, naming the missing ones', async () => {
    expect(() => loadConfig({ PERSON_ID_KEY: 'sixteen-chars-ok' })).toThrow('PERSON_ID_KEY must be at least 32 characters');
    expect(() => loadConfig({ PERSON_ID_KEY: 'a'.repeat(48) })).toThrow('PERSON_ID_KEY is too predictable');
    expect(() => loadConfig({ PERSON_ID_KEY: 'abab'.repeat(12) })).toThrow('PERSON_ID_KEY is too predictable');
    expect(loadConfig({ PERSON_ID_KEY: 'q8Vw1nM3kZ0pL7xR2tY5uB9cD4eF6gH0jK1lA2sS3dF=' }).personIdKeyIsDevelopmentKey).toBe(false);
    await expect(createApi(loadConfig({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }))).rejects.toThrow('PERSON_ID_KEY and PERSONAL_DATA_KEY are required with DATABASE_URL');
    await expect(createApi(loadConfig({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', PERSON_ID_KEY: 'q8Vw1nM3kZ0pL7xR2tY5uB9cD4eF6gH0jK1lA2sS3dF=' }))).rejects.toThrow(
      'PERSONAL_DATA_KEY is required with DATABASE_URL',
    );
    expect(() => loadConfig({ PERSON_ID_KEY: 'q8Vw1nM3kZ0pL7xR2tY5uB9cD4eF6gH0jK1lA2sS3dF=', PERSONAL_DATA_KEY: 'q8Vw1nM3kZ0pL7xR2tY5uB9cD4eF6gH0jK1lA2sS3dF=' })).toThrow(
      'PERSON_ID_KEY and PERSONAL_DATA_KEY must be two different secrets',
    );
    expect(() => loadConfig({ PERSONAL_DATA_KEY: 'short-key' })).toThrow('PERSONAL_DATA_KEY must be at least 32 characters');
    await expect(createApi(loadConfig({ NODE_ENV: 'production', DATA_DIR: '/nonexistent/never-opened' }))).rejects.toThrow('PERSON_ID_KEY and PERSONAL_DATA_KEY are required in production');
  });
});

describe('GET /api/docs', () => {
  it('serves the OpenAPI document, with every command of the contract', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uce-docs-'));
    const { app, url } = await startApi({ DATA_DIR: dir });
    try {
      expect((await fetch(`${url}/api/docs`)).status).toBe(200);
      const document = (await (await fetch(`${url}/api/docs-json`)).json()) as any;
      expect(Object.keys(document.components.schemas)).toEqual(
        expect.arrayContaining(['DefineArea', 'RegisterEnterprise', 'JoinUnion', 'RecordOutreach', 'Error']),
      );
      expect(document.components.schemas.RegisterEnterprise.required).toEqual(
        expect.arrayContaining(['creditCode', 'name', 'areaId', 'headcount', 'occurredOn', 'type']),
      );
      expect(document.paths['/api/commands'].post.responses).toHaveProperty('422');
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
