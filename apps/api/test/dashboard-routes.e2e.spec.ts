import { creditCode } from '../../../libs/domain/test/spec-helpers.js';
import { startTestApi, type TestApi } from './support/api-client.js';

/**
 * What the dashboard needs of the server besides the figures: its page at
 * every address outside /api, its assets, who the caller is, the area tree
 * as the caller may see it, and the campaigns of an area.
 */
const SETUP = [
  { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
  { type: 'DefineArea', areaId: 'BJ', kind: 'subdistrict', name: '布吉街道', parentId: 'LG' },
  { type: 'DefineArea', areaId: 'NK', kind: 'community', name: '南坑社区', parentId: 'BJ' },
  { type: 'DefineArea', areaId: 'HG', kind: 'subdistrict', name: '横岗街道', parentId: 'LG' },
  { type: 'LaunchCampaign', campaignId: 'C-BJ', name: '布吉快递员入会', areaId: 'BJ', targetJoins: 100, startsOn: '2026-03-01', endsOn: '2026-06-30', targetOccupations: ['快递员'] },
  { type: 'RegisterEnterprise', creditCode: creditCode(901), name: '布吉物流', areaId: 'NK', headcount: 60, occurredOn: '2025-01-01' },
  { type: 'RegisterEnterprise', creditCode: creditCode(902), name: '南坑电子', areaId: 'NK', headcount: 40, occurredOn: '2025-01-01' },
  { type: 'RecordOutreach', creditCode: creditCode(901), step: 'visited', occurredOn: '2026-04-01' },
  { type: 'RecordOutreach', creditCode: creditCode(901), step: 'policyExplained', occurredOn: '2026-05-01' },
  { type: 'LaunchCampaign', campaignId: 'C-HG', name: '横岗骑手入会', areaId: 'HG', targetJoins: 50, startsOn: '2026-04-01', endsOn: '2026-09-30', targetOccupations: ['外卖骑手'] },
];

describe('the dashboard and what it asks of the API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('pglite');
    const { body } = await api.post('/api/commands', SETUP);
    expect(body.filter((r: { ok: boolean }) => !r.ok)).toEqual([]);
  });
  afterAll(() => api?.close());

  const raw = (path: string) => fetch(`${api.url}${path}`);

  it('serves its page at / and at every view address outside /api, without a token, with a strict content security policy', async () => {
    for (const path of ['/', '/coverage?area=LG&asOf=2026-01-01', '/campaigns/C-BJ', '/audit/history?kind=enterprise&id=x']) {
      const response = await raw(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await response.text()).toContain('<div id="root"></div>');
    }
  });

  it('serves the built assets by name, and answers a missing or escaping one 404, never a file outside the build', async () => {
    const page = await (await raw('/')).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page)?.[1];
    expect(script).toBeDefined();
    const asset = await raw(script!);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await raw('/assets/nothing-here.js')).status).toBe(404);
    // Compressed at build time, sent compressed to a browser that accepts it (fetch decodes it again).
    const compressed = await fetch(`${api.url}${script!}`, { headers: { 'accept-encoding': 'br' } });
    expect(compressed.headers.get('content-encoding')).toBe('br');
    expect(await compressed.text()).toBe(await (await raw(script!)).text());
    for (const path of ['/assets/../../package.json', '/assets/%2e%2e/%2e%2e/package.json', '/..%2fpackage.json']) {
      const response = await raw(path);
      expect(await response.text()).not.toContain('"union-coverage-engine"');
    }
  });

  it('keeps unknown /api addresses a coded 404 in JSON, and every /api route behind its token', async () => {
    const unknown = await raw('/api/no-such-route');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'NOT_FOUND' });
    expect((await raw('/api/access/me')).status).toBe(401);
    expect((await raw('/api/areas')).status).toBe(401);
  });

  it('tells the caller its role, area and reads (never its token)', async () => {
    const viewer = await api.issue('viewer', 'BJ', 'a viewer');
    const { status, body } = await api.get('/api/access/me', viewer);
    expect(status).toBe(200);
    expect(body).toEqual({ role: 'viewer', areaId: 'BJ', holder: 'a viewer', reads: ['figures'] });
    expect(JSON.stringify(body)).not.toContain(viewer);
  });

  it('gives the area tree as the caller may see it: an admin starts at the top, a subdistrict token at its own area', async () => {
    expect((await api.get('/api/areas')).body).toMatchObject({ area: null, path: [], children: [{ areaId: 'LG', name: '龙岗区', kind: 'district', parentId: null }] });
    const bj = await api.issue('federation', 'BJ');
    expect((await api.get('/api/areas', bj)).body).toMatchObject({ area: null, children: [{ areaId: 'BJ' }] });
    const nk = (await api.get('/api/areas?areaId=NK', bj)).body;
    expect(nk.path.map((a: { areaId: string }) => a.areaId)).toEqual(['BJ', 'NK']);
    expect(nk.children).toEqual([]);
    expect((await api.get('/api/areas?areaId=LG')).body.children.map((a: { areaId: string }) => a.areaId)).toEqual(['BJ', 'HG']);
    const refused = await api.get('/api/areas?areaId=LG', bj);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('FORBIDDEN');
    expect((await api.get('/api/areas?areaId=NOWHERE')).status).toBe(404);
  });

  it("lists an area's campaigns, the latest first, within the caller's area", async () => {
    const all = await api.get('/api/campaigns?areaId=LG');
    expect(all.status).toBe(200);
    expect(all.body.campaigns).toEqual([
      { campaignId: 'C-HG', name: '横岗骑手入会', areaId: 'HG', targetJoins: 50, startsOn: '2026-04-01', endsOn: '2026-09-30' },
      { campaignId: 'C-BJ', name: '布吉快递员入会', areaId: 'BJ', targetJoins: 100, startsOn: '2026-03-01', endsOn: '2026-06-30' },
    ]);
    const bj = await api.issue('campaign', 'BJ');
    expect((await api.get('/api/campaigns?areaId=BJ', bj)).body.campaigns.map((c: { campaignId: string }) => c.campaignId)).toEqual(['C-BJ']);
    expect((await api.get('/api/campaigns?areaId=HG', bj)).status).toBe(403);
    expect((await api.get('/api/campaigns')).status).toBe(400);
  });

  it('gives each enterprise of the work list its furthest outreach step by the date, in the list and in its export', async () => {
    const steps = async (asOf: string) =>
      (await api.get(`/api/coverage/enterprises?areaId=BJ&asOf=${asOf}&status=unorganized`)).body.items.map((e: { creditCode: string; outreachStep: string; outreachSince: string | null }) => [e.creditCode, e.outreachStep, e.outreachSince]);
    expect(await steps('2026-03-31')).toEqual([[creditCode(901), 'none', null], [creditCode(902), 'none', null]]);
    expect(await steps('2026-04-15')).toEqual([[creditCode(901), 'visited', '2026-04-01'], [creditCode(902), 'none', null]]);
    expect(await steps('2026-06-01')).toEqual([[creditCode(901), 'policyExplained', '2026-05-01'], [creditCode(902), 'none', null]]);
    const csv = await (await fetch(`${api.url}/api/coverage/enterprises/export?areaId=BJ&asOf=2026-06-01&status=unorganized`, { headers: { authorization: `Bearer ${api.adminToken}` } })).text();
    const [header, first, second] = csv.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(header).toContain('三到位进度 Outreach step');
    expect(first).toContain('宣传到位 policy explained');
    expect(first).toContain('2026-05-01');
    expect(second).toContain('未走访 not visited');
  });
});
