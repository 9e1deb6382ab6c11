import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '#persistence';
import type { TestDatabase } from '../../../test/support/databases.js';
import {
  EventIdConflictError,
  InvalidAppendError,
  KyselyEventStore,
  WrongExpectedRevisionError,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '../src/index.js';

/** An event with a fresh id; `n` tells events apart in assertions. */
export function anEvent(n: number, extra: Partial<NewEvent> = {}): NewEvent {
  return { eventId: randomUUID(), type: 'HeadcountReported', data: { n, headcount: 100 + n }, ...extra };
}

export async function collect(iterable: AsyncIterable<RecordedEvent>, count: number, ms = 10_000): Promise<RecordedEvent[]> {
  const seen: RecordedEvent[] = [];
  const deadline = Date.now() + ms;
  for await (const e of iterable) {
    seen.push(e);
    if (seen.length >= count || Date.now() > deadline) break;
  }
  return seen;
}

/** A backend under the contract: its store, the database holding the events it reads, and how to empty it. */
export interface StoreUnderTest {
  /** The store, as it is after the last `reset`. */
  readonly store: EventStore;
  /** The database whose `events` table the store reads (its own log, or its copy of another). */
  readonly db: Kysely<DB>;
  /** Empties the log (and everything derived from it): each test starts on an empty store. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** A Kysely store on a test database: the database's own log. */
export async function kyselyStoreUnderTest(open: () => Promise<TestDatabase>): Promise<StoreUnderTest> {
  const database = await open();
  let store = new KyselyEventStore(database.db);
  return {
    get store() {
      return store;
    },
    db: database.db,
    reset: async () => {
      await database.truncateAll();
      store = new KyselyEventStore(database.db);
    },
    close: () => database.close(),
  };
}

/**
 * The behaviour every implementation of the EventStore port must show. Run
 * against each backend by its own spec file.
 */
export function eventStoreContract(open: () => Promise<StoreUnderTest>): void {
  let subject: StoreUnderTest;
  let database: { db: Kysely<DB> };
  let store: EventStore;

  beforeAll(async () => {
    subject = await open();
    database = subject;
  });
  afterAll(async () => {
    await subject?.close();
  });
  beforeEach(async () => {
    await subject.reset();
    store = subject.store;
  });

  const count = async (table: string) =>
    Number((await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(database.db)).rows[0]!.n);

  describe('append and read a stream', () => {
    it('numbers a new stream from revision 0 and reads it back in order with its metadata', async () => {
      const events = [
        anEvent(1, { occurredOn: '2022-12-31', metadata: { actor: 'cadre-7', correlationId: 'c-1', causationId: 'cmd-1' } }),
        anEvent(2, { schemaVersion: 2 }),
        anEvent(3),
      ];
      const result = await store.append('enterprise-A', events, 'no_stream');
      expect(result).toMatchObject({ nextExpectedRevision: 2, recorded: true });

      const read = await store.readStream('enterprise-A');
      expect(read.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
      expect(read.map((e) => e.streamRevision)).toEqual([0, 1, 2]);
      expect(read[2]!.globalPosition).toBe(result.lastPosition);
      expect(read[0]).toMatchObject({
        type: 'HeadcountReported',
        data: { n: 1, headcount: 101 },
        streamId: 'enterprise-A',
        occurredOn: '2022-12-31',
        metadata: { actor: 'cadre-7', correlationId: 'c-1', causationId: 'cmd-1' },
        schemaVersion: 1,
      });
      expect(read[1]).toMatchObject({ occurredOn: null, schemaVersion: 2, metadata: {} });
      expect(read[0]!.recordedAt).toBeInstanceOf(Date);
      expect(Math.abs(read[0]!.recordedAt.getTime() - Date.now())).toBeLessThan(60_000);
      expect(await store.streamRevision('enterprise-A')).toBe(2);
    });

    it('stores data and metadata as JSON objects, not as JSON strings', async () => {
      await store.append('s', [anEvent(1, { metadata: { actor: 'a' } })]);
      const { rows } = await sql<{ d: string; m: string }>`
        select jsonb_typeof(data) as d, jsonb_typeof(metadata) as m from events`.execute(database.db);
      expect(rows).toEqual([{ d: 'object', m: 'object' }]);
    });

    it('orders revisions as numbers, not as text (revision 10 after 9)', async () => {
      await store.append('long', Array.from({ length: 12 }, (_, n) => anEvent(n)));
      expect((await store.readStream('long')).map((e) => e.streamRevision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      const backwards = await store.readStream('long', { direction: 'backwards', maxCount: 3 });
      expect(backwards.map((e) => e.streamRevision)).toEqual([11, 10, 9]);
    });

    it('reads an unknown stream as empty', async () => {
      expect(await store.readStream('nobody')).toEqual([]);
      expect(await store.streamRevision('nobody')).toBe('no_stream');
    });

    it('reads from a revision, backwards, and at most maxCount events', async () => {
      await store.append('s', [1, 2, 3, 4, 5].map((n) => anEvent(n)));
      const revs = (events: RecordedEvent[]) => events.map((e) => e.streamRevision);
      expect(revs(await store.readStream('s', { fromRevision: 2 }))).toEqual([2, 3, 4]);
      expect(revs(await store.readStream('s', { direction: 'backwards' }))).toEqual([4, 3, 2, 1, 0]);
      expect(revs(await store.readStream('s', { direction: 'backwards', fromRevision: 3, maxCount: 2 }))).toEqual([3, 2]);
      expect(revs(await store.readStream('s', { fromRevision: 1, maxCount: 2 }))).toEqual([1, 2]);
    });
  });

  describe('expected revision', () => {
    it('any: appends whatever the state', async () => {
      await store.append('s', [anEvent(1)], 'any');
      expect((await store.append('s', [anEvent(2)], 'any')).nextExpectedRevision).toBe(1);
    });

    it('no_stream: refuses an existing stream and reports its revision', async () => {
      await store.append('s', [anEvent(1), anEvent(2)]);
      const error = await store.append('s', [anEvent(3)], 'no_stream').catch((e) => e);
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error).toMatchObject({ streamId: 's', expected: 'no_stream', actual: 1, code: 'WRONG_EXPECTED_REVISION' });
    });

    it('stream_exists: refuses a missing stream', async () => {
      const error = await store.append('s', [anEvent(1)], 'stream_exists').catch((e) => e);
      expect(error).toMatchObject({ name: 'WrongExpectedRevisionError', actual: 'no_stream' });
      await store.append('s', [anEvent(1)]);
      expect((await store.append('s', [anEvent(2)], 'stream_exists')).nextExpectedRevision).toBe(1);
    });

    it('an exact revision: appends only at that revision', async () => {
      await store.append('s', [anEvent(1)]);
      expect((await store.append('s', [anEvent(2)], 0)).nextExpectedRevision).toBe(1);
      const stale = await store.append('s', [anEvent(3)], 0).catch((e) => e);
      expect(stale).toMatchObject({ name: 'WrongExpectedRevisionError', expected: 0, actual: 1 });
      const missing = await store.append('other', [anEvent(4)], 0).catch((e) => e);
      expect(missing).toMatchObject({ name: 'WrongExpectedRevisionError', actual: 'no_stream' });
      expect(await count('events')).toBe(2);
    });

    it('lets exactly one of many concurrent appends at the same revision through', async () => {
      await store.append('s', [anEvent(0)]);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => store.append('s', [anEvent(i + 1)], 0)),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(rejected).toHaveLength(19);
      for (const r of rejected) expect(r.reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.streamRevision('s')).toBe(1);
    });

    it('checks the expected state of an empty append without writing', async () => {
      await expect(store.append('s', [], 'no_stream')).resolves.toMatchObject({ recorded: false, nextExpectedRevision: -1 });
      await expect(store.append('s', [], 'stream_exists')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect(await count('event_streams')).toBe(0);
    });
  });

  describe('atomicity and idempotency', () => {
    it('records nothing of an append when one of its events cannot be stored', async () => {
      const elsewhere = anEvent(1);
      await store.append('other', [elsewhere]);
      const error = await store.append('s', [anEvent(2), elsewhere]).catch((e) => e);
      expect(error).toBeInstanceOf(EventIdConflictError);
      expect(await store.readStream('s')).toEqual([]);
      expect(await store.streamRevision('s')).toBe('no_stream');
      expect(await count('events')).toBe(1);
    });

    it('treats an append of already-stored events as a successful retry that records nothing', async () => {
      const events = [anEvent(1), anEvent(2)];
      const first = await store.append('s', events, 'no_stream');
      const again = await store.append('s', events, 'no_stream');
      const againAny = await store.append('s', events, 'any');
      for (const retry of [again, againAny]) {
        expect(retry).toEqual({ nextExpectedRevision: first.nextExpectedRevision, lastPosition: first.lastPosition, recorded: false });
      }
      expect(await count('events')).toBe(2);
      expect(await store.streamRevision('s')).toBe(1);
    });

    it('refuses an append that repeats only some stored events', async () => {
      const stored = anEvent(1);
      await store.append('s', [stored]);
      await expect(store.append('s', [stored, anEvent(2)], 'any')).rejects.toBeInstanceOf(EventIdConflictError);
      expect(await count('events')).toBe(1);
    });

    it('counts concurrent retries of one append once', async () => {
      const events = [anEvent(1), anEvent(2)];
      const results = await Promise.all(Array.from({ length: 10 }, () => store.append('s', events, 'any')));
      expect(results.filter((r) => r.recorded)).toHaveLength(1);
      expect(await count('events')).toBe(2);
    });

    it('refuses malformed appends and writes nothing', async () => {
      const bad: Array<[string, NewEvent[]]> = [
        ['', [anEvent(1)]],
        ['s', [{ ...anEvent(1), eventId: 'not-a-uuid' }]],
        ['s', [{ ...anEvent(1), occurredOn: '31/12/2022' }]],
        ['s', [{ ...anEvent(1), type: '' }]],
        ['s', [{ ...anEvent(1), schemaVersion: 0 }]],
        // What PostgreSQL cannot store: a NUL or half a surrogate pair, in a name, a type, the data or the metadata.
        ['s\u0000', [anEvent(1)]],
        ['s', [{ ...anEvent(1), type: 'Typed\u0000' }]],
        ['s', [{ ...anEvent(1), data: { name: 'x\u0000' } }]],
        ['s', [{ ...anEvent(1), metadata: { actor: '\ud800' } }]],
      ];
      const twice = anEvent(1);
      bad.push(['s', [twice, twice]]);
      for (const [stream, events] of bad) {
        await expect(store.append(stream, events)).rejects.toBeInstanceOf(InvalidAppendError);
      }
      await expect(store.append('s', [anEvent(1)], -1)).rejects.toBeInstanceOf(InvalidAppendError);
      expect(await count('events')).toBe(0);
    });
  });

  describe('multi-stream appends', () => {
    it('writes to every stream or to none', async () => {
      await store.append('person-p', [anEvent(1)]);
      const refused = await store
        .appendMultiple([
          { streamId: 'member-m', events: [anEvent(2)], expected: 'no_stream' },
          { streamId: 'person-p', events: [anEvent(3)], expected: 'no_stream' },
        ])
        .catch((e) => e);
      expect(refused).toMatchObject({ name: 'WrongExpectedRevisionError', streamId: 'person-p', actual: 0 });
      expect(await store.streamRevision('member-m')).toBe('no_stream');

      const results = await store.appendMultiple([
        { streamId: 'member-m', events: [anEvent(2)], expected: 'no_stream' },
        { streamId: 'person-p', events: [anEvent(3), anEvent(4)], expected: 0 },
      ]);
      expect(results.map((r) => r.nextExpectedRevision)).toEqual([0, 2]);
      expect(results.every((r) => r.recorded)).toBe(true);
    });

    it('checks a stream given without events, and writes nothing to it', async () => {
      await store.append('union-u', [anEvent(1)]);
      await expect(
        store.appendMultiple([
          { streamId: 'member-m', events: [anEvent(2)], expected: 'no_stream' },
          { streamId: 'union-u', events: [], expected: 5 },
        ]),
      ).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', streamId: 'union-u', actual: 0 });
      const [member, union] = await store.appendMultiple([
        { streamId: 'member-m', events: [anEvent(2)], expected: 'no_stream' },
        { streamId: 'union-u', events: [], expected: 0 },
      ]);
      expect(member).toMatchObject({ recorded: true, nextExpectedRevision: 0 });
      expect(union).toMatchObject({ recorded: false, nextExpectedRevision: 0 });
      expect(await count('events')).toBe(2);
    });

    it('answers a repeated multi-stream append as a retry, recording nothing', async () => {
      const appends = [
        { streamId: 'a', events: [anEvent(1)], expected: 'no_stream' as const },
        { streamId: 'b', events: [anEvent(2), anEvent(3)], expected: 'no_stream' as const },
      ];
      const first = await store.appendMultiple(appends);
      const again = await store.appendMultiple(appends);
      expect(again).toEqual(first.map((r) => ({ ...r, recorded: false })));
      expect(await count('events')).toBe(3);
    });

    it('lets one of many concurrent claims on the same stream through', async () => {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          store.appendMultiple([
            { streamId: `member-${i}`, events: [anEvent(i)], expected: 'no_stream' },
            { streamId: 'person-same', events: [anEvent(100 + i)], expected: 'no_stream' },
          ]),
        ),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect(await count('events')).toBe(2);
    });

    it('reads events by id', async () => {
      const [e1, e2] = [anEvent(1), anEvent(2)];
      await store.append('s', [e1, e2]);
      const read = await store.readEvents([e2.eventId, e1.eventId, randomUUID()]);
      expect(read.map((e) => e.eventId)).toEqual([e1.eventId, e2.eventId]);
    });
  });

  describe('batch appends (many commands in one statement)', () => {
    const tagged = (streamId: string, n: number) => ({ ...anEvent(n), streamId });

    it('positions the events in the order given, across streams, each stream numbered on from its revision', async () => {
      await store.append('b', [anEvent(0)]);
      const events = [tagged('a', 1), tagged('b', 2), tagged('a', 3), tagged('c', 4), tagged('b', 5)];
      const { firstPosition, lastPosition } = await store.appendBatch(
        [{ streamId: 'a', expected: 'no_stream' }, { streamId: 'b', expected: 0 }, { streamId: 'c', expected: 'any' }],
        events,
      );
      expect(lastPosition - firstPosition).toBe(4n);
      const all = (await store.readAll()).slice(1);
      expect(all.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3, 4, 5]);
      expect(all.map((e) => [e.streamId, e.streamRevision])).toEqual([['a', 0], ['b', 1], ['a', 1], ['c', 0], ['b', 2]]);
      expect(all.map((e) => e.globalPosition)).toEqual([0n, 1n, 2n, 3n, 4n].map((i) => firstPosition + i));
    });

    it('writes nothing when a stream is not in its expected state, a checked one included, or an event is stored already', async () => {
      await store.append('held', [anEvent(0)]);
      const before = await count('events');
      const wrong = await store.appendBatch([{ streamId: 'x', expected: 'no_stream' }, { streamId: 'held', expected: 5 }], [tagged('x', 1)]).catch((e) => e);
      expect(wrong).toMatchObject({ name: 'WrongExpectedRevisionError', streamId: 'held', actual: 0 });
      const stored = (await store.readAll())[0]!;
      const again = await store
        .appendBatch([{ streamId: 'y', expected: 'any' }], [tagged('y', 1), { ...anEvent(2), eventId: stored.eventId, streamId: 'y' }])
        .catch((e) => e);
      expect(again).toBeInstanceOf(EventIdConflictError);
      expect(await count('events')).toBe(before);
      expect(await store.streamRevision('x')).toBe('no_stream');
      // Checked and right: recorded.
      const ok = await store.appendBatch([{ streamId: 'x', expected: 'no_stream' }, { streamId: 'held', expected: 0 }], [tagged('x', 1)]);
      expect(ok.lastPosition).toBe(ok.firstPosition);
      expect(await store.streamRevision('held')).toBe(0);
    });

    it('lets one of many concurrent batches creating the same stream through; the others change nothing', async () => {
      await store.append('shared-before', [anEvent(0)]);
      const before = await count('events');
      const attempts = await Promise.all(
        Array.from({ length: 6 }, (_, k) =>
          store
            .appendBatch(
              [{ streamId: `own-${k}`, expected: 'no_stream' }, { streamId: 'shared-before', expected: 'any' }, { streamId: 'contested', expected: 'no_stream' }],
              [tagged(`own-${k}`, k), tagged('shared-before', k), tagged('contested', k)],
            )
            .then(() => 'ok', (e: Error) => e.name),
        ),
      );
      expect(attempts.filter((a) => a === 'ok')).toHaveLength(1);
      expect(attempts.filter((a) => a !== 'ok')).toEqual(Array(5).fill('WrongExpectedRevisionError'));
      expect(await count('events')).toBe(before + 3);
      expect(await store.streamRevision('contested')).toBe(0);
      expect(await store.streamRevision('shared-before')).toBe(1);
      const missing = await store.appendBatch([{ streamId: 'nowhere', expected: 'stream_exists' }], [tagged('nowhere', 1)]).catch((e) => e);
      expect(missing).toMatchObject({ name: 'WrongExpectedRevisionError', streamId: 'nowhere', actual: 'no_stream' });
    });

    it('refuses an event naming a stream the batch does not list', async () => {
      await expect(store.appendBatch([{ streamId: 'a', expected: 'any' }], [tagged('b', 1)])).rejects.toBeInstanceOf(InvalidAppendError);
    });
  });

  describe('the global order', () => {
    it('reads every stream in one order, from a position, at most maxCount', async () => {
      await store.append('a', [anEvent(1), anEvent(2)]);
      await store.append('b', [anEvent(3)]);
      await store.append('a', [anEvent(4)]);
      const all = await store.readAll();
      expect(all.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3, 4]);
      const positions = all.map((e) => e.globalPosition);
      expect([...positions].sort((x, y) => (x < y ? -1 : 1))).toEqual(positions);
      expect(new Set(positions).size).toBe(4);

      const fromThird = await store.readAll({ fromPosition: all[2]!.globalPosition });
      expect(fromThird.map((e) => e.eventId)).toEqual([all[2]!.eventId, all[3]!.eventId]);
      expect((await store.readAll({ maxCount: 2 })).map((e) => e.eventId)).toEqual([all[0]!.eventId, all[1]!.eventId]);
      expect(await store.headPosition()).toBe(all[3]!.globalPosition);
    });

    it('orders positions as numbers across a change in their number of digits', async () => {
      for (const position of [100, 9, 10, 99, 1000]) {
        await sql`insert into events (global_position, stream_id, stream_revision, event_id, event_type, data, metadata, recorded_at, hash)
          values (${position}, ${`s-${position}`}, 0, ${randomUUID()}::uuid, 'Raw', '{}'::jsonb, '{}'::jsonb, now(), '\\x00'::bytea)`.execute(database.db);
      }
      const positions = (await store.readAll()).map((e) => Number(e.globalPosition));
      expect(positions).toEqual([9, 10, 99, 100, 1000]);
      expect((await store.readAll({ fromPosition: 10n, maxCount: 2 })).map((e) => Number(e.globalPosition))).toEqual([10, 99]);
      expect(await store.headPosition()).toBe(1000n);
    });

    it('has head position 0 on an empty log', async () => {
      expect(await store.headPosition()).toBe(0n);
      expect(await store.readAll()).toEqual([]);
    });
  });

  describe('subscription to all', () => {
    it('delivers history, then live events, in order, and resumes after a checkpoint', async () => {
      await store.append('a', [anEvent(1), anEvent(2)]);
      const controller = new AbortController();
      const live = collect(store.subscribeToAll({ signal: controller.signal, batchSize: 1 }), 5);
      await store.append('b', [anEvent(3)]);
      await store.append('a', [anEvent(4), anEvent(5)]);
      const seen = await live;
      controller.abort();
      expect(seen.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3, 4, 5]);

      const resumed = await collect(
        store.subscribeToAll({ afterPosition: seen[2]!.globalPosition, signal: AbortSignal.timeout(2_000) }),
        2,
      );
      expect(resumed.map((e) => (e.data as { n: number }).n)).toEqual([4, 5]);
    });

    it('ends when its signal aborts', async () => {
      const controller = new AbortController();
      const done = collect(store.subscribeToAll({ signal: controller.signal, pollIntervalMs: 10 }), 1);
      setTimeout(() => controller.abort(), 50);
      await expect(done).resolves.toEqual([]);
    });
  });
}
