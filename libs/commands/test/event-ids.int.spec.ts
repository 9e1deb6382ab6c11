import { createHash } from 'node:crypto';
import { operatorPrincipal } from '#domain';
import { KyselyEventStore } from '#event-store';
import { createPGliteTestDatabase, createPostgresTestDatabase, describePostgres, type TestDatabase } from '../../../test/support/databases.js';
import { creditCode } from '../../domain/test/spec-helpers.js';
import { BatchExecutor, CommandExecutor, eventIdFor, newCommandId, validateCommand } from '../src/index.js';
import { testDeps } from '../../../test/support/engine-deps.js';

/** The rule every event id followed before ids carried their command's time: all SHA-256. */
const hashOnlyId = (commandId: string, k: number) => {
  const h = createHash('sha256').update(`uce-command:${commandId}:${k}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

describe('event ids', () => {
  it('gives a command sent without an id a UUID v7: its time first, later ids sorting later', () => {
    const ids = [newCommandId(Date.UTC(2026, 0, 1)), newCommandId(Date.UTC(2026, 0, 1, 0, 0, 0, 1)), newCommandId(Date.UTC(2027, 5, 1))];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]!.replace('-', '').slice(0, 12)).toBe(Date.UTC(2026, 0, 1).toString(16).padStart(12, '0'));
    expect(new Set(Array.from({ length: 1000 }, () => newCommandId(0))).size).toBe(1000);
  });

  it("starts the event ids of a UUID v7 command with the command's time, the rest from the hash, the same every time", () => {
    const commandId = newCommandId(Date.UTC(2026, 11, 1));
    const ids = [0, 1, 2].map((k) => eventIdFor(commandId, k));
    expect(ids.map((k) => k.slice(0, 13))).toEqual(Array(3).fill(commandId.slice(0, 13)));
    expect(new Set(ids).size).toBe(3);
    expect([0, 1, 2].map((k) => eventIdFor(commandId, k))).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids[1]!.slice(14)).toBe(hashOnlyId(commandId, 1).slice(14));
  });

  it('keeps the ids of every other command id as they were (logs recorded before stay recognised)', () => {
    for (const commandId of ['report-E1-2021H1', 'c-5', 'f:12:0123456789abcdef', '6f1c2a8e-3b4d-4e5f-9a0b-1c2d3e4f5a6b']) {
      expect(eventIdFor(commandId, 0)).toBe(hashOnlyId(commandId, 0));
      expect(eventIdFor(commandId, 3)).toBe(hashOnlyId(commandId, 3));
    }
  });
});

function retrySuite(open: () => Promise<TestDatabase>) {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('recognises the retry of a UUID v7 command recorded when its event ids were all hash, one by one and in a group', async () => {
    const store = new KyselyEventStore(database.db);
    const deps = await testDeps(database.db, store);
    const admin = { principal: operatorPrincipal('test') };
    await new CommandExecutor(store, deps).execute(validateCommand({ type: 'DefineArea', areaId: 'V7', kind: 'district', name: 'd' }), admin);
    const commandId = newCommandId();
    const register = validateCommand({ type: 'RegisterEnterprise', creditCode: creditCode(7007), name: 'e', areaId: 'V7', headcount: 10, occurredOn: '2024-01-02', commandId });

    // Recorded as a release before this rule recorded it: the same events under hash-only ids.
    const appendBatch = store.appendBatch.bind(store);
    store.appendBatch = (streams, events) => appendBatch(streams, events.map((e, k) => ({ ...e, eventId: hashOnlyId(commandId, k) })));
    const first = (await new BatchExecutor(store, deps).execute([{ command: register, options: admin }, { command: validateCommand({ type: 'DefineArea', areaId: 'V7-S', kind: 'subdistrict', name: 's', parentId: 'V7' }), options: admin }]))!;
    store.appendBatch = appendBatch;
    expect(first[0]!.ok).toBe(true);
    const stored = await store.readStream(`enterprise-${creditCode(7007)}`);
    expect(stored.map((e) => e.eventId)).toEqual([hashOnlyId(commandId, 0)]);
    const before = (await store.readAll()).length;

    const one = await new CommandExecutor(store, deps).execute(register, admin);
    expect(one).toMatchObject({ duplicate: true, result: { commandId, events: [{ streamId: `enterprise-${creditCode(7007)}`, revision: 0, position: stored[0]!.globalPosition.toString() }] } });
    const group = (await new BatchExecutor(store, deps).execute([{ command: register, options: admin }, { command: register, options: admin }]))!;
    expect(group.map((o) => o.ok && o.execution.duplicate)).toEqual([true, true]);
    const other = await new CommandExecutor(store, deps).execute(validateCommand({ type: 'RegisterEnterprise', creditCode: creditCode(7007), name: 'e', areaId: 'V7', headcount: 11, occurredOn: '2024-01-02', commandId }), admin).catch((error: { code?: string }) => error.code);
    expect(other).toBe('COMMAND_ID_CONFLICT');
    expect((await store.readAll()).length).toBe(before);
  });
}

describe('retries of commands recorded before [PGlite]', () => retrySuite(createPGliteTestDatabase));
describePostgres('retries of commands recorded before', () => retrySuite(() => createPostgresTestDatabase()));
