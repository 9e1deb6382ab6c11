import { operatorPrincipal } from '#domain';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { KyselyEventStore } from '#event-store';
import { CommandExecutor, validateCommand } from '#commands';
import { ProjectionRunner, rebuildProjection } from '#projections';
import { coverageProjection, COVERAGE_TABLES } from '#read-models';
import { generateDistrict } from '#simulation';
import { createPostgresTestDatabase, describePostgres, type TestDatabase } from '../../../test/support/databases.js';
import { TEST_KEYS, testDeps } from '../../../test/support/engine-deps.js';

const CLI = join(process.cwd(), 'dist/apps/cli/src/main.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The same person key for the commands recorded here and the worker's policy. */

/**
 * The projection worker is a real process (`npm run cli -- project`), killed
 * with SIGKILL at random moments — mid-batch as often as not — while commands
 * keep being recorded, and restarted. At the end its read models must equal a
 * clean rebuild from the log: no batch lost, none applied twice.
 */
describePostgres('projection worker killed with SIGKILL, again and again', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
    database = await createPostgresTestDatabase();
  });
  afterAll(() => database?.close());

  const rows = async (table: string) =>
    (await sql<{ r: string }>`select row_to_json(t)::text as r from ${sql.table(table)} t`.execute(database.db)).rows.map((x) => x.r).sort();

  it('ends with read models equal to a clean rebuild', async () => {
    const env = { ...process.env, DATABASE_URL: database.url!, PERSON_ID_KEY: TEST_KEYS.personIdKey, PERSONAL_DATA_KEY: TEST_KEYS.personalDataKey, PROJECTION_BATCH_SIZE: '50' };
    let worker: ChildProcess | undefined;
    const startWorker = () => {
      worker = spawn(process.execPath, [CLI, 'project'], { env, stdio: 'ignore' });
    };

    const store = new KyselyEventStore(database.db);
    const executor = new CommandExecutor(store, await testDeps(database.db, store));
    let writing = true;
    const writer = (async () => {
      for (const c of generateDistrict({ enterprises: 400, workers: 900, years: 3, seed: 3 })) await executor.execute(validateCommand(c), { principal: operatorPrincipal('test') });
      writing = false;
    })();

    let kills = 0;
    startWorker();
    while (writing || kills < 12) {
      await sleep(150 + Math.floor(Math.random() * 400));
      worker!.kill('SIGKILL');
      await new Promise((r) => worker!.once('exit', r));
      kills++;
      startWorker();
    }
    await writer;

    // Let the last worker catch up with the head of the log — which its membership policy may still
    // move (members of closed enterprises pass up) — until the head stands still, then stop it.
    const runner = new ProjectionRunner(database.db, store, []);
    const names = ['coverage', 'organizing', 'membership-succession'];
    const caughtUp = async (head: bigint) => (await Promise.all(names.map((n) => runner.checkpoint(n)))).every((p) => p === head);
    let head = await store.headPosition();
    for (let i = 0; i < 600; i++) {
      if (await caughtUp(head)) {
        await sleep(300);
        if ((await store.headPosition()) === head) break;
      }
      await sleep(100);
      head = await store.headPosition();
    }
    worker!.kill('SIGKILL');
    expect(await caughtUp(head)).toBe(true);
    expect(kills).toBeGreaterThanOrEqual(12);
    // The policy's commands committed with its checkpoint: none recorded twice, however often the worker died.
    const passedUp = (await store.readAll()).filter((e) => e.type === 'MembershipPassedUp' || e.type === 'MembershipAwaitingTransfer');
    expect(new Set(passedUp.map((e) => e.metadata.commandId)).size).toBe(passedUp.length);

    const live = Object.fromEntries(await Promise.all(COVERAGE_TABLES.map(async (t) => [t, await rows(t)] as const)));
    expect(live['rm_enterprise_periods']!.length).toBeGreaterThan(400);
    await rebuildProjection(database.db, coverageProjection);
    for (const t of COVERAGE_TABLES) expect({ table: t, rows: await rows(t) }).toEqual({ table: t, rows: live[t] });
  }, 240_000);
});
