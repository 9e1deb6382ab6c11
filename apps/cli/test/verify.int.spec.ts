import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, requireBuiltCli } from './support/cli.js';
import { sql } from 'kysely';
import { creditCode } from '../../../libs/domain/test/spec-helpers.js';
import { lastChainVerification } from '#event-store';
import { openDatabase } from '#persistence';

/** `npm run cli -- verify` on the embedded store: an auditor's check of the log and the read models. */
describe('cli verify', () => {
  let dir: string;
  let env: Record<string, string>;
  const lastVerify = async () => {
    const database = await openDatabase({ dataDir: env['DATA_DIR']! });
    try {
      return await lastChainVerification(database.db);
    } finally {
      await database.close();
    }
  };
  const tamper = async (statement: string) => {
    const database = await openDatabase({ dataDir: env['DATA_DIR']! });
    try {
      await sql.raw(statement).execute(database.db);
    } finally {
      await database.close();
    }
  };

  beforeAll(async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'uce-cli-verify-'));
    env = { DATA_DIR: join(dir, 'data'), PERSON_ID_KEY: 'cli-verify-test-key-0123456789-abcdefghij' };
    const lines = [
      { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
      { type: 'DefineArea', areaId: 'BJ', kind: 'subdistrict', name: '布吉街道', parentId: 'LG' },
      ...[1, 2, 3].map((n) => ({ type: 'RegisterEnterprise', creditCode: creditCode(960 + n), name: `E${n}`, areaId: 'BJ', headcount: 30 * n, occurredOn: '2022-03-01' })),
      { type: 'ReportHeadcount', creditCode: creditCode(961), headcount: 120, occurredOn: '2022-09-01' },
    ];
    writeFileSync(join(dir, 'log.ndjson'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    expect((await cli(['import', join(dir, 'log.ndjson')], env)).code).toBe(0);
  }, 60_000);
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('passes an untouched log and prints its head hash, and the read models equal a replay', async () => {
    const { code, stdout } = await cli(['verify', '--projections'], env);
    expect(code).toBe(0);
    expect(stdout).toContain('log: OK — 6 events chained');
    expect(stdout).toMatch(/head: position 6, hash [0-9a-f]{64}/);
    expect(stdout).toContain('read model coverage: OK');
    const head = /head: position (\d+), hash ([0-9a-f]{64})/.exec(stdout)!;
    expect(await lastVerify()).toEqual({
      verifiedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      verifiedBy: expect.stringMatching(/^operator:.+@.+/),
      ok: true,
      eventsChecked: 6,
      headPosition: head[1],
      headHash: head[2],
      anchorsChecked: 0,
      failure: null,
    });
  }, 60_000);

  it('fails on an edited payload, names the event, and on a head written down before', async () => {
    const head = /head: position (\d+), hash ([0-9a-f]{64})/.exec((await cli(['verify'], env)).stdout)!;
    await tamper(`update events set data = jsonb_set(data, '{headcount}', '12') where global_position = 6`);
    const edited = await cli(['verify', '--anchor', `${head[1]}:${head[2]}`], env);
    expect(edited.code).toBe(1);
    expect(edited.stdout).toMatch(/log: FAILED after 5 good events\n\s+event [0-9a-f-]{36} \(HeadcountReported, enterprise-\S+ revision 1\) at position 6 does not match its hash/);
    const json = JSON.parse((await cli(['verify', '--json'], env)).stdout);
    expect(json.chain).toMatchObject({ ok: false, failure: { kind: 'mismatch', position: '6', type: 'HeadcountReported' } });
    // Each run is recorded, the failed ones with the report's message (positions, hashes, the event's id and type).
    expect(await lastVerify()).toMatchObject({ ok: false, eventsChecked: 5, headPosition: '6', anchorsChecked: 0, failure: json.chain.failure.message });
  }, 60_000);

  it('records a run with its anchors, and warns but keeps its exit status when the store will not take the record', async () => {
    await tamper(`update events set data = jsonb_set(data, '{headcount}', '120') where global_position = 6`); // put back
    const head = /head: position (\d+), hash ([0-9a-f]{64})/.exec((await cli(['verify'], env)).stdout)!;
    expect((await cli(['verify', '--anchor', `${head[1]}:${head[2]}`], env)).code).toBe(0);
    expect(await lastVerify()).toMatchObject({ ok: true, eventsChecked: 6, anchorsChecked: 1, failure: null });
    await tamper(`create or replace function refuse_record() returns trigger language plpgsql as $$ begin raise exception 'read-only for this test'; end $$`);
    await tamper('create trigger refuse_record before insert on chain_verifications for each row execute function refuse_record()');
    try {
      const refused = await cli(['verify'], env);
      expect(refused.code).toBe(0);
      expect(refused.stdout).toContain('log: OK — 6 events chained');
      expect(refused.stderr).toMatch(/warning: the outcome of this run could not be recorded in chain_verifications \(.*read-only for this test.*\); the check itself stands/);
      await tamper(`update events set data = jsonb_set(data, '{headcount}', '12') where global_position = 6`);
      const failed = await cli(['verify'], env);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('could not be recorded');
    } finally {
      await tamper('drop trigger refuse_record on chain_verifications');
      await tamper('drop function refuse_record()');
    }
    expect(await lastVerify()).toMatchObject({ ok: true, anchorsChecked: 1 }); // the refused runs left no row
  }, 60_000);

  it('refuses a malformed anchor', async () => {
    const { code, stderr } = await cli(['verify', '--anchor', '6:xyz'], env);
    expect(code).toBe(1);
    expect(stderr).toContain('expected POSITION:HASH');
  });
});
