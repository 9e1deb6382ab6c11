import { sql } from 'kysely';
import { describePostgres } from '../../../test/support/databases.js';
import { creditCode, residentId } from '../../../libs/domain/test/spec-helpers.js';
import { KyselyEventStore } from '#event-store';
import { type Database } from '#persistence';
import { DATABASE } from '#persistence/nest';
import { bruteForceCoverage } from '../../../libs/read-models/test/brute-force.js';
import { startTestApi, type TestApi } from './support/api-client.js';

const code = (n: number) => creditCode(800 + n);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the federation had recorded when it reported its 2022 figure (in January 2023). */
const REPORTED = [
  { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
  { type: 'DefineArea', areaId: 'BJ', kind: 'subdistrict', name: '布吉街道', parentId: 'LG' },
  { type: 'DefineArea', areaId: 'HG', kind: 'subdistrict', name: '横岗街道', parentId: 'LG' },
  { type: 'FoundFederation', unionId: 'F-BJ', name: '布吉街道总工会', scope: 'regional', areaId: 'BJ', occurredOn: '2020-01-01' },
  { type: 'RegisterEnterprise', creditCode: code(1), name: '甲', areaId: 'BJ', headcount: 120, occurredOn: '2021-01-01' },
  { type: 'FoundEnterpriseUnion', unionId: 'U-1', creditCode: code(1), occurredOn: '2021-06-01' },
  { type: 'RegisterEnterprise', creditCode: code(2), name: '乙', areaId: 'BJ', headcount: 90, occurredOn: '2021-01-01' },
  { type: 'RegisterEnterprise', creditCode: code(3), name: '丙', areaId: 'HG', headcount: 15, occurredOn: '2021-01-01' },
  { type: 'CoverEnterprise', federationId: 'F-BJ', creditCode: code(2), occurredOn: '2022-03-01' },
  { type: 'JoinUnion', memberId: 'M1', personId: residentId(1), name: '张三', unionId: 'U-1', occurredOn: '2022-02-01' },
];

/** Recorded later, most of them dated back into 2022: late reports and corrections. */
const LATER = [
  { type: 'ReportHeadcount', creditCode: code(2), headcount: 130, occurredOn: '2022-10-01' }, // 25-99 → 100+
  { type: 'RelocateEnterprise', creditCode: code(3), areaId: 'BJ', occurredOn: '2022-06-01' }, // HG → BJ
  { type: 'RegisterEnterprise', creditCode: code(4), name: '丁', areaId: 'BJ', headcount: 30, occurredOn: '2022-05-01' }, // a late registration
  { type: 'JoinUnion', memberId: 'M2', personId: residentId(2), name: '李四', unionId: 'U-1', occurredOn: '2022-11-01' },
  { type: 'DefineArea', areaId: 'PB', kind: 'subdistrict', name: '坪地街道', parentId: 'LG' },
  { type: 'ReportHeadcount', creditCode: code(1), headcount: 140, occurredOn: '2023-03-01' }, // after the date: no change to 2022
];

function auditSuite(backend: 'pglite' | 'postgres') {
  let api: TestApi;
  let reportedAt: string;
  beforeAll(async () => {
    api = await startTestApi(backend);
    const first = await api.post('/api/commands', REPORTED, await api.issue('admin', undefined, 'cadre-wang'));
    expect(first.body.filter((r: { ok: boolean }) => !r.ok)).toEqual([]);
    await sleep(20);
    reportedAt = new Date().toISOString();
    await sleep(20);
    const later = await api.post('/api/commands', LATER, await api.issue('admin', undefined, 'cadre-li'));
    expect(later.body.filter((r: { ok: boolean }) => !r.ok)).toEqual([]);
  });
  afterAll(() => api?.close());

  const log = async () => new KyselyEventStore(api.app.get<Database>(DATABASE).db).readAll();
  /** The contract's fields (without freshness, knownAt and the members' breakdowns). */
  const withoutFreshness = ({ freshness: _f, knownAt: _k, ...rest }: any) => ({
    ...rest,
    members: { total: rest.members.total, newForm: rest.members.newForm, rate: rest.members.rate },
  });

  it("shows the chain's head, the last event's position and hash, to write down as an anchor", async () => {
    const { status, body } = await api.get('/api/chain');
    expect(status).toBe(200);
    const last = await api.db.selectFrom('events').select(['global_position', 'hash']).orderBy('global_position', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(body).toMatchObject({ headPosition: String(last.global_position), headHash: Buffer.from(last.hash).toString('hex') });
    expect(body.verify).toBe(`npm run cli -- verify --anchor ${body.headPosition}:${body.headHash}`);
    const viewer = await api.issue('viewer', 'LG');
    expect((await api.get('/api/chain', viewer)).status).toBe(403);
    expect((await api.get('/api/chain', await api.issue('auditor', 'LG'))).status).toBe(200);
  });

  it('answers as known at an instant like a replay of the log recorded by then, and as known now like the whole log', async () => {
    const all = await log();
    const then = all.filter((e) => e.recordedAt.getTime() <= new Date(reportedAt).getTime());
    expect(then.length).toBeGreaterThan(5);
    expect(then.length).toBeLessThan(all.length);
    for (const areaId of ['LG', 'BJ', 'HG']) {
      for (const asOf of ['2022-12-31', '2021-12-31', '2023-06-30']) {
        const known = await api.get(`/api/coverage?areaId=${areaId}&asOf=${asOf}&knownAt=${encodeURIComponent(reportedAt)}`);
        expect(known.status).toBe(200);
        expect(withoutFreshness(known.body)).toEqual(bruteForceCoverage(then, areaId, asOf));
        expect(known.body.knownAt).toEqual({ at: expect.any(String), position: String(then[then.length - 1]!.globalPosition) });
        const now = await api.get(`/api/coverage?areaId=${areaId}&asOf=${asOf}`);
        expect(withoutFreshness(now.body)).toEqual(bruteForceCoverage(all, areaId, asOf));
      }
    }
  });

  it('shows what was reported for 2022 and the corrected figure now', async () => {
    const reported = (await api.get(`/api/coverage?areaId=BJ&asOf=2022-12-31&knownAt=${encodeURIComponent(reportedAt)}`)).body;
    expect(reported.bands['100+']).toMatchObject({ active: 1, independent: 1 });
    expect(reported.bands['25-99']).toMatchObject({ active: 1, federationCovered: 1 });
    expect(reported.bands['<25'].active).toBe(0);
    expect(reported.members.total).toBe(1);
    expect([reported.staff, reported.members.rate]).toEqual([210, 1 / 210]); // 甲 120 + 乙 90
    const corrected = (await api.get('/api/coverage?areaId=BJ&asOf=2022-12-31')).body;
    expect(corrected.bands['100+']).toMatchObject({ active: 2, independent: 1, federationCovered: 1 });
    expect(corrected.bands['25-99']).toMatchObject({ active: 1, federationCovered: 0 });
    expect(corrected.bands['<25'].active).toBe(1);
    expect(corrected.members.total).toBe(2);
    expect([corrected.staff, corrected.members.rate]).toEqual([295, 2 / 295]); // 甲 120, 乙 130, 丙 15 (moved in), 丁 30 (registered late)
  });

  it('lists the recorded events that changed the figure since, which add up to exactly the difference', async () => {
    const { status, body } = await api.get(`/api/coverage/revisions?areaId=BJ&asOf=2022-12-31&knownAt=${encodeURIComponent(reportedAt)}`);
    expect(status).toBe(200);
    expect(body.revisions.map((r: any) => r.type)).toEqual(['HeadcountReported', 'EnterpriseRelocated', 'EnterpriseRegistered', 'MemberJoined']);
    for (const r of body.revisions) {
      expect(r).toMatchObject({ actor: 'cadre-li', commandId: expect.any(String), commandType: expect.any(String), recordedAt: expect.any(String) });
      expect(new Date(r.recordedAt).getTime()).toBeGreaterThan(new Date(reportedAt).getTime());
    }
    const [grew, moved, registered, joined] = body.revisions;
    expect(grew.changes).toEqual([
      {
        kind: 'enterprise', creditCode: code(2),
        before: { band: '25-99', status: 'federationCovered', newForm: false, headcount: 90 },
        after: { band: '100+', status: 'federationCovered', newForm: false, headcount: 130 },
      },
    ]);
    expect(grew.delta.staff).toBe(40);
    expect(grew.delta.bands['100+']).toEqual({ active: 1, independent: 0, federationCovered: 1, organized: 1 });
    expect(grew.delta.bands['25-99']).toEqual({ active: -1, independent: 0, federationCovered: -1, organized: -1 });
    expect(moved.changes).toEqual([{ kind: 'enterprise', creditCode: code(3), before: null, after: { band: '<25', status: 'unorganized', newForm: false, headcount: 15 } }]);
    expect(registered.occurredOn).toBe('2022-05-01');
    expect([moved.delta.staff, registered.delta.staff, joined.delta.staff]).toEqual([15, 30, 0]);
    expect(joined.changes).toEqual([{ kind: 'member', memberId: 'M2', before: null, after: { newForm: false } }]);

    expect(withoutFreshness(body.before)).toEqual(withoutFreshness((await api.get(`/api/coverage?areaId=BJ&asOf=2022-12-31&knownAt=${encodeURIComponent(reportedAt)}`)).body));
    expect(withoutFreshness(body.after)).toEqual(withoutFreshness((await api.get('/api/coverage?areaId=BJ&asOf=2022-12-31')).body));
    expect(body.difference.bands['<25'].active).toBe(1);
    expect(body.difference.members.total).toBe(1);
    expect(body.difference.staff).toBe(85);
    expect([body.before.members.rate, body.after.members.rate]).toEqual([1 / 210, 2 / 295]);

    // The district's revisions leave out the relocation (it stayed in LG) but keep the others.
    const lg = (await api.get(`/api/coverage/revisions?areaId=LG&asOf=2022-12-31&knownAt=${encodeURIComponent(reportedAt)}`)).body;
    expect(lg.revisions.map((r: any) => r.type)).toEqual(['HeadcountReported', 'EnterpriseRegistered', 'MemberJoined']);
  });

  it('gives a series and the enterprise list as known then', async () => {
    const series = (await api.get(`/api/coverage/series?areaId=BJ&from=2022-01-01&to=2022-12-31&step=quarter&knownAt=${encodeURIComponent(reportedAt)}`)).body;
    expect(series.points.map((p: any) => p.bands['<25'].active)).toEqual([0, 0, 0, 0]);
    const list = (await api.get(`/api/coverage/enterprises?areaId=BJ&asOf=2022-12-31&knownAt=${encodeURIComponent(reportedAt)}`)).body;
    expect(list.items.map((e: any) => e.creditCode).sort()).toEqual([code(1), code(2)].sort());
    expect(list.knownAt.position).toBe(series.knownAt.position);
  });

  it('does not know an area defined later, and refuses a malformed knownAt', async () => {
    expect((await api.get(`/api/coverage?areaId=PB&knownAt=${encodeURIComponent(reportedAt)}`)).body.error).toBe('UNKNOWN_AREA');
    expect((await api.get('/api/coverage?areaId=PB')).status).toBe(200);
    for (const bad of ['yesterday', '2023-02-30', '2023-01-15T24:00:00Z']) {
      const { status, body } = await api.get(`/api/coverage?areaId=LG&knownAt=${encodeURIComponent(bad)}`);
      expect({ status, error: body.error }).toEqual({ status: 400, error: 'INVALID_QUERY' });
    }
    expect((await api.get('/api/coverage/revisions?areaId=LG&asOf=2022-12-31')).body.error).toBe('INVALID_QUERY');
  });

  it('knows nothing before the first event, and everything at a bare date after the last', async () => {
    const before = (await api.get('/api/coverage?areaId=LG&asOf=2022-12-31&knownAt=2001-01-01')).status;
    expect(before).toBe(404); // no area was defined yet
    const today = new Date(Date.now() + 86_400_000 * 2).toISOString().slice(0, 10);
    const later = (await api.get(`/api/coverage?areaId=LG&asOf=2022-12-31&knownAt=${today}`)).body;
    expect(withoutFreshness(later)).toEqual(withoutFreshness((await api.get('/api/coverage?areaId=LG&asOf=2022-12-31')).body));
    const { rows } = await sql<{ n: string }>`select count(*)::text as n from events`.execute(api.app.get<Database>(DATABASE).db);
    expect(later.knownAt.position).toBe(rows[0]!.n);
  });

  it('documents knownAt and the revisions in the OpenAPI document', async () => {
    const document = (await api.get('/api/docs-json')).body;
    for (const path of ['/api/coverage', '/api/coverage/series', '/api/coverage/enterprises', '/api/coverage/revisions']) {
      expect(document.paths[path].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['areaId', 'knownAt']));
    }
    expect(document.paths['/api/coverage/revisions'].get.parameters.find((p: { name: string }) => p.name === 'knownAt').required).toBe(true);
  });
}

describe('auditing reported figures [PGlite]', () => auditSuite('pglite'));
describePostgres('auditing reported figures', () => auditSuite('postgres'));
