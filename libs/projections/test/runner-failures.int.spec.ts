import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { KyselyEventStore, type RecordedEvent } from '#event-store';
import type { DB } from '#persistence';
import { ProjectionRunner, readFailures, type Projection, type RunnerLogger } from '#projections';
import { createPGliteTestDatabase, createPostgresTestDatabase, describePostgres, type TestDatabase } from '../../../test/support/databases.js';

/** A projection that records the positions it applied in its own table; `fails` makes it throw on an event. */
function positions(name: string, fails: (e: RecordedEvent) => boolean = () => false): Projection {
  const table = `t_${name}`;
  return {
    name,
    tables: [table],
    async createTables(db) {
      await sql`create table if not exists projection_checkpoints (
                  name text primary key, position bigint not null default 0, updated_at timestamptz not null default now())`.execute(db);
      await sql.raw(`create table if not exists ${table} (position bigint primary key)`).execute(db);
    },
    async apply(db, events) {
      for (const e of events) {
        const d = e.data as { name?: string; id?: string };
        if (fails(e)) throw new Error(`cannot apply the event of "${d.name}" (${d.id}): value out of range`);
        await sql.raw(`insert into ${table} (position) values (${e.globalPosition})`).execute(db);
      }
    },
    async fold(db, upTo) {
      await sql.raw(`insert into ${table} (position) select global_position from events where global_position <= ${upTo}`).execute(db);
    },
  };
}

function collectingLogger(): RunnerLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (m) => lines.push(`log ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}

/** Polls until the condition holds (no timing asserted: a runner that never gets there fails the test). */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`never: ${what}`);
}

function suite(open: () => Promise<TestDatabase>): void {
  let database: TestDatabase;
  let db: Kysely<DB>;
  let store: KyselyEventStore;
  const append = async (n: number, type = 'Counted', data: Record<string, unknown> = {}) => {
    for (let i = 0; i < n; i++) await store.append(`thing-${randomUUID()}`, [{ eventId: randomUUID(), type, data }]);
    return store.headPosition();
  };

  beforeAll(async () => {
    database = await open();
    db = database.db;
    store = new KyselyEventStore(db);
  });
  afterAll(() => database?.close());
  beforeEach(async () => {
    await database.truncateAll();
    for (const name of ['flaky', 'healthy']) await positions(name).createTables(db);
    await sql`truncate t_flaky, t_healthy`.execute(db);
  });

  it('retries a failing projection with capped exponential backoff and reports it, while another applies to the head; once fixed it catches up and the report clears', async () => {
    await append(7);
    await append(1, 'Poison', { name: '张三', id: '110101199003077777' }); // position 8
    let head = await append(12);
    let broken = true;
    let now = Date.parse('2025-03-01T08:00:00Z');
    const logger = collectingLogger();
    const errors: unknown[] = [];
    const runner = new ProjectionRunner(db, store, [positions('flaky', (e) => broken && e.type === 'Poison'), positions('healthy')], {
      batchSize: 5,
      pollIntervalMs: 5,
      now: () => now,
      retry: { initialMs: 1000, maxMs: 4000 },
      logger,
      onError: (_, error) => errors.push(error),
    });
    const failure = async () => (await readFailures(db, ['flaky'])).get('flaky');
    runner.start();
    try {
      await until('healthy at the head, flaky reported', async () => (await runner.checkpoint('healthy')) === head && (await failure()) !== undefined);
      expect(await runner.checkpoint('flaky')).toBe(5n); // the batch 6..10 holds the poison
      const first = (await failure())!;
      expect(first).toMatchObject({ error: 'Error', position: 5n, attempts: 1, since: new Date(now), retryAt: new Date(now + 1000) });
      // Stored and logged without the person's name or identity number; the raw error only reaches onError.
      expect(first.message).toBe('cannot apply the event of "…" (…): value out of range');
      expect(logger.lines.filter((l) => l.startsWith('error'))).toEqual([
        `error projection flaky failed at position 6 (attempt 1, failing since 2025-03-01T08:00:00.000Z): Error: ${first.message}; next attempt at 2025-03-01T08:00:01.000Z`,
      ]);
      expect(logger.lines.join('\n')).not.toMatch(/张三|110101199003077777/);
      expect(String(errors[0])).toContain('张三');

      // The other projection goes on with what is recorded meanwhile; the failing one waits for its retry (the clock stands still).
      head = await append(6);
      await until('healthy at the new head', async () => (await runner.checkpoint('healthy')) === head);
      expect((await failure())!.attempts).toBe(1);
      const status = await runner.status();
      expect(status.projections).toEqual([
        { name: 'flaky', position: 5n, lag: head - 5n, failure: expect.objectContaining({ attempts: 1 }) },
        { name: 'healthy', position: head, lag: 0n },
      ]);
      // Waiting for freshness does not wait for a projection that fails.
      expect(await runner.waitFor(head, 60_000)).toEqual({ position: 5n, caughtUp: false });

      // Each retry waits twice as long as the one before, up to the cap.
      for (const [attempts, wait] of [[2, 2000], [3, 4000], [4, 4000]] as const) {
        const due = (await failure())!.retryAt.getTime();
        now = due;
        runner.nudge();
        await until(`attempt ${attempts}`, async () => (await failure())!.attempts === attempts);
        expect((await failure())!).toMatchObject({ since: new Date('2025-03-01T08:00:00Z'), retryAt: new Date(due + wait) });
      }

      broken = false;
      now = (await failure())!.retryAt.getTime();
      runner.nudge();
      await until('flaky caught up and cleared', async () => (await runner.checkpoint('flaky')) === head && (await failure()) === undefined);
      expect(logger.lines.at(-1)).toBe('log projection flaky recovered after 4 failed attempts (failing since 2025-03-01T08:00:00.000Z)');
      expect((await runner.status()).projections.every((p) => p.failure === undefined && p.lag === 0n)).toBe(true);
      const applied = await sql<{ n: string }>`select count(*)::text as n from t_flaky`.execute(db);
      expect(BigInt(applied.rows[0]!.n)).toBe(head);
    } finally {
      await runner.stop();
    }
  });

  it('catchUp takes the others to the head before throwing the failure; a later runner that applies it clears the recorded failure', async () => {
    await append(3);
    await append(1, 'Poison', { name: '李四', id: '440301198001010011' });
    const head = await append(3);
    const failing = new ProjectionRunner(db, store, [positions('flaky', (e) => e.type === 'Poison'), positions('healthy')], { batchSize: 2 });
    await expect(failing.catchUp()).rejects.toThrow('cannot apply');
    expect(await failing.checkpoint('healthy')).toBe(head);
    expect((await readFailures(db)).get('flaky')).toMatchObject({ position: 2n, attempts: 1 });
    await expect(failing.catchUp()).rejects.toThrow('cannot apply');
    expect((await readFailures(db)).get('flaky')).toMatchObject({ attempts: 2 });

    // Another process (the fixed worker) applies it: the report it did not write is cleared too.
    const fixed = new ProjectionRunner(db, store, [positions('flaky'), positions('healthy')]);
    expect(await fixed.catchUp()).toBe(Number(head - 2n));
    expect(await readFailures(db)).toEqual(new Map());
  });

  it('folds a first catch-up only when told to, and says so loudly', async () => {
    const head = await append(12);
    const quiet = new ProjectionRunner(db, store, [positions('healthy')], { batchSize: 5, foldFirstCatchUp: false, foldFrom: 10 });
    const logger = collectingLogger();
    expect(await quiet.step(positions('healthy'))).toBe(5); // batch by batch
    await sql`truncate t_healthy`.execute(db);
    await sql`delete from projection_checkpoints`.execute(db);

    const folding = new ProjectionRunner(db, store, [positions('healthy')], { batchSize: 5, foldFirstCatchUp: true, foldFrom: 10, logger });
    expect(await folding.step(positions('healthy'))).toBe(12);
    expect(await folding.checkpoint('healthy')).toBe(head);
    expect(logger.lines[0]).toBe(
      'warn projection healthy has applied nothing and the log holds 12 events: folding it in one pass into a scratch schema and swapping it in, as a rebuild (foldFirstCatchUp); its tables stay empty until then',
    );
    expect((await sql<{ n: string }>`select count(*)::text as n from t_healthy`.execute(db)).rows[0]!.n).toBe('12');
  });
}

describe('projection runner failures on PGlite', () => suite(createPGliteTestDatabase));
describePostgres('projection runner failures on PostgreSQL', () => suite(() => createPostgresTestDatabase()));
