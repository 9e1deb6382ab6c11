import { operatorPrincipal } from '#domain';
import { sql } from 'kysely';
import { CommandExecutor, validateCommand } from '#commands';
import type { HandlerDeps } from '#commands';
import { creditCode, residentId } from '../../domain/test/spec-helpers.js';
import { KyselyEventStore } from '#event-store';
import { ProjectionRunner } from '#projections';
import { createPGliteTestDatabase, createPostgresTestDatabase, describePostgres, type TestDatabase } from '../../../test/support/databases.js';
import { testDeps } from '../../../test/support/engine-deps.js';
import { MEMBERSHIP_SUCCESSION, membershipSuccessionPolicy, SUCCESSION_ACTOR } from '../src/index.js';

const E1 = creditCode(701); // in park P1: the deepest active regional federation is C1's
const E2 = creditCode(702); // in district X, where no federation exists
const E3 = creditCode(703); // in community C2: S1's federation; its union is dissolved
const E4 = creditCode(704); // closed in a batch that is rolled back

/**
 * LG > S1 > C1 > P1 and LG > S1 > C2; X > XS > XC without any federation.
 * Regional federations over S1 and C1; one over P1 founded only after the
 * closure; an older one over C1 dissolved before it; an industry federation
 * over LG (never the upper-level union of an area).
 */
const HISTORY = [
  { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
  { type: 'DefineArea', areaId: 'S1', kind: 'subdistrict', name: '布吉街道', parentId: 'LG' },
  { type: 'DefineArea', areaId: 'C1', kind: 'community', name: '南坑社区', parentId: 'S1' },
  { type: 'DefineArea', areaId: 'C2', kind: 'community', name: '木棉湾社区', parentId: 'S1' },
  { type: 'DefineArea', areaId: 'P1', kind: 'park', name: '南坑工业园', parentId: 'C1' },
  { type: 'DefineArea', areaId: 'X', kind: 'district', name: '某区' },
  { type: 'DefineArea', areaId: 'XS', kind: 'subdistrict', name: '某街道', parentId: 'X' },
  { type: 'DefineArea', areaId: 'XC', kind: 'community', name: '某社区', parentId: 'XS' },
  { type: 'FoundFederation', unionId: 'F-S1', name: '布吉街道总工会', scope: 'regional', areaId: 'S1', occurredOn: '2019-01-01' },
  { type: 'FoundFederation', unionId: 'F-C1', name: '南坑社区工联会', scope: 'regional', areaId: 'C1', occurredOn: '2019-06-01' },
  { type: 'FoundFederation', unionId: 'F-C1-old', name: '旧工联会', scope: 'regional', areaId: 'C1', occurredOn: '2019-01-01' },
  { type: 'DissolveUnion', unionId: 'F-C1-old', occurredOn: '2021-06-01' },
  { type: 'FoundFederation', unionId: 'F-P1', name: '园区工联会', scope: 'regional', areaId: 'P1', occurredOn: '2023-01-01' },
  { type: 'FoundFederation', unionId: 'F-IND', name: '快递行业工联会', scope: 'industry', areaId: 'LG', occurredOn: '2019-01-01' },
  { type: 'RegisterEnterprise', creditCode: E1, name: '园区工厂', areaId: 'C1', headcount: 120, occurredOn: '2020-01-01' },
  { type: 'RelocateEnterprise', creditCode: E1, areaId: 'P1', occurredOn: '2021-01-01' },
  { type: 'RegisterEnterprise', creditCode: E2, name: '外区工厂', areaId: 'XC', headcount: 40, occurredOn: '2020-01-01' },
  { type: 'RegisterEnterprise', creditCode: E3, name: '木棉湾工厂', areaId: 'C2', headcount: 30, occurredOn: '2020-01-01' },
  { type: 'FoundEnterpriseUnion', unionId: 'U1', creditCode: E1, occurredOn: '2020-02-01' },
  { type: 'FoundEnterpriseUnion', unionId: 'U2', creditCode: E2, occurredOn: '2020-02-01' },
  { type: 'FoundEnterpriseUnion', unionId: 'U3', creditCode: E3, occurredOn: '2020-02-01' },
  { type: 'JoinUnion', memberId: 'M1', personId: residentId(1), name: '甲', unionId: 'U1', occurredOn: '2020-03-01' },
  { type: 'JoinUnion', memberId: 'M2', personId: residentId(2), name: '乙', unionId: 'U1', occurredOn: '2020-03-01' },
  { type: 'JoinUnion', memberId: 'M3', personId: residentId(3), name: '丙', unionId: 'U2', occurredOn: '2020-03-01' },
  { type: 'JoinUnion', memberId: 'M4', personId: residentId(4), name: '丁', unionId: 'U3', occurredOn: '2020-03-01' },
  { type: 'JoinUnion', memberId: 'M5', personId: residentId(5), name: '戊', unionId: 'U1', occurredOn: '2020-03-01' },
  { type: 'LeaveUnion', memberId: 'M5', occurredOn: '2021-01-01' },
  { type: 'JoinUnion', memberId: 'M6', personId: residentId(6), name: '己', unionId: 'U1', occurredOn: '2020-03-01' },
  { type: 'TransferMembership', memberId: 'M6', toUnionId: 'U3', occurredOn: '2021-06-01' },
  { type: 'CloseEnterprise', creditCode: E1, occurredOn: '2022-06-30', commandId: 'close-E1' },
  { type: 'CloseEnterprise', creditCode: E2, occurredOn: '2022-06-30' },
  { type: 'DissolveUnion', unionId: 'U3', occurredOn: '2022-03-01' },
];

function successionSuite(open: () => Promise<TestDatabase>) {
  let database: TestDatabase;
  let store: KyselyEventStore;
  let executor: CommandExecutor;
  let deps: HandlerDeps;
  const run = (c: object) => executor.execute(validateCommand(c), { principal: operatorPrincipal('test') });
  const runner = () => new ProjectionRunner(database.db, store, [membershipSuccessionPolicy(deps)], { batchSize: 7 });
  const eventCount = async () => Number((await sql<{ n: string }>`select count(*)::text as n from events`.execute(database.db)).rows[0]!.n);
  const successionOf = async (memberId: string) =>
    (await store.readStream(`member-${memberId}`))
      .filter((e) => e.type === 'MembershipPassedUp' || e.type === 'MembershipAwaitingTransfer')
      .map((e) => ({ type: e.type, ...(e.data as object) }));

  beforeAll(async () => {
    database = await open();
    store = new KyselyEventStore(database.db);
    deps = await testDeps(database.db, store);
    executor = new CommandExecutor(store, deps);
    for (const c of HISTORY) await run(c);
    await runner().catchUp();
  });
  afterAll(() => database?.close());

  it("passes the members of a closed enterprise's union to the deepest regional federation over its location on that date", async () => {
    for (const memberId of ['M1', 'M2']) {
      expect(await successionOf(memberId)).toEqual([
        { type: 'MembershipPassedUp', memberId, fromUnionId: 'U1', toUnionId: 'F-C1', reason: 'enterpriseClosed', occurredOn: '2022-06-30' },
      ]);
    }
  });

  it('flags members where no federation covers the area as awaiting a transfer', async () => {
    expect(await successionOf('M3')).toEqual([{ type: 'MembershipAwaitingTransfer', memberId: 'M3', unionId: 'U2', reason: 'enterpriseClosed', occurredOn: '2022-06-30' }]);
  });

  it("passes up the members of a dissolved enterprise union, including one transferred into it, but not those who left or moved out", async () => {
    expect(await successionOf('M4')).toEqual([
      { type: 'MembershipPassedUp', memberId: 'M4', fromUnionId: 'U3', toUnionId: 'F-S1', reason: 'unionDissolved', occurredOn: '2022-03-01' },
    ]);
    expect(await successionOf('M6')).toEqual([
      { type: 'MembershipPassedUp', memberId: 'M6', fromUnionId: 'U3', toUnionId: 'F-S1', reason: 'unionDissolved', occurredOn: '2022-03-01' },
    ]);
    expect(await successionOf('M5')).toEqual([]);
  });

  it('records the commands like any other: a derived commandId, the policy as actor, correlated with the closure', async () => {
    const [passed] = (await store.readStream('member-M1')).filter((e) => e.type === 'MembershipPassedUp');
    const [closed] = (await store.readStream(`enterprise-${E1}`)).filter((e) => e.type === 'EnterpriseClosed');
    expect(passed!.metadata).toMatchObject({
      commandType: 'PassMembershipUp',
      commandId: `${MEMBERSHIP_SUCCESSION}:${closed!.eventId}:M1`,
      actor: SUCCESSION_ACTOR,
      correlationId: 'close-E1',
    });
  });

  it('passes up a join recorded after the closure but dated before it, at the closure date', async () => {
    await run({ type: 'JoinUnion', memberId: 'M7', personId: residentId(7), name: '庚', unionId: 'U1', occurredOn: '2022-01-01' });
    await run({ type: 'JoinUnion', memberId: 'M8', personId: residentId(8), name: '辛', unionId: 'U1', occurredOn: '2022-07-15' });
    await runner().catchUp();
    expect(await successionOf('M7')).toEqual([
      { type: 'MembershipPassedUp', memberId: 'M7', fromUnionId: 'U1', toUnionId: 'F-C1', reason: 'enterpriseClosed', occurredOn: '2022-06-30' },
    ]);
    // Dated after the closure: not a member on that date, nothing to pass up.
    expect(await successionOf('M8')).toEqual([]);
  });

  it('records nothing new when the runner runs again, or when the policy is replayed from the start', async () => {
    const before = await eventCount();
    expect(await runner().catchUp()).toBe(0);
    expect(await eventCount()).toBe(before);
    // Even from the start, the derived commandIds make every command a duplicate.
    await sql`update projection_checkpoints set position = 0 where name = ${MEMBERSHIP_SUCCESSION}`.execute(database.db);
    await sql`truncate succession_areas, succession_federations, succession_unions, succession_locations, succession_member_spells`.execute(database.db);
    await runner().catchUp();
    expect(await eventCount()).toBe(before);
  });

  it('records nothing of a batch that fails: the commands commit with the checkpoint', async () => {
    await run({ type: 'RegisterEnterprise', creditCode: E4, name: '倒闭厂', areaId: 'C2', headcount: 30, occurredOn: '2020-01-01' });
    await run({ type: 'FoundEnterpriseUnion', unionId: 'U4', creditCode: E4, occurredOn: '2020-02-01' });
    await run({ type: 'JoinUnion', memberId: 'M9', personId: residentId(9), name: '壬', unionId: 'U4', occurredOn: '2020-03-01' });
    await run({ type: 'CloseEnterprise', creditCode: E4, occurredOn: '2023-03-31' });
    const before = await eventCount();
    const policy = membershipSuccessionPolicy(deps);
    const killed = new ProjectionRunner(database.db, store, [
      {
        ...policy,
        async apply(db, events, upTo) {
          await policy.apply(db, events, upTo);
          if (events.some((e) => e.type === 'EnterpriseClosed')) throw new Error('killed mid-batch');
        },
      },
    ]);
    const checkpoint = await killed.checkpoint(MEMBERSHIP_SUCCESSION);
    await expect(killed.catchUp()).rejects.toThrow('killed mid-batch');
    expect(await eventCount()).toBe(before);
    expect(await killed.checkpoint(MEMBERSHIP_SUCCESSION)).toBe(checkpoint);
    expect(await successionOf('M9')).toEqual([]);

    await runner().catchUp();
    expect(await successionOf('M9')).toEqual([
      { type: 'MembershipPassedUp', memberId: 'M9', fromUnionId: 'U4', toUnionId: 'F-S1', reason: 'enterpriseClosed', occurredOn: '2023-03-31' },
    ]);
    expect(await eventCount()).toBe(before + 1);
  });
}

describe('membership-succession policy [PGlite]', () => successionSuite(createPGliteTestDatabase));
describePostgres('membership-succession policy', () => successionSuite(() => createPostgresTestDatabase()));
