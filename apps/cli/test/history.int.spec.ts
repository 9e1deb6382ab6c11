import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, requireBuiltCli } from './support/cli.js';
import { creditCode, residentId } from '../../../libs/domain/test/spec-helpers.js';

const E = creditCode(951);

/** `npm run cli -- history` on the embedded store, after an import of a short history. */
describe('cli history', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'uce-cli-history-'));
    env = { DATA_DIR: join(dir, 'data'), PERSON_ID_KEY: 'cli-history-test-key-0123456789-abcdefghij' };
    const lines = [
      { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
      { type: 'DefineArea', areaId: 'BJ', kind: 'subdistrict', name: '布吉街道', parentId: 'LG' },
      { type: 'RegisterEnterprise', creditCode: E, name: '某科技', areaId: 'BJ', headcount: 120, occurredOn: '2022-03-01', actor: 'cadre-1' },
      { type: 'ReportHeadcount', creditCode: E, headcount: 60, occurredOn: '2022-09-01' },
      { type: 'ReportHeadcount', creditCode: E, headcount: 20, occurredOn: '2022-06-01', actor: 'auditor' },
      { type: 'FoundEnterpriseUnion', unionId: 'U-1', creditCode: E, occurredOn: '2022-10-01' },
      { type: 'JoinUnion', memberId: 'M1', personId: residentId(951), name: '王五', unionId: 'U-1', occurredOn: '2022-10-02' },
    ];
    writeFileSync(join(dir, 'history.ndjson'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const imported = await cli(['import', join(dir, 'history.ndjson'), '--concurrency', '1'], env);
    expect(imported.code).toBe(0);
  });
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('prints the events as aligned lines, then the state as of the date', async () => {
    const { code, stdout } = await cli(['history', 'enterprise', E, '--as-of', '2022-07-01'], env);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`enterprise ${E} — stream enterprise-${E}, 4 events`);
    expect(lines[1]).toMatch(/^pos\s+recorded \(UTC\)\s+date\s+type\s+by \/ command\s+what$/);
    // Imported by the machine's operator (the recorder), for the cadre each line names (its actor).
    expect(lines[2]).toMatch(/2022-03-01\s+EnterpriseRegistered\s+operator:\S+ for cadre-1 \/ RegisterEnterprise\s+registered "某科技" in BJ, 120 staff$/);
    expect(lines[4]).toMatch(/2022-06-01\*\s+HeadcountReported\s+operator:\S+ for auditor \/ ReportHeadcount\s+headcount 20$/);
    expect(stdout).toContain('state at the end of 2022-07-01:');
    expect(stdout).toMatch(/headcount\s+20\n/);
    expect(stdout).toMatch(/organizing\s+unorganized\n/);
  });

  it('answers --json with the API shape', async () => {
    const { code, stdout } = await cli(['history', 'member', 'M1', '--as-of', '2022-12-31', '--json'], env);
    expect(code).toBe(0);
    const h = JSON.parse(stdout);
    expect(h).toMatchObject({ kind: 'member', id: 'M1', asOf: '2022-12-31', state: { status: 'member', unionId: 'U-1' } });
    expect(h.events[0]).toMatchObject({ type: 'MemberJoined', commandType: 'JoinUnion', occurredOn: '2022-10-02' });
  });

  it('refuses bad input with a clear message and exit code 1', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['history', 'company', E], /kind must be one of enterprise, member, union, campaign/],
      [['history', 'union', 'U-9'], /UNKNOWN_UNION/],
      [['history', 'enterprise', E, '--as-of', '2022-02-30'], /expected a calendar date/],
      [['history', 'enterprise', E, '--known-at', '2022-01-01T25:00'], /ISO 8601 timestamp/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await cli(args, env);
      expect({ args, code }).toEqual({ args, code: 1 });
      expect(stderr).toMatch(message);
    }
  });
});
