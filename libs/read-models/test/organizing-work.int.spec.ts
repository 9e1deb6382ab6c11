import { operatorPrincipal } from '#domain';
import { KyselyEventStore } from '#event-store';
import { CommandExecutor, validateCommand } from '#commands';
import { creditCode, residentId } from '../../domain/test/spec-helpers.js';
import { compareWithReplay, ProjectionRunner } from '#projections';
import { createPGliteTestDatabase, createPostgresTestDatabase, describePostgres, type TestDatabase } from '../../../test/support/databases.js';
import { campaignProgress, ceremonyCompliance, coverageProjection, organizingProjection, outreachFunnel, targetGap } from '../src/index.js';
import { testDeps } from '../../../test/support/engine-deps.js';

const E = (n: number) => creditCode(600 + n);

const AREAS = [
  { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
  { type: 'DefineArea', areaId: 'S1', kind: 'subdistrict', name: '布吉街道', parentId: 'LG' },
  { type: 'DefineArea', areaId: 'S2', kind: 'subdistrict', name: '横岗街道', parentId: 'LG' },
  { type: 'DefineArea', areaId: 'S3', kind: 'subdistrict', name: '坪地街道', parentId: 'LG' },
  { type: 'DefineArea', areaId: 'C1', kind: 'community', name: '南坑社区', parentId: 'S1' },
  { type: 'DefineArea', areaId: 'C2', kind: 'community', name: '六约社区', parentId: 'S2' },
];

/** Given: a district with a drive, ceremonies, joins in mixed spellings, and enterprises at every outreach step. */
const HISTORY = [
  ...AREAS,
  { type: 'FoundFederation', unionId: 'F-EXP', name: '龙岗区快递行业工联会', scope: 'industry', areaId: 'LG', industry: 'express', occurredOn: '2020-01-01' },
  { type: 'FoundFederation', unionId: 'F-C1', name: '南坑社区工联会', scope: 'regional', areaId: 'C1', occurredOn: '2020-01-01' },
  { type: 'LaunchCampaign', campaignId: 'K1', name: '新就业形态劳动者集中入会行动', areaId: 'LG', targetJoins: 10, startsOn: '2023-03-01', endsOn: '2023-06-30', targetOccupations: ['外卖骑手', '快递员', '无人机飞手'] },
  { type: 'HoldCeremony', ceremonyId: 'CER-1', areaId: 'C1', occurredOn: '2023-04-01', campaignId: 'K1' },
  { type: 'HoldCeremony', ceremonyId: 'CER-2', areaId: 'S2', occurredOn: '2023-05-10' },
  { type: 'HoldCeremony', ceremonyId: 'CER-3', areaId: 'S1', occurredOn: '2022-12-01' },
  // Enterprises: 25-99 in S1 (E1, E2 unorganized; E3 with its union), in S2 (E4 unorganized); 100+ in S2 (E5); <25 (E6).
  { type: 'RegisterEnterprise', creditCode: E(1), name: '甲', areaId: 'C1', headcount: 40, occurredOn: '2021-01-01' },
  { type: 'RegisterEnterprise', creditCode: E(2), name: '乙', areaId: 'S1', headcount: 60, occurredOn: '2021-01-01' },
  { type: 'RegisterEnterprise', creditCode: E(3), name: '丙', areaId: 'C1', headcount: 30, occurredOn: '2021-01-01' },
  { type: 'FoundEnterpriseUnion', unionId: 'U-3', creditCode: E(3), occurredOn: '2021-06-01' },
  { type: 'RegisterEnterprise', creditCode: E(4), name: '丁', areaId: 'C2', headcount: 80, occurredOn: '2021-01-01' },
  { type: 'FoundEnterpriseUnion', unionId: 'U-4', creditCode: E(4), occurredOn: '2021-02-01' },
  { type: 'DissolveUnion', unionId: 'U-4', occurredOn: '2022-01-01' },
  { type: 'RegisterEnterprise', creditCode: E(5), name: '戊', areaId: 'C2', headcount: 120, occurredOn: '2021-01-01' },
  { type: 'RegisterEnterprise', creditCode: E(6), name: '己', areaId: 'C2', headcount: 10, occurredOn: '2021-01-01' },
  { type: 'RecordOutreach', creditCode: E(1), step: 'visited', occurredOn: '2023-01-10' },
  { type: 'RecordOutreach', creditCode: E(1), step: 'policyExplained', occurredOn: '2023-02-01' },
  { type: 'RecordOutreach', creditCode: E(4), step: 'visited', occurredOn: '2023-01-05' },
  { type: 'RecordOutreach', creditCode: E(4), step: 'measuresDrawnUp', occurredOn: '2023-03-01' },
  { type: 'RecordOutreach', creditCode: E(5), step: 'visited', occurredOn: '2023-05-01' },
  // Joins: at the drive's ceremony, through the district-wide express federation, the C1 federation, E3's union.
  { type: 'JoinUnion', memberId: 'M1', personId: residentId(61), name: '一', unionId: 'F-EXP', occupation: '网约送餐员', newForm: true, channel: 'ceremony', ceremonyId: 'CER-1', occurredOn: '2023-04-01' },
  { type: 'JoinUnion', memberId: 'M2', personId: residentId(62), name: '二', unionId: 'F-EXP', occupation: 'food-delivery rider', newForm: true, channel: 'online', campaignId: 'K1', occurredOn: '2023-03-20' },
  { type: 'JoinUnion', memberId: 'M3', personId: residentId(63), name: '三', unionId: 'F-C1', occupation: '快递小哥', newForm: true, channel: 'street', campaignId: 'K1', occurredOn: '2023-04-03' },
  { type: 'JoinUnion', memberId: 'M4', personId: residentId(64), name: '四', unionId: 'U-3', occupation: '无人机飞手', newForm: true, channel: 'street', campaignId: 'K1', occurredOn: '2023-05-02' },
  { type: 'LeaveUnion', memberId: 'M4', occurredOn: '2023-06-01', reason: '离职' },
  { type: 'JoinUnion', memberId: 'M5', personId: residentId(65), name: '五', unionId: 'F-EXP', occupation: '快递员', newForm: true, channel: 'ceremony', ceremonyId: 'CER-2', occurredOn: '2023-05-10' },
];

/** Recorded afterwards: late reports. */
const LATE = [
  { type: 'JoinUnion', memberId: 'M6', personId: residentId(66), name: '六', unionId: 'F-C1', occupation: 'Courier', newForm: true, channel: 'street', campaignId: 'K1', occurredOn: '2023-03-15' },
  { type: 'RecordOutreach', creditCode: E(1), step: 'visited', occurredOn: '2022-12-01' },
  { type: 'FoundEnterpriseUnion', unionId: 'U-2', creditCode: E(2), occurredOn: '2023-06-15' },
];

function organizingSuite(open: () => Promise<TestDatabase>) {
  let database: TestDatabase;
  let run: (commands: object[]) => Promise<void>;
  beforeAll(async () => {
    database = await open();
    const store = new KyselyEventStore(database.db);
    const executor = new CommandExecutor(store, await testDeps(database.db, store));
    const runner = new ProjectionRunner(database.db, store, [coverageProjection, organizingProjection], { batchSize: 7 });
    run = async (commands) => {
      for (const c of commands) await executor.execute(validateCommand(c), { principal: operatorPrincipal('test') });
      await runner.catchUp();
    };
    await run(HISTORY);
  });
  afterAll(() => database?.close());

  it("counts a drive's joins against its target, by subdistrict, occupation group, channel, ceremony and week; leavers apart", async () => {
    const p = (await campaignProgress(database.db, 'K1', '2023-06-30'))!;
    expect(p).toMatchObject({ target: 10, joined: 4, stillMembers: 3, left: 1, progress: 0.4, remaining: 6 });
    expect(p.targetOccupations).toEqual([
      { asWritten: '外卖骑手', group: 'food-delivery-rider' },
      { asWritten: '快递员', group: 'courier' },
      { asWritten: '无人机飞手', group: null },
    ]);
    // M1 at CER-1 (C1 → S1); M2 through the district-wide federation outside a ceremony (no subdistrict); M3 through F-C1 (S1); M4 through E3's union (C1 → S1).
    expect(p.bySubdistrict).toEqual([
      { areaId: 'S1', name: '布吉街道', joined: 3, left: 1 },
      { areaId: null, name: null, joined: 1, left: 0 },
    ]);
    expect(p.byOccupation).toEqual([
      { group: 'food-delivery-rider', zh: '外卖骑手', en: 'food-delivery rider', targeted: true, joined: 2, left: 0 },
      { group: 'courier', zh: '快递员', en: 'courier', targeted: true, joined: 1, left: 0 },
    ]);
    expect(p.unmappedOccupations).toEqual([{ asWritten: '无人机飞手', joined: 1, left: 1 }]);
    expect(p.byChannel).toEqual([
      { channel: 'street', joined: 2, left: 1 },
      { channel: 'ceremony', joined: 1, left: 0 },
      { channel: 'online', joined: 1, left: 0 },
    ]);
    expect(p.byCeremony).toEqual([
      { ceremonyId: 'CER-1', heldOn: '2023-04-01', areaId: 'C1', joined: 1, left: 0 },
      { ceremonyId: null, heldOn: null, areaId: null, joined: 3, left: 1 },
    ]);
    expect(p.byWeek).toEqual([
      { week: '2023-W12', startsOn: '2023-03-20', joined: 1, left: 0 },
      { week: '2023-W13', startsOn: '2023-03-27', joined: 1, left: 0 },
      { week: '2023-W14', startsOn: '2023-04-03', joined: 1, left: 0 },
      { week: '2023-W18', startsOn: '2023-05-01', joined: 1, left: 1 },
    ]);
    expect(p.leftMembers).toEqual([{ memberId: 'M4', joinedOn: '2023-05-02', leftOn: '2023-06-01', occupation: '无人机飞手' }]);

    const early = (await campaignProgress(database.db, 'K1', '2023-04-01'))!;
    expect(early).toMatchObject({ joined: 2, left: 0 });
    const beforeLeaving = (await campaignProgress(database.db, 'K1', '2023-05-31'))!;
    expect(beforeLeaving).toMatchObject({ joined: 4, left: 0, stillMembers: 4 });
    expect(await campaignProgress(database.db, 'NOPE', '2023-05-31')).toBeUndefined();
  });

  it('lists the ceremonies each subdistrict held in a year, and the subdistricts that held none', async () => {
    const c2023 = await ceremonyCompliance(database.db, 'LG', 2023);
    expect(c2023.subdistricts).toEqual([
      { areaId: 'S1', name: '布吉街道', compliant: true, ceremonies: [{ ceremonyId: 'CER-1', heldOn: '2023-04-01', areaId: 'C1', campaignId: 'K1', joins: 1 }] },
      { areaId: 'S2', name: '横岗街道', compliant: true, ceremonies: [{ ceremonyId: 'CER-2', heldOn: '2023-05-10', areaId: 'S2', campaignId: null, joins: 1 }] },
      { areaId: 'S3', name: '坪地街道', compliant: false, ceremonies: [] },
    ]);
    expect(c2023).toMatchObject({ compliant: 2, missing: [{ areaId: 'S3', name: '坪地街道', held: 0 }] });
    expect((await ceremonyCompliance(database.db, 'LG', 2022)).missing.map((m) => m.areaId)).toEqual(['S2', 'S3']);
    expect((await ceremonyCompliance(database.db, 'LG', 2023, 2)).compliant).toBe(0);
    expect((await ceremonyCompliance(database.db, 'S2', 2023)).subdistricts.map((s) => s.areaId)).toEqual(['S2']);
  });

  it('puts each unorganized enterprise of 25+ staff at the furthest outreach step it reached, with the days it has stayed there', async () => {
    const f = await outreachFunnel(database.db, 'LG', '2023-06-30');
    expect(f.total).toBe(4); // E1, E2, E4 (25-99) and E5 (100+); E3 is organized, E6 is under 25
    expect(f.stages).toEqual([
      { step: 'none', count: 1, daysAtStep: null },
      { step: 'visited', count: 1, daysAtStep: { median: 60, mean: 60, max: 60 } },
      { step: 'policyExplained', count: 1, daysAtStep: { median: 149, mean: 149, max: 149 } },
      { step: 'measuresDrawnUp', count: 1, daysAtStep: { median: 121, mean: 121, max: 121 } },
    ]);
    expect(f.bySubdistrict).toEqual([
      { areaId: 'S1', name: '布吉街道', total: 2, none: 1, visited: 0, policyExplained: 1, measuresDrawnUp: 0 },
      { areaId: 'S2', name: '横岗街道', total: 2, none: 0, visited: 1, policyExplained: 0, measuresDrawnUp: 1 },
    ]);
    const january = await outreachFunnel(database.db, 'LG', '2023-01-31');
    expect(january.stages.map((s) => s.count)).toEqual([2, 2, 0, 0]);
    expect(january.stages[1]!.daysAtStep).toEqual({ median: 23.5, mean: 23.5, max: 26 }); // E1 visited 21 days, E4 26
  });

  it('says how many more enterprises each subdistrict must organize to reach the target, and which ones, largest first', async () => {
    const gap = await targetGap(database.db, 'LG', '2023-06-30', '25-99', 0.95);
    expect(gap).toMatchObject({ active: 4, organized: 1, rate: 0.25, needed: 3 });
    expect(gap.subdistricts.map(({ candidates, ...s }) => ({ ...s, candidates: candidates.map((c) => [c.creditCode, c.headcount, c.step]) }))).toEqual([
      { areaId: 'S1', name: '布吉街道', active: 3, organized: 1, rate: 1 / 3, needed: 2, unorganized: 2, candidates: [[E(2), 60, 'none'], [E(1), 40, 'policyExplained']] },
      { areaId: 'S2', name: '横岗街道', active: 1, organized: 0, rate: 0, needed: 1, unorganized: 1, candidates: [[E(4), 80, 'measuresDrawnUp']] },
    ]);
    const lenient = await targetGap(database.db, 'S1', '2023-06-30', '25-99', 0.5);
    expect(lenient.subdistricts[0]).toMatchObject({ needed: 1, candidates: [expect.objectContaining({ creditCode: E(2) })] });
    const big = await targetGap(database.db, 'LG', '2023-06-30', '100+', 1);
    expect(big.subdistricts).toEqual([expect.objectContaining({ areaId: 'S2', needed: 1, candidates: [expect.objectContaining({ creditCode: E(5), step: 'visited' })] })]);
  });

  it('takes late reports in: a late join counts for its week, a late visit moves a date back, a late founding closes part of the gap', async () => {
    await run(LATE);
    const p = (await campaignProgress(database.db, 'K1', '2023-06-30'))!;
    expect(p).toMatchObject({ joined: 5, left: 1 });
    expect(p.byWeek[0]).toEqual({ week: '2023-W11', startsOn: '2023-03-13', joined: 1, left: 0 });
    expect(p.byOccupation.find((o) => o.group === 'courier')!.joined).toBe(2); // "Courier", in another spelling
    const f = await outreachFunnel(database.db, 'LG', '2023-01-31');
    expect(f.stages.map((s) => s.count)).toEqual([2, 2, 0, 0]); // E2 is organized from 06-15 only: in January still in the funnel
    expect(f.stages[1]!.daysAtStep).toEqual({ median: 43.5, mean: 43.5, max: 61 }); // E1 was visited on 2022-12-01 after all
    const s1 = (await targetGap(database.db, 'LG', '2023-06-30', '25-99', 0.95)).subdistricts[0]!;
    expect(s1).toMatchObject({ organized: 2, needed: 1, candidates: [expect.objectContaining({ creditCode: E(1) })] });
    const june = await outreachFunnel(database.db, 'LG', '2023-06-30');
    expect(june.total).toBe(3);
  });

  it('folds the log in one pass on a rebuild into the same rows as applied batch by batch, late reports included', async () => {
    for (const projection of [organizingProjection, coverageProjection]) {
      const replay = await compareWithReplay(database.db, projection);
      expect(replay.tables.filter((t) => t.missingFromLive + t.extraInLive > 0)).toEqual([]);
      if (projection === organizingProjection) for (const t of replay.tables) expect([t.table, t.liveRows > 0]).toEqual([t.table, true]);
    }
  });
}

describe('organizing work read models [PGlite]', () => organizingSuite(createPGliteTestDatabase));
describePostgres('organizing work read models', () => organizingSuite(() => createPostgresTestDatabase()));
