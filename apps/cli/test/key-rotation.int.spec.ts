import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '#persistence';
import { createPostgresTestDatabase, describePostgres, type TestDatabase } from '../../../test/support/databases.js';
import { creditCode, residentId } from '../../../libs/domain/test/spec-helpers.js';
import { cli, requireBuiltCli } from './support/cli.js';

/**
 * Rotation of both master keys, end to end with the CLI (docs/privacy.md):
 * the old keys open the store; with the new keys and the old as *_PREVIOUS
 * the engine runs and `rotate-keys` rewraps every key; then the new keys
 * alone open everything — names, the person index (one membership per
 * person still holds) and the importer's derived ids (a file imported again
 * is recognised) — and the old keys alone are refused, by name.
 */

const OLD = { PERSON_ID_KEY: 'rotation-old-person-id-key-Hq3Wz8Lm2Xv7Nc4', PERSONAL_DATA_KEY: 'rotation-old-personal-data-key-Tb6Ry1Kp9Gs5Jd0' };
const NEW = { PERSON_ID_KEY: 'rotation-new-person-id-key-Vf2Qa7Ue4Ho9Zi1', PERSONAL_DATA_KEY: 'rotation-new-personal-data-key-Mw8Cx3Pn6Ly0Ob5' };
const DURING = { ...NEW, PERSON_ID_KEY_PREVIOUS: OLD.PERSON_ID_KEY, PERSONAL_DATA_KEY_PREVIOUS: OLD.PERSONAL_DATA_KEY };
const E = creditCode(961);

const district = [
  { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
  { type: 'RegisterEnterprise', creditCode: E, name: '某物流', areaId: 'LG', headcount: 40, occurredOn: '2022-03-01' },
  { type: 'FoundEnterpriseUnion', unionId: 'U-1', creditCode: E, occurredOn: '2022-04-01' },
  { type: 'JoinUnion', memberId: 'M1', personId: residentId(961), name: '赵六', unionId: 'U-1', occurredOn: '2022-04-02' },
];

function rotationSuite(backend: 'pglite' | 'postgres') {
  let dir: string;
  let pg: TestDatabase | undefined;
  let store: Record<string, string>;
  const run = (args: string[], keys: Record<string, string>) => cli(args, { ...store, ...keys });
  const file = (name: string, lines: object[]) => {
    writeFileSync(join(dir, name), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    return join(dir, name);
  };
  const wrappedBy = async () => {
    const database = await openDatabase(backend === 'postgres' ? { databaseUrl: store['DATABASE_URL']! } : { dataDir: store['DATA_DIR']! });
    try {
      const { rows } = await sql<{ t: string; master: string }>`
        select 'ring' as t, master from key_ring union all select 'person' as t, master from personal_data_keys order by 1, 2`.execute(database.db);
      return rows.map((r) => `${r.t}:${r.master}`);
    } finally {
      await database.close();
    }
  };

  beforeAll(async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'uce-key-rotation-'));
    if (backend === 'postgres') {
      pg = await createPostgresTestDatabase();
      store = { DATABASE_URL: pg.url! };
    } else {
      store = { DATA_DIR: join(dir, 'data') };
    }
    const imported = await run(['import', file('district.ndjson', district)], OLD);
    expect(imported.stdout).toContain(`recorded:           ${district.length}`);
  }, 60_000);
  afterAll(async () => {
    await pg?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('rotates both master keys: the new ones open everything, the old ones are refused by name', async () => {
    const before = await wrappedBy();
    expect(new Set(before.map((w) => w.split(':')[1])).size).toBe(2); // the ring by one master, the person keys by the other

    // New keys without the old ones: refused, naming the key and the way to rotate.
    const refused = await run(['history', 'member', 'M1'], NEW);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/PERSON_ID_KEY does not open the person-index keys in this store .*PERSON_ID_KEY_PREVIOUS.*rotate-keys/);

    // During the rotation both open; then everything is rewrapped.
    expect((await run(['history', 'member', 'M1'], DURING)).stdout).toContain('赵六');
    const rotated = await run(['rotate-keys'], DURING);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/person-index key rewrapped/);
    expect(rotated.stdout).toMatch(/1 person keys rewrapped/);
    const after = await wrappedBy();
    expect(after).toHaveLength(before.length);
    expect(after.some((w) => before.includes(w))).toBe(false);
    expect((await run(['rotate-keys'], DURING)).stdout).toMatch(/0 person keys rewrapped/);

    // The new keys alone: the name opens, the same file is recognised, the person is still the same person.
    const history = await run(['history', 'member', 'M1'], NEW);
    expect(history.code).toBe(0);
    expect(history.stdout).toContain('赵六');
    expect((await run(['import', join(dir, 'district.ndjson')], NEW)).stdout).toContain(`duplicates skipped: ${district.length}`);
    const twice = await run(['import', file('again.ndjson', [{ ...district[3], memberId: 'M2', occurredOn: '2022-05-01' }])], NEW);
    expect(twice.stdout).toContain('refused:            1');

    // The old keys alone open nothing any more.
    const old = await run(['history', 'member', 'M1'], OLD);
    expect(old.code).not.toBe(0);
    expect(old.stderr).toMatch(/PERSON_ID_KEY does not open/);
    const oldData = await run(['history', 'member', 'M1'], { ...OLD, PERSON_ID_KEY: NEW.PERSON_ID_KEY });
    expect(oldData.stderr).toMatch(/PERSONAL_DATA_KEY does not open the personal-data keys/);

    // The rotation is on the record, by fingerprint only, and the chain verifies.
    const verified = await run(['verify'], NEW);
    expect(verified.code).toBe(0);
  }, 120_000);
}

describe('rotation of the master keys [PGlite]', () => rotationSuite('pglite'));
describePostgres('rotation of the master keys [PostgreSQL]', () => rotationSuite('postgres'));
