import { describePostgres } from '../../../test/support/databases.js';
import { creditCode, residentId } from '../../../libs/domain/test/spec-helpers.js';
import { todayInChina } from '../src/organizing-coverage/query-params.js';
import { startTestApi, type TestApi } from './support/api-client.js';

const E = creditCode(901);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Commands with a commandId and the holder of the token that records them
 * (`recorder`, not sent), so the metadata can be checked: the recorder is who
 * authenticated; one command also names whom it was recorded for (`actor`).
 */
let n = 0;
type Sent = Record<string, unknown> & { type: string; commandId: string; recorder: string };
const cmd = (body: Record<string, unknown> & { type: string }, recorder = 'cadre-li'): Sent => ({ ...body, commandId: `hist-${++n}`, recorder });

/**
 * An enterprise registered in HG, visited, shrinking, relocated to NK, covered
 * by NK's federation then uncovered, founding its own union; a worker joining
 * the federation at a campaign's ceremony, transferring to the new union.
 */
const FIRST = [
  cmd({ type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' }),
  cmd({ type: 'DefineArea', areaId: 'BJ', kind: 'subdistrict', name: '布吉街道', parentId: 'LG' }),
  cmd({ type: 'DefineArea', areaId: 'NK', kind: 'community', name: '南坑社区', parentId: 'BJ' }),
  cmd({ type: 'DefineArea', areaId: 'HG', kind: 'subdistrict', name: '横岗街道', parentId: 'LG' }),
  cmd({ type: 'RegisterEnterprise', creditCode: E, name: '某物流有限公司', areaId: 'HG', headcount: 30, occurredOn: '2021-01-10' }),
  cmd({ type: 'RecordOutreach', creditCode: E, step: 'visited', occurredOn: '2021-03-01', actor: 'volunteer-zhao' }, 'test admin'),
  cmd({ type: 'ReportHeadcount', creditCode: E, headcount: 18, occurredOn: '2021-07-01' }),
  cmd({ type: 'FoundFederation', unionId: 'F-NK', name: '南坑社区工联会', scope: 'regional', areaId: 'NK', occurredOn: '2021-12-01' }),
  cmd({ type: 'RelocateEnterprise', creditCode: E, areaId: 'NK', occurredOn: '2022-01-15' }),
  cmd({ type: 'LaunchCampaign', campaignId: 'C1', name: '快递员入会月', areaId: 'BJ', targetJoins: 50, startsOn: '2022-02-01', endsOn: '2022-02-28', targetOccupations: ['快递员'] }),
  cmd({ type: 'HoldCeremony', ceremonyId: 'K1', areaId: 'NK', occurredOn: '2022-02-01', campaignId: 'C1' }),
  cmd({ type: 'JoinUnion', memberId: 'M1', personId: residentId(901), name: '王五', unionId: 'F-NK', occupation: '快递员', newForm: true, channel: 'ceremony', campaignId: 'C1', ceremonyId: 'K1', occurredOn: '2022-02-01' }),
  cmd({ type: 'JoinUnion', memberId: 'M2', personId: residentId(902), name: '赵六', unionId: 'F-NK', campaignId: 'C1', occurredOn: '2022-02-10' }),
  cmd({ type: 'CoverEnterprise', federationId: 'F-NK', creditCode: E, occurredOn: '2022-03-01' }),
  cmd({ type: 'UncoverEnterprise', federationId: 'F-NK', creditCode: E, occurredOn: '2022-08-31' }),
  cmd({ type: 'FoundEnterpriseUnion', unionId: 'U-E', creditCode: E, occurredOn: '2022-09-01' }),
  cmd({ type: 'TransferMembership', memberId: 'M1', toUnionId: 'U-E', occurredOn: '2022-09-15' }),
];
/** Recorded later, dated 2021: the enterprise had 120 staff from October 2021. */
const LATE = [cmd({ type: 'ReportHeadcount', creditCode: E, headcount: 120, occurredOn: '2021-10-01' }, 'cadre-wang')];
const LAST = [
  cmd({ type: 'LeaveUnion', memberId: 'M1', occurredOn: '2023-05-01', reason: '离职' }),
  cmd({ type: 'DissolveUnion', unionId: 'U-E', occurredOn: '2023-06-30' }),
  cmd({ type: 'CloseEnterprise', creditCode: E, occurredOn: '2023-06-30' }),
];
const ALL = [...FIRST, ...LATE, ...LAST];
const commandOf = (commandId: string) => ALL.find((c) => c.commandId === commandId)!;

function historySuite(backend: 'pglite' | 'postgres') {
  let api: TestApi;
  /** The instant the late report was not yet recorded: the last recordedAt before it. */
  let beforeLate: string;

  beforeAll(async () => {
    api = await startTestApi(backend);
    const tokens: Record<string, string> = { 'test admin': api.adminToken, 'cadre-li': await api.issue('admin', undefined, 'cadre-li'), 'cadre-wang': await api.issue('admin', undefined, 'cadre-wang') };
    const post = async (batch: Sent[]) => {
      for (const { recorder, ...command } of batch) {
        const { status, body } = await api.post('/api/commands', command, tokens[recorder]);
        expect([status, body.error]).toEqual([200, undefined]);
      }
    };
    await post(FIRST);
    const { body } = await api.get(`/api/enterprises/${E}/history`);
    beforeLate = body.events.at(-1).recordedAt;
    await sleep(20); // so the late report's recording time is a later millisecond
    await post(LATE);
    await post(LAST);
  });
  afterAll(() => api?.close());

  const history = async (path: string) => {
    const response = await api.get(path);
    expect(response.status).toBe(200);
    return response.body;
  };

  it("lists every event of the enterprise's stream, in order, with its metadata", async () => {
    const h = await history(`/api/enterprises/${E}/history?asOf=2022-12-31`);
    expect(h).toMatchObject({ kind: 'enterprise', id: E, streamId: `enterprise-${E}`, asOf: '2022-12-31', knownAt: null });
    expect(h.events.map((e: any) => [e.type, e.occurredOn])).toEqual([
      ['EnterpriseRegistered', '2021-01-10'],
      ['OutreachRecorded', '2021-03-01'],
      ['HeadcountReported', '2021-07-01'],
      ['EnterpriseRelocated', '2022-01-15'],
      ['EnterpriseCovered', '2022-03-01'],
      ['EnterpriseUncovered', '2022-08-31'],
      ['OwnUnionFounded', '2022-09-01'],
      ['HeadcountReported', '2021-10-01'],
      ['OwnUnionDissolved', '2023-06-30'],
      ['EnterpriseClosed', '2023-06-30'],
    ]);
    expect(h.events.map((e: any) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const positions = h.events.map((e: any) => BigInt(e.position));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(positions).size).toBe(positions.length);
    const recordedAt = h.events.map((e: any) => Date.parse(e.recordedAt));
    expect(recordedAt).toEqual([...recordedAt].sort((a, b) => a - b));

    for (const e of h.events) {
      const command = commandOf(e.commandId);
      expect(command).toBeDefined();
      expect(e.commandType).toBe(command.type);
      expect(e.actor).toBe(command.recorder);
      expect(e.correlationId).toBe(command.commandId);
      expect(e.causationId).toBe(command.commandId);
      expect(e.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(typeof e.position).toBe('string');
      expect(typeof e.summary).toBe('string');
    }
    expect(h.events[0]).toMatchObject({
      actor: 'cadre-li',
      commandType: 'RegisterEnterprise',
      data: { creditCode: E, name: '某物流有限公司', areaId: 'HG', headcount: 30, newForm: false, occurredOn: '2021-01-10' },
      late: false,
      countsAsOf: true,
    });
    // Recorded by the admin's token, for a volunteer the body names: the recorder is who authenticated.
    expect(h.events[1]).toMatchObject({ actor: 'test admin', onBehalfOf: 'volunteer-zhao' });
    expect(h.events[0].tokenId).toMatch(/^[0-9a-f]{16}$/);
    expect(h.events[7]).toMatchObject({ actor: 'cadre-wang', commandType: 'ReportHeadcount', late: true, data: { headcount: 120 } });
    expect(h.events[8]).toMatchObject({ commandType: 'DissolveUnion', countsAsOf: false });
  });

  it("gives the enterprise's state on several dates, the late report counting from its date", async () => {
    const on = async (asOf: string) => (await history(`/api/enterprises/${E}/history?asOf=${asOf}`)).state;
    expect(await on('2021-01-09')).toMatchObject({ kind: 'enterprise', registered: false, active: false });
    expect(await on('2021-06-30')).toMatchObject({ registered: true, active: true, areaId: 'HG', headcount: 30, band: '25-99', organizing: 'unorganized' });
    expect(await on('2021-07-01')).toMatchObject({ headcount: 18, band: '<25' });
    expect(await on('2021-12-31')).toMatchObject({ areaId: 'HG', headcount: 120, band: '100+' }); // the late report
    expect(await on('2022-03-01')).toMatchObject({
      areaId: 'NK',
      organizing: 'federationCovered',
      federationCoverage: { federationId: 'F-NK', since: '2022-03-01' },
    });
    expect(await on('2022-08-31')).toMatchObject({ organizing: 'unorganized', federationCoverage: null });
    const independent = await on('2022-12-31');
    expect(independent).toMatchObject({ organizing: 'independent', ownUnion: { unionId: 'U-E', foundedOn: '2022-09-01' } });
    expect(independent.summary).toContain('own union U-E since 2022-09-01');
    expect(await on('2023-06-30')).toMatchObject({ closed: true, closedOn: '2023-06-30', active: false, organizing: null });
  });

  it('with knownAt before the late report, ignores it: in the list and in the state', async () => {
    const h = await history(`/api/enterprises/${E}/history?asOf=2021-12-31&knownAt=${encodeURIComponent(beforeLate)}`);
    expect(h.knownAt).toBe(beforeLate);
    expect(h.events).toHaveLength(7);
    expect(h.events.some((e: any) => e.actor === 'cadre-wang')).toBe(false);
    expect(h.state).toMatchObject({ headcount: 18, band: '<25' });
    const now = await history(`/api/enterprises/${E}/history?asOf=2021-12-31&knownAt=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(now.events).toHaveLength(10);
    expect(now.state).toMatchObject({ headcount: 120 });
  });

  it('defaults asOf to today in China', async () => {
    const h = await history(`/api/enterprises/${E}/history`);
    expect([todayInChina(), todayInChina(new Date(Date.now() - 5000))]).toContain(h.asOf);
    expect(h.state).toMatchObject({ closed: true, active: false });
  });

  it("member: joining at the ceremony, the transfer, leaving; the state on several dates", async () => {
    const h = await history('/api/members/M1/history?asOf=2022-12-31');
    expect(h.streamId).toBe('member-M1');
    expect(h.events.map((e: any) => [e.type, e.occurredOn, e.commandType, e.actor])).toEqual([
      ['MemberJoined', '2022-02-01', 'JoinUnion', 'cadre-li'],
      ['MembershipTransferred', '2022-09-15', 'TransferMembership', 'cadre-li'],
      ['MemberLeft', '2023-05-01', 'LeaveUnion', 'cadre-li'],
    ]);
    expect(h.events[0].data).toMatchObject({ name: '王五', personIdMasked: expect.stringMatching(/\*{8}/), campaignId: 'C1', ceremonyId: 'K1' });
    expect(JSON.stringify(h)).not.toContain(residentId(901)); // the identity number itself is never shown
    expect(h.state).toMatchObject({ status: 'member', unionId: 'U-E', unionSince: '2022-09-15', joinedOn: '2022-02-01' });
    const on = async (asOf: string) => (await history(`/api/members/M1/history?asOf=${asOf}`)).state;
    expect(await on('2022-01-31')).toMatchObject({ status: 'notJoined' });
    expect(await on('2022-02-01')).toMatchObject({ status: 'member', unionId: 'F-NK', unionSince: '2022-02-01' });
    expect(await on('2023-05-01')).toMatchObject({ status: 'left', unionId: 'U-E', leftOn: '2023-05-01', leftReason: '离职' });
  });

  it('union: the own union founded and dissolved; the federation', async () => {
    const h = await history('/api/unions/U-E/history?asOf=2022-12-31');
    expect(h.events.map((e: any) => [e.type, e.occurredOn, e.commandType])).toEqual([
      ['EnterpriseUnionFounded', '2022-09-01', 'FoundEnterpriseUnion'],
      ['UnionDissolved', '2023-06-30', 'DissolveUnion'],
    ]);
    expect(h.state).toMatchObject({ kind: 'union', status: 'active', unionKind: 'enterprise', creditCode: E, foundedOn: '2022-09-01', dissolvedOn: null });
    expect((await history('/api/unions/U-E/history?asOf=2023-06-30')).state).toMatchObject({ status: 'dissolved', dissolvedOn: '2023-06-30' });
    expect((await history('/api/unions/U-E/history?asOf=2022-08-31')).state).toMatchObject({ status: 'notFounded' });
    const federation = await history('/api/unions/F-NK/history?asOf=2022-12-31');
    expect(federation.events.map((e: any) => e.type)).toEqual(['FederationFounded']);
    expect(federation.state).toMatchObject({ unionKind: 'federation', name: '南坑社区工联会', scope: 'regional', areaId: 'NK', status: 'active' });
  });

  it('campaign: its definition, and the ceremony and joins attributed to it', async () => {
    const h = await history('/api/campaigns/C1/history?asOf=2022-02-05');
    expect(h.events).toEqual([
      expect.objectContaining({ type: 'CampaignLaunched', occurredOn: null, commandType: 'LaunchCampaign', actor: 'cadre-li', countsAsOf: true }),
    ]);
    expect(h.related.map((e: any) => [e.streamId, e.type, e.occurredOn, e.commandType, e.countsAsOf])).toEqual([
      ['ceremony-K1', 'CeremonyHeld', '2022-02-01', 'HoldCeremony', true],
      ['member-M1', 'MemberJoined', '2022-02-01', 'JoinUnion', true],
      ['member-M2', 'MemberJoined', '2022-02-10', 'JoinUnion', false],
    ]);
    expect(h.state).toMatchObject({
      kind: 'campaign',
      status: 'running',
      definition: { name: '快递员入会月', areaId: 'BJ', targetJoins: 50, startsOn: '2022-02-01', endsOn: '2022-02-28', targetOccupations: ['快递员'] },
      ceremonies: [{ ceremonyId: 'K1', areaId: 'NK', occurredOn: '2022-02-01', joins: 1 }],
      joins: { total: 1, newForm: 1, atCeremonies: 1 },
    });
    const after = await history('/api/campaigns/C1/history?asOf=2022-03-01');
    expect(after.state).toMatchObject({ status: 'ended', joins: { total: 2, progress: 2 / 50 } });
    expect((await history('/api/campaigns/C1/history?asOf=2022-01-01')).state).toMatchObject({ status: 'planned', joins: { total: 0 } });
  });

  it('answers 404 with a code for an unknown entity', async () => {
    const cases: Array<[string, string]> = [
      [`/api/enterprises/${creditCode(999)}/history`, 'UNKNOWN_ENTERPRISE'],
      ['/api/members/nobody/history', 'UNKNOWN_MEMBER'],
      ['/api/unions/nothing/history', 'UNKNOWN_UNION'],
      ['/api/campaigns/never/history?asOf=2022-01-01', 'UNKNOWN_CAMPAIGN'],
    ];
    for (const [path, code] of cases) {
      expect(await api.get(path)).toEqual({ status: 404, body: { error: code, message: expect.any(String) } });
    }
  });

  it('answers 400 INVALID_QUERY for a bad asOf or knownAt', async () => {
    for (const query of ['asOf=2022-02-30', 'asOf=yesterday', 'knownAt=yesterday', 'knownAt=2022-02-30', 'knownAt=2022-01-01T25:00:00Z', 'asOf=2022-01-01&asOf=2022-02-01']) {
      const response = await api.get(`/api/members/M1/history?${query}`);
      expect(response).toEqual({ status: 400, body: { error: 'INVALID_QUERY', message: expect.any(String) } });
    }
  });

  it('is described in the OpenAPI document', async () => {
    const document = (await api.get('/api/docs-json')).body;
    for (const path of ['/api/enterprises/{creditCode}/history', '/api/members/{memberId}/history', '/api/unions/{unionId}/history', '/api/campaigns/{campaignId}/history']) {
      const get = document.paths[path]?.get;
      expect(get).toBeDefined();
      expect(Object.keys(get.responses)).toEqual(expect.arrayContaining(['200', '400', '404']));
      expect(get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['asOf', 'knownAt']));
    }
  });
}

describe('GET /api/…/history [PGlite]', () => historySuite('pglite'));
describePostgres('GET /api/…/history', () => historySuite('postgres'));
