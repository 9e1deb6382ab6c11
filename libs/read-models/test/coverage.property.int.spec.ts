import { operatorPrincipal } from '#domain';
import fc from 'fast-check';
import { KyselyEventStore } from '#event-store';
import { CommandExecutor, validateCommand } from '#commands';
import { creditCode, residentId } from '../../domain/test/spec-helpers.js';
import { compareWithReplay, ProjectionRunner } from '#projections';
import {
  createPGliteTestDatabase,
  createPostgresTestDatabase,
  describePostgres,
  type TestDatabase,
} from '../../../test/support/databases.js';
import {
  coverageAnswerNow, coverageMembers, membershipBreakdown, coverageAsOf, coverageDifference, coverageProjection, coverageRevisions, emptyDelta, enterpriseFiguresAsOf,
  type CoverageDelta,
} from '../src/index.js';
import { bruteForceBreakdown, bruteForceCoverage } from './brute-force.js';
import { testDeps } from '../../../test/support/engine-deps.js';

/** A small district: LG > S1, S2; S1 > C1, C2; S2 > C3; C1 > P1 (park). */
const AREAS = [
  { type: 'DefineArea', areaId: 'LG', kind: 'district', name: 'LG' },
  { type: 'DefineArea', areaId: 'S1', kind: 'subdistrict', name: 'S1', parentId: 'LG' },
  { type: 'DefineArea', areaId: 'S2', kind: 'subdistrict', name: 'S2', parentId: 'LG' },
  { type: 'DefineArea', areaId: 'C1', kind: 'community', name: 'C1', parentId: 'S1' },
  { type: 'DefineArea', areaId: 'C2', kind: 'community', name: 'C2', parentId: 'S1' },
  { type: 'DefineArea', areaId: 'C3', kind: 'community', name: 'C3', parentId: 'S2' },
  { type: 'DefineArea', areaId: 'P1', kind: 'park', name: 'P1', parentId: 'C1' },
];
const AREA_IDS = AREAS.map((a) => a.areaId);
const LEAVES = ['C1', 'C2', 'C3', 'P1'];
const FEDERATIONS = [
  { type: 'FoundFederation', unionId: 'F-S1', name: 'S1 federation', scope: 'regional', areaId: 'S1', occurredOn: '2019-06-01' },
  { type: 'FoundFederation', unionId: 'F-C3', name: 'C3 federation', scope: 'regional', areaId: 'C3', occurredOn: '2020-03-01' },
  { type: 'FoundFederation', unionId: 'F-LG', name: 'express federation', scope: 'industry', areaId: 'LG', occurredOn: '2019-01-01' },
];
const ENTERPRISES = [0, 1, 2, 3, 4, 5].map((n) => creditCode(500 + n));
const UNION_IDS = ['F-S1', 'F-C3', 'F-LG', ...ENTERPRISES.map((_, i) => `U${i}`), ...ENTERPRISES.map((_, i) => `U${i}b`)];

const day = fc.integer({ min: 0, max: 900 }).map((n) => new Date(Date.UTC(2019, 6, 1) + n * 86_400_000).toISOString().slice(0, 10));
const enterprise = fc.integer({ min: 0, max: ENTERPRISES.length - 1 });

/** Commands in random order with random dates: late reports, overlaps and refusals come naturally. */
const command = fc.oneof(
  { weight: 3, arbitrary: fc.record({ e: enterprise, area: fc.constantFrom(...LEAVES), headcount: fc.integer({ min: 0, max: 150 }), newForm: fc.boolean(), on: day })
      .map(({ e, area, headcount, newForm, on }) => ({ type: 'RegisterEnterprise', creditCode: ENTERPRISES[e], name: `E${e}`, areaId: area, headcount, newForm, occurredOn: on })) },
  { weight: 4, arbitrary: fc.record({ e: enterprise, headcount: fc.integer({ min: 0, max: 150 }), on: day })
      .map(({ e, headcount, on }) => ({ type: 'ReportHeadcount', creditCode: ENTERPRISES[e], headcount, occurredOn: on })) },
  { weight: 2, arbitrary: fc.record({ e: enterprise, area: fc.constantFrom(...LEAVES), on: day })
      .map(({ e, area, on }) => ({ type: 'RelocateEnterprise', creditCode: ENTERPRISES[e], areaId: area, occurredOn: on })) },
  { weight: 1, arbitrary: fc.record({ e: enterprise, on: day }).map(({ e, on }) => ({ type: 'CloseEnterprise', creditCode: ENTERPRISES[e], occurredOn: on })) },
  { weight: 2, arbitrary: fc.record({ e: enterprise, second: fc.boolean(), on: day })
      .map(({ e, second, on }) => ({ type: 'FoundEnterpriseUnion', unionId: `U${e}${second ? 'b' : ''}`, creditCode: ENTERPRISES[e], occurredOn: on })) },
  { weight: 3, arbitrary: fc.record({ e: enterprise, f: fc.constantFrom('F-S1', 'F-C3', 'F-LG'), on: day })
      .map(({ e, f, on }) => ({ type: 'CoverEnterprise', federationId: f, creditCode: ENTERPRISES[e], occurredOn: on })) },
  { weight: 2, arbitrary: fc.record({ e: enterprise, f: fc.constantFrom('F-S1', 'F-C3', 'F-LG'), on: day })
      .map(({ e, f, on }) => ({ type: 'UncoverEnterprise', federationId: f, creditCode: ENTERPRISES[e], occurredOn: on })) },
  { weight: 1, arbitrary: fc.record({ u: fc.constantFrom(...UNION_IDS), on: day }).map(({ u, on }) => ({ type: 'DissolveUnion', unionId: u, occurredOn: on })) },
  { weight: 3, arbitrary: fc.record({ m: fc.integer({ min: 0, max: 7 }), p: fc.integer({ min: 0, max: 5 }), u: fc.constantFrom(...UNION_IDS), newForm: fc.boolean(), on: day })
      .map(({ m, p, u, newForm, on }) => ({ type: 'JoinUnion', memberId: `M${m}`, personId: residentId(p), name: `W${p}`, unionId: u, newForm, occurredOn: on })) },
  { weight: 2, arbitrary: fc.record({ m: fc.integer({ min: 0, max: 7 }), u: fc.constantFrom(...UNION_IDS), on: day })
      .map(({ m, u, on }) => ({ type: 'TransferMembership', memberId: `M${m}`, toUnionId: u, occurredOn: on })) },
  { weight: 1, arbitrary: fc.record({ m: fc.integer({ min: 0, max: 7 }), on: day }).map(({ m, on }) => ({ type: 'LeaveUnion', memberId: `M${m}`, occurredOn: on })) },
  { weight: 1, arbitrary: fc.record({ m: fc.integer({ min: 0, max: 7 }), reason: fc.constantFrom('unemployed', 'retired'), u: fc.option(fc.constantFrom(...UNION_IDS), { nil: undefined }), on: day })
      .map(({ m, reason, u, on }) => ({ type: 'RetainMembership', memberId: `M${m}`, reason, ...(u ? { heldByUnionId: u } : {}), occurredOn: on })) },
  { weight: 1, arbitrary: fc.record({ m: fc.integer({ min: 0, max: 7 }), u: fc.constantFrom(...UNION_IDS), on: day })
      .map(({ m, u, on }) => ({ type: 'ResumeMembership', memberId: `M${m}`, unionId: u, occurredOn: on })) },
);

/** Most enterprises are registered early, so that the random commands after them mostly apply. */
const registrations = fc
  .array(
    fc.record({ area: fc.constantFrom(...LEAVES), headcount: fc.integer({ min: 0, max: 150 }), newForm: fc.boolean(), offset: fc.integer({ min: 0, max: 200 }) }),
    { minLength: ENTERPRISES.length, maxLength: ENTERPRISES.length },
  )
  .map((list) =>
    list.map(({ area, headcount, newForm, offset }, e) => ({
      type: 'RegisterEnterprise', creditCode: ENTERPRISES[e], name: `E${e}`, areaId: area, headcount, newForm,
      occurredOn: new Date(Date.UTC(2019, 6, 1) + offset * 86_400_000).toISOString().slice(0, 10),
    })),
  );

function coverageProperty(open: () => Promise<TestDatabase>, runs: number) {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(() => database?.close());

  it('matches a brute-force replay of the log for random histories, areas and dates', async () => {
    await fc.assert(
      fc.asyncProperty(registrations, fc.array(command, { minLength: 20, maxLength: 70 }), fc.array(day, { minLength: 3, maxLength: 5 }), async (registered, random, dates) => {
        const commands = [...registered, ...random];
        await database.truncateAll();
        const store = new KyselyEventStore(database.db);
        const executor = new CommandExecutor(store, await testDeps(database.db, store));
        let recorded = 0;
        for (const c of [...AREAS, ...FEDERATIONS, ...commands]) {
          recorded += await executor.execute(validateCommand(c), { principal: operatorPrincipal('test') }).then(() => 1, () => 0);
        }
        // Half the runs project in one go, half in small batches, to cross batch boundaries.
        const runner = new ProjectionRunner(database.db, store, [coverageProjection], { batchSize: recorded % 2 ? 1000 : 3 });
        await runner.catchUp();
        const log = await store.readAll();
        for (const date of [...dates, '2019-07-01', '2022-01-01']) {
          for (const areaId of AREA_IDS) {
            const coverage = await coverageAsOf(database.db, areaId, date);
            expect(coverage).toEqual(bruteForceCoverage(log, areaId, date));
            const breakdown = await membershipBreakdown(database.db, areaId, date);
            // The API's one-statement answer says the same (staff and the membership rate included).
            expect(await coverageAnswerNow(database.db, areaId, date)).toEqual({
              bands: coverage.bands, newForm: coverage.newForm, staff: coverage.staff, members: { ...coverage.members, ...breakdown },
            });
            expect({ ...breakdown, byArea: breakdown.byArea.map(({ areaId: id, total, newForm }) => ({ areaId: id, total, newForm })) }).toEqual(
              bruteForceBreakdown(log, areaId, date),
            );
          }
        }
        // A rebuild folds the whole log in one pass: the same rows, table for table.
        const replay = await compareWithReplay(database.db, coverageProjection);
        expect(replay.tables.filter((t) => t.missingFromLive + t.extraInLive > 0)).toEqual([]);
      }),
      { numRuns: runs },
    );
  });

  it('answers as known at any earlier position like a replay of the log cut there, and explains every change since', async () => {
    await fc.assert(
      fc.asyncProperty(
        registrations,
        fc.array(command, { minLength: 20, maxLength: 60 }),
        fc.array(day, { minLength: 2, maxLength: 3 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 4 }),
        async (registered, random, dates, cuts) => {
          await database.truncateAll();
          const store = new KyselyEventStore(database.db);
          const executor = new CommandExecutor(store, await testDeps(database.db, store));
          let recorded = 0;
          for (const c of [...AREAS, ...FEDERATIONS, ...registered, ...random]) {
            recorded += await executor.execute(validateCommand(c), { principal: operatorPrincipal('test') }).then(() => 1, () => 0);
          }
          const runner = new ProjectionRunner(database.db, store, [coverageProjection], { batchSize: recorded % 2 ? 1000 : 4 });
          await runner.catchUp();
          const log = await store.readAll();
          const head = log[log.length - 1]!.globalPosition;
          // What the engine knew is always a whole number of commands (they append atomically).
          const lastOfCommand = (i: number) => {
            while (i + 1 < log.length && log[i + 1]!.metadata.commandId === log[i]!.metadata.commandId) i++;
            return log[i]!.globalPosition;
          };
          const commandAt = (p: bigint) => log.filter((e) => e.metadata.commandId === log.find((x) => x.globalPosition === p)!.metadata.commandId);
          for (const cut of cuts) {
            const k = lastOfCommand(Math.min(log.length - 1, Math.floor(cut * log.length)));
            const known = log.filter((e) => e.globalPosition <= k);
            for (const date of dates) {
              for (const areaId of ['LG', 'S1', 'P1']) {
                const then = await coverageAsOf(database.db, areaId, date, { position: k });
                expect(then).toEqual(bruteForceCoverage(known, areaId, date));
                // The API's knownAt answer (the enterprise figures, and the members from their breakdown) says the same.
                const figures = await enterpriseFiguresAsOf(database.db, areaId, date, { position: k });
                const members = coverageMembers(await membershipBreakdown(database.db, areaId, date, { position: k }), figures.staff);
                expect({ ...figures, members: { total: members.total, newForm: members.newForm, rate: members.rate } }).toEqual({
                  bands: then.bands, newForm: then.newForm, staff: then.staff, members: then.members,
                });
                const explained = await coverageRevisions(database.db, areaId, date, k, head);
                expect(explained.before).toEqual(then);
                expect(explained.after).toEqual(bruteForceCoverage(log, areaId, date));
                // The revisions add up to exactly the difference, and each is a real event after k.
                const sum: CoverageDelta = emptyDelta();
                for (const r of explained.revisions) {
                  expect(BigInt(r.position) > k && BigInt(r.position) <= head).toBe(true);
                  addInto(sum, r.delta);
                }
                expect(sum).toEqual(coverageDifference(explained.before, explained.after));
                expect(explained.next).toBeNull();
                // Page by page (two positions of the log a page), the revisions are the same list, in the same order.
                const paged = [];
                for (let after: bigint | undefined; ; ) {
                  const page = await coverageRevisions(database.db, areaId, date, k, head, { after, limit: 2 });
                  expect(page.revisions.length).toBeLessThanOrEqual(2);
                  paged.push(...page.revisions);
                  if (page.next === null) break;
                  expect(page.next > (after ?? k)).toBe(true);
                  after = page.next;
                }
                expect(paged).toEqual(explained.revisions);
                // Each revision is the change made by its command: the answers known just before and just after it.
                for (const r of explained.revisions.slice(0, 2)) {
                  const command = commandAt(BigInt(r.position));
                  const first = command[0]!.globalPosition;
                  const last = command[command.length - 1]!.globalPosition;
                  expect(explained.revisions.filter((x) => BigInt(x.position) >= first && BigInt(x.position) <= last)).toEqual([r]);
                  const diff = coverageDifference(
                    bruteForceCoverage(log.filter((e) => e.globalPosition < first), areaId, date),
                    bruteForceCoverage(log.filter((e) => e.globalPosition <= last), areaId, date),
                  );
                  expect(r.delta).toEqual(diff);
                }
              }
            }
          }
        },
      ),
      { numRuns: Math.ceil(runs / 2) },
    );
  }, 240_000);
}

function addInto(sum: CoverageDelta, d: CoverageDelta): void {
  for (const band of Object.keys(sum.bands) as Array<keyof CoverageDelta['bands']>) {
    for (const k of Object.keys(sum.bands[band]) as Array<keyof CoverageDelta['newForm']>) sum.bands[band][k] += d.bands[band][k];
  }
  for (const k of Object.keys(sum.newForm) as Array<keyof CoverageDelta['newForm']>) sum.newForm[k] += d.newForm[k];
  sum.staff += d.staff;
  sum.members.total += d.members.total;
  sum.members.newForm += d.members.newForm;
}

describe('coverage read model vs brute force [PGlite]', () => coverageProperty(createPGliteTestDatabase, 25));
describePostgres('coverage read model vs brute force', () => coverageProperty(() => createPostgresTestDatabase(), 25));
