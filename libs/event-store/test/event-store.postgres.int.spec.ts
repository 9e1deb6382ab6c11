import { createPostgresTestDatabase, describePostgres, type TestDatabase } from '../../../test/support/databases.js';
import { KyselyEventStore, type RecordedEvent } from '../src/index.js';
import { anEvent, collect, eventStoreContract, kyselyStoreUnderTest } from './event-store.contract.js';

describePostgres('event store contract', () => {
  eventStoreContract(() => kyselyStoreUnderTest(createPostgresTestDatabase));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describePostgres('subscription under concurrent writers', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createPostgresTestDatabase({ maxConnections: 24 });
  });
  afterAll(() => database?.close());
  beforeEach(() => database.truncateAll());

  it('numbers a later append after an earlier one that is still open: positions follow commit order', async () => {
    const store = new KyselyEventStore(database.db);
    const controller = new AbortController();
    const seen: RecordedEvent[] = [];
    const subscriber = (async () => {
      for await (const e of store.subscribeToAll({ signal: controller.signal, pollIntervalMs: 5 })) seen.push(e);
    })();

    let commitA!: () => void;
    const aMayCommit = new Promise<void>((resolve) => (commitA = resolve));
    let aAppended!: () => void;
    const aHasAppended = new Promise<void>((resolve) => (aAppended = resolve));
    const a = database.db.transaction().execute(async (trx) => {
      await new KyselyEventStore(trx).append('a', [anEvent(1)]);
      aAppended();
      await aMayCommit;
    });
    await aHasAppended;
    let bDone = false;
    const b = store.append('b', [anEvent(2)]).then((r) => ((bDone = true), r)); // waits for A's hold on the log head
    await sleep(200);
    expect(bDone).toBe(false);
    expect(seen).toEqual([]);

    commitA();
    await a;
    await b;
    for (let i = 0; i < 100 && seen.length < 2; i++) await sleep(10);
    controller.abort();
    await subscriber;
    expect(seen.map((e) => e.streamId)).toEqual(['a', 'b']);
    expect(seen.map((e) => e.globalPosition)).toEqual([1n, 2n]);
  });

  it('delivers every event of 12 concurrent writers exactly once, in global order', async () => {
    const WRITERS = 12;
    const APPENDS_PER_WRITER = 150;
    const store = new KyselyEventStore(database.db);
    const appended: string[] = [];
    const controller = new AbortController();
    const seen: RecordedEvent[] = [];
    const subscriber = (async () => {
      for await (const e of store.subscribeToAll({ signal: controller.signal, batchSize: 97, pollIntervalMs: 2 })) {
        seen.push(e);
      }
    })();

    const writer = async (w: number) => {
      for (let i = 0; i < APPENDS_PER_WRITER; i++) {
        const events = Array.from({ length: 1 + ((w + i) % 3) }, (_, k) => anEvent(i * 10 + k, { data: { w, i, k } }));
        // Hold some transactions open after they took their positions: later
        // appends must wait, never commit a position below one not yet visible.
        await database.db.transaction().execute(async (trx) => {
          await new KyselyEventStore(trx).append(`writer-${w}-${i % 5}`, events);
          if ((w * 31 + i) % 4 === 0) await sleep((w + i) % 6);
        });
        appended.push(...events.map((e) => e.eventId));
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    expect(appended.length).toBeGreaterThan(3_000);

    for (let i = 0; i < 500 && seen.length < appended.length; i++) await sleep(10);
    await sleep(100); // anything extra would show up as a duplicate
    controller.abort();
    await subscriber;

    const ids = seen.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length); // no duplicates
    expect(ids.length).toBe(appended.length); // none lost
    expect(new Set(ids)).toEqual(new Set(appended));
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i - 1]!.globalPosition < seen[i]!.globalPosition).toBe(true);
    }
    // The subscriber's order is the log's order as a later reader sees it.
    const all = await store.readAll();
    expect(all.map((e) => e.eventId)).toEqual(ids);
    // And each stream's events arrived in revision order.
    const lastRevision = new Map<string, number>();
    for (const e of seen) {
      expect(e.streamRevision).toBe((lastRevision.get(e.streamId) ?? -1) + 1);
      lastRevision.set(e.streamId, e.streamRevision);
    }
  });
});
