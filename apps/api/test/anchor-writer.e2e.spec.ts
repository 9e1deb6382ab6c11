import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { newAnchorKeyPair, signAnchor } from '#event-store';
import { loadConfig } from '#persistence';
import { describePostgres } from '../../../test/support/databases.js';
import { cli, requireBuiltCli } from '../../cli/test/support/cli.js';
import { AnchorWriter, ANCHOR_FILE_NAME } from '../src/audit/anchor-writer.js';
import { readLastAnchor } from '../src/audit/last-anchor.js';
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

describe("the last anchor of the API's file", () => {
  const hash = (n: number) => n.toString(16).padStart(64, '0');
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'uce-anchor-tail-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is read from the end of a long file and checked with the key; none before the first', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const file = join(dir, ANCHOR_FILE_NAME);
    expect(await readLastAnchor({ file, publicKey })).toBeNull();
    const lines = Array.from({ length: 500 }, (_, i) => JSON.stringify(signAnchor({ position: String(i + 1), hash: hash(i + 1), recordedAt: null }, privateKey)));
    writeFileSync(file, `${lines.join('\n')}\n`);
    expect(readFileSync(file).length).toBeGreaterThan(100_000);
    const last = JSON.parse(lines.at(-1)!);
    expect(await readLastAnchor({ file, publicKey })).toEqual({
      file,
      position: '500',
      hash: hash(500),
      signedAt: last.signedAt,
      headRecordedAt: null,
      signatureValid: true,
      problem: null,
    });
    // Another key, an altered line, a line that is not an anchor: not trusted, saying why.
    expect(await readLastAnchor({ file, publicKey: generateKeyPairSync('ed25519').publicKey })).toMatchObject({ position: '500', signatureValid: false, problem: expect.stringMatching(/another key/) });
    appendFileSync(file, `${JSON.stringify({ ...last, hash: hash(7) })}\n`);
    expect(await readLastAnchor({ file, publicKey: createPublicKey(privateKey) })).toMatchObject({ hash: hash(7), signatureValid: false, problem: expect.stringMatching(/signature does not hold/) });
    appendFileSync(file, '{"position": \n');
    expect(await readLastAnchor({ file, publicKey })).toEqual({ file, position: null, hash: null, signedAt: null, headRecordedAt: null, signatureValid: false, problem: 'the last line is not JSON' });
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
    expect((await api.get('/api/chain')).body).toMatchObject({ anchorsConfigured: true, lastAnchor: null, eventsSinceLastAnchor: null });
    expect((await api.post('/api/commands', { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' })).status).toBe(200);
    const first = JSON.parse((await writer.writeNow())!);
    expect(await writer.writeNow()).toBeUndefined(); // nothing new: no anchor
    expect((await api.post('/api/commands', { type: 'DefineArea', areaId: 'BJ', kind: 'subdistrict', name: '布吉街道', parentId: 'LG' })).status).toBe(200);
    const second = JSON.parse((await writer.writeNow())!);
    expect(BigInt(second.position)).toBeGreaterThan(BigInt(first.position));
    const file = join(dir, 'anchors', ANCHOR_FILE_NAME);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
    // GET /api/chain answers the last one, its signature checked with the API's key.
    const chain = (await api.get('/api/chain', await api.issue('auditor', 'LG'))).body;
    expect(chain).toMatchObject({ anchorsConfigured: true, eventsSinceLastAnchor: Number(chain.headPosition) - Number(second.position) });
    expect(chain.lastAnchor).toEqual({
      file,
      position: second.position,
      hash: second.hash,
      signedAt: second.signedAt,
      headRecordedAt: second.headRecordedAt,
      signatureValid: true,
      problem: null,
    });

    const { ANCHOR_KEY_FILE: _private, ANCHOR_DIR: _dir, ...env } = api.env;
    const verified = await cli(['verify', '--anchors', file, '--public-key', join(dir, 'anchor.pub')], env);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('anchors: 2 signed heads checked, all still in the log');
    expect((await api.get('/api/chain')).body.lastVerify).toMatchObject({ ok: true, anchorsChecked: 2, failure: null });
  }, 60_000);
});
