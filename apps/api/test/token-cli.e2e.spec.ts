import { describePostgres } from '../../../test/support/databases.js';
import { cli, requireBuiltCli } from '../../cli/test/support/cli.js';
import { startTestApi, type TestApi } from './support/api-client.js';

const TOKEN = /^uce_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/;

/** Polls until the check holds (another process's revocation is read within a quarter of a second). */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never happened: ${what}`);
}

/**
 * The first minute, as a user lives it: the API is running, and the CLI's
 * `token` commands give, list and revoke tokens beside it — on the embedded
 * store through the running server's local channel (only one process may
 * open DATA_DIR), on PostgreSQL on the store directly.
 */
function tokenCliSuite(backend: 'pglite' | 'postgres') {
  let api: TestApi;
  beforeAll(async () => {
    requireBuiltCli();
    api = await startTestApi(backend);
  });
  afterAll(() => api?.close());

  it('issues a token while the API runs: printed on the last line, accepted at once, recorded as the operator\'s', async () => {
    const issued = await cli(['token', 'issue', '--role', 'admin', '--name', 'Ops Chen'], api.env);
    expect(issued.code).toBe(0);
    const token = issued.stdout.trim().split('\n').at(-1)!;
    expect(token).toMatch(TOKEN);
    expect(issued.stdout).toContain('held by Ops Chen');

    const tokens = await api.get('/api/tokens', token);
    expect(tokens.status).toBe(200);
    const mine = tokens.body.tokens.find((t: any) => t.holder === 'Ops Chen');
    expect(mine).toMatchObject({ role: 'admin', areaId: null, status: 'active', issuedBy: expect.stringMatching(/^operator:/) });
    expect(JSON.stringify(tokens.body)).not.toContain(token.slice(22)); // never the secret
    expect(JSON.stringify(tokens.body)).not.toMatch(/secretHash/);
  });

  it('confines a token to a defined area, and refuses an unknown area or role with a clear error', async () => {
    expect((await api.post('/api/commands', { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' })).status).toBe(200);
    const federation = await cli(['token', 'issue', '--role', 'federation', '--area', 'LG', '--expires', '30'], api.env);
    expect(federation.code).toBe(0);
    expect(federation.stdout).toContain('federation in LG');

    const unknown = await cli(['token', 'issue', '--role', 'federation', '--area', 'NOWHERE'], api.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('UNKNOWN_AREA');
    const role = await cli(['token', 'issue', '--role', 'boss'], api.env);
    expect(role.code).toBe(1);
    expect(role.stderr).toContain('INVALID_ROLE');
    const noArea = await cli(['token', 'issue', '--role', 'viewer'], api.env);
    expect(noArea.code).toBe(1);
    expect(noArea.stderr).toContain('INVALID_AREA');
  });

  it('lists and revokes: a revoked token is refused from then on, and both facts are in the log', async () => {
    const issued = await cli(['token', 'issue', '--role', 'admin', '--name', 'Temp Wu'], api.env);
    const token = issued.stdout.trim().split('\n').at(-1)!;
    const tokenId = token.slice(4, 20);
    expect((await api.get('/api/tokens', token)).status).toBe(200);

    const list = await cli(['token', 'list'], api.env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${tokenId}\\s+active\\s+admin`));

    const revoked = await cli(['token', 'revoke', tokenId, '--reason', 'left the office'], api.env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('revoked');
    await eventually(async () => (await api.get('/api/tokens', token)).status === 401, 'the revoked token refused');
    const refused = await api.get('/api/tokens', token);
    expect(refused.body).toEqual({ error: 'UNAUTHORIZED', message: 'the token was revoked' });

    const log = await api.db.selectFrom('events').select(['event_type', 'metadata']).where('stream_id', '=', 'access-tokens').orderBy('stream_revision').execute();
    expect(log.map((e) => e.event_type)).toContain('AccessTokenRevoked');
    expect(log.every((e) => typeof (e.metadata as { actor?: unknown }).actor === 'string')).toBe(true);
    expect((await cli(['token', 'revoke', '0000000000000000'], api.env)).stderr).toContain('UNKNOWN_TOKEN');
  });
}

describe('npm run cli -- token, beside the API on the embedded store', () => tokenCliSuite('pglite'));
describePostgres('npm run cli -- token, beside the API on PostgreSQL', () => tokenCliSuite('postgres'));
