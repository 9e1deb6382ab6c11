import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describePostgres } from '../../../test/support/databases.js';
import { cli, requireBuiltCli } from '../../cli/test/support/cli.js';
import { startTestApi, type TestApi } from './support/api-client.js';

const AREAS = [
  { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
  { type: 'DefineArea', areaId: 'BJ', kind: 'subdistrict', name: '布吉街道', parentId: 'LG' },
  { type: 'DefineArea', areaId: 'HG', kind: 'subdistrict', name: '横岗街道', parentId: 'LG' },
];

/**
 * GET /api/chain for auditors: beside the head, what the last `cli verify`
 * run reported (recorded by the CLI in chain_verifications), and whether the
 * API writes anchors. The CLI runs beside the API on PostgreSQL; the
 * embedded store has one user at a time, so there the API is stopped while
 * the CLI runs and started again on the same folder.
 */
function chainStateSuite(backend: 'pglite' | 'postgres') {
  let api: TestApi;
  let dir: string | undefined;
  beforeAll(async () => {
    requireBuiltCli();
    if (backend === 'pglite') dir = mkdtempSync(join(tmpdir(), 'uce-chain-state-'));
    api = await startTestApi(backend, dir ? { DATA_DIR: join(dir, 'data') } : {});
  });
  afterAll(async () => {
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the CLI on the API's store (stopping the API meanwhile on the embedded store). */
  const runCli = async (args: string[]) => {
    if (backend === 'postgres') return cli(args, api.env);
    const env = { ...api.env };
    await api.close();
    try {
      return await cli(args, env);
    } finally {
      api = await startTestApi(backend, { DATA_DIR: env['DATA_DIR']! });
    }
  };

  it('answers no anchors and no verification before any', async () => {
    expect((await api.post('/api/commands', AREAS)).status).toBe(200);
    const { status, body } = await api.get('/api/chain', await api.issue('auditor', 'LG'));
    expect(status).toBe(200);
    expect(body).toMatchObject({ headPosition: String(await api.eventCount()), anchorsConfigured: false, lastAnchor: null, eventsSinceLastAnchor: null, lastVerify: null, eventsSinceLastVerify: null });
  });

  it('shows what the last verify run reported, and the events appended since', async () => {
    const verified = await runCli(['verify']);
    expect(verified.code).toBe(0);
    const head = /head: position (\d+), hash ([0-9a-f]{64})/.exec(verified.stdout)!;
    const chain = (await api.get('/api/chain')).body;
    // (On the embedded store, starting the API again issued the test's admin token: an event since the run.)
    const since = (await api.eventCount()) - Number(head[1]);
    expect(since).toBe(backend === 'postgres' ? 0 : 1);
    expect(chain).toMatchObject({ headPosition: String(await api.eventCount()), eventsSinceLastVerify: since });
    expect(chain.lastVerify).toEqual({
      verifiedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      verifiedBy: expect.stringMatching(/^operator:.+@.+/),
      ok: true,
      eventsChecked: Number(head[1]),
      headPosition: head[1],
      headHash: head[2],
      anchorsChecked: 0,
      failure: null,
    });
    expect(Date.parse(chain.lastVerify.verifiedAt)).toBeLessThanOrEqual(Date.now());

    expect((await api.post('/api/commands', { type: 'DefineArea', areaId: 'PB', kind: 'subdistrict', name: '坪地街道', parentId: 'LG' })).status).toBe(200);
    expect((await api.get('/api/chain')).body).toMatchObject({ headPosition: String(await api.eventCount()), lastVerify: { headPosition: head[1] }, eventsSinceLastVerify: since + 1 });
  }, 90_000);

  it('shows a failed run with its message after the log was edited behind the engine', async () => {
    const edited = (await sql<{ position: string }>`select global_position::text as position from events where event_type = 'AreaDefined' and data->>'areaId' = 'HG'`.execute(api.db)).rows[0]!.position;
    const head = String(await api.eventCount());
    await sql`update events set data = jsonb_set(data, '{name}', '"横岗"') where global_position = ${edited}::bigint`.execute(api.db);
    const failed = await runCli(['verify']);
    expect(failed.code).toBe(1);
    const { lastVerify, eventsSinceLastVerify } = (await api.get('/api/chain')).body;
    expect(lastVerify).toMatchObject({ ok: false, eventsChecked: Number(edited) - 1, headPosition: head, anchorsChecked: 0 });
    expect(lastVerify.failure).toMatch(new RegExp(`^event [0-9a-f-]{36} \\(AreaDefined, \\S+ revision \\d+\\) at position ${edited} does not match its hash`));
    expect(failed.stdout).toContain(lastVerify.failure);
    expect(eventsSinceLastVerify).toBe((await api.eventCount()) - Number(head));
  }, 90_000);

  it('documents the answer in the OpenAPI document', async () => {
    const summary: string = (await api.get('/api/docs-json')).body.paths['/api/chain'].get.summary;
    expect(summary).toMatch(/last signed anchor/);
    expect(summary).toMatch(/last `cli verify` run/);
  });
}

describe('the chain state for auditors [PGlite]', () => chainStateSuite('pglite'));
describePostgres('the chain state for auditors', () => chainStateSuite('postgres'));
