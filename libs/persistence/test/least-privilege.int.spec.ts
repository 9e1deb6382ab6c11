import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import postgres from 'postgres';
import { CommandExecutor, validateCommand } from '#commands';
import { operatorPrincipal } from '#domain';
import { KyselyEventStore, lastChainVerification, recordChainVerification, verifyChain } from '#event-store';
import { grantApplicationRole, loadConfig, migrateDatabase, migrateToLatest, openDatabase, type Database } from '#persistence';
import { compareWithReplay, ProjectionRunner, rebuildProjection } from '#projections';
import { ALL_PROJECTIONS } from '#read-models';
import { generateDistrict } from '#simulation';
import { describePostgres } from '../../../test/support/databases.js';
import { migrations } from '../src/migrations/index.js';
import { testDeps } from '../../../test/support/engine-deps.js';

/**
 * Two roles (docs/database-roles.md): the schema's owner migrates; the
 * application's role, granted by `migrateDatabase` with the owner's URL,
 * appends through the store's functions, reads, runs and rebuilds the
 * projections — and PostgreSQL refuses it every way of rewriting the log.
 */
describePostgres('a log the application cannot rewrite', () => {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const name = `uce_roles_${suffix}`;
  const role = `uce_app_${suffix}`;
  const adminUrl = process.env['PG_TEST_ADMIN_URL']!;
  const urlAs = (user?: string) => {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    if (user) {
      url.username = user;
      url.password = '';
    }
    return url.toString();
  };
  const ownerUrl = urlAs();
  let admin: postgres.Sql;
  let owner: Database;
  let app: Database;
  let store: KyselyEventStore;

  beforeAll(async () => {
    admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`create role ${role} login`);
    await admin.unsafe(`create database ${name}`);
    owner = await openDatabase({ databaseUrl: ownerUrl, maxConnections: 2 });
    app = await openDatabase({ databaseUrl: urlAs(role) });
    store = new KyselyEventStore(app.db);
  });
  afterAll(async () => {
    await app?.close();
    await owner?.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`drop role if exists ${role}`);
    await admin.end({ timeout: 1 });
  });

  const ownersOf = async () =>
    Object.fromEntries(
      (
        await sql<{ table: string; owner: string }>`
          select c.relname as table, pg_get_userbyid(c.relowner) as owner from pg_class c
          where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'`.execute(owner.db)
      ).rows.map((r) => [r.table, r.owner]),
    );
  const refused = (statement: string, message: string) =>
    expect(sql.raw(statement).execute(app.db)).rejects.toMatchObject({ code: '42501', message: expect.stringContaining(message) });
  const anEvent = (type = 'Noted') => ({ eventId: randomUUID(), type, data: { n: 1 } });

  it('migrates through the owner URL, and gives the application role every table but the log and the migrations', async () => {
    const report = await migrateDatabase(app, ownerUrl);
    expect(report).toMatchObject({ grantedTo: role, total: report.applied.length });
    const owners = await ownersOf();
    const log = ['events', 'event_streams', 'event_log_head', 'schema_migrations', 'schema_migrations_lock'];
    for (const table of log) expect([table, owners[table]]).toEqual([table, 'postgres']);
    const others = Object.keys(owners).filter((t) => !log.includes(t));
    expect(others).toEqual(expect.arrayContaining(['projection_checkpoints', 'key_ring', 'personal_data_keys', 'chain_verifications', 'rm_areas']));
    for (const table of others) expect([table, owners[table]]).toEqual([table, role]);
    // Idempotent: run again (as at every start), nothing left to give.
    expect(await grantApplicationRole(owner.db, role)).toEqual([]);
  });

  it('appends through the three functions and reads back, the chain intact', async () => {
    await store.append('note-1', [anEvent(), anEvent()], 'no_stream');
    await store.appendMultiple([
      { streamId: 'note-1', events: [anEvent()], expected: 1 },
      { streamId: 'note-2', events: [anEvent()], expected: 'no_stream' },
    ]);
    await store.appendBatch([{ streamId: 'note-3', expected: 'any' }], [{ ...anEvent(), streamId: 'note-3' }]);
    expect((await store.readStream('note-1')).map((e) => e.streamRevision)).toEqual([0, 1, 2]);
    const report = await verifyChain(app.db);
    expect(report).toMatchObject({ ok: true, events: 5 });
    // `cli verify` records its outcome as the application's role.
    await recordChainVerification(app.db, report, { verifiedBy: 'operator:test', anchorsChecked: 0 });
    expect(await lastChainVerification(app.db)).toMatchObject({ ok: true, eventsChecked: 5, headPosition: '5', headHash: report.headHash });
  });

  it('is refused every way of rewriting the log (SQLSTATE 42501)', async () => {
    await refused(`update events set data = '{}'::jsonb`, 'permission denied for table events');
    await refused('delete from events', 'permission denied for table events');
    await refused('truncate events', 'permission denied for table events');
    await refused(
      `insert into events (global_position, stream_id, stream_revision, event_id, event_type, data, metadata, recorded_at, hash)
       values (99, 'forged', 0, '${randomUUID()}', 'Forged', '{}', '{}', now(), '\\x00')`,
      'permission denied for table events',
    );
    await refused('update event_log_head set position = 0', 'permission denied for table event_log_head');
    await refused('delete from event_streams', 'permission denied for table event_streams');
    await refused('truncate event_streams, event_log_head', 'permission denied for table');
    await refused(
      `create or replace function event_hash(
         p_previous bytea, p_position bigint, p_event_id uuid, p_stream text, p_revision bigint, p_type text,
         p_data jsonb, p_metadata jsonb, p_occurred_on date, p_recorded_at timestamptz, p_schema_version integer
       ) returns bytea language sql stable as $fn$ select p_previous $fn$`,
      'must be owner of function event_hash',
    );
    await refused('alter function append_batch security invoker', 'must be owner of function append_batch');
    await refused('drop table events', 'must be owner of table events');
    await refused(`select * from claim_stream_revision('note-1', 'any', 5)`, 'permission denied for function claim_stream_revision');
    await refused(
      `select write_events(array['note-1'], array[9]::bigint[], array['${randomUUID()}']::uuid[], array['Forged'], array['{}'], array['{}'], array[null]::date[], array[1])`,
      'permission denied for function write_events',
    );
    await refused(`delete from schema_migrations`, 'permission denied for table schema_migrations');
    expect(await verifyChain(app.db)).toMatchObject({ ok: true, events: 5 });
  });

  it("cannot make the appends use objects of its own: a better-matching function in public, a temporary head", async () => {
    // convert_to(text, text) would be chosen over the built-in convert_to(text, name) by any caller whose search_path has public.
    await sql`create function public.convert_to(t text, e text) returns bytea language sql as $fn$ select '\\x00'::bytea $fn$`.execute(app.db);
    await app.db.transaction().execute(async (trx) => {
      await sql`create temporary table event_log_head (id boolean, position bigint, hash bytea, recorded_at timestamptz) on commit drop`.execute(trx);
      await sql`insert into event_log_head values (true, 1000, '\\x00', now())`.execute(trx);
      await new KyselyEventStore(trx).append('note-1', [anEvent()], 2);
    });
    try {
      expect(await verifyChain(app.db)).toMatchObject({ ok: true, events: 6, headPosition: '6' });
      // And the owner will not migrate or grant while it is there.
      await expect(migrateDatabase(app, ownerUrl)).rejects.toThrow(/refusing to migrate as "postgres": the function (public\.)?convert_to\(text,text\) \(created by another role\)/);
      await expect(grantApplicationRole(owner.db, role)).rejects.toThrow(/owns, or is a member of the role owning, function public\.convert_to\(text,text\)/);
    } finally {
      await sql`drop function public.convert_to(text, text)`.execute(app.db);
    }
  });

  it('runs and rebuilds the projections', async () => {
    const executor = new CommandExecutor(store, await testDeps(app.db, store));
    for (const c of generateDistrict({ enterprises: 20, workers: 60, years: 2, seed: 3 })) {
      await executor.execute(validateCommand(c), { principal: operatorPrincipal('test') });
    }
    const head = await store.headPosition();
    await new ProjectionRunner(app.db, store, ALL_PROJECTIONS, { batchSize: 200 }).catchUp();
    for (const projection of ALL_PROJECTIONS) {
      expect((await rebuildProjection(app.db, projection)).position).toBe(head);
      expect(await compareWithReplay(app.db, projection)).toMatchObject({ identical: true });
    }
    expect(Number((await sql<{ n: string }>`select count(*)::text as n from rm_areas`.execute(app.db)).rows[0]!.n)).toBeGreaterThan(0);
    expect(await verifyChain(app.db)).toMatchObject({ ok: true });
    expect(await grantApplicationRole(owner.db, role)).toEqual([]); // the rebuilt tables are already the role's
  });

  it('starts alone on a current schema, and names MIGRATION_DATABASE_URL when migrations are left to run', async () => {
    expect(await migrateToLatest(app.db)).toMatchObject({ applied: [] });
    // The latest migration undone (its down, as the owner) and forgotten: left to run.
    const latest = Object.keys(migrations).sort().at(-1)!;
    await migrations[latest]!.down!(owner.db);
    await sql`delete from schema_migrations where name = ${latest}`.execute(owner.db);
    await expect(migrateToLatest(app.db)).rejects.toThrow(
      new RegExp(`1 migration to run \\(${latest}\\), and the role "${role}" does not own it: .*MIGRATION_DATABASE_URL`),
    );
    expect(await migrateDatabase(app, ownerUrl)).toMatchObject({ applied: [latest], grantedTo: role });
    // Run again over the read models the projections built above, it leaves them as a replay of the log has them.
    for (const projection of ALL_PROJECTIONS) expect(await compareWithReplay(app.db, projection)).toMatchObject({ identical: true });
    await store.append('note-2', [anEvent()], 0);
    const report = await verifyChain(app.db);
    expect(report).toMatchObject({ ok: true });
    await recordChainVerification(app.db, report, { verifiedBy: 'operator:test', anchorsChecked: 0 });
    expect(await lastChainVerification(app.db)).toMatchObject({ ok: true, headPosition: report.headPosition });
  });

  it('refuses to grant a superuser or the owner itself', async () => {
    await expect(grantApplicationRole(owner.db, 'postgres')).rejects.toThrow(/"postgres" is a superuser/);
    await expect(grantApplicationRole(app.db, role)).rejects.toThrow(/is the schema's owner/);
  });
});

describe('MIGRATION_DATABASE_URL', () => {
  const DATABASE_URL = 'postgres://uce_app@db/unions';
  it('is the owner URL that goes with DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL, MIGRATION_DATABASE_URL: ' postgres://uce_owner@db/unions ' })).toMatchObject({
      databaseUrl: DATABASE_URL,
      migrationDatabaseUrl: 'postgres://uce_owner@db/unions',
    });
    expect(loadConfig({ DATABASE_URL }).migrationDatabaseUrl).toBeUndefined();
  });
  it('is refused without DATABASE_URL (the embedded store has no roles), or if it is not a postgres:// URL', () => {
    expect(() => loadConfig({ MIGRATION_DATABASE_URL: 'postgres://uce_owner@db/unions' })).toThrow(/DATABASE_URL is not: the embedded store has no roles/);
    expect(() => loadConfig({ DATABASE_URL, MIGRATION_DATABASE_URL: 'mysql://db' })).toThrow(/MIGRATION_DATABASE_URL must be a postgres:\/\//);
  });
  it('cannot be used on the embedded store', async () => {
    const database = await openDatabase({ inMemory: true });
    try {
      await expect(migrateDatabase(database, 'postgres://uce_owner@db/unions')).rejects.toThrow(/needs DATABASE_URL: the embedded store has no roles/);
    } finally {
      await database.close();
    }
  });
});
