import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newAnchorKeyPair } from '#event-store';
import { loadConfig } from '#persistence';
import { describePostgres } from '../../../test/support/databases.js';
import { cli, requireBuiltCli } from '../../cli/test/support/cli.js';
import { AnchorWriter, ANCHOR_FILE_NAME } from '../src/audit/anchor-writer.js';
import { createApi } from '../src/bootstrap.js';
import { startTestApi, type TestApi } from './support/api-client.js';

describe('the API writing anchors (ANCHOR_DIR): settings', () => {
  it('refuses ANCHOR_DIR without a key, and a key it cannot read, naming the variable', async () => {
    expect(() => loadConfig({ ANCHOR_DIR: '/tmp/x' })).toThrow(/ANCHOR_DIR is set but ANCHOR_KEY_FILE is not/);
    expect(() => loadConfig({ ANCHOR_DIR: '/tmp/x', ANCHOR_KEY_FILE: '/k', ANCHOR_MINUTES: 'often' })).toThrow(/ANCHOR_MINUTES must be a whole number/);
    const dataDir = mkdtempSync(join(tmpdir(), 'uce-anchor-cfg-'));
    try {
      await expect(createApi(loadConfig({ DATA_DIR: dataDir, ANCHOR_DIR: join(dataDir, 'anchors'), ANCHOR_KEY_FILE: join(dataDir, 'missing.pem') }))).rejects.toThrow(/ANCHOR_KEY_FILE: cannot read/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describePostgres('the API writing anchors (ANCHOR_DIR)', () => {
  let api: TestApi;
  let dir: string;
  beforeAll(async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'uce-anchor-api-'));
    const { privateKeyPem, publicKeyPem } = newAnchorKeyPair();
    writeFileSync(join(dir, 'anchor.pem'), privateKeyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'anchor.pub'), publicKeyPem);
    api = await startTestApi('postgres', { ANCHOR_DIR: join(dir, 'anchors'), ANCHOR_KEY_FILE: join(dir, 'anchor.pem') });
  });
  afterAll(async () => {
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('appends a signed head when the log has grown, which verify --anchors checks with the public key', async () => {
    const writer = api.app.get(AnchorWriter);
    expect((await api.post('/api/commands', { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' })).status).toBe(200);
    const first = JSON.parse((await writer.writeNow())!);
    expect(await writer.writeNow()).toBeUndefined(); // nothing new: no anchor
    expect((await api.post('/api/commands', { type: 'DefineArea', areaId: 'BJ', kind: 'subdistrict', name: '布吉街道', parentId: 'LG' })).status).toBe(200);
    const second = JSON.parse((await writer.writeNow())!);
    expect(BigInt(second.position)).toBeGreaterThan(BigInt(first.position));
    const file = join(dir, 'anchors', ANCHOR_FILE_NAME);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);

    const { ANCHOR_KEY_FILE: _private, ANCHOR_DIR: _dir, ...env } = api.env;
    const verified = await cli(['verify', '--anchors', file, '--public-key', join(dir, 'anchor.pub')], env);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('anchors: 2 signed heads checked, all still in the log');
  }, 60_000);
});
