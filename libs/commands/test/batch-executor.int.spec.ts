import { operatorPrincipal, type Principal } from '#domain';
import { KyselyEventStore, WrongExpectedRevisionError } from '#event-store';
import { generateDistrict } from '#simulation';
import { createPGliteTestDatabase, createPostgresTestDatabase, describePostgres, type TestDatabase } from '../../../test/support/databases.js';
import { creditCode, residentId } from '../../domain/test/spec-helpers.js';
import { BatchExecutor, CommandExecutor, validateCommand, type EngineCommand } from '../src/index.js';
import { testDeps } from '../../../test/support/engine-deps.js';

const KEY = 'batch-test-key-0123456789';
/** A generated district with late reports, refusals (a second membership of a person) and a duplicate commandId. */
const commands = (): EngineCommand[] => {
  const list = [...generateDistrict({ enterprises: 60, workers: 150, years: 2, seed: 9 })].map((c, i) => validateCommand({ ...c, commandId: `c-${i}` }));
  const join = list.find((c) => c.type === 'JoinUnion')!;
  list.push(validateCommand({ ...join, commandId: 'again-same-person', memberId: 'M-OTHER' })); // refused: one person, one membership
  list.push(list[5]!); // the same command (same commandId) again
  return list;
};

function batchSuite(open: () => Promise<TestDatabase>) {
  let one: TestDatabase;
  let many: TestDatabase;
  beforeAll(async () => {
    [one, many] = [await open(), await open()];
  });
  afterAll(async () => {
    await one?.close();
    await many?.close();
  });

  it('records exactly what one-by-one execution records: the same events, ids, streams and revisions, and the same refusals', async () => {
    const list = commands();
    const oneStore = new KyselyEventStore(one.db);
    const single = new CommandExecutor(oneStore, await testDeps(one.db, oneStore));
    const singleAnswers: string[] = [];
    for (const c of list) {
      singleAnswers.push(await single.execute(c, { principal: operatorPrincipal('test') }).then((e) => (e.duplicate ? 'duplicate' : 'ok'), (error: { code?: string }) => error.code ?? 'error'));
    }

    const manyStore = new KyselyEventStore(many.db);
    const batches = new BatchExecutor(manyStore, await testDeps(many.db, manyStore));
    const batchAnswers: string[] = [];
    for (let i = 0; i < list.length; i += 97) {
      const outcomes = await batches.execute(list.slice(i, i + 97).map((command) => ({ command, options: { principal: operatorPrincipal('test') } })));
      expect(outcomes).toBeDefined();
      for (const o of outcomes!) batchAnswers.push(o.ok ? (o.execution.duplicate ? 'duplicate' : 'ok') : ((o.error as { code?: string }).code ?? 'error'));
    }
    expect(batchAnswers).toEqual(singleAnswers);
    expect(batchAnswers.filter((a) => a === 'ok').length).toBeGreaterThan(500);
    expect(batchAnswers).toContain('PERSON_ALREADY_MEMBER');
    expect(batchAnswers[batchAnswers.length - 1]).toBe('duplicate');

    // Compared opened: personal fields are sealed with a fresh iv (and, in each store, the person's own key).
    const byStream = async (store: KyselyEventStore, db: typeof one.db) => {
      const events = await (await testDeps(db, store)).vault.openAll(await store.readAll());
      return events
        .map((e) => `${e.streamId}#${e.streamRevision} ${e.eventId} ${e.type} ${JSON.stringify(e.data)} ${e.metadata['commandId']}`)
        .sort();
    };
    expect(await byStream(manyStore, many.db)).toEqual(await byStream(oneStore, one.db));

    // A batch sent again is all duplicates, answered as the first time.
    const again = await batches.execute(list.slice(0, 50).map((command) => ({ command, options: { principal: operatorPrincipal('test') } })));
    expect(again!.every((o) => !o.ok || o.execution.duplicate)).toBe(true);
  });

  it('erases in a batch what the batch recorded before the erasure, and not what it records after', async () => {
    const store = new KyselyEventStore(many.db);
    const deps = await testDeps(many.db, store);
    const batches = new BatchExecutor(store, deps);
    const person = residentId(4343, '19860606');
    const outcomes = (await batches.execute(
      [
        { type: 'DefineArea', areaId: 'ERA', kind: 'district', name: '删除区' },
        { type: 'RegisterEnterprise', creditCode: creditCode(4343), name: '某工厂', areaId: 'ERA', headcount: 30, occurredOn: '2020-01-01' },
        { type: 'FoundEnterpriseUnion', unionId: 'U-ERA', creditCode: creditCode(4343), occurredOn: '2020-01-02' },
        { type: 'JoinUnion', memberId: 'M-ERA-1', personId: person, name: '第一次', unionId: 'U-ERA', occurredOn: '2020-02-01' },
        { type: 'LeaveUnion', memberId: 'M-ERA-1', occurredOn: '2021-02-01' },
        { type: 'ErasePersonalData', personId: person, legalBasis: 'consentWithdrawn', occurredOn: '2021-03-01' },
        { type: 'JoinUnion', memberId: 'M-ERA-2', personId: person, name: '第二次', unionId: 'U-ERA', occurredOn: '2022-02-01' },
      ].map((c) => ({ command: validateCommand(c), options: { principal: operatorPrincipal('test') } })),
    ))!;
    expect(outcomes.map((o) => (o.ok ? 'ok' : (o.error as { code?: string }).code))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    const joins = await deps.vault.openAll((await store.readAll()).filter((e) => e.type === 'MemberJoined' && String((e.data as { memberId: string }).memberId).startsWith('M-ERA')));
    expect(joins.map((e) => [(e.data as { name: string | null }).name, e.personalData])).toEqual([
      [null, 'erased'],
      ['第二次', 'opened'],
    ]);
  });

  it('sees what earlier commands of the batch staged (an area defined, then an enterprise in it) and answers positions in command order', async () => {
    const store = new KyselyEventStore(many.db);
    const batches = new BatchExecutor(store, await testDeps(many.db, store));
    const outcomes = (await batches.execute(
      [
        { type: 'DefineArea', areaId: 'NEW', kind: 'district', name: '新区' },
        { type: 'DefineArea', areaId: 'NEW-1', kind: 'subdistrict', name: '新街道', parentId: 'NEW' },
        { type: 'RegisterEnterprise', creditCode: creditCode(4242), name: '新企业', areaId: 'NEW-1', headcount: 30, occurredOn: '2023-01-01' },
        { type: 'ReportHeadcount', creditCode: creditCode(4242), headcount: 31, occurredOn: '2023-02-01' },
      ].map((c) => ({ command: validateCommand(c), options: { principal: operatorPrincipal('test') } })),
    ))!;
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, true]);
    const positions = outcomes.flatMap((o) => (o.ok ? o.execution.result.events.map((e) => BigInt(e.position)) : []));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
    expect(outcomes[3]!.ok && outcomes[3]!.execution.result.events[0]).toMatchObject({ streamId: `enterprise-${creditCode(4242)}`, revision: 1 });
  });

  it("answers a commandId seen before, in the log or earlier in the group, only to the same recorder: another gets COMMAND_ID_CONFLICT", async () => {
    const store = new KyselyEventStore(many.db);
    const batches = new BatchExecutor(store, await testDeps(many.db, store));
    const cadre = (tokenId: string): Principal => ({ role: 'federation', areaId: 'DUP', holder: `cadre ${tokenId}`, tokenId });
    const admin = operatorPrincipal('test');
    const area = (areaId: string, commandId: string) => validateCommand({ type: 'DefineArea', areaId, kind: 'subdistrict', name: areaId, parentId: 'DUP', commandId });
    await batches.execute([{ command: validateCommand({ type: 'DefineArea', areaId: 'DUP', kind: 'district', name: 'd' }), options: { principal: admin } }]);
    const before = (await store.readAll()).length;
    const outcomes = (await batches.execute([
      { command: area('DUP-1', 'dup-1'), options: { principal: cadre('t1') } },
      { command: area('DUP-1', 'dup-1'), options: { principal: cadre('t1') } },
      { command: area('DUP-2', 'dup-1'), options: { principal: cadre('t2') } },
    ]))!;
    expect(outcomes.map((o) => (o.ok ? (o.execution.duplicate ? 'duplicate' : 'recorded') : (o.error as { code: string }).code))).toEqual(['recorded', 'duplicate', 'COMMAND_ID_CONFLICT']);
    const again = (await batches.execute([
      { command: area('DUP-1', 'dup-1'), options: { principal: cadre('t2') } },
      { command: area('DUP-1', 'dup-1'), options: { principal: cadre('t1') } },
    ]))!;
    expect(again.map((o) => (o.ok ? (o.execution.duplicate ? 'duplicate' : 'recorded') : (o.error as { code: string }).code))).toEqual(['COMMAND_ID_CONFLICT', 'duplicate']);
    expect((await store.readAll()).length).toBe(before + 1);
  });

  it('writes nothing and says so when another writer changed a stream of the batch meanwhile', async () => {
    const store = new KyselyEventStore(many.db);
    const batches = new BatchExecutor(store, await testDeps(many.db, store));
    const before = (await store.readAll()).length;
    const appendBatch = store.appendBatch.bind(store);
    store.appendBatch = async () => {
      throw new WrongExpectedRevisionError('area-LATE', 'no_stream', 0);
    };
    const outcome = await batches.execute([{ command: validateCommand({ type: 'DefineArea', areaId: 'LATE', kind: 'district', name: 'x' }), options: { principal: operatorPrincipal('test') } }]);
    store.appendBatch = appendBatch;
    expect(outcome).toBeUndefined();
    expect((await store.readAll()).length).toBe(before);
  });
}

describe('batch execution (group commit) [PGlite]', () => batchSuite(createPGliteTestDatabase));
describePostgres('batch execution (group commit)', () => batchSuite(() => createPostgresTestDatabase()));
