import { startTestApi, type TestApi } from '../apps/api/test/support/api-client.js';
import { EngineClient } from '../scripts/demo/client.js';
import { demoResidentId } from '../scripts/demo/district.js';
import { blankIds, loadDemo, type DemoReport } from '../scripts/demo/load.js';
import { describePostgres } from './support/databases.js';

/**
 * `npm run demo` (scripts/demo.ts) against a running API, at a small size:
 * nothing refused, every dashboard page's route has data (areas, coverage
 * with members, drives with joins and leavers, a subdistrict without a
 * ceremony, revisions after the late corrections), and a second run — which
 * finds the demo's day in the store by itself — records nothing.
 */
const SIZE = { enterprises: 300, workers: 1500, years: 2, seed: 3 };
const TODAY = '2026-06-15';

function demoSuite(backend: 'pglite' | 'postgres'): void {
  let api: TestApi;
  let client: EngineClient;
  let first: DemoReport;

  beforeAll(async () => {
    api = await startTestApi(backend);
    client = new EngineClient(api.url, api.adminToken);
    // Another district already in the store: the demo sits beside it.
    const other = await api.post('/api/commands', [
      { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
      { type: 'DefineArea', areaId: 'LG-01', kind: 'subdistrict', name: '平湖街道', parentId: 'LG' },
    ]);
    expect(other.body.map((a: { ok: boolean }) => a.ok)).toEqual([true, true]);
    first = await loadDemo(client, { ...SIZE, today: TODAY, batchSize: 1000 });
  }, 300_000);

  afterAll(async () => {
    await api?.close();
  });

  it('records every command, none refused', () => {
    expect(first).toMatchObject({ today: TODAY, alreadyThere: false, refused: 0, recorded: first.commands, alreadyRecorded: 0, firstRefusals: [] });
    expect(first.commands).toBeGreaterThan(2000);
    expect(first.events).toBeGreaterThan(first.commands);
  });

  it('adds its own district beside the one already there', async () => {
    const roots = await api.get('/api/areas');
    expect(roots.body.children.map((a: { areaId: string }) => a.areaId)).toEqual(['DEMO', 'LG']);
    const district = await api.get('/api/areas?areaId=DEMO');
    expect(district.body.children).toHaveLength(11);
  });

  it('has coverage with active enterprises and members, and a trend', async () => {
    const { status, body } = await api.get(`/api/coverage?areaId=DEMO&asOf=${TODAY}`);
    expect(status).toBe(200);
    const active = Object.values(body.bands as Record<string, { active: number; organized: number }>).reduce((sum, b) => sum + b.active, 0);
    expect(active).toBeGreaterThan(100);
    expect(body.members.total).toBeGreaterThan(1000);
    expect(body.members.byArea.length).toBeGreaterThan(1);
    const series = await api.get(`/api/coverage/series?areaId=DEMO&from=2025-01-01&to=${TODAY}&step=month`);
    expect(series.status).toBe(200);
  });

  it('lists the drives; the district drive has joins by channel, leavers and an occupation the table does not know', async () => {
    const list = await api.get('/api/campaigns?areaId=DEMO');
    expect(list.body.campaigns.map((c: { campaignId: string }) => c.campaignId).sort()).toEqual([...first.campaignIds].sort());
    const progress = await api.get(`/api/campaigns/DEMO-K2026/progress?asOf=${TODAY}`);
    expect(progress.status).toBe(200);
    expect(progress.body.joined).toBeGreaterThan(50);
    expect(progress.body.left).toBeGreaterThan(0);
    expect(progress.body.byChannel.map((c: { channel: string }) => c.channel).sort()).toEqual(['ceremony', 'online', 'street']);
    expect(progress.body.unmappedOccupations.length).toBeGreaterThan(0);
    expect(progress.body.byCeremony.length).toBeGreaterThan(5);
  });

  it('has subdistricts that held no ceremony this year', async () => {
    const { body } = await api.get('/api/ceremonies/compliance?areaId=DEMO&year=2026');
    expect(body.compliant).toBeGreaterThan(5);
    expect(body.missing.map((m: { areaId: string }) => m.areaId)).toEqual(first.withoutCeremony);
    expect(first.withoutCeremony.length).toBeGreaterThan(0);
  });

  it('has outreach steps for the work list', async () => {
    const { body } = await api.get(`/api/outreach/funnel?areaId=DEMO&asOf=${TODAY}`);
    const reached = body.stages.filter((s: { step: string }) => s.step !== 'none').reduce((sum: number, s: { count: number }) => sum + s.count, 0);
    expect(reached).toBeGreaterThan(0);
  });

  it('shows the late corrections as revisions since an instant before them', async () => {
    expect(first.knownAt).not.toBeNull();
    const { status, body } = await api.get(`/api/coverage/revisions?areaId=DEMO&asOf=${TODAY}&knownAt=${encodeURIComponent(first.knownAt!)}`);
    expect(status).toBe(200);
    const types = body.revisions.map((r: { commandType: string }) => r.commandType);
    expect(types).toContain('ReportHeadcount');
    expect(types).toContain('JoinUnion');
  });

  it('records nothing when run again, finding the demo day in the store', async () => {
    const before = await api.eventCount();
    const again = await loadDemo(client, { ...SIZE, batchSize: 1000 });
    expect(again).toMatchObject({ today: TODAY, alreadyThere: true, commands: first.commands, recorded: 0, events: 0, alreadyRecorded: first.commands, refused: 0 });
    expect(again.knownAt).toBe(first.knownAt);
    expect(await api.eventCount()).toBe(before);
  }, 300_000);

  it('stops before sending anything when asked for a demo other than the one in the store', async () => {
    const before = await api.eventCount();
    await expect(loadDemo(client, { seed: SIZE.seed + 1 })).rejects.toThrow(/already holds the demo made with --enterprises 300 --workers 1500 --years 2 --seed 3 --today 2026-06-15 \(not --seed 4\)/);
    expect(await api.eventCount()).toBe(before);
  });
}

describe('npm run demo: refusals [PGlite]', () => {
  let api: TestApi;
  afterAll(async () => {
    await api?.close();
  });

  it('counts them by code and shows the first ones without names or identity numbers', async () => {
    api = await startTestApi('pglite');
    // A person the demo signs up (its first worker) already holds a membership elsewhere.
    const person = demoResidentId(0);
    const setUp = await api.post('/api/commands', [
      { type: 'DefineArea', areaId: 'X', kind: 'district', name: '另一区' },
      { type: 'FoundFederation', unionId: 'F-X', name: '另一区工联会', scope: 'regional', areaId: 'X', occurredOn: '2000-01-01' },
      { type: 'JoinUnion', memberId: 'X-1', personId: person, name: '张三', unionId: 'F-X', occurredOn: '2000-01-01' },
    ]);
    expect(setUp.body.map((a: { ok: boolean }) => a.ok)).toEqual([true, true, true]);
    const report = await loadDemo(new EngineClient(api.url, api.adminToken), { enterprises: 40, workers: 100, years: 1, seed: 5, today: TODAY });
    expect(report.refusedByCode['PERSON_ALREADY_MEMBER']).toBe(1);
    expect(report.refused).toBe(report.firstRefusals.length);
    expect(report.firstRefusals[0]).toMatchObject({ commandId: expect.stringMatching(/^demo:district:\d+$/), type: 'JoinUnion', error: 'PERSON_ALREADY_MEMBER' });
    const shown = JSON.stringify(report.firstRefusals);
    expect(shown).not.toMatch(/\d{6}[\d*]{8}|张三|演示会员|会员\d/);
    expect(shown).not.toContain(person.slice(-4));
    // The engine's messages name no identity number now; should one ever, whole or masked, it is blanked before printing.
    expect(blankIds(`person ${person} and 440399********123X`)).toBe('person [identity number] and [identity number]');
  }, 120_000);
});

describe('npm run demo [PGlite]', () => demoSuite('pglite'));
describePostgres('npm run demo', () => demoSuite('postgres'));
