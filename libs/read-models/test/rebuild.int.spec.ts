import { operatorPrincipal } from '#domain';
import { sql } from 'kysely';
import { KyselyEventStore } from '#event-store';
import { CommandExecutor, validateCommand } from '#commands';
import { compareWithReplay, ProjectionRunner, rebuildProjection } from '#projections';
import { generateDistrict } from '#simulation';
import { createPGliteTestDatabase, createPostgresTestDatabase, describePostgres, type TestDatabase } from '../../../test/support/databases.js';
import { coverageAsOf, coverageProjection, COVERAGE_TABLES } from '../src/index.js';
import { testDeps } from '../../../test/support/engine-deps.js';

const AREAS = ['LG', 'LG-01', 'LG-05', 'LG-05-C04', 'LG-11-C10-P'];
const DATES = ['2019-06-30', '2020-12-31', '2021-06-30', '2022-12-31'];

function rebuildSuite(open: () => Promise<TestDatabase>) {
  let database: TestDatabase;
  let store: KyselyEventStore;
  beforeAll(async () => {
    database = await open();
    store = new KyselyEventStore(database.db);
    const executor = new CommandExecutor(store, await testDeps(database.db, store));
    for (const c of generateDistrict({ enterprises: 120, workers: 300, years: 3, seed: 5 })) await executor.execute(validateCommand(c), { principal: operatorPrincipal('test') });
  });
  afterAll(() => database?.close());

  const answers = async () => {
    const all = [];
    for (const area of AREAS) for (const date of DATES) all.push(await coverageAsOf(database.db, area, date));
    return all;
  };
  const rows = async (table: string) =>
    (await sql<{ r: string }>`select row_to_json(t)::text as r from ${sql.table(table)} t`.execute(database.db)).rows.map((x) => x.r).sort();

  it('rebuilds into fresh tables and swaps them in: the same rows and answers as the incremental build', async () => {
    const runner = new ProjectionRunner(database.db, store, [coverageProjection], { batchSize: 37 });
    await runner.catchUp();
    const incremental = await answers();
    expect(incremental[0]!.bands['<25'].active).toBeGreaterThan(0);
    const before = Object.fromEntries(await Promise.all(COVERAGE_TABLES.map(async (t) => [t, await rows(t)] as const)));

    let answeredDuringRebuild = 0;
    const result = await rebuildProjection(database.db, coverageProjection, {
      batchSize: 250,
      onProgress: () => {
        answeredDuringRebuild++;
      },
    });
    expect(result.position).toBe(await store.headPosition());
    expect(answeredDuringRebuild).toBeGreaterThan(0);
    expect(await answers()).toEqual(incremental);
    for (const t of COVERAGE_TABLES) expect(await rows(t)).toEqual(before[t]);
    expect(await runner.checkpoint('coverage')).toBe(result.position);
    // The rebuild above folded the log in one pass; applied batch by batch instead, it gives the same rows.
    await rebuildProjection(database.db, coverageProjection, { batchwise: true, batchSize: 250 });
    for (const t of COVERAGE_TABLES) expect(await rows(t)).toEqual(before[t]);
    const schemas = await sql<{ n: string }>`select count(*)::text as n from information_schema.schemata where schema_name like 'rebuild_%'`.execute(database.db);
    expect(schemas.rows[0]!.n).toBe('0');
  });

  it('folds a long log in one pass on a first catch-up, into the same rows as batch by batch', async () => {
    const before = Object.fromEntries(await Promise.all(COVERAGE_TABLES.map(async (t) => [t, await rows(t)] as const)));
    await sql`delete from projection_checkpoints where name = 'coverage'`.execute(database.db);
    for (const t of COVERAGE_TABLES) await sql`delete from ${sql.table(t)}`.execute(database.db);
    const head = await store.headPosition();

    const runner = new ProjectionRunner(database.db, store, [coverageProjection], { batchSize: 10, foldFrom: 100 });
    expect(await runner.step(coverageProjection)).toBe(Number(head)); // one step: the whole log
    expect(await runner.checkpoint('coverage')).toBe(head);
    for (const t of COVERAGE_TABLES) expect(await rows(t)).toEqual(before[t]);
    expect(await runner.step(coverageProjection)).toBe(0);
  });

  it('keeps answering from the live tables while a rebuild runs', async () => {
    const live = await coverageAsOf(database.db, 'LG', '2021-06-30');
    const during: unknown[] = [];
    await rebuildProjection(database.db, coverageProjection, {
      batchSize: 500,
      onProgress: async () => {
        during.push(await coverageAsOf(database.db, 'LG', '2021-06-30'));
      },
    });
    await new Promise((r) => setTimeout(r, 50));
    for (const answer of during) expect(answer).toEqual(live);
  });

  it('finds the live read model identical to a replay of the log, and names the rows that differ once it is altered', async () => {
    const clean = await compareWithReplay(database.db, coverageProjection, { batchSize: 300 });
    expect(clean.identical).toBe(true);
    expect(clean.position).toBe(await store.headPosition());
    expect(clean.tables.map((t) => t.table)).toEqual([...COVERAGE_TABLES]);
    for (const t of clean.tables) expect(t.liveRows).toBe(t.rebuiltRows);
    expect(clean.tables.find((t) => t.table === 'rm_enterprise_periods')!.liveRows).toBeGreaterThan(100);

    // Someone edits the read model behind the projection's back.
    const victim = (await sql<{ credit_code: string }>`select credit_code from rm_enterprise_periods limit 1`.execute(database.db)).rows[0]!.credit_code;
    await sql`delete from rm_enterprise_periods where ctid = (select ctid from rm_enterprise_periods where credit_code = ${victim} limit 1)`.execute(database.db);
    await sql`update rm_membership_periods set new_form = not new_form where ctid = (select ctid from rm_membership_periods limit 1)`.execute(database.db);
    const altered = await compareWithReplay(database.db, coverageProjection);
    expect(altered.identical).toBe(false);
    const periods = altered.tables.find((t) => t.table === 'rm_enterprise_periods')!;
    expect(periods).toMatchObject({ missingFromLive: 1, extraInLive: 0 });
    expect(periods.examples.missingFromLive).toEqual([expect.stringContaining(`"credit_code":"${victim}"`)]);
    expect(altered.tables.find((t) => t.table === 'rm_membership_periods')).toMatchObject({ missingFromLive: 1, extraInLive: 1 });
    expect(altered.tables.filter((t) => t.missingFromLive + t.extraInLive > 0).map((t) => t.table).sort()).toEqual(['rm_enterprise_periods', 'rm_membership_periods']);
    const schemas = await sql<{ n: string }>`select count(*)::text as n from information_schema.schemata where schema_name like 'verify_%'`.execute(database.db);
    expect(schemas.rows[0]!.n).toBe('0');

    // A rebuild repairs it.
    await rebuildProjection(database.db, coverageProjection);
    expect((await compareWithReplay(database.db, coverageProjection)).identical).toBe(true);
  });
}

describe('rebuilding the coverage read model [PGlite]', () => rebuildSuite(createPGliteTestDatabase));
describePostgres('rebuilding the coverage read model', () => rebuildSuite(() => createPostgresTestDatabase()));
