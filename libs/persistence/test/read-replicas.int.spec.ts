import { sql, type Kysely } from 'kysely';
import { databaseIdentity, openDatabase, ReadReplica, type DB, type ReadReplicaSettings } from '#persistence';
import { createPostgresTestDatabase, describePostgres, type TestDatabase } from '../../../test/support/databases.js';

/**
 * How one answer's statements are routed when a replica cannot run one of
 * them (libs/persistence/src/read-replicas.ts). The "replica" here is a second
 * real database standing for a standby that is behind: it has the table every
 * answer reads, without the primary's latest row, and lacks a table the
 * primary's latest migration made.
 */
describePostgres('an answer read on a replica', () => {
  let primary: TestDatabase;
  let behind: TestDatabase;
  let replica: ReadReplica;
  const settings: ReadReplicaSettings = { urls: [], waitMs: 1000, retryMs: 60_000, fallback: 'primary' };

  const count = async (db: Kysely<DB>, table: string) =>
    Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n);

  beforeAll(async () => {
    [primary, behind] = await Promise.all([createPostgresTestDatabase(), createPostgresTestDatabase()]);
    for (const db of [primary.db, behind.db]) await sql`create table replayed (id int)`.execute(db);
    await sql`insert into replayed values (1)`.execute(primary.db);
    await sql`create table migrated_since (id int)`.execute(primary.db);
    replica = new ReadReplica('replica-1', 'the test database standing for a standby', behind.db, primary.db, 'not checked here', settings, undefined);
  });
  afterAll(async () => {
    await Promise.all([primary?.close(), behind?.close()]);
  });

  it('reads every statement on the replica while it can run them, the answer saying so', async () => {
    const reading = replica.reading();
    expect(await count(reading.db, 'replayed')).toBe(0);
    expect(await count(reading.db, 'replayed')).toBe(0);
    expect(reading.server).toBe('replica-1');
  });

  it('once a statement the replica cannot run went to the primary, reads the rest of the answer there too, never a mix', async () => {
    const reading = replica.reading();
    expect(await count(reading.db, 'migrated_since')).toBe(0);
    expect(reading.server).toBe('primary');
    // The primary's row, not the replica's lack of it: what the first statement saw is what the rest see.
    expect(await count(reading.db, 'replayed')).toBe(1);
    // The next answer tries the replica again: it is not down, only short of one table.
    const next = replica.reading();
    expect(await count(next.db, 'replayed')).toBe(0);
    expect([next.server, replica.status().state]).toEqual(['replica-1', 'up']);
  });

  it('leaves out a replica that answers as another database, probing it on and saying so once, not at every probe', async () => {
    const errors: string[] = [];
    const logger = { log: () => undefined, warn: () => undefined, error: (message: string) => errors.push(message) };
    const elsewhere = await openDatabase({ databaseUrl: behind.url!, maxConnections: 1 });
    const foreign = new ReadReplica('replica-1', 'the other test database', elsewhere.db, primary.db, await databaseIdentity(primary.db), { ...settings, retryMs: 20 }, logger);
    try {
      foreign.markDown(Object.assign(new Error('gone'), { code: 'ECONNRESET' }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(foreign.status().state).toBe('down');
      expect(errors).toEqual(['read replica replica-1 (the other test database) is not a copy of DATABASE_URL\'s database (another server, or another database): it is not read']);
    } finally {
      await foreign.close();
    }
  });
});
