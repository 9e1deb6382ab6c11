import { sql } from 'kysely';
import {
  createPGliteTestDatabase,
  createPostgresTestDatabase,
  describePostgres,
  type TestDatabase,
} from '../../../test/support/databases.js';
import { KyselyEventStore, verifyChain } from '../src/index.js';
import { anEvent } from './event-store.contract.js';

/**
 * Tampering with the log behind the engine's back — editing a payload,
 * deleting a row, swapping two positions — is found by `verifyChain`, which
 * names the first event that no longer matches.
 */
function tamperEvidence(open: () => Promise<TestDatabase>): void {
  let database: TestDatabase;
  let store: KyselyEventStore;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(() => database?.close());

  beforeEach(async () => {
    await database.truncateAll();
    store = new KyselyEventStore(database.db);
    // 20 events over 4 streams, single and multi-stream appends, odd content.
    for (let i = 0; i < 8; i++) {
      await store.append(`enterprise-${i % 3}`, [anEvent(i, { occurredOn: '2023-01-0' + (1 + (i % 9)), metadata: { actor: '张三', note: 'a;b:c' } })]);
    }
    await store.appendMultiple([
      { streamId: 'member-1', events: [anEvent(100, { data: { name: '李四', nested: { z: 1, a: [1, 2] } } }), anEvent(101)], expected: 'no_stream' },
      { streamId: 'person-x', events: [anEvent(102)], expected: 'no_stream' },
    ]);
    for (let i = 0; i < 9; i++) await store.append('campaign-1', [anEvent(200 + i)]);
  });

  const run = (sqlText: string) => sql.raw(sqlText).execute(database.db);

  it('passes an untouched log and reports its head position and hash', async () => {
    const report = await verifyChain(database.db, { batchSize: 7 });
    expect(report).toMatchObject({ ok: true, events: 20, headPosition: '20' });
    expect(report.headHash).toMatch(/^[0-9a-f]{64}$/);
    const { rows } = await sql<{ h: string }>`select encode(hash, 'hex') as h from events where global_position = 20`.execute(database.db);
    expect(report.headHash).toBe(rows[0]!.h);
  });

  it('passes an empty log', async () => {
    await database.truncateAll();
    expect(await verifyChain(database.db)).toMatchObject({ ok: true, events: 0, headPosition: '0' });
  });

  it('keeps chaining after new appends: the earlier head is still in the log, with the same hash', async () => {
    const before = await verifyChain(database.db);
    await store.append('enterprise-9', [anEvent(900)]);
    const after = await verifyChain(database.db, { anchors: new Map([[before.headPosition, before.headHash]]) });
    expect(after).toMatchObject({ ok: true, events: 21, headPosition: '21' });
  });

  it("finds an edited payload and names the event", async () => {
    const { rows } = await sql<{ id: string }>`select event_id::text as id from events where global_position = 9`.execute(database.db);
    await run(`update events set data = jsonb_set(data, '{name}', '"王五"') where global_position = 9`);
    const report = await verifyChain(database.db);
    expect(report.ok).toBe(false);
    expect(report.failure).toMatchObject({ kind: 'mismatch', position: '9', eventId: rows[0]!.id, streamId: 'member-1' });
    expect(report.failure!.message).toContain(rows[0]!.id);
    expect(report.events).toBe(8);
  });

  it('finds edited metadata, a changed business date and a changed recorded time', async () => {
    await run(`update events set metadata = '{"actor":"someone else"}' where global_position = 3`);
    expect((await verifyChain(database.db)).failure).toMatchObject({ kind: 'mismatch', position: '3' });
    await database.truncateAll();
    await store.append('s', [anEvent(1, { occurredOn: '2023-05-01' }), anEvent(2)]);
    await run(`update events set occurred_on = '2023-04-30' where global_position = 1`);
    expect((await verifyChain(database.db)).failure).toMatchObject({ kind: 'mismatch', position: '1' });
    await run(`update events set occurred_on = '2023-05-01', recorded_at = recorded_at - interval '1 microsecond' where global_position = 1`);
    expect((await verifyChain(database.db)).failure).toMatchObject({ kind: 'mismatch', position: '1' });
  });

  it('finds a deleted event and names its position', async () => {
    await run(`delete from events where global_position = 12`);
    const report = await verifyChain(database.db);
    expect(report.failure).toMatchObject({ kind: 'missing', position: '12', nextPresent: '13' });
    expect(report.failure!.message).toContain('position 12 is missing');
  });

  it('finds events deleted from the end of the log', async () => {
    await run(`delete from events where global_position >= 19`);
    expect((await verifyChain(database.db)).failure).toMatchObject({ kind: 'head', position: '20' });
  });

  it('finds two swapped positions and names the first event out of place', async () => {
    const { rows } = await sql<{ id: string }>`select event_id::text as id from events where global_position = 6`.execute(database.db);
    await run(`update events set global_position = -1 where global_position = 5`);
    await run(`update events set global_position = 5 where global_position = 6`);
    await run(`update events set global_position = 6 where global_position = -1`);
    const report = await verifyChain(database.db);
    expect(report.failure).toMatchObject({ kind: 'mismatch', position: '5', eventId: rows[0]!.id });
  });

  it('finds a whole rewritten chain through a hash written down earlier', async () => {
    const before = await verifyChain(database.db);
    // A forger edits event 4 and recomputes every hash from there on (with the database's own function).
    await run(`update events set data = '{"n": 999}' where global_position = 4`);
    await run(`do $$
      declare v bytea; r record;
      begin
        select hash into v from events where global_position = 3;
        for r in select * from events where global_position >= 4 order by global_position loop
          v := event_hash(v, r.global_position, r.event_id, r.stream_id, r.stream_revision, r.event_type, r.data, r.metadata, r.occurred_on, r.recorded_at, r.schema_version);
          update events set hash = v where global_position = r.global_position;
        end loop;
        update event_log_head set hash = v;
      end $$`);
    expect((await verifyChain(database.db)).ok).toBe(true); // the chain alone cannot tell
    const report = await verifyChain(database.db, { anchors: new Map([[before.headPosition, before.headHash]]) });
    expect(report.failure).toMatchObject({ kind: 'anchor', position: '20', expected: before.headHash });
  });
}

describe('a tamper-evident log [PGlite]', () => {
  tamperEvidence(createPGliteTestDatabase);
});

describePostgres('a tamper-evident log', () => {
  tamperEvidence(createPostgresTestDatabase);
});

describe('upgrading a log stored before the hash chain [PGlite]', () => {
  it('renumbers positions densely in their old order and chains every event', async () => {
    const { Migrator } = await import('kysely');
    const { migrations } = await import('../../persistence/src/migrations/index.js');
    const { openDatabase, migrateToLatest } = await import('#persistence');
    const database = await openDatabase({ inMemory: true });
    try {
      const migrator = new Migrator({
        db: database.db,
        provider: { getMigrations: async () => migrations },
        migrationTableName: 'schema_migrations',
        migrationLockTableName: 'schema_migrations_lock',
      });
      const { error } = await migrator.migrateTo('1763900000000-append-multiple');
      expect(error).toBeUndefined();
      const old = new KyselyEventStore(database.db); // the old SQL functions: xid-based, sparse positions
      for (let i = 0; i < 5; i++) await old.append(`s-${i % 2}`, [anEvent(i), anEvent(i + 10)]);
      const before = (await sql<{ id: string; p: string }>`select event_id::text as id, global_position::text as p from events order by events.global_position`.execute(database.db)).rows;
      expect(BigInt(before[9]!.p)).toBeGreaterThan(1_000_000n);

      await migrateToLatest(database.db);
      const after = await old.readAll();
      expect(after.map((e) => e.eventId)).toEqual(before.map((r) => r.id));
      expect(after.map((e) => e.globalPosition)).toEqual(after.map((_, i) => BigInt(i + 1)));
      expect(await verifyChain(database.db)).toMatchObject({ ok: true, events: 10, headPosition: '10' });
      await old.append('s-9', [anEvent(99)]);
      expect(await verifyChain(database.db)).toMatchObject({ ok: true, events: 11, headPosition: '11' });
    } finally {
      await database.close();
    }
  });
});
