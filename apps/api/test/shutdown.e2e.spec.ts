import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KyselyEventStore } from '#event-store';
import { openDatabase } from '#persistence';
import { creditCode, residentId } from '../../../libs/domain/test/spec-helpers.js';
import { cli, requireBuiltCli } from '../../cli/test/support/cli.js';
import { TEST_API_KEYS } from './support/api-client.js';

/**
 * SIGTERM in the middle of a large request (docs/operations.md):
 * the API takes no new request, finishes the groups it has in hand, answers
 * the rest of the array SHUTTING_DOWN, and exits within its bound (10 s);
 * every command it answered as recorded is in the log, none it refused is.
 */

const API = join(process.cwd(), 'dist/apps/api/src/main.js');
const setup = [
  { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
  { type: 'RegisterEnterprise', creditCode: creditCode(651), name: '某物流', areaId: 'LG', headcount: 20000, occurredOn: '2022-01-01' },
  { type: 'FoundEnterpriseUnion', unionId: 'U-1', creditCode: creditCode(651), occurredOn: '2022-01-02' },
];
const join10k = Array.from({ length: 10_000 }, (_, i) => ({
  type: 'JoinUnion', memberId: `M${i}`, personId: residentId(i % 1000, `19${70 + Math.floor(i / 1000)}0101`), name: '会员', unionId: 'U-1', occurredOn: '2022-03-01',
}));

describe('stopping the API (SIGTERM) in the middle of a large request', () => {
  let dir: string;
  let server: ChildProcess;
  let url: string;
  let output = '';
  const env = () => ({ ...TEST_API_KEYS, DATA_DIR: join(dir, 'data'), NODE_ENV: 'development', AUTH_FAILURES_PER_MINUTE: '0' });

  beforeAll(async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'uce-shutdown-'));
    const port = 41000 + Math.floor(Math.random() * 2000);
    url = `http://127.0.0.1:${port}`;
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    server = spawn(process.execPath, [API], { env: { ...inherited, ...env(), PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    server.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    for (let i = 0; ; i++) {
      if (await fetch(`${url}/api/health`).then((r) => r.ok, () => false)) break;
      if (i > 300) throw new Error('the API did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);
  afterAll(() => {
    if (server.exitCode === null) server.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finishes what it holds, refuses the rest, exits within the bound, and loses nothing it acknowledged', async () => {
    const issued = await cli(['token', 'issue', '--role', 'admin', '--name', 'shutdown test'], env());
    expect(issued.code).toBe(0);
    const token = issued.stdout.trim().split('\n').at(-1)!;
    const post = (body: unknown) =>
      fetch(`${url}/api/commands`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post(setup)).status).toBe(200);

    const exited = new Promise<{ code: number | null; at: number }>((resolve) => server.once('exit', (code) => resolve({ code, at: Date.now() })));
    const big = post(join10k).then(async (r) => ({ status: r.status, body: (await r.json()) as Array<{ ok: boolean; error?: string; events?: Array<{ streamId: string }> }> }));
    // Once some of it is in the log (the head has grown), stop the server.
    const head = async () => Number(((await (await fetch(`${url}/api/chain`, { headers: { authorization: `Bearer ${token}` } })).json()) as { headPosition: string }).headPosition);
    const before = await head();
    while ((await head()) < before + 1000) await new Promise((r) => setTimeout(r, 50));
    const signalled = Date.now();
    server.kill('SIGTERM');
    // Once it says it stops, a new request is refused.
    await new Promise<void>((resolve) => {
      const look = (chunk: Buffer) => chunk.toString().includes('SIGTERM: taking no new requests') && resolve();
      server.stdout!.on('data', look);
      server.stderr!.on('data', look);
    });
    const late = await fetch(`${url}/api/health`).then((r) => r.status, () => 'refused');
    expect([503, 'refused']).toContain(late);

    const answer = await big;
    const { code, at } = await exited;
    if (code !== 0) console.log(output.split('\n').filter((l) => !/RouterExplorer|RoutesResolver|InstanceLoader/.test(l)).slice(-25).join('\n'));
    expect(code).toBe(0);
    expect(at - signalled).toBeLessThan(12_000);
    expect(answer.status).toBe(200);
    const recorded = answer.body.filter((r) => r.ok);
    const refused = answer.body.filter((r) => !r.ok);
    expect(recorded.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused.map((r) => r.error))).toEqual(new Set(['SHUTTING_DOWN']));
    // The answers come in order: what was recorded, then what was not.
    expect(answer.body.findIndex((r) => !r.ok)).toBe(recorded.length);

    const database = await openDatabase({ dataDir: join(dir, 'data') });
    try {
      const store = new KyselyEventStore(database.db);
      const members = new Set((await store.readAll()).filter((e) => e.type === 'MemberJoined').map((e) => e.streamId));
      expect(members.size).toBe(recorded.length);
      for (const [i, r] of answer.body.entries()) expect(members.has(`member-M${i}`)).toBe(r.ok);
    } finally {
      await database.close();
    }
  }, 120_000);
});
