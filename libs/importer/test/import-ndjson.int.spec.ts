import { operatorPrincipal } from '#domain';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { KyselyEventStore } from '#event-store';
import { BatchExecutor, type BatchItem, CommandExecutor, describeFailure, validateCommand } from '#commands';
import { generateDistrict } from '#simulation';
import { createPGliteTestDatabase, type TestDatabase } from '../../../test/support/databases.js';
import { createHash } from 'node:crypto';
import { commandIdKey, commandLines, importConcurrently, importInGroups, type Outcome } from '../src/index.js';
import { testDeps } from '../../../test/support/engine-deps.js';

const ID_KEY = commandIdKey('import-test-person-id-key-0123456789');

describe('importing an NDJSON file of commands [PGlite]', () => {
  let database: TestDatabase;
  let dir: string;
  let submit: (command: unknown) => Promise<Outcome>;

  beforeAll(async () => {
    database = await createPGliteTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'uce-import-'));
    const store = new KyselyEventStore(database.db);
    const executor = new CommandExecutor(store, await testDeps(database.db, store));
    submit = async (raw) => {
      try {
        const { duplicate } = await executor.execute(validateCommand(raw), { principal: operatorPrincipal('test') });
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
    const summary = await importConcurrently(file, submit, { reportPath: join(dir, 'refused.ndjson'), concurrency: 8, idKey: ID_KEY });
    expect(summary).toMatchObject({ lines: commands.length, recorded: commands.length, refused: 0, duplicates: 0 });
    expect(readFileSync(join(dir, 'refused.ndjson'), 'utf8')).toBe('');
    expect(await events()).toBeGreaterThan(commands.length);
  });

  it('records nothing twice when the same file is imported again', async () => {
    const file = join(dir, 'district.ndjson');
    const before = await events();
    const summary = await importConcurrently(file, submit, { reportPath: join(dir, 'again.ndjson'), idKey: ID_KEY });
    expect(summary.recorded).toBe(0);
    expect(summary.duplicates).toBe(summary.lines);
    expect(await events()).toBe(before);
  });

  it('reports a commandId reused for a different command as a refused line, not a duplicate', async () => {
    const file = join(dir, 'reused.ndjson');
    writeFileSync(
      file,
      [
        JSON.stringify({ type: 'DefineArea', areaId: 'R-D', kind: 'district', name: 'r', commandId: 'reused-1' }),
        JSON.stringify({ type: 'DefineArea', areaId: 'R-D', kind: 'district', name: 'r', commandId: 'reused-1' }),
        JSON.stringify({ type: 'DefineArea', areaId: 'R-E', kind: 'district', name: 'e', commandId: 'reused-1' }),
      ].join('\n'),
    );
    const before = await events();
    const summary = await importConcurrently(file, submit, { reportPath: join(dir, 'reused.refused.ndjson'), concurrency: 1, idKey: ID_KEY });
    expect(summary).toMatchObject({ lines: 3, recorded: 1, duplicates: 1, refused: 1 });
    const report = readFileSync(join(dir, 'reused.refused.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(report.map((r) => [r.line, r.error])).toEqual([[3, 'COMMAND_ID_CONFLICT']]);
    expect(await events()).toBe(before + 1);
  });

  it('refuses a line longer than 1 MB without reading it into memory, and goes on with the next', async () => {
    const file = join(dir, 'long.ndjson');
    writeFileSync(
      file,
      [
        JSON.stringify({ type: 'DefineArea', areaId: 'L-D', kind: 'district', name: 'l' }),
        JSON.stringify({ type: 'DefineArea', areaId: 'L-X', kind: 'district', name: 'x'.repeat(2 * 1024 * 1024) }),
        JSON.stringify({ type: 'DefineArea', areaId: 'L-E', kind: 'district', name: 'e' }),
      ].join('\n'),
    );
    const summary = await importConcurrently(file, submit, { reportPath: join(dir, 'long.refused.ndjson'), concurrency: 1, idKey: ID_KEY });
    expect(summary).toMatchObject({ lines: 3, recorded: 2, refused: 1 });
    const report = readFileSync(join(dir, 'long.refused.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(report).toEqual([expect.objectContaining({ line: 2, error: 'MALFORMED_COMMAND', message: 'line 2 is longer than 1 MB: not a command' })]);
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
    const summary = await importConcurrently(file, submit, { reportPath, idKey: ID_KEY });
    expect(summary).toMatchObject({ lines: 6, recorded: 2, refused: 3, duplicates: 0 });
    const report = readFileSync(reportPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(report.map((r) => [r.line, r.error]).sort((a, b) => a[0] - b[0])).toEqual([
      [2, 'MALFORMED_COMMAND'],
      [4, 'UNKNOWN_AREA'],
      [5, 'INVALID_FIELDS'],
    ]);
  });

  it('reports a line that is not JSON by where it stops being JSON, never quoting it (a name or an identity number would go into the report)', async () => {
    const file = join(dir, 'pasted.ndjson');
    const lines = [
      '张三丰,440307199001010096,U-1', // a spreadsheet's row pasted as it is
      '{"type":"JoinUnion","personId":"440307199001010096","name":"张三丰" "unionId":"U-1"}',
      '{"type":"JoinUnion","personId":"440307199001010096","name":"张三丰',
      '["440307199001010096"]',
      '440307199001010096',
    ];
    writeFileSync(file, lines.join('\n'));
    const reportPath = join(dir, 'pasted.refused.ndjson');
    expect(await importConcurrently(file, submit, { reportPath, idKey: ID_KEY })).toMatchObject({ lines: 5, recorded: 0, refused: 5 });
    const text = readFileSync(reportPath, 'utf8');
    for (const secret of ['440307', '张三丰', '0096']) expect(text).not.toContain(secret);
    const report = text.trim().split('\n').map((l) => JSON.parse(l) as { line: number; message: string });
    expect(report.sort((a, b) => a.line - b.line).map((r) => r.message)).toEqual([
      'line 1 is not a JSON object: invalid JSON',
      'line 2 is not a JSON object: invalid JSON at character 66',
      'line 3 is not a JSON object: invalid JSON at character 64',
      'line 4 is not a JSON object: it is JSON, but an array',
      'line 5 is not a JSON object: it is JSON, but a number',
    ]);
  });

  it('records in groups (group commit) exactly what it records one by one, refusals included, with line numbers', async () => {
    const other = await createPGliteTestDatabase();
    try {
      const store = new KyselyEventStore(other.db);
      const batches = new BatchExecutor(store, await testDeps(other.db, store));
      let pipelined = 0;
      const submitMany = async (group: ReadonlyArray<{ command: unknown }>, groupSize: number): Promise<Outcome[]> => {
        const outcomes: Outcome[] = [];
        const valid: Array<{ k: number; command: ReturnType<typeof validateCommand> }> = [];
        group.forEach((g, k) => {
          try {
            valid.push({ k, command: validateCommand(g.command) });
            outcomes[k] = { ok: true, duplicate: false };
          } catch (error) {
            const { error: code, message } = describeFailure(error);
            outcomes[k] = { ok: false, error: code, message };
          }
        });
        // Groups of groupSize, each decided while the one before is appended; a lone writer never conflicts.
        const groups: Array<Array<BatchItem>> = [];
        for (let i = 0; i < valid.length; i += groupSize) groups.push(valid.slice(i, i + groupSize).map((v) => ({ command: v.command, options: { principal: operatorPrincipal('test') } })));
        const results = await batches.executeAll(groups);
        expect(results.map((r) => r !== undefined)).toEqual(groups.map(() => true));
        if (groups.length > 1) pipelined++;
        const decided = results.flatMap((r) => r!);
        decided.forEach((o, n) => {
          const { error: code, message } = o.ok ? { error: '', message: '' } : describeFailure(o.error);
          outcomes[valid[n]!.k] = o.ok ? { ok: true, duplicate: o.execution.duplicate } : { ok: false, error: code, message };
        });
        return outcomes;
      };
      const file = join(dir, 'district.ndjson');
      const summary = await importInGroups(file, submitMany, { reportPath: join(dir, 'grouped.ndjson'), groupSize: 137, idKey: ID_KEY });
      expect(summary).toMatchObject({ recorded: summary.lines, refused: 0 });
      expect(pipelined).toBeGreaterThan(0);
      // Compared opened: personal fields are sealed with a fresh iv (and, in each store, the person's own key).
      const streams = async (db: TestDatabase) => {
        const store = new KyselyEventStore(db.db);
        const events = await (await testDeps(db.db, store)).vault.openAll(await store.readAll());
        return events.map((e) => `${e.streamId}#${e.streamRevision} ${e.eventId} ${JSON.stringify(e.data)}`).sort();
      };
      // (The first database also holds the areas of the mixed and reused-id files, imported by the tests above.)
      expect(await streams(other)).toEqual((await streams(database)).filter((r) => !/^area-[XRL]-/.test(r)));

      const mixed = await importInGroups(join(dir, 'mixed.ndjson'), submitMany, { reportPath: join(dir, 'mixed2.ndjson'), groupSize: 2, idKey: ID_KEY });
      expect(mixed).toMatchObject({ lines: 6, recorded: 2, refused: 3 });
      const report = readFileSync(join(dir, 'mixed2.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(report.map((r) => [r.line, r.error]).sort((a, b) => a[0] - b[0])).toEqual([[2, 'MALFORMED_COMMAND'], [4, 'UNKNOWN_AREA'], [5, 'INVALID_FIELDS']]);
    } finally {
      await other.close();
    }
  });
});

describe('derived command ids', () => {
  it('are keyed: no unkeyed digest of the line (which holds an identity number), the same ids for the same file and secret, others for another secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uce-ids-'));
    try {
      const line = JSON.stringify({ type: 'JoinUnion', memberId: 'M1', personId: '440303199001011234', name: '张三', unionId: 'U1', occurredOn: '2022-01-01' });
      writeFileSync(join(dir, 'joins.ndjson'), `${line}\n`);
      const idsWith = async (key: Buffer) => {
        const ids: string[] = [];
        for await (const read of commandLines(join(dir, 'joins.ndjson'), key)) if ('command' in read) ids.push(String(read.command['commandId']));
        return ids;
      };
      const [id] = await idsWith(ID_KEY);
      expect(id).toMatch(/^joins\.ndjson:1:[0-9a-f]{32}$/);
      const unkeyed = createHash('sha256').update(line).digest('hex');
      expect(id).not.toContain(unkeyed.slice(0, 16)); // what earlier versions kept in every event's metadata
      expect(await idsWith(ID_KEY)).toEqual([id]);
      expect(await idsWith(commandIdKey('another-secret-of-32-characters-xx'))).not.toEqual([id]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
