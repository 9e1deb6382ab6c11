import { sql } from 'kysely';
import { createPGliteTestDatabase, type TestDatabase } from '../../../test/support/databases.js';
import { KyselyEventStore } from '../src/index.js';
import { anEvent, eventStoreContract, kyselyStoreUnderTest } from './event-store.contract.js';

describe('event store contract [PGlite]', () => {
  eventStoreContract(() => kyselyStoreUnderTest(createPGliteTestDatabase));
});

describe('PGlite transactions run one at a time', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createPGliteTestDatabase();
    await sql`create table scratch (id int primary key, outcome text not null)`.execute(database.db);
  });
  afterAll(() => database.close());

  it('neither loses a committed write nor leaks a rolled-back one under concurrency', async () => {
    const work = Array.from({ length: 200 }, (_, id) =>
      database.db
        .transaction()
        .execute(async (trx) => {
          await sql`insert into scratch (id, outcome) values (${id}, ${id % 2 ? 'committed' : 'rolled back'})`.execute(trx);
          await new Promise((resolve) => setTimeout(resolve, id % 7));
          if (id % 2 === 0) throw new Error('roll back');
        })
        .catch(() => undefined),
    );
    // Plain queries interleave with the transactions too.
    const reads = Array.from({ length: 50 }, () => sql`select count(*) from scratch`.execute(database.db));
    await Promise.all([...work, ...reads]);
    const { rows } = await sql<{ id: number; outcome: string }>`select id, outcome from scratch order by id`.execute(database.db);
    expect(rows.map((r) => r.outcome)).toEqual(Array.from({ length: 100 }, () => 'committed'));
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 100 }, (_, i) => 2 * i + 1));
  });

  it('keeps concurrent appends whole when some of them conflict', async () => {
    await database.truncateAll();
    const store = new KyselyEventStore(database.db);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => store.append(`s-${i % 4}`, [anEvent(i), anEvent(i)], i < 4 ? 'no_stream' : 0)),
    );
    const ok = outcomes.filter((o) => o.status === 'fulfilled').length;
    const { rows } = await sql<{ n: string }>`select count(*)::text as n from events`.execute(database.db);
    expect(Number(rows[0]!.n)).toBe(ok * 2);
    for (let s = 0; s < 4; s++) {
      const events = await store.readStream(`s-${s}`);
      expect(events.map((e) => e.streamRevision)).toEqual(events.map((_, i) => i));
    }
  });
});
