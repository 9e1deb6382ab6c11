import { strFromU8, unzipSync } from 'fflate';
import { describePostgres } from '../../../test/support/databases.js';
import { creditCode, residentId } from '../../../libs/domain/test/spec-helpers.js';
import { startTestApi, startTestApiOnKurrentDB, type TestApi } from './support/api-client.js';

const code = (n: number) => creditCode(700 + n);

/** LG > BJ > NK, and LG > HG; a federation in NK; enterprises of every band and status. */
const SETUP = [
  { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
  { type: 'DefineArea', areaId: 'BJ', kind: 'subdistrict', name: '布吉街道', parentId: 'LG' },
  { type: 'DefineArea', areaId: 'NK', kind: 'community', name: '南坑社区', parentId: 'BJ' },
  { type: 'DefineArea', areaId: 'HG', kind: 'subdistrict', name: '横岗街道', parentId: 'LG' },
  { type: 'FoundFederation', unionId: 'F-NK', name: '南坑社区工联会', scope: 'regional', areaId: 'NK', occurredOn: '2020-01-01' },
  // 100+: two in NK (one with its own union), one in HG without.
  { type: 'RegisterEnterprise', creditCode: code(1), name: 'A', areaId: 'NK', headcount: 500, occurredOn: '2020-01-01' },
  { type: 'FoundEnterpriseUnion', unionId: 'U-A', creditCode: code(1), occurredOn: '2020-02-01' },
  { type: 'RegisterEnterprise', creditCode: code(2), name: 'B', areaId: 'NK', headcount: 150, occurredOn: '2020-01-01' },
  { type: 'RegisterEnterprise', creditCode: code(3), name: 'C', areaId: 'HG', headcount: 100, occurredOn: '2020-01-01' },
  // 25-99: one covered by the federation (a mid-size enterprise may be), one with a union.
  { type: 'RegisterEnterprise', creditCode: code(4), name: 'D', areaId: 'NK', headcount: 40, newForm: true, occurredOn: '2020-01-01' },
  { type: 'CoverEnterprise', federationId: 'F-NK', creditCode: code(4), occurredOn: '2020-03-01' },
  { type: 'RegisterEnterprise', creditCode: code(5), name: 'E', areaId: 'BJ', headcount: 25, occurredOn: '2020-01-01' },
  { type: 'FoundEnterpriseUnion', unionId: 'U-E', creditCode: code(5), occurredOn: '2020-03-01' },
  // <25: three small ones in NK, two covered; one closes.
  { type: 'RegisterEnterprise', creditCode: code(6), name: 'F', areaId: 'NK', headcount: 10, newForm: true, occurredOn: '2020-01-01' },
  { type: 'CoverEnterprise', federationId: 'F-NK', creditCode: code(6), occurredOn: '2020-03-01' },
  { type: 'RegisterEnterprise', creditCode: code(7), name: 'G', areaId: 'NK', headcount: 24, occurredOn: '2020-01-01' },
  { type: 'CoverEnterprise', federationId: 'F-NK', creditCode: code(7), occurredOn: '2020-03-01' },
  { type: 'RegisterEnterprise', creditCode: code(8), name: 'H', areaId: 'NK', headcount: 3, occurredOn: '2020-01-01' },
  { type: 'CloseEnterprise', creditCode: code(8), occurredOn: '2021-01-01' },
  // Members: two in A's union, one (new-form) in the federation, one who left.
  { type: 'JoinUnion', memberId: 'M1', personId: residentId(1), name: 'a', unionId: 'U-A', occurredOn: '2020-03-01' },
  { type: 'JoinUnion', memberId: 'M2', personId: residentId(2), name: 'b', unionId: 'U-A', occurredOn: '2020-03-01' },
  { type: 'JoinUnion', memberId: 'M3', personId: residentId(3), name: 'c', unionId: 'F-NK', newForm: true, occurredOn: '2020-04-01' },
  { type: 'JoinUnion', memberId: 'M4', personId: residentId(4), name: 'd', unionId: 'U-E', occurredOn: '2020-04-01' },
  { type: 'LeaveUnion', memberId: 'M4', occurredOn: '2020-12-01' },
];

const f = (active: number, independent: number, federationCovered: number) => ({
  active,
  independent,
  federationCovered,
  organized: independent + federationCovered,
  rate: active ? (independent + federationCovered) / active : null,
});

function coverageSuite(backend: 'pglite' | 'postgres' | 'kurrentdb') {
  let api: TestApi;
  beforeAll(async () => {
    api = backend === 'kurrentdb' ? await startTestApiOnKurrentDB() : await startTestApi(backend);
    const { body, status } = await api.post('/api/commands', SETUP);
    if (!Array.isArray(body)) throw new Error(`${status} ${JSON.stringify(body)}`);
    expect(body.filter((r: { ok: boolean }) => !r.ok)).toEqual([]);
  });
  afterAll(() => api?.close());

  it('answers the district figures exactly as the contract shapes them, right after the commands (read-your-writes)', async () => {
    const { status, body } = await api.get('/api/coverage?areaId=LG&asOf=2021-06-30');
    expect(status).toBe(200);
    expect(body).toEqual({
      areaId: 'LG',
      asOf: '2021-06-30',
      bands: { '100+': f(3, 1, 0), '25-99': f(2, 1, 1), '<25': f(2, 0, 2) },
      newForm: f(2, 0, 2),
      // The active enterprises' latest headcounts: A 500 + B 150 + C 100 + D 40 + E 25 + F 10 + G 24 (H closed).
      staff: 849,
      members: {
        total: 3,
        newForm: 1,
        // The membership rate (入会率): the three memberships, none retained, ÷ staff.
        rate: 3 / 849,
        // Breakdowns beyond the contract's fields: by kind of union, and by the area's direct sub-areas.
        byUnionKind: { enterprise: { total: 2, newForm: 0 }, federation: { total: 1, newForm: 1 } },
        retained: { total: 0, newForm: 0, byReason: {} },
        byArea: [{ areaId: 'BJ', name: '布吉街道', kind: 'subdistrict', total: 3, newForm: 1 }],
      },
      freshness: expect.objectContaining({ position: expect.any(String), caughtUp: true }),
    });
  });

  it('rolls up the hierarchy: a subdistrict counts its communities, a community only itself', async () => {
    const bj = (await api.get('/api/coverage?areaId=BJ&asOf=2021-06-30')).body;
    expect(bj.bands).toEqual({ '100+': f(2, 1, 0), '25-99': f(2, 1, 1), '<25': f(2, 0, 2) });
    const nk = (await api.get('/api/coverage?areaId=NK&asOf=2021-06-30')).body;
    expect(nk.bands).toEqual({ '100+': f(2, 1, 0), '25-99': f(1, 0, 1), '<25': f(2, 0, 2) });
    expect([bj.staff, nk.staff]).toEqual([749, 724]); // BJ: NK's 724 (A, B, D, F, G) and E's 25
    const hg = (await api.get('/api/coverage?areaId=HG&asOf=2021-06-30')).body;
    expect(hg.bands['100+']).toEqual(f(1, 0, 0));
    expect(hg.staff).toBe(100);
    expect(hg.members).toMatchObject({ total: 0, newForm: 0, rate: 0, byArea: [] });
  });

  it('answers as of any date: before the foundings, and while the closed enterprise was open', async () => {
    const early = (await api.get('/api/coverage?areaId=LG&asOf=2020-01-15')).body;
    expect(early.bands).toEqual({ '100+': f(3, 0, 0), '25-99': f(2, 0, 0), '<25': f(3, 0, 0) });
    expect(early.staff).toBe(852); // H's 3 too: not closed yet
    expect(early.members).toMatchObject({ total: 0, newForm: 0, rate: 0 });
    const before = (await api.get('/api/coverage?areaId=LG&asOf=2019-12-31')).body;
    expect([before.staff, before.members.rate]).toEqual([0, null]); // no staff yet: no membership rate
    const autumn = (await api.get('/api/coverage?areaId=LG&asOf=2020-10-01')).body;
    expect(autumn.bands['<25']).toEqual(f(3, 0, 2));
    expect(autumn.members).toMatchObject({ total: 4, newForm: 1 });
  });

  it('takes a late report into account, for the past it changes only', async () => {
    await api.post('/api/commands', { type: 'ReportHeadcount', creditCode: code(3), headcount: 90, occurredOn: '2020-06-01' });
    const before = (await api.get('/api/coverage?areaId=HG&asOf=2020-05-31')).body;
    const after = (await api.get('/api/coverage?areaId=HG&asOf=2020-06-01')).body;
    expect([before.bands['100+'].active, before.bands['25-99'].active]).toEqual([1, 0]);
    expect([after.bands['100+'].active, after.bands['25-99'].active]).toEqual([0, 1]);
    expect([before.staff, after.staff]).toEqual([100, 90]);
  });

  it('lists the enterprises behind a figure, largest first, paginated', async () => {
    const all = (await api.get('/api/coverage/enterprises?areaId=LG&asOf=2021-06-30&pageSize=3')).body;
    expect(all.total).toBe(7);
    // C reported 90 staff late (previous test): A 500, B 150, C 90, D 40, E 25, G 24, F 10.
    expect(all.items.map((e: { name: string }) => e.name)).toEqual(['A', 'B', 'C']);
    const next = (await api.get('/api/coverage/enterprises?areaId=LG&asOf=2021-06-30&pageSize=3&page=2')).body;
    expect(next.items.map((e: { name: string }) => e.name)).toEqual(['D', 'E', 'G']);
    const unorganized = (await api.get('/api/coverage/enterprises?areaId=LG&asOf=2021-06-30&status=unorganized')).body;
    expect(unorganized.items.map((e: { creditCode: string; status: string }) => [e.creditCode, e.status])).toEqual([
      [code(2), 'unorganized'],
      [code(3), 'unorganized'],
    ]);
    const covered = (await api.get('/api/coverage/enterprises?areaId=NK&asOf=2021-06-30&band=%3C25&status=federationCovered')).body;
    expect(covered.items.map((e: { name: string; federationId: string }) => [e.name, e.federationId])).toEqual([['G', 'F-NK'], ['F', 'F-NK']]);
    const big = (await api.get('/api/coverage/enterprises?areaId=LG&asOf=2021-06-30&band=100+')).body;
    expect(big.band).toBe('100+');
    expect(big.total).toBe(2);
  });

  it('continues a list by cursor, past where page numbers stop', async () => {
    const walk = async (path: string) => {
      const pages = [];
      let after = '';
      for (;;) {
        const { status, body } = await api.get(`${path}&pageSize=2${after ? `&after=${after}` : ''}`);
        expect(status).toBe(200);
        pages.push(body.items);
        if (body.nextCursor === null) return pages;
        expect(body.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
        after = body.nextCursor;
      }
    };
    const enterprises = await walk('/api/coverage/enterprises?areaId=LG&asOf=2021-06-30');
    expect(enterprises.map((p) => p.map((e: { name: string }) => e.name))).toEqual([['A', 'B'], ['C', 'D'], ['E', 'G'], ['F']]);
    const all = (await api.get('/api/coverage/enterprises?areaId=LG&asOf=2021-06-30&pageSize=1000')).body;
    expect(enterprises.flat()).toEqual(all.items);
    expect(all.nextCursor).toBeNull();
    const unions = await walk('/api/coverage/members?areaId=LG&asOf=2021-06-30');
    expect(unions.flat().map((u: { unionId: string; total: number }) => [u.unionId, u.total])).toEqual([['U-A', 2], ['F-NK', 1]]);

    // Deep offsets are refused with a code that says what to do instead; a cursor must be one the server gave.
    const deep = await api.get('/api/coverage/enterprises?areaId=LG&page=10002&pageSize=1');
    expect(deep).toEqual({ status: 400, body: { error: 'PAGE_TOO_DEEP', message: expect.stringContaining('after=') } });
    expect((await api.get('/api/coverage/members?areaId=LG&page=1000000&pageSize=1000')).body.error).toBe('PAGE_TOO_DEEP');
    expect((await api.get('/api/coverage/enterprises?areaId=LG&page=10001&pageSize=1')).status).toBe(200);
    const first = (await api.get('/api/coverage/enterprises?areaId=LG&asOf=2021-06-30&pageSize=2')).body.nextCursor as string;
    const forged = Buffer.from(JSON.stringify(['enterprises', -1, 'x'])).toString('base64url');
    // A count beyond the database's integer would fail in the query (500) if it reached it.
    const huge = (list: string) => Buffer.from(JSON.stringify([list, 3_000_000_000, 'x'])).toString('base64url');
    expect((await api.get(`/api/coverage/members?areaId=LG&after=${huge('unions')}`)).body.error).toBe('INVALID_QUERY');
    const unionsCursor = (await api.get('/api/coverage/members?areaId=LG&asOf=2021-06-30&pageSize=1')).body.nextCursor as string;
    for (const after of ['%00', 'not a cursor', 'e30', forged, huge('enterprises'), unionsCursor, 'A'.repeat(3000)]) {
      expect(await api.get(`/api/coverage/enterprises?areaId=LG&after=${after}`)).toEqual({ status: 400, body: { error: expect.stringMatching(/INVALID_QUERY|MALFORMED_REQUEST/), message: expect.any(String) } });
    }
    expect((await api.get(`/api/coverage/enterprises?areaId=LG&page=2&after=${first}`)).body.error).toBe('INVALID_QUERY');
  });

  it('pages the revisions of a figure: the pages together are the whole answer', async () => {
    const knownAt = encodeURIComponent('2000-01-01T00:00:00+08:00');
    const whole = (await api.get(`/api/coverage/revisions?areaId=LG&asOf=2021-06-30&knownAt=${knownAt}&pageSize=1000`)).body;
    expect(whole.nextCursor).toBeNull();
    expect(whole.revisions.length).toBeGreaterThan(5);
    const revisions = [];
    let after = '';
    let pages = 0;
    for (;;) {
      const { status, body } = await api.get(`/api/coverage/revisions?areaId=LG&asOf=2021-06-30&knownAt=${knownAt}&pageSize=3${after ? `&after=${after}` : ''}`);
      expect(status).toBe(200);
      expect(body.revisions.length).toBeLessThanOrEqual(3);
      expect([body.before, body.after, body.difference]).toEqual([whole.before, whole.after, whole.difference]);
      revisions.push(...body.revisions);
      pages += 1;
      if (body.nextCursor === null) break;
      after = body.nextCursor;
    }
    expect(pages).toBeGreaterThan(2);
    expect(revisions).toEqual(whole.revisions);
    // Without asOf, a cursor goes on with its own date (today in China may have turned since the first page).
    const dated = (await api.get(`/api/coverage/revisions?areaId=LG&asOf=2021-06-30&knownAt=${knownAt}&pageSize=3`)).body;
    const next = (await api.get(`/api/coverage/revisions?areaId=LG&knownAt=${knownAt}&pageSize=3&after=${dated.nextCursor}`)).body;
    expect(next).toMatchObject({ asOf: '2021-06-30', before: whole.before });
    // A cursor continues its own query only.
    const cursor = (await api.get(`/api/coverage/revisions?areaId=LG&asOf=2021-06-30&knownAt=${knownAt}&pageSize=1`)).body.nextCursor as string;
    for (const other of [`areaId=BJ&asOf=2021-06-30&knownAt=${knownAt}`, `areaId=LG&asOf=2021-06-29&knownAt=${knownAt}`, `areaId=LG&asOf=2021-06-30&knownAt=${encodeURIComponent(new Date().toISOString())}`]) {
      expect((await api.get(`/api/coverage/revisions?${other}&after=${cursor}`)).body.error).toBe('INVALID_QUERY');
    }
  });

  it('gives a series at each month end, and the figure to date', async () => {
    const { status, body } = await api.get('/api/coverage/series?areaId=LG&from=2020-01-01&to=2020-06-15&step=month');
    expect(status).toBe(200);
    expect(body.points.map((p: { asOf: string }) => p.asOf)).toEqual(['2020-01-31', '2020-02-29', '2020-03-31', '2020-04-30', '2020-05-31', '2020-06-15']);
    const march = (await api.get('/api/coverage?areaId=LG&asOf=2020-03-31')).body;
    expect(body.points[2]).toEqual({
      asOf: '2020-03-31', bands: march.bands, newForm: march.newForm, staff: march.staff,
      members: { total: march.members.total, newForm: march.members.newForm, rate: march.members.rate },
    });
    // Every enterprise active (C's late 90 counts from June on), M1 and M2 joined in March.
    expect([body.points[2].staff, body.points[2].members]).toEqual([852, { total: 2, newForm: 0, rate: 2 / 852 }]);
    expect(body.points[5].staff).toBe(842);
    const quarters = (await api.get('/api/coverage/series?areaId=LG&from=2020-01-01&to=2020-12-31&step=quarter')).body;
    expect(quarters.points.map((p: { asOf: string }) => p.asOf)).toEqual(['2020-03-31', '2020-06-30', '2020-09-30', '2020-12-31']);
    expect((await api.get('/api/coverage/series?areaId=LG&from=2020-01-01&to=2020-12-31&step=week')).status).toBe(400);
  });

  it('exports the coverage table and the enterprise list as CSV and XLSX, with Chinese and English headers', async () => {
    const csv = await fetch(`${api.url}/api/coverage/export?areaId=LG&asOf=2021-06-30&format=csv`, { headers: { authorization: `Bearer ${api.adminToken}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const text = await csv.text();
    const lines = text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('区域 Area,截至 As of,企业规模 Size band,在册企业数 Active,单独建会 Independent,工联会覆盖 Federation-covered,已建会 Organized,建会率 Rate');
    expect(lines[1]).toBe('LG,2021-06-30,百人以上 100+,2,1,0,1,0.5');
    // Then one figure a row: members, new-form members, staff (C's late 90: 839) and the membership rate, 3 ÷ 839.
    expect(lines.slice(5)).toEqual([
      'LG,2021-06-30,会员 Members,3,,,,',
      'LG,2021-06-30,新就业形态会员 New-form members,1,,,,',
      'LG,2021-06-30,职工人数 Staff,839,,,,',
      'LG,2021-06-30,入会率 Membership rate,0.0036,,,,',
    ]);
    const list = await (await fetch(`${api.url}/api/coverage/enterprises/export?areaId=LG&asOf=2021-06-30&status=unorganized`, { headers: { authorization: `Bearer ${api.adminToken}` } })).text();
    expect(list.trim().split('\r\n')).toHaveLength(3);
    const xlsx = await fetch(`${api.url}/api/coverage/enterprises/export?areaId=LG&asOf=2021-06-30&format=xlsx`, { headers: { authorization: `Bearer ${api.adminToken}` } });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toContain('.xlsx');
    const bytes = Buffer.from(await xlsx.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe('PK'); // a zip container, as XLSX is
    expect(bytes.includes(Buffer.from('xl/worksheets/sheet1.xml'))).toBe(true);
  });

  it('exports names that look like formulas as text: no formula in the CSV nor in the XLSX', async () => {
    const names = ['=1+1', '@SUM(A1)', '+1-2', '-2+3', '+cmd|calc', '=HYPERLINK("http://x.example","点我")'];
    const commands = [
      { type: 'DefineArea', areaId: 'FX', kind: 'district', name: '公式区' },
      ...names.map((name, i) => ({ type: 'RegisterEnterprise', creditCode: code(900 + i), name, areaId: 'FX', headcount: 30 + i, occurredOn: '2021-01-01' })),
    ];
    const recorded = await api.post('/api/commands', commands);
    expect(recorded.body.every((r: { ok: boolean }) => r.ok)).toBe(true);
    const position = Math.max(...recorded.body.flatMap((r: { events: Array<{ position: string }> }) => r.events.map((e) => Number(e.position))));
    const get = (format: string) =>
      fetch(`${api.url}/api/coverage/enterprises/export?areaId=FX&asOf=2021-06-30&format=${format}&position=${position}`, { headers: { authorization: `Bearer ${api.adminToken}` } });

    const csv = (await (await get('csv')).text()).replace(/^\uFEFF/, '');
    const cells = csv.trim().split('\r\n').slice(1).map((line) => /^[^,]+,("(?:[^"]|"")*"|[^,]*)/.exec(line)![1]!);
    expect(cells.sort()).toEqual(names.map((n) => `"'${n.replace(/"/g, '""')}"`).sort());

    const zip = unzipSync(new Uint8Array(await (await get('xlsx')).arrayBuffer()));
    const sheet = strFromU8(zip['xl/worksheets/sheet1.xml']!);
    expect(sheet).not.toMatch(/<f[ >]/);
    const texts = [...sheet.matchAll(/<c r="B\d+"[^>]* t="inlineStr"><is><t xml:space="preserve">([^<]*)<\/t>/g)].map((m) => m[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
    expect(texts.slice(1).sort()).toEqual([...names].sort());
  });

  it('counts in the membership rate the memberships held and not retained, now and as known at an instant', async () => {
    const knownAt = encodeURIComponent(new Date().toISOString());
    await new Promise((resolve) => setTimeout(resolve, 20));
    const retained = await api.post('/api/commands', { type: 'RetainMembership', memberId: 'M1', reason: 'retired', occurredOn: '2021-05-01' });
    expect(retained.status).toBe(200);
    const now = (await api.get('/api/coverage?areaId=LG&asOf=2021-06-30')).body;
    expect(now.staff).toBe(839);
    expect(now.members).toMatchObject({ total: 3, rate: 2 / 839, retained: { total: 1, newForm: 0, byReason: { retired: 1 } } });
    expect((await api.get('/api/coverage?areaId=LG&asOf=2021-04-30')).body.members.rate).toBe(3 / 839);
    const then = (await api.get(`/api/coverage?areaId=LG&asOf=2021-06-30&knownAt=${knownAt}`)).body;
    expect([then.staff, then.members.rate]).toEqual([839, 3 / 839]);
    const known = (await api.get(`/api/coverage?areaId=LG&asOf=2021-06-30&knownAt=${encodeURIComponent(new Date().toISOString())}`)).body;
    expect({ ...known, knownAt: undefined, freshness: undefined }).toEqual({ ...now, knownAt: undefined, freshness: undefined });
    // The revisions: before and after carry the rates; a retention changes no count, so it is no revision.
    const revisions = (await api.get(`/api/coverage/revisions?areaId=LG&asOf=2021-06-30&knownAt=${knownAt}`)).body;
    expect([revisions.before.members.rate, revisions.after.members.rate, revisions.revisions]).toEqual([3 / 839, 2 / 839, []]);
    expect(revisions.difference).toMatchObject({ staff: 0, members: { total: 0, newForm: 0 } });
  });

  it('refuses at once a position the log has not reached, instead of waiting for it', async () => {
    const head = await api.eventCount();
    const beyond = await api.get(`/api/coverage?areaId=LG&position=${head + 1_000_000}`);
    expect(beyond).toEqual({ status: 400, body: { error: 'POSITION_BEYOND_LOG', message: expect.stringContaining(`ends at ${head}`) } });
    expect((await api.get(`/api/coverage/enterprises?areaId=LG&position=99999999999`)).body.error).toBe('POSITION_BEYOND_LOG');
    expect((await api.get(`/api/coverage?areaId=LG&position=${head}`)).status).toBe(200);
  });

  it('refuses a bad query with 400 and an unknown area with 404', async () => {
    expect((await api.get('/api/coverage?areaId=LG&asOf=2021-02-30')).body.error).toBe('INVALID_QUERY');
    expect((await api.get('/api/coverage')).status).toBe(400);
    expect((await api.get('/api/coverage/enterprises?areaId=LG&status=covered')).status).toBe(400);
    for (const path of ['/api/coverage?areaId=L%00G', '/api/coverage/enterprises?areaId=LG%00', '/api/members/M%00/history', '/api/coverage/series?areaId=LG&from=2020-01-01&to=2020-12-31&step=quarter&knownAt=%00']) {
      expect(await api.get(path)).toEqual({ status: 400, body: { error: 'MALFORMED_REQUEST', message: expect.stringContaining('NUL') } });
    }
    const unknown = await api.get('/api/coverage?areaId=NOWHERE');
    expect(unknown).toEqual({ status: 404, body: { error: 'UNKNOWN_AREA', message: expect.any(String) } });
  });
}

describe('GET /api/coverage [PGlite]', () => coverageSuite('pglite'));
describePostgres('GET /api/coverage', () => coverageSuite('postgres'));
describePostgres('GET /api/coverage [the log in KurrentDB: another engine\'s endpoint]', () => coverageSuite('kurrentdb'));
