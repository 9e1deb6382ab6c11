import { sql } from 'kysely';
import { KyselyEventStore } from '../../event-store/src/index.js';
import { AreaDirectory, CommandExecutor, PersonKeys, validateCommand } from '../../commands/src/index.js';
import { ProjectionRunner, rebuildProjection } from '../../projections/src/index.js';
import { generateDistrict } from '../../simulation/src/index.js';
import { createPGliteTestDatabase, createPostgresTestDatabase, describePostgres, type TestDatabase } from '../../../test/support/databases.js';
import { coverageAsOf, coverageProjection, COVERAGE_TABLES } from '../src/index.js';

const AREAS = ['LG', 'LG-01', 'LG-05', 'LG-05-C04', 'LG-11-C10-P'];
const DATES = ['2019-06-30', '2020-12-31', '2021-06-30', '2022-12-31'];

function rebuildSuite(open: () => Promise<TestDatabase>) {
  let database: TestDatabase;
  let store: KyselyEventStore;
  beforeAll(async () => {
    database = await open();
    store = new KyselyEventStore(database.db);
    const executor = new CommandExecutor(store, { areas: new AreaDirectory(store), personKeys: new PersonKeys('rebuild-test-key-0123456') });
    for (const c of generateDistrict({ enterprises: 120, workers: 300, years: 3, seed: 5 })) await executor.execute(validateCommand(c));
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
    const schemas = await sql<{ n: string }>`select count(*)::text as n from information_schema.schemata where schema_name like 'rebuild_%'`.execute(database.db);
    expect(schemas.rows[0]!.n).toBe('0');
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
}

describe('rebuilding the coverage read model [PGlite]', () => rebuildSuite(createPGliteTestDatabase));
describePostgres('rebuilding the coverage read model', () => rebuildSuite(() => createPostgresTestDatabase()));
