import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { AreaDirectory, CommandExecutor, eventIdFor, validateCommand } from '#commands';
import { maskResidentId, operatorPrincipal } from '#domain';
import { KyselyEventStore } from '#event-store';
import { loadConfig, openDatabase, type Database } from '#persistence';
import { openPersonalData } from '#personal-data';
import { createPostgresTestDatabase, describePostgres, everyRowAsText, type TestDatabase } from '../../../test/support/databases.js';
import { creditCode, residentId } from '../../../libs/domain/test/spec-helpers.js';
import { cli, requireBuiltCli } from './support/cli.js';

/**
 * A log recorded before personal data was sealed (docs/privacy.md, "Old
 * logs"): its events still read and verify; erasure refuses to pretend it
 * can erase a name written in clear; `seal-personal-data` seals the names,
 * keys the importer's old derived ids, chains the log again and signs a
 * reseal statement, after which the anchors signed before still hold, the
 * store holds neither the name nor the line's digest, and erasure works.
 */

const KEYS = { PERSON_ID_KEY: 'legacy-test-person-id-key-Wq4Ne8Rz1Ty6Ux3', PERSONAL_DATA_KEY: 'legacy-test-personal-data-key-Pk7Js2Dm9Lf5Gh0' };
const OLD = { memberId: 'M-OLD', personId: residentId(971, '19770707'), name: '上官婉儿' };
const E = creditCode(971);
const district = [
  { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
  { type: 'RegisterEnterprise', creditCode: E, name: '某电子厂', areaId: 'LG', headcount: 300, occurredOn: '2021-03-01' },
  { type: 'FoundEnterpriseUnion', unionId: 'U-1', creditCode: E, occurredOn: '2021-04-01' },
];
/** The line the old importer read, and the id it derived from it: an unkeyed sha256 prefix. */
const legacyLine = JSON.stringify({ type: 'JoinUnion', ...OLD, unionId: 'U-1', occurredOn: '2021-05-01' });
const legacyDigest = createHash('sha256').update(legacyLine).digest('hex').slice(0, 16);
const legacyCommandId = `members-2021.ndjson:7:${legacyDigest}`;
const OLD_CARD = 'LG-2021-000777';

function legacySuite(backend: 'pglite' | 'postgres') {
  let dir: string;
  let pg: TestDatabase | undefined;
  let env: Record<string, string>;
  const anchors = () => join(dir, 'anchors.ndjson');
  const withDb = async <T>(work: (db: Database['db']) => Promise<T>): Promise<T> => {
    const database = await openDatabase(pg ? { databaseUrl: pg.url! } : { dataDir: env['DATA_DIR']! });
    try {
      return await work(database.db);
    } finally {
      await database.close();
    }
  };
  /** Every row of every table, as text. */
  const everything = () => withDb(everyRowAsText);
  const erase = () =>
    withDb(async (db) => {
      const store = new KyselyEventStore(db);
      const { personKeys, vault } = await openPersonalData(db, loadConfig(env));
      const executor = new CommandExecutor(store, { areas: new AreaDirectory(store), personKeys, vault });
      const command = validateCommand({ type: 'ErasePersonalData', memberId: OLD.memberId, legalBasis: 'retentionEnded', occurredOn: '2024-01-01' });
      return executor.execute(command, { principal: operatorPrincipal('test') }).then(
        () => 'erased',
        (error: { code?: string }) => error.code,
      );
    });

  beforeAll(async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'uce-legacy-'));
    pg = backend === 'postgres' ? await createPostgresTestDatabase() : undefined;
    env = { ...(pg ? { DATABASE_URL: pg.url! } : { DATA_DIR: join(dir, 'data') }), ...KEYS, ANCHOR_KEY_FILE: join(dir, 'anchor.pem') };
    expect((await cli(['anchor-key', '--out', env['ANCHOR_KEY_FILE']!], env)).code).toBe(0);
    writeFileSync(join(dir, 'district.ndjson'), district.map((l) => JSON.stringify(l)).join('\n') + '\n');
    expect((await cli(['import', join(dir, 'district.ndjson')], env)).code).toBe(0);
    // The join as the engine recorded it before sealing: name and masked number in clear, the id derived from the line unkeyed.
    await withDb(async (db) => {
      const store = new KyselyEventStore(db);
      const { personKeys } = await openPersonalData(db, loadConfig(env));
      const personKey = personKeys.keyOf(OLD.personId);
      const metadata = { commandId: legacyCommandId, commandType: 'JoinUnion', commandEventCount: 2, causationId: legacyCommandId, correlationId: 'import:members-2021.ndjson', actor: 'operator:old@host' };
      await store.appendMultiple([
        {
          streamId: `member-${OLD.memberId}`,
          expected: 'no_stream',
          events: [{
            eventId: eventIdFor(legacyCommandId, 0), type: 'MemberJoined', occurredOn: '2021-05-01', metadata,
            data: { memberId: OLD.memberId, personKey, personIdMasked: maskResidentId(OLD.personId), name: OLD.name, unionId: 'U-1', occupation: null, newForm: false, channel: null, campaignId: null, ceremonyId: null, occurredOn: '2021-05-01' },
          }],
        },
        {
          streamId: `person-${personKey}`,
          expected: 'no_stream',
          events: [{ eventId: eventIdFor(legacyCommandId, 1), type: 'PersonMembershipOpened', occurredOn: '2021-05-01', metadata, data: { personKey, memberId: OLD.memberId, occurredOn: '2021-05-01' } }],
        },
      ]);
      // A card as it was recorded: the number in clear, its stream named by it.
      const card = { commandId: 'card-2021-1', commandType: 'IssueMemberCard', commandEventCount: 2, causationId: 'card-2021-1', correlationId: 'card-2021-1', actor: 'operator:old@host' };
      await store.appendMultiple([
        { streamId: `member-${OLD.memberId}`, expected: 0, events: [{ eventId: eventIdFor('card-2021-1', 0), type: 'MemberCardIssued', occurredOn: '2021-05-03', metadata: card, data: { memberId: OLD.memberId, cardNumber: OLD_CARD, occurredOn: '2021-05-03' } }] },
        { streamId: `card-${OLD_CARD}`, expected: 'no_stream', events: [{ eventId: eventIdFor('card-2021-1', 1), type: 'CardNumberAssigned', occurredOn: '2021-05-03', metadata: card, data: { cardNumber: OLD_CARD, memberId: OLD.memberId, occurredOn: '2021-05-03' } }] },
      ]);
    });
    writeFileSync(join(dir, 'later.ndjson'), JSON.stringify({ type: 'ReportHeadcount', creditCode: E, headcount: 320, occurredOn: '2022-01-01' }) + '\n');
    expect((await cli(['anchor', '--file', anchors()], env)).code).toBe(0);
    expect((await cli(['import', join(dir, 'later.ndjson')], env)).code).toBe(0);
    expect((await cli(['anchor', '--file', anchors()], env)).code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await pg?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads and verifies the old log, and refuses to erase a name it holds in clear', async () => {
    const history = await cli(['history', 'member', OLD.memberId, '--as-of', '2021-12-31'], env);
    expect(history.stdout).toContain(OLD.name);
    expect(history.stdout).toContain(`member card ${OLD_CARD} issued`);
    expect((await cli(['verify', '--anchors', anchors()], env)).code).toBe(0);
    expect(await everything()).toContain(OLD.name);
    expect(await erase()).toBe('PERSONAL_DATA_IN_CLEAR');
  });

  it('seals the old log: the anchors still hold through the signed reseal, the store no longer holds the name nor the digest, erasure works', async () => {
    const migrated = await cli(['seal-personal-data', '--anchors', anchors()], env);
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/renamed:\s+2 events of commands named with an unkeyed digest of their line, 1 card streams/);
    expect(migrated.stdout).toMatch(/sealed:\s+3 events/);
    const lines = readFileSync(anchors(), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatchObject({ position: lines[1].position, previousHash: lines[1].hash });
    expect(lines[2].hash).not.toBe(lines[1].hash);

    const verified = await cli(['verify', '--anchors', anchors()], env);
    expect(verified.stdout + verified.stderr).not.toMatch(/no longer holds/);
    expect(verified.code).toBe(0);
    const text = await everything();
    expect(text).not.toContain(OLD.name);
    expect(text).not.toContain(maskResidentId(OLD.personId));
    expect(text).not.toContain(legacyDigest);
    expect(text).not.toContain(OLD_CARD);
    const opened = await cli(['history', 'member', OLD.memberId, '--as-of', '2021-12-31'], env);
    expect(opened.stderr).not.toMatch(/error/);
    expect(opened.stdout).toContain(OLD.name);
    expect(opened.stdout).toContain(`member card ${OLD_CARD} issued`);
    expect((await cli(['seal-personal-data'], env)).stdout).toContain('nothing to migrate');

    expect(await erase()).toBe('erased');
    // The number stays reserved under its key, erased or not.
    const reissued = await withDb(async (db) => {
      const store = new KyselyEventStore(db);
      const { personKeys, vault } = await openPersonalData(db, loadConfig(env));
      const executor = new CommandExecutor(store, { areas: new AreaDirectory(store), personKeys, vault });
      await executor.execute(validateCommand({ type: 'JoinUnion', memberId: 'M-NEW', personId: residentId(972), name: '新会员', unionId: 'U-1', occurredOn: '2024-02-01' }), { principal: operatorPrincipal('test') });
      return executor.execute(validateCommand({ type: 'IssueMemberCard', memberId: 'M-NEW', cardNumber: OLD_CARD.toLowerCase(), occurredOn: '2024-02-02' }), { principal: operatorPrincipal('test') }).then(
        () => 'issued',
        (error: { code?: string }) => error.code,
      );
    });
    expect(reissued).toBe('CARD_NUMBER_ALREADY_USED');
    expect((await cli(['history', 'member', OLD.memberId, '--as-of', '2021-12-31'], env)).stdout).toContain('(personal data erased)');
    expect((await cli(['verify', '--anchors', anchors()], env)).code).toBe(0);
  }, 120_000);

  it('still catches a rewrite made after the migration', async () => {
    await withDb(async (db) => {
      await sql`update events set data = jsonb_set(data, '{headcount}', '20') where event_type = 'HeadcountReported'`.execute(db);
    });
    const verified = await cli(['verify', '--anchors', anchors()], env);
    expect(verified.code).not.toBe(0);
  });
}

describe('a log recorded before sealing [PGlite]', () => legacySuite('pglite'));
describePostgres('a log recorded before sealing [PostgreSQL]', () => legacySuite('postgres'));
