import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { KyselyEventStore } from '../../event-store/src/index.js';
import { AreaDirectory, CommandExecutor, describeFailure, PersonKeys, validateCommand } from '../../commands/src/index.js';
import { generateDistrict } from '../../simulation/src/index.js';
import { createPGliteTestDatabase, type TestDatabase } from '../../../test/support/databases.js';
import { importNdjson, type Outcome } from '../src/index.js';

describe('importing an NDJSON file of commands [PGlite]', () => {
  let database: TestDatabase;
  let dir: string;
  let submit: (command: unknown) => Promise<Outcome>;

  beforeAll(async () => {
    database = await createPGliteTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'uce-import-'));
    const store = new KyselyEventStore(database.db);
    const executor = new CommandExecutor(store, { areas: new AreaDirectory(store), personKeys: new PersonKeys('import-test-key-0123456789') });
    submit = async (raw) => {
      try {
        const { duplicate } = await executor.execute(validateCommand(raw));
        return { ok: true, duplicate };
      } catch (error) {
        const { error: code, message } = describeFailure(error);
        return { ok: false, error: code, message };
      }
    };
  });
  afterAll(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const events = async () => Number((await sql<{ n: string }>`select count(*)::text as n from events`.execute(database.db)).rows[0]!.n);

  it('records a generated district in order, keeping dependent commands in file order under concurrency', async () => {
    const file = join(dir, 'district.ndjson');
    const commands = [...generateDistrict({ enterprises: 150, workers: 400, years: 3, seed: 11 })];
    writeFileSync(file, commands.map((c) => JSON.stringify(c)).join('\n') + '\n');
    const summary = await importNdjson(file, submit, { reportPath: join(dir, 'refused.ndjson'), concurrency: 8 });
    expect(summary).toMatchObject({ lines: commands.length, recorded: commands.length, refused: 0, duplicates: 0 });
    expect(readFileSync(join(dir, 'refused.ndjson'), 'utf8')).toBe('');
    expect(await events()).toBeGreaterThan(commands.length);
  });

  it('records nothing twice when the same file is imported again', async () => {
    const file = join(dir, 'district.ndjson');
    const before = await events();
    const summary = await importNdjson(file, submit, { reportPath: join(dir, 'again.ndjson') });
    expect(summary.recorded).toBe(0);
    expect(summary.duplicates).toBe(summary.lines);
    expect(await events()).toBe(before);
  });

  it('reports refused lines with their numbers and reasons, and goes on', async () => {
    const file = join(dir, 'mixed.ndjson');
    writeFileSync(
      file,
      [
        JSON.stringify({ type: 'DefineArea', areaId: 'X-D', kind: 'district', name: 'x' }),
        '{ this is not json',
        '',
        JSON.stringify({ type: 'DefineArea', areaId: 'X-S', kind: 'subdistrict', name: 's', parentId: 'NOWHERE' }),
        JSON.stringify({ type: 'ReportHeadcount', creditCode: 'bad', headcount: 1, occurredOn: '2020-01-01' }),
        JSON.stringify({ type: 'DefineArea', areaId: 'X-S', kind: 'subdistrict', name: 's', parentId: 'X-D' }),
      ].join('\n'),
    );
    const reportPath = join(dir, 'mixed.refused.ndjson');
    const summary = await importNdjson(file, submit, { reportPath });
    expect(summary).toMatchObject({ lines: 6, recorded: 2, refused: 3, duplicates: 0 });
    const report = readFileSync(reportPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(report.map((r) => [r.line, r.error]).sort((a, b) => a[0] - b[0])).toEqual([
      [2, 'MALFORMED_COMMAND'],
      [4, 'UNKNOWN_AREA'],
      [5, 'INVALID_FIELDS'],
    ]);
  });
});
