import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '#persistence';
import { creditCode } from '../../../libs/domain/test/spec-helpers.js';
import { cli, requireBuiltCli } from './support/cli.js';

/**
 * Anchors outside the database: someone with write access to the database
 * edits an old event and recomputes every hash after it, and the head — the
 * chain alone then verifies; the heads signed before the rewrite do not.
 */
describe('cli anchor, verify --anchors', () => {
  let dir: string;
  let env: Record<string, string>;
  const file = () => join(dir, 'anchors.ndjson');
  const withDb = async (work: (db: Awaited<ReturnType<typeof openDatabase>>["db"]) => Promise<void>) => {
    const database = await openDatabase({ dataDir: env['DATA_DIR']! });
    try {
      await work(database.db);
    } finally {
      await database.close();
    }
  };
  const importLines = async (name: string, lines: object[]) => {
    writeFileSync(join(dir, name), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    expect((await cli(['import', join(dir, name)], env)).code).toBe(0);
  };

  beforeAll(async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'uce-cli-anchors-'));
    env = { DATA_DIR: join(dir, 'data'), PERSON_ID_KEY: 'cli-anchor-test-key-0123456789-abcdefghij', ANCHOR_KEY_FILE: join(dir, 'anchor.pem') };
    const key = await cli(['anchor-key', '--out', join(dir, 'anchor.pem')], env);
    expect(key.code).toBe(0);
    expect(key.stdout).toContain('-----BEGIN PUBLIC KEY-----');
    writeFileSync(join(dir, 'anchor.pub'), key.stdout);
    await importLines('first.ndjson', [
      { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
      { type: 'DefineArea', areaId: 'BJ', kind: 'subdistrict', name: '布吉街道', parentId: 'LG' },
      { type: 'RegisterEnterprise', creditCode: creditCode(971), name: 'E1', areaId: 'BJ', headcount: 30, occurredOn: '2022-03-01' },
    ]);
    expect((await cli(['anchor', '--file', file()], env)).code).toBe(0); // head 3
    await importLines('second.ndjson', [{ type: 'ReportHeadcount', creditCode: creditCode(971), headcount: 120, occurredOn: '2022-09-01' }]);
    expect((await cli(['anchor', '--file', file()], env)).code).toBe(0); // head 4
    await importLines('third.ndjson', [{ type: 'ReportHeadcount', creditCode: creditCode(971), headcount: 130, occurredOn: '2022-10-01' }]);
    expect((await cli(['anchor', '--file', file()], env)).code).toBe(0); // head 5
  }, 120_000);
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('signs heads into the anchor file, and verifies them with the public key alone', async () => {
    const anchors = readFileSync(file(), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(anchors.map((a) => a.position)).toEqual(['3', '4', '5']);
    for (const a of anchors) expect(a).toMatchObject({ hash: expect.stringMatching(/^[0-9a-f]{64}$/), signature: expect.any(String), publicKey: expect.any(String) });
    const { ANCHOR_KEY_FILE: _private, ...auditor } = env;
    const checked = await cli(['verify', '--anchors', file(), '--public-key', join(dir, 'anchor.pub')], auditor);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('anchors: 3 signed heads checked, all still in the log');
  }, 60_000);

  it('refuses an anchor file with an altered or foreign anchor, naming the line', async () => {
    const lines = readFileSync(file(), 'utf8').trim().split('\n');
    const altered = JSON.parse(lines[1]!);
    altered.hash = 'f'.repeat(64);
    writeFileSync(join(dir, 'altered.ndjson'), [lines[0], JSON.stringify(altered), lines[2]].join('\n') + '\n');
    const refused = await cli(['verify', '--anchors', join(dir, 'altered.ndjson')], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('line 2: its signature does not hold');

    const other = await cli(['anchor-key', '--out', join(dir, 'other.pem')], env);
    const foreign = await cli(['anchor', '--file', join(dir, 'foreign.ndjson')], { ...env, ANCHOR_KEY_FILE: join(dir, 'other.pem') });
    expect([other.code, foreign.code]).toEqual([0, 0]);
    const notOurs = await cli(['verify', '--anchors', join(dir, 'foreign.ndjson')], env);
    expect(notOurs.code).toBe(1);
    expect(notOurs.stderr).toContain('line 1: it was signed with another key than the trusted one');
  }, 60_000);

  it('catches a log rewritten with every hash and the head recomputed: the chain alone passes, the first anchor after the edit fails', async () => {
    await withDb(async (db) => {
      await sql`update events set data = jsonb_set(data, '{headcount}', '12') where global_position = 4`.execute(db);
      // Recompute the chain from the start with the database's own function, and the head: what a rewriter with the app's role could do.
      await sql
        .raw(
          `do $$ declare prev bytea := decode(repeat('00', 32), 'hex'); r record; begin
             for r in select * from events order by global_position loop
               prev := event_hash(prev, r.global_position, r.event_id, r.stream_id, r.stream_revision, r.event_type, r.data, r.metadata, r.occurred_on, r.recorded_at, r.schema_version);
               update events set hash = prev where global_position = r.global_position;
             end loop;
             update event_log_head set hash = prev;
           end $$`,
        )
        .execute(db);
    });
    const chainOnly = await cli(['verify'], env);
    expect(chainOnly.code).toBe(0);
    expect(chainOnly.stdout).toContain('log: OK');

    const anchored = await cli(['verify', '--anchors', file()], env);
    expect(anchored.code).toBe(1);
    expect(anchored.stdout).toMatch(/the hash at position 4 is [0-9a-f]{64}, not [0-9a-f]{64} as written down/);
    expect(anchored.stdout).toMatch(/the anchor that no longer holds: \S+anchors\.ndjson line 2, signed at \d{4}-/);
  }, 60_000);
});
