import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type Database } from '#persistence';
import { DATABASE } from '#persistence/nest';
import { createPostgresTestDatabase, type TestDatabase } from '../../../../test/support/databases.js';
import { createApi } from '../../src/bootstrap.js';

export interface TestApi {
  readonly app: NestFastifyApplication;
  readonly url: string;
  /** The API's own database (to break or inspect a read model behind its back). */
  readonly db: Database['db'];
  post(path: string, body: unknown): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
  /** Number of events in the log. */
  eventCount(): Promise<number>;
  close(): Promise<void>;
}

/** The API on a fresh store: 'pglite' (a temporary DATA_DIR) or 'postgres' (a scratch database), with more settings if given. */
export async function startTestApi(backend: 'pglite' | 'postgres', settings: Record<string, string> = {}): Promise<TestApi> {
  let pg: TestDatabase | undefined;
  let dataDir: string | undefined;
  const env: Record<string, string> = { ...settings, PERSON_ID_KEY: 'test-person-id-key-0123456789' };
  if (backend === 'postgres') {
    pg = await createPostgresTestDatabase();
    env['DATABASE_URL'] = pg.url!;
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'uce-api-'));
    env['DATA_DIR'] = dataDir;
  }
  const app = await createApi(loadConfig(env));
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    app,
    url,
    db: app.get<Database>(DATABASE).db,
    post: (path, body) => call('POST', path, body),
    get: (path) => call('GET', path),
    eventCount: async () => {
      const database = app.get<Database>(DATABASE);
      return Number((await sql<{ n: string }>`select count(*)::text as n from events`.execute(database.db)).rows[0]!.n);
    },
    close: async () => {
      await app.close();
      await pg?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
