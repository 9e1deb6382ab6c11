import { sql } from 'kysely';
import { KyselyEventStore, type RecordedEvent } from '#event-store';
import { CommandExecutor, validateCommand } from '#commands';
import { ProjectionRunner } from '#projections';
import { BANDS, operatorPrincipal } from '#domain';
import { coverageAsOf, coverageProjection, enterprisesAsOf, positionKnownAt, type Knowledge } from '#read-models';
import { creditCode } from '../../domain/test/spec-helpers.js';
import { createPGliteTestDatabase, createPostgresTestDatabase, describePostgres, type TestDatabase } from '../../../test/support/databases.js';
import { loadHistory, type EnterpriseAsOf } from '../src/index.js';
import { testDeps } from '../../../test/support/engine-deps.js';

/**
 * The enterprise history (libs/audit) and the coverage read model
 * (libs/read-models) answer the same question — how an enterprise counts on a
 * date, as known at an instant — from different code paths: the history folds
 * the enterprise's and its federations' streams, the read model writes
 * validity periods with a recorded axis and queries them in SQL. They must
 * agree on every date and every instant; this suite compares them where they
 * are most likely to part: a federation dissolved while covering (also a
 * dissolution recorded late, dated before the coverage began), a federation
 * whose founding or dissolution is not known yet, a closure while covered,
 * an own union and a coverage on one day.
 */
const E = (n: number) => creditCode(7700 + n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SETUP = [
  { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
  { type: 'DefineArea', areaId: 'BJ', kind: 'subdistrict', name: '布吉街道', parentId: 'LG' },
  { type: 'DefineArea', areaId: 'NK', kind: 'community', name: '南坑社区', parentId: 'BJ' },
  { type: 'DefineArea', areaId: 'HG', kind: 'subdistrict', name: '横岗街道', parentId: 'LG' },
  { type: 'FoundFederation', unionId: 'F-A', name: '南坑社区工联会', scope: 'regional', areaId: 'NK', occurredOn: '2020-01-01' },
  { type: 'FoundFederation', unionId: 'F-B', name: '布吉街道快递行业工联会', scope: 'industry', areaId: 'BJ', industry: 'express', occurredOn: '2020-01-01' },
  { type: 'FoundFederation', unionId: 'F-LG', name: '龙岗区工联会', scope: 'regional', areaId: 'LG', occurredOn: '2019-01-01' },
  ...[1, 2, 3, 4, 5, 6].map((n) => ({ type: 'RegisterEnterprise', creditCode: E(n), name: `企业${n}`, areaId: 'NK', headcount: 10 * n, occurredOn: '2021-01-01' })),
];

/** Each step is recorded on its own, so that an instant can fall between any two. */
const STEPS = [
  // E1: covered by F-A, which is dissolved while covering it.
  { type: 'CoverEnterprise', federationId: 'F-A', creditCode: E(1), occurredOn: '2022-01-10' },
  // E2: covered by F-B from 2022-03-01; F-B's dissolution, recorded later, is dated before that.
  { type: 'CoverEnterprise', federationId: 'F-B', creditCode: E(2), occurredOn: '2022-03-01' },
  // E3: closed while covered.
  { type: 'CoverEnterprise', federationId: 'F-LG', creditCode: E(3), occurredOn: '2021-03-01' },
  { type: 'CloseEnterprise', creditCode: E(3), occurredOn: '2022-05-01' },
  // E4: own union and coverage on one day; the union dissolved while the coverage goes on.
  { type: 'CoverEnterprise', federationId: 'F-LG', creditCode: E(4), occurredOn: '2021-05-01' },
  { type: 'FoundEnterpriseUnion', unionId: 'U-4', creditCode: E(4), occurredOn: '2021-05-01' },
  { type: 'DissolveUnion', unionId: 'U-4', occurredOn: '2022-02-01' },
  // E5: a federation founded (dated back) after the enterprise was registered, covering it; known only from its recording on.
  { type: 'FoundFederation', unionId: 'F-C', name: '横岗街道工联会', scope: 'regional', areaId: 'LG', occurredOn: '2021-02-01' },
  { type: 'CoverEnterprise', federationId: 'F-C', creditCode: E(5), occurredOn: '2021-02-01' },
  // E6: a late headcount moves it between bands; covered, uncovered.
  { type: 'CoverEnterprise', federationId: 'F-A', creditCode: E(6), occurredOn: '2021-06-01' },
  { type: 'UncoverEnterprise', federationId: 'F-A', creditCode: E(6), occurredOn: '2021-12-31' },
  { type: 'ReportHeadcount', creditCode: E(6), headcount: 150, occurredOn: '2021-09-01' },
  // The dissolutions: F-A while covering E1; F-B late, dated before E2's coverage began.
  { type: 'DissolveUnion', unionId: 'F-A', occurredOn: '2022-06-01' },
  { type: 'DissolveUnion', unionId: 'F-B', occurredOn: '2022-02-01' },
  // E2, no longer covered by F-B, is covered by F-LG from 2022-04-01.
  { type: 'CoverEnterprise', federationId: 'F-LG', creditCode: E(2), occurredOn: '2022-04-01' },
  // E1: a new federation covers it after F-A's dissolution.
  { type: 'CoverEnterprise', federationId: 'F-C', creditCode: E(1), occurredOn: '2022-07-01' },
  { type: 'DissolveUnion', unionId: 'F-C', occurredOn: '2022-09-01' },
];

const DATES = [
  '2020-12-31', '2021-01-01', '2021-02-01', '2021-03-01', '2021-05-01', '2021-06-01', '2021-09-01', '2021-12-31',
  '2022-01-09', '2022-01-10', '2022-01-31', '2022-02-01', '2022-02-28', '2022-03-01', '2022-04-01', '2022-04-30',
  '2022-05-01', '2022-05-31', '2022-06-01', '2022-06-30', '2022-07-01', '2022-08-31', '2022-09-01', '2023-01-01',
];

type Count = { areaId: string; headcount: number; band: string; status: string; unionId: string | null; federationId: string | null } | null;

/** How the history counts the enterprise (null: not active on the date), in the read model's terms. */
function fromHistory(s: EnterpriseAsOf): Count {
  if (!s.active) return null;
  return {
    areaId: s.areaId!,
    headcount: s.headcount!,
    band: s.band!,
    status: s.organizing!,
    unionId: s.organizing === 'independent' ? s.ownUnion!.unionId : null,
    federationId: s.organizing === 'federationCovered' ? s.federationCoverage!.federationId : null,
  };
}

function agreementSuite(open: () => Promise<TestDatabase>) {
  let database: TestDatabase;
  let store: KyselyEventStore;
  /** Instants between steps: each after one step was recorded and before the next. */
  const instants: Array<{ after: string; at: Date }> = [];
  let dissolutionOfFA: RecordedEvent;

  beforeAll(async () => {
    database = await open();
    store = new KyselyEventStore(database.db);
    const executor = new CommandExecutor(store, await testDeps(database.db, store));
    const runner = new ProjectionRunner(database.db, store, [coverageProjection], { batchSize: 5 });
    for (const c of SETUP) await executor.execute(validateCommand(c), { principal: operatorPrincipal('test') });
    for (const c of STEPS) {
      // Instants are kept to the millisecond (as the history shows them); leave a gap on each side.
      await sleep(3);
      await executor.execute(validateCommand(c), { principal: operatorPrincipal('test') });
      const all = await store.readAll({ fromPosition: 0n, maxCount: 10_000 });
      instants.push({ after: `${c.type} ${JSON.stringify(c)}`, at: new Date(all[all.length - 1]!.recordedAt.getTime() + 1) });
      await sleep(3);
    }
    await runner.catchUp();
    const all = await store.readAll({ fromPosition: 0n, maxCount: 10_000 });
    dissolutionOfFA = all.find((e) => e.type === 'UnionDissolved' && (e.data as { unionId: string }).unionId === 'F-A')!;
  }, 180_000);
  afterAll(() => database?.close());

  /** Both answers for every enterprise on a date, as known at an instant (undefined: now). */
  async function compare(asOf: string, knownAt: Date | undefined) {
    const knowledge: Knowledge = knownAt ? { position: await positionKnownAt(database.db, knownAt.toISOString()) } : undefined;
    const { items } = await enterprisesAsOf(database.db, 'LG', asOf, { knowledge, limit: 1000, offset: 0 });
    const readModel = new Map(items.map((r) => [r['creditCode'] as string, r]));
    const diffs: string[] = [];
    // The figures, tallied from the histories: every enterprise of the district is one of these.
    const tally = Object.fromEntries(BANDS.map((b) => [b, { active: 0, independent: 0, federationCovered: 0 }])) as Record<string, Record<string, number>>;
    for (const n of [1, 2, 3, 4, 5, 6]) {
      const row = readModel.get(E(n));
      const counted: Count = row
        ? { areaId: row['areaId'] as string, headcount: row['headcount'] as number, band: row['band'] as string, status: row['status'] as string, unionId: (row['unionId'] as string | null) ?? null, federationId: (row['federationId'] as string | null) ?? null }
        : null;
      const h = await loadHistory(store, (await testDeps(database.db, store)).vault, 'enterprise', E(n), { asOf, ...(knownAt ? { knownAt } : {}) });
      const history = fromHistory(h.state as EnterpriseAsOf);
      if (history) {
        tally[history.band]!['active']!++;
        if (history.status !== 'unorganized') tally[history.band]![history.status]!++;
      }
      if (JSON.stringify(counted) !== JSON.stringify(history)) {
        diffs.push(`E${n} on ${asOf}${knownAt ? ` as known at ${knownAt.toISOString()}` : ''}: read model ${JSON.stringify(counted)}, history ${JSON.stringify(history)}`);
      }
    }
    const figures = (await coverageAsOf(database.db, 'LG', asOf, knowledge)).bands;
    for (const b of BANDS) {
      const { active, independent, federationCovered } = figures[b];
      if (JSON.stringify({ active, independent, federationCovered }) !== JSON.stringify(tally[b])) {
        diffs.push(`${b} on ${asOf}${knownAt ? ` as known at ${knownAt.toISOString()}` : ''}: figures ${JSON.stringify({ active, independent, federationCovered })}, histories ${JSON.stringify(tally[b])}`);
      }
    }
    return { diffs, readModel };
  }

  it('agree on every enterprise, every date, as known now', async () => {
    const diffs: string[] = [];
    for (const date of DATES) diffs.push(...(await compare(date, undefined)).diffs);
    expect(diffs).toEqual([]);
  });

  it('agree as known at every instant between two recorded facts', async () => {
    const diffs: string[] = [];
    for (const { at } of instants) for (const date of DATES) diffs.push(...(await compare(date, at)).diffs);
    expect(diffs).toEqual([]);
  }, 180_000);

  it('a federation dissolved while covering: covered until the day before its dissolution, then not; covered until then as known before it was recorded', async () => {
    const status = async (asOf: string, knownAt?: Date) => {
      const { readModel, diffs } = await compare(asOf, knownAt);
      expect(diffs).toEqual([]);
      return readModel.get(E(1))?.['status'];
    };
    expect(await status('2022-01-09')).toBe('unorganized');
    expect(await status('2022-01-10')).toBe('federationCovered');
    expect(await status('2022-05-31')).toBe('federationCovered');
    expect(await status('2022-06-01')).toBe('unorganized');
    expect(await status('2022-07-01')).toBe('federationCovered'); // by F-C from that day
    const before = instants[instants.findIndex((i) => i.after.includes('"unionId":"F-A"')) - 1]!.at;
    expect(await status('2022-06-01', before)).toBe('federationCovered');
    expect(await status('2022-07-01', before)).toBe('federationCovered');
  });

  it('a dissolution recorded late, dated before the coverage began: never covered by it, as known now; covered from its start as known before', async () => {
    const status = async (asOf: string, knownAt?: Date) => {
      const { readModel, diffs } = await compare(asOf, knownAt);
      expect(diffs).toEqual([]);
      return readModel.get(E(2))?.['status'];
    };
    expect(await status('2022-03-01')).toBe('unorganized');
    expect(await status('2022-04-01')).toBe('federationCovered');
    const before = instants[instants.findIndex((i) => i.after.includes('"unionId":"F-B"')) - 1]!.at;
    expect(await status('2022-03-01', before)).toBe('federationCovered');
  });

  it('a knownAt copied from a recordedAt counts that event in both, though PostgreSQL records microseconds', async () => {
    // recordedAt is shown (and read by the history) to the millisecond; the read model's positionKnownAt takes the
    // instant to the end of its millisecond, so the event recorded within it is known to both. See docs/history.md.
    const at = dissolutionOfFA.recordedAt;
    const history = await loadHistory(store, (await testDeps(database.db, store)).vault, 'enterprise', E(1), { asOf: '2022-06-01', knownAt: at });
    expect((history.state as EnterpriseAsOf).organizing).toBe('unorganized');
    const { readModel } = await compare('2022-06-01', at);
    expect(readModel.get(E(1))?.['status']).toBe('unorganized');
  });
}

describe('enterprise history and coverage read model agree [PGlite]', () => agreementSuite(createPGliteTestDatabase));
describePostgres('enterprise history and coverage read model agree', () => agreementSuite(() => createPostgresTestDatabase()));
