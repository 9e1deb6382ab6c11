import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import postgres from 'postgres';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { requestTokens } from '#access';
import { operatorPrincipal } from '#domain';
import { loadConfig, type Database, type ReadReplicas } from '#persistence';
import { DATABASE, READ_REPLICAS } from '#persistence/nest';
import { createPostgresTestDatabase, type TestDatabase } from '../../../../test/support/databases.js';
import { makeCertificates } from '../../../../test/support/throwaway-certificates.js';
import { createApi } from '../../src/bootstrap.js';

export interface TestApi {
  readonly app: NestFastifyApplication;
  readonly url: string;
  /** The API's own database (to break or inspect a read model behind its back). */
  readonly db: Database['db'];
  /** The settings the API runs with (its store: DATA_DIR or DATABASE_URL): what a CLI beside it needs. */
  readonly env: Readonly<Record<string, string>>;
  /** The admin token the test run was given (by the CLI's way: `token issue --role admin`). */
  readonly adminToken: string;
  /** With the admin token, or the token given (null: none). */
  post(path: string, body: unknown, token?: string | null): Promise<{ status: number; body: any }>;
  get(path: string, token?: string | null): Promise<{ status: number; body: any }>;
  /** A new token of that role (and area), issued by the admin over the API. */
  issue(role: string, areaId?: string, holder?: string): Promise<string>;
  /** With reads on replicas: how many answers each server gave (freshness.server). */
  readonly answeredBy: ReadonlyMap<string, number>;
  /** Number of events in the log. */
  eventCount(): Promise<number>;
  close(): Promise<void>;
}

/** The master keys every test API runs with (a CLI beside it needs the same). */
export const TEST_API_KEYS = { PERSON_ID_KEY: 'test-person-id-key-0123456789-abcdefghij', PERSONAL_DATA_KEY: 'test-personal-data-key-9876543210-zyxwvu' } as const;

/** A port nobody listens on now (for a server that must be told its port, such as GRPC_PORT). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The API with its log in KurrentDB: the log is another engine's (on its own
 * PostgreSQL database), served by that engine's KurrentDB endpoint, which
 * this API reaches with an `engine` token (EVENTSTORE_URL); its copy of the
 * log and its read models are in a database of its own. The log's host
 * runs no projections (PROJECTIONS=worker, and no worker): it only keeps
 * the log. Closing closes both.
 */
export async function startTestApiOnKurrentDB(settings: Record<string, string> = {}): Promise<TestApi & { readonly logHost: TestApi }> {
  const grpcPort = await freePort();
  // Over TLS: the official clients send no credentials over a plain connection.
  const tls = await makeCertificates();
  const logHost = await startTestApi('postgres', { GRPC_PORT: String(grpcPort), GRPC_TLS_CERT_FILE: tls.certFile, GRPC_TLS_KEY_FILE: tls.keyFile, PROJECTIONS: 'worker' });
  const closeHost = async () => {
    await logHost.close();
    rmSync(tls.dir, { recursive: true, force: true });
  };
  try {
    const token = await logHost.issue('engine', undefined, 'the engine keeping its log here');
    const url = `kurrentdb://engine:${token}@localhost:${grpcPort}?tls=true&tlsCAFile=${encodeURIComponent(tls.caFile)}`;
    const api = await startTestApi('postgres', { ...settings, EVENTSTORE_URL: url });
    return {
      ...api,
      logHost,
      close: async () => {
        await api.close();
        await closeHost();
      },
    };
  } catch (error) {
    await closeHost();
    throw error;
  }
}

/** The API on a fresh store: 'pglite' (a temporary DATA_DIR) or 'postgres' (a scratch database), or on the store the settings name (DATA_DIR, DATABASE_URL), with more settings if given. */
export async function startTestApi(backend: 'pglite' | 'postgres', settings: Record<string, string> = {}): Promise<TestApi> {
  let pg: TestDatabase | undefined;
  let dataDir: string | undefined;
  // MAX_EVENT_LOOP_DELAY_MS off unless a test sets it (saturation.e2e): a test's server runs in Jest's process, whose
  // event loop also compiles modules and runs the tests — its delay measures them, not the server (on a loaded CI
  // machine it once refused the first request after start, 503 SERVER_BUSY).
  const env: Record<string, string> = { AUTH_FAILURES_PER_MINUTE: '0', MAX_EVENT_LOOP_DELAY_MS: '0', ...settings, ...TEST_API_KEYS };
  // A store given in the settings (prepared by the test, e.g. with the CLI) is the test's to remove.
  if (settings['DATABASE_URL'] === undefined && settings['DATA_DIR'] === undefined) {
    if (backend === 'postgres') {
      pg = await createPostgresTestDatabase();
      env['DATABASE_URL'] = pg.url!;
      // READ_DATABASE_URL given (even empty): the test's own choice.
      if (STANDBY_URL && settings['READ_DATABASE_URL'] === undefined) {
        env['READ_DATABASE_URL'] = await onStandby(pg).catch(async (error: unknown) => {
          await pg!.close();
          throw error;
        });
        // A standby replaying a burst of another suite's writes on a busy machine is left out sooner than the 1 s a
        // server waits by default: the suites' own time bounds (heavy-requests: p99 under 1 s) hold with it.
        env['READ_REPLICA_WAIT_MS'] ??= '300';
      }
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'uce-api-'));
      env['DATA_DIR'] = dataDir;
    }
  }
  const config = loadConfig(env);
  const app = await createApi(config);
  const startedAt = Date.now();
  // With reads on a standby: which server answered each query, to make sure the standby did answer.
  const answeredBy = new Map<string, number>();
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  // The first admin token, as a user gets it: the CLI's request (through the running server on the embedded store).
  const issued = await requestTokens(config, { action: 'issue', operator: 'test', request: { role: 'admin', holder: 'test admin' } }, operatorPrincipal('test'));
  if (!issued.ok) throw new Error(`could not issue the test's admin token: ${issued.message}`);
  const adminToken = (issued.value as { token: string }).token;
  const call = async (method: string, path: string, body?: unknown, token: string | null = adminToken) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : undefined;
    const server = parsed?.freshness?.server;
    if (typeof server === 'string') answeredBy.set(server, (answeredBy.get(server) ?? 0) + 1);
    return { status: response.status, body: parsed };
  };
  return {
    app,
    url,
    db: app.get<Database>(DATABASE).db,
    env,
    adminToken,
    post: (path, body, token) => call('POST', path, body, token),
    get: (path, token) => call('GET', path, undefined, token),
    issue: async (role, areaId, holder) => {
      const answer = await call('POST', '/api/tokens', { role, ...(areaId ? { areaId } : {}), ...(holder ? { holder } : {}) });
      if (answer.status !== 201) throw new Error(`could not issue a ${role} token: ${JSON.stringify(answer.body)}`);
      return answer.body.token as string;
    },
    eventCount: async () => {
      const database = app.get<Database>(DATABASE);
      return Number((await sql<{ n: string }>`select count(*)::text as n from events`.execute(database.db)).rows[0]!.n);
    },
    answeredBy,
    close: async () => {
      // Reads on the standby (TEST_STANDBY_URL) that the standby never answered would test nothing of it — unless
      // it was left out meanwhile (read-replicas.e2e stops and pauses it while other suites run: they then read
      // from the primary, as they should).
      const standby = STANDBY_URL && settings['READ_DATABASE_URL'] === undefined ? app.get<ReadReplicas | null>(READ_REPLICAS)?.status()[0] : undefined;
      await app.close();
      await pg?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      const answered = [...answeredBy.values()].reduce((a, b) => a + b, 0);
      const upThroughout = standby?.state === 'up' && standby.since.getTime() <= startedAt;
      if (upThroughout && answered >= 5 && !answeredBy.has('replica-1')) {
        throw new Error(`the standby, up all along, answered none of ${answered} queries (${JSON.stringify(Object.fromEntries(answeredBy))})`);
      }
    },
  };
}

/**
 * TEST_STANDBY_URL: a physical standby of the test server (.ci/standby). When
 * set, every API on a scratch PostgreSQL database reads its queries from the
 * same database on the standby (READ_DATABASE_URL).
 */
const STANDBY_URL = process.env['TEST_STANDBY_URL']?.trim() || undefined;

/** The scratch database's URL on the standby, once the standby has replayed its creation and every migration. */
async function onStandby(pg: TestDatabase): Promise<string> {
  const url = new URL(STANDBY_URL!);
  url.pathname = new URL(pg.url!).pathname;
  const migrations = Number((await sql<{ n: string }>`select count(*) as n from schema_migrations`.execute(pg.db)).rows[0]!.n);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = postgres(url.toString(), { max: 1, connect_timeout: 2, onnotice: () => undefined });
    try {
      const [row] = await client`select count(*)::int as n from schema_migrations`;
      if (row?.['n'] === migrations) return url.toString();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`the standby at ${url.host} did not replay the test database in 30 s: ${(error as Error).message}`);
    } finally {
      await client.end({ timeout: 1 });
    }
    if (Date.now() > deadline) throw new Error(`the standby at ${url.host} did not replay the test database's schema in 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
