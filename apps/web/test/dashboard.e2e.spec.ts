import type { Browser } from 'playwright-core';
import { generateDistrict } from '#simulation';
import { describePostgres } from '../../../test/support/databases.js';
import { residentId } from '../../../libs/domain/test/spec-helpers.js';
import { startTestApi, type TestApi } from '../../api/test/support/api-client.js';
import { axeCheck, chartsDrawn, describeBrowser, useBuiltDashboard, expectText, launchBrowser, logIn, openPage, pageLanguage, screenshot, type WatchedPage } from './support/browser.js';

/**
 * The dashboard (apps/web, built into dist/web by `npm run build`) in a real
 * headless Chromium, against the API started for real on each store: a
 * generated district plus a joining drive written here. Every figure the
 * pages show is checked against what the API answers for the same question
 * (never against numbers written in the test); every page visited has no
 * console error, no server error and no serious or critical axe violation.
 */

const AS_OF = '2024-06-30';
const CAMPAIGN = 'K-E2E';
/** Names no generated member has: none may show to a viewer. */
const JOINERS = [
  { name: '欧阳知远', occupation: '快递员', channel: 'ceremony' },
  { name: '司马砚青', occupation: '外卖骑手', channel: 'ceremony' },
  { name: '上官雨桐', occupation: '快递员', channel: 'street' },
  { name: '诸葛云舒', occupation: '网约车司机', channel: 'online' },
  { name: '慕容景行', occupation: '外卖骑手', channel: 'street' },
  { name: '东方若谷', occupation: '快递员', channel: 'ceremony' },
] as const;

/** As the dashboard shows figures (apps/web/src/ui/format.ts), computed here from the API's answers. */
const percent = (rate: number | null | undefined) => (rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`);
const count = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n.toLocaleString('zh-CN'));
const figure = (testId: string) => `[data-testid="${testId}"] .figure-value`;

async function loadData(api: TestApi): Promise<void> {
  const commands = [...generateDistrict({ enterprises: 1000, workers: 4000, years: 3, seed: 16, startsOn: '2021-01-01' })];
  for (let i = 0; i < commands.length; i += 5000) {
    const { status, body } = await api.post('/api/commands', commands.slice(i, i + 5000));
    expect(status).toBeLessThan(300);
    // The generator's district is consistent: everything it writes is accepted.
    expect((body as Array<{ ok: boolean }>).filter((r) => !r.ok)).toEqual([]);
  }
  const drive = [
    {
      type: 'LaunchCampaign', campaignId: CAMPAIGN, name: '2024年浏览器测试集中入会行动', areaId: 'LG-01', targetJoins: 40,
      startsOn: '2024-03-01', endsOn: '2024-06-30', targetOccupations: ['快递员', '外卖骑手'],
    },
    { type: 'HoldCeremony', ceremonyId: 'CER-E2E', areaId: 'LG-01-C01', occurredOn: '2024-03-10', campaignId: CAMPAIGN },
    ...JOINERS.map((j, i) => ({
      type: 'JoinUnion', memberId: `E2E-${i + 1}`, personId: residentId(i + 1, '19650101'), name: j.name, unionId: 'F-LG-EXPRESS',
      occupation: j.occupation, newForm: true, channel: j.channel, campaignId: CAMPAIGN,
      ...(j.channel === 'ceremony' ? { ceremonyId: 'CER-E2E', occurredOn: '2024-03-10' } : { occurredOn: `2024-04-${String(10 + i).padStart(2, '0')}` }),
    })),
    { type: 'LeaveUnion', memberId: 'E2E-3', occurredOn: '2024-05-20', reason: 'left Shenzhen' },
  ];
  const { body } = await api.post('/api/commands', drive);
  expect((body as Array<{ ok: boolean }>).filter((r) => !r.ok)).toEqual([]);
  // A query waits 2 s at most for the read models; after a load this size they may still be behind: the pages must see them caught up.
  for (let i = 0; ; i++) {
    const { body: answer } = await api.get('/api/coverage?areaId=LG');
    if (answer.freshness?.caughtUp) break;
    if (i > 60) throw new Error('the read models did not catch up with the load');
  }
}

/** The figure cards of the coverage page, as they must read for the API's answer. */
function expectedCards(coverage: any): Record<string, string> {
  const cards: Record<string, string> = {
    'rate-100+': percent(coverage.bands['100+'].rate),
    'rate-25-99': percent(coverage.bands['25-99'].rate),
    'rate-newForm': percent(coverage.newForm.rate),
    'covered-<25': count(coverage.bands['<25'].organized),
    'members-total': count(coverage.members.total),
    'members-newForm': count(coverage.members.newForm),
    // 入会率: memberships held and not retained over the staff of the area's active enterprises.
    'members-rate': percent(coverage.members.rate),
  };
  return cards;
}

function dashboardSuite(backend: 'pglite' | 'postgres') {
  let api: TestApi;
  let browser: Browser;
  const pages: WatchedPage[] = [];

  let restoreDashboard: () => void;
  beforeAll(async () => {
    restoreDashboard = useBuiltDashboard();
    [api, browser] = await Promise.all([startTestApi(backend), launchBrowser()]);
    await loadData(api);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    restoreDashboard?.();
  });

  /** A new page (own storage), closed after the test; its problems checked by `clean`. */
  const open = async (viewport?: { width: number; height: number }) => {
    const watched = await openPage(browser, api.url, viewport);
    pages.push(watched);
    return watched;
  };
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((p) => p.close()));
  });
  /** The page passes axe (no serious or critical violation) and, with DASHBOARD_SCREENSHOTS=1, is pictured for the docs. */
  const accessible = async (w: WatchedPage, name: string, options: { phone?: boolean } = {}) => {
    expect({ page: name, violations: await axeCheck(w.page) }).toEqual({ page: name, violations: [] });
    await screenshot(w.page, name);
    if (options.phone) await screenshot(w.page, `${name}-phone`, { phone: true });
  };
  const expectCards = async (w: WatchedPage, coverage: any) => {
    for (const [testId, text] of Object.entries(expectedCards(coverage))) await expectText(w.page, figure(testId), text);
    // The staff the membership rate is measured against.
    await expectText(w.page, '[data-testid="members-rate"] .figure-detail', count(coverage.staff), { contains: true });
  };

  it('logs in with the admin token and lands on the coverage of the widest area, figures exactly as the API answers them', async () => {
    const w = await open();
    await w.page.goto('/');
    await w.page.locator('input#token').waitFor();
    await accessible(w, 'login');
    await logIn(w.page, api.adminToken);
    await w.page.waitForURL(/\/coverage/);
    const today = (await w.page.locator('input#asOf').inputValue()) || undefined;
    const { body: coverage } = await api.get(`/api/coverage?areaId=LG${today ? `&asOf=${today}` : ''}`);
    await expectCards(w, coverage);
    await w.page.locator('main h1', { hasText: '龙岗区' }).waitFor();
    expect(coverage.members).toHaveProperty('rate');
    expect(coverage).toHaveProperty('staff');
    await chartsDrawn(w.page);
    await accessible(w, 'coverage', { phone: true });
    expect(w.problems()).toEqual([]);
  });

  it('opens a bookmarked view (area and date in the URL) and drills down to a sub-area', async () => {
    const w = await open();
    await logIn(w.page, api.adminToken, `/coverage?area=LG&asOf=${AS_OF}`);
    const { body: district } = await api.get(`/api/coverage?areaId=LG&asOf=${AS_OF}`);
    await expectCards(w, district);
    expect(await w.page.locator('input#asOf').inputValue()).toBe(AS_OF);

    // Another bookmark, opened directly while logged in.
    await w.page.goto(`/coverage?area=LG-03&asOf=2023-06-30`);
    await expectCards(w, (await api.get('/api/coverage?areaId=LG-03&asOf=2023-06-30')).body);
    await w.page.locator('main h1', { hasText: '吉华街道' }).waitFor();

    // Drill down from the district: the sub-area's link in the table.
    await w.page.goto(`/coverage?area=LG&asOf=${AS_OF}`);
    const link = w.page.locator('[data-testid="children"] a').nth(1);
    const name = (await link.textContent())!.trim();
    const { body: areas } = await api.get('/api/areas?areaId=LG');
    const child = areas.children.find((c: { name: string }) => c.name === name);
    expect(child).toBeDefined();
    await link.click();
    await w.page.waitForURL((url) => url.searchParams.get('area') === child.areaId && url.searchParams.get('asOf') === AS_OF);
    await expectCards(w, (await api.get(`/api/coverage?areaId=${child.areaId}&asOf=${AS_OF}`)).body);
    await w.page.locator('main h1', { hasText: name }).waitFor();
    await chartsDrawn(w.page);
    await accessible(w, 'coverage-subarea');
    expect(w.problems()).toEqual([]);
  });

  it('shows the work list: the first unorganized enterprise is the API’s first', async () => {
    const w = await open();
    await logIn(w.page, api.adminToken, `/work?area=LG&asOf=${AS_OF}`);
    const { body: list } = await api.get(`/api/coverage/enterprises?areaId=LG&asOf=${AS_OF}&status=unorganized`);
    expect(list.items.length).toBeGreaterThan(0);
    await expectText(w.page, '[data-testid="work-list"] tbody tr td[data-column="creditCode"]', list.items[0].creditCode);
    await accessible(w, 'work');
    expect(w.problems()).toEqual([]);
  });

  it('shows a joining drive’s progress as the API answers it', async () => {
    const w = await open();
    await logIn(w.page, api.adminToken, `/campaigns/${CAMPAIGN}?asOf=${AS_OF}`);
    const { body: progress } = await api.get(`/api/campaigns/${CAMPAIGN}/progress?asOf=${AS_OF}`);
    expect(progress.joined).toBe(JOINERS.length);
    await expectText(w.page, figure('campaign-joined'), count(progress.joined));
    await expectText(w.page, figure('campaign-progress'), percent(progress.progress));
    await w.page.waitForLoadState('networkidle');
    await accessible(w, 'campaign');
    expect(w.problems()).toEqual([]);
  });

  it('loads the audit and members pages for the admin', async () => {
    const w = await open();
    // Today (the default): the figure as known now beside the figure as reported at the end of today.
    await logIn(w.page, api.adminToken, `/audit?area=LG`);
    await w.page.waitForLoadState('networkidle');
    await w.page.locator('main h1').waitFor();
    await accessible(w, 'audit');
    await w.page.goto(`/members?area=LG&asOf=${AS_OF}`);
    await w.page.waitForLoadState('networkidle');
    await w.page.locator('main h1').waitFor();
    await accessible(w, 'members');
    expect(w.problems()).toEqual([]);
  });

  it('passes the accessibility check on every other view: drives, ceremony compliance, the chain, histories', async () => {
    const w = await open();
    const { body: list } = await api.get(`/api/coverage/enterprises?areaId=LG&asOf=${AS_OF}&pageSize=1`);
    const views = [
      [`/campaigns?area=LG&asOf=${AS_OF}`, '[data-testid="campaigns"]'],
      [`/campaigns?area=LG&view=ceremonies&year=2024`, '[data-testid="ceremony-compliance"]'],
      ['/audit/chain', '[data-testid="chain-head"]'],
      [`/audit/history?kind=enterprise&id=${list.items[0].creditCode}&asOf=${AS_OF}`, '[data-testid="timeline"]'],
      [`/audit/history?kind=campaign&id=${CAMPAIGN}&asOf=${AS_OF}`, '[data-testid="timeline"]'],
    ] as const;
    await logIn(w.page, api.adminToken, views[0][0]);
    for (const [path, shown] of views) {
      await w.page.goto(path);
      await w.page.locator(shown).first().waitFor();
      await w.page.waitForLoadState('networkidle');
      expect({ path, violations: await axeCheck(w.page) }).toEqual({ path, violations: [] });
    }
    await screenshot(w.page, 'campaign-history');
    expect(w.problems()).toEqual([]);
  });

  it('shows a viewer only figures: no personal pages, no member’s name', async () => {
    const viewer = await api.issue('viewer', 'LG-01', 'e2e viewer');
    const w = await open();
    await logIn(w.page, viewer);
    await w.page.waitForURL(/\/coverage/);
    const nav = await w.page.locator('header nav.pages a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(nav).toContain('/coverage');
    for (const hidden of ['/work', '/audit', '/members']) expect(nav).not.toContain(hidden);
    const today = await w.page.locator('input#asOf').inputValue();
    await expectCards(w, (await api.get(`/api/coverage?areaId=LG-01&asOf=${today}`, viewer)).body);

    const shown: string[] = [await w.page.locator('body').innerText()];
    await w.page.goto(`/campaigns/${CAMPAIGN}?asOf=${AS_OF}`);
    await w.page.waitForLoadState('networkidle');
    await accessible(w, 'campaign-viewer');
    shown.push(await w.page.locator('body').innerText());
    for (const text of shown) for (const j of JOINERS) expect(text).not.toContain(j.name);

    await w.page.goto(`/members?area=LG-01`);
    await w.page.waitForURL(/\/coverage/);
    expect(w.problems()).toEqual([]);
  });

  it('switches to English and back', async () => {
    const w = await open();
    await logIn(w.page, api.adminToken, `/coverage?area=LG&asOf=${AS_OF}`);
    const toggle = w.page.locator('header .session button[lang]');
    await toggle.click();
    await pageLanguage(w.page, 'en');
    await expectText(w.page, 'header nav.pages a[href="/coverage"]', 'Coverage');
    await w.page.locator(figure('rate-100+')).waitFor();
    await accessible(w, 'coverage-en');
    await toggle.click();
    await pageLanguage(w.page, 'zh-CN');
    await expectText(w.page, 'header nav.pages a[href="/coverage"]', '覆盖率');
    expect(w.problems()).toEqual([]);
  });

  it('logs out: back to the login form, the token gone from the tab', async () => {
    const w = await open();
    await logIn(w.page, api.adminToken, `/coverage?area=LG&asOf=${AS_OF}`);
    await w.page.locator(figure('rate-100+')).waitFor();
    const storage = `JSON.stringify([Object.values(sessionStorage), Object.values(localStorage)])`;
    expect(await w.page.evaluate(storage)).toContain(api.adminToken);
    await w.page.locator('header .session button:not([lang])').click();
    await w.page.locator('input#token').waitFor();
    expect(await w.page.evaluate(`sessionStorage.getItem('uce.session')`)).toBeNull();
    expect(await w.page.evaluate(storage)).not.toContain(api.adminToken);
    expect(w.page.url()).not.toContain(api.adminToken);
    expect(w.problems()).toEqual([]);
  });

  it('refuses a bad token with the API’s own message', async () => {
    const { status, body } = await api.get('/api/access/me', 'uce_not-a-real-token');
    expect(status).toBe(401);
    const w = await open();
    await w.page.goto('/');
    await w.page.locator('input#token').fill('uce_not-a-real-token');
    await w.page.locator('form button[type="submit"]').click();
    const alert = w.page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain(body.message);
    expect(await alert.innerText()).toContain(body.error);
    expect(await w.page.evaluate(`sessionStorage.getItem('uce.session')`)).toBeNull();
    await accessible(w, 'login-refused');
    // The browser logs the refused request itself; nothing else may go wrong.
    expect(w.problems([/status of 401/])).toEqual([]);
  });
}

describeBrowser('dashboard in Chromium [PGlite]', () => dashboardSuite('pglite'));
describePostgres('dashboard', () => describeBrowser('in Chromium', () => dashboardSuite('postgres')));
