import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { KyselyEventStore } from '#event-store';
import { migrateToLatest, openDatabase, type Database } from '#persistence';
import { ProjectionRunner, type Projection } from '#projections';
import { createPostgresTestDatabase, describePostgres, type TestDatabase } from '../../../test/support/databases.js';
import { cli, requireBuiltCli } from './support/cli.js';

/** A policy-like projection that writes nothing and throws on the second event while `broken`. */
const flaky = (broken: () => boolean): Projection => ({
  name: 'organizing',
  tables: [],
  createTables: async () => undefined,
  apply: async (_db, events) => {
    if (broken() && events.some((e) => e.globalPosition === 2n)) throw new Error('organizing cannot apply "王五" 440301198001010011');
  },
});
const quiet = (name: string): Projection => ({ name, tables: [], createTables: async () => undefined, apply: async () => undefined });

/**
 * `npm run cli -- status` shows where each projection stands, and the failure
 * a runner (here: this test, as a worker would) recorded, until it applies again.
 */
function suite(open: () => Promise<{ database: Database; env: Record<string, string>; done: () => Promise<void> }>): void {
  it('prints each projection with its checkpoint and lag, and a failing one with its error, redacted; exit code 2 while one fails', async () => {
    requireBuiltCli();
    const { database, env, done } = await open();
    try {
      const store = new KyselyEventStore(database.db);
      for (let i = 0; i < 3; i++) await store.append(`thing-${randomUUID()}`, [{ eventId: randomUUID(), type: 'Counted', data: {} }]);
      let broken = true;
      await expect(new ProjectionRunner(database.db, store, [quiet('coverage'), flaky(() => broken)]).catchUp()).rejects.toThrow();
      if (env['DATA_DIR']) await database.close(); // the embedded store: one process at a time

      const failing = await cli(['status'], env);
      expect(failing.code).toBe(2);
      expect(failing.stdout).toMatch(/head:\s+3\n/);
      expect(failing.stdout).toMatch(/coverage\s+at\s+3\s+caught up\n/);
      expect(failing.stdout).toMatch(/organizing\s+at\s+0\s+3 behind\n\s+FAILING since \S+ \(1 attempts\), at the batch after 0; next attempt at \S+\n\s+Error: organizing cannot apply "…" …\n/);
      expect(failing.stdout).not.toContain('王五');
      const json = JSON.parse((await cli(['status', '--json'], env)).stdout);
      expect(json.projections).toEqual([
        { name: 'coverage', position: '3', lag: '0' },
        { name: 'organizing', position: '0', lag: '3', failure: expect.objectContaining({ error: 'Error', attempts: 1, position: '0' }) },
      ]);

      broken = false;
      const reopened = env['DATA_DIR'] ? await openDatabase({ dataDir: env['DATA_DIR'] }) : database;
      await new ProjectionRunner(reopened.db, new KyselyEventStore(reopened.db), [quiet('coverage'), flaky(() => broken)]).catchUp();
      if (env['DATA_DIR']) await reopened.close();
      const ok = await cli(['status'], env);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/organizing\s+at\s+3\s+caught up\n/);
      expect(ok.stdout).not.toContain('FAILING');
    } finally {
      await done();
    }
  }, 60_000);
}

describe('cli status on the embedded store', () =>
  suite(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uce-cli-status-'));
    const env = { DATA_DIR: join(dir, 'data'), PERSON_ID_KEY: 'cli-status-test-key-0123456789-abcdefghij' };
    const database = await openDatabase({ dataDir: env.DATA_DIR });
    await migrateToLatest(database.db);
    return { database, env, done: async () => rmSync(dir, { recursive: true, force: true }) };
  }));

describePostgres('cli status on PostgreSQL', () =>
  suite(async () => {
    const database: TestDatabase = await createPostgresTestDatabase();
    return { database, env: { DATABASE_URL: database.url!, PERSON_ID_KEY: 'cli-status-test-key-0123456789-abcdefghij', PERSONAL_DATA_KEY: 'cli-status-test-data-key-9876543210-zyxwvu' }, done: () => database.close() };
  }));
