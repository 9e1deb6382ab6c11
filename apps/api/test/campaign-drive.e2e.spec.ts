import { describePostgres } from '../../../test/support/databases.js';
import { creditCode, residentId } from '../../../libs/domain/test/spec-helpers.js';
import { KyselyEventStore } from '#event-store';
import { prng } from '#simulation';
import { type Database } from '#persistence';
import { DATABASE } from '#persistence/nest';
import { startTestApi, type TestApi } from './support/api-client.js';

/**
 * A realistic joining drive, end to end over HTTP: a district of eleven
 * subdistricts, a campaign, ceremonies in some subdistricts, 2,000 gig
 * workers joining through industry federations with their occupations
 * spelled every which way, some leaving, an enterprise closing (its members
 * pass to the subdistrict's federation). Every figure of progress,
 * compliance, gap, funnel and membership is checked against values this
 * test computes itself from what it sent — not with the engine's code (its
 * occupation table, its week numbering, its queries).
 */

const rnd = prng(20230301);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
const day = (from: string, offset: number) => new Date(Date.parse(`${from}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

const NAMES = ['平湖', '布吉', '吉华', '坂田', '南湾', '横岗', '园山', '龙城', '龙岗', '宝龙', '坪地'];
const SUBS = NAMES.map((name, i) => ({ id: `LG-${String(i + 1).padStart(2, '0')}`, name: `${name}街道` }));
const CAMPAIGN = { start: '2023-03-01', end: '2023-08-31' };
const AS_OF = '2023-08-31';

/** Occupation groups as the test knows them: how campaign teams spell them, and the industry federation they join. */
const GROUPS = [
  { id: 'food-delivery-rider', weight: 0.4, union: 'F-RIDER', spellings: ['外卖骑手', '网约送餐员', 'food-delivery rider', '外卖员', 'Food Delivery Rider'] },
  { id: 'courier', weight: 0.25, union: 'F-EXPRESS', spellings: ['快递员', '快递小哥', 'courier', 'Courier'] },
  { id: 'truck-driver', weight: 0.2, union: 'F-FREIGHT', spellings: ['货车司机', '货运司机', 'truck driver'] },
  { id: 'ride-hailing-driver', weight: 0.12, union: 'F-RIDEHAIL', spellings: ['网约车司机', 'ride-hailing driver', '网约车驾驶员'] },
  { id: null, weight: 0.03, union: 'F-EXPRESS', spellings: ['无人机飞手', '跑腿小哥'] },
] as const;

const person = (i: number) => residentId(i % 1000, `19${80 + Math.floor(i / 1000)}0101`);

interface Worker {
  memberId: string;
  sub: string;
  group: string | null;
  occupation: string;
  union: string;
  channel: 'ceremony' | 'street' | 'online';
  ceremonyId: string | null;
  joinedOn: string;
  leftOn: string | null;
}

// ── the district ─────────────────────────────────────────────────────────
const setup: object[] = [
  { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
  ...SUBS.flatMap((s) => [
    { type: 'DefineArea', areaId: s.id, kind: 'subdistrict', name: s.name, parentId: 'LG' },
    { type: 'DefineArea', areaId: `${s.id}-C1`, kind: 'community', name: `${s.name}一社区`, parentId: s.id },
    { type: 'DefineArea', areaId: `${s.id}-C2`, kind: 'community', name: `${s.name}二社区`, parentId: s.id },
  ]),
  ...[
    ['F-RIDER', '外卖行业工联会'],
    ['F-EXPRESS', '快递行业工联会'],
    ['F-FREIGHT', '货运行业工联会'],
    ['F-RIDEHAIL', '网约车行业工联会'],
  ].map(([unionId, name]) => ({ type: 'FoundFederation', unionId, name, scope: 'industry', areaId: 'LG', occurredOn: '2020-01-01' })),
  // Every subdistrict but the last has a regional federation.
  ...SUBS.slice(0, 10).map((s) => ({ type: 'FoundFederation', unionId: `F-${s.id}`, name: `${s.name}工联会`, scope: 'regional', areaId: s.id, occurredOn: '2020-01-01' })),
  {
    type: 'LaunchCampaign', campaignId: 'K2023', name: '2023年新就业形态劳动者集中入会行动', areaId: 'LG', targetJoins: 2400,
    startsOn: CAMPAIGN.start, endsOn: CAMPAIGN.end, targetOccupations: ['外卖骑手', '快递员', '货车司机', '网约车司机'],
  },
];

// Ceremonies: the drive's in seven subdistricts; one outside the drive later in 2023, one in 2022.
const ceremonies = SUBS.slice(0, 7).map((s, i) => ({ ceremonyId: `CER-${s.id}`, sub: s.id, areaId: `${s.id}-C1`, heldOn: day('2023-03-06', 14 * i), campaignId: 'K2023' as string | null }));
ceremonies.push({ ceremonyId: 'CER-LG-09', sub: 'LG-09', areaId: 'LG-09', heldOn: '2023-09-15', campaignId: null });
ceremonies.push({ ceremonyId: 'CER-LG-08-OLD', sub: 'LG-08', areaId: 'LG-08-C2', heldOn: '2022-11-11', campaignId: null });
setup.push(...ceremonies.map((c) => ({ type: 'HoldCeremony', ceremonyId: c.ceremonyId, areaId: c.areaId, occurredOn: c.heldOn, ...(c.campaignId ? { campaignId: c.campaignId } : {}) })));

// Enterprises of 25-99 staff in every subdistrict (some organized, some at an outreach step), a few of 100+ and under 25.
interface Firm {
  code: string;
  sub: string;
  headcount: number;
  status: 'independent' | 'federationCovered' | 'unorganized';
  step: 'none' | 'visited' | 'policyExplained' | 'measuresDrawnUp';
  stepOn: string | null;
  closesOn: string | null;
}
const firms: Firm[] = [];
let n = 0;
for (const [s, sub] of SUBS.entries()) {
  for (let k = 0; k < 6 + (s % 4) + 2; k++) {
    const band = k < 6 + (s % 4) ? '25-99' : pick(['100+', '<25']);
    const headcount = band === '25-99' ? 25 + Math.floor(rnd() * 75) : band === '100+' ? 100 + Math.floor(rnd() * 400) : Math.floor(rnd() * 25);
    const r = rnd();
    const status = r < 0.5 ? 'independent' : r < 0.65 && s < 10 ? 'federationCovered' : 'unorganized';
    const step = status === 'unorganized' ? pick(['none', 'visited', 'policyExplained', 'measuresDrawnUp'] as const) : 'none';
    firms.push({ code: creditCode(5000 + n++), sub: sub.id, headcount, status, step, stepOn: step === 'none' ? null : day('2023-01-01', Math.floor(rnd() * 180)), closesOn: null });
  }
}
// The enterprise that closes: its own union's 30 members pass to 坂田's federation.
const closing: Firm = { code: creditCode(5999), sub: 'LG-04', headcount: 60, status: 'independent', step: 'none', stepOn: null, closesOn: '2023-06-30' };
firms.push(closing);
for (const f of firms) {
  setup.push({ type: 'RegisterEnterprise', creditCode: f.code, name: `企业${f.code.slice(-6)}`, areaId: `${f.sub}-C2`, headcount: f.headcount, occurredOn: '2021-01-01' });
  if (f.status === 'independent') setup.push({ type: 'FoundEnterpriseUnion', unionId: `U-${f.code}`, creditCode: f.code, occurredOn: '2021-03-01' });
  if (f.status === 'federationCovered') setup.push({ type: 'CoverEnterprise', federationId: `F-${f.sub}`, creditCode: f.code, occurredOn: '2021-03-01' });
  if (f.step !== 'none') {
    // The checklist in order, the last step on its date (earlier steps a month before).
    const steps = ['visited', 'policyExplained', 'measuresDrawnUp'] as const;
    for (const s of steps.slice(0, steps.indexOf(f.step) + 1)) {
      setup.push({ type: 'RecordOutreach', creditCode: f.code, step: s, occurredOn: s === f.step ? f.stepOn : day(f.stepOn!, -30) });
    }
  }
}
const regulars = Array.from({ length: 30 }, (_, i) => ({
  type: 'JoinUnion', memberId: `R${i}`, personId: person(5000 + i), name: `职工${i}`, unionId: `U-${closing.code}`, occurredOn: day('2021-06-01', i * 10),
}));
setup.push(...regulars);

// ── 2,000 gig workers ────────────────────────────────────────────────────
const workers: Worker[] = [];
const joins: object[] = [];
const leaves: object[] = [];
for (let i = 0; i < 2000; i++) {
  let r = rnd();
  const group = GROUPS.find((g) => (r -= g.weight) < 0) ?? GROUPS[0];
  const sub = pick(SUBS).id;
  const ceremony = ceremonies.find((c) => c.sub === sub && c.campaignId === 'K2023');
  const atCeremony = ceremony !== undefined && rnd() < 0.35;
  const w: Worker = {
    memberId: `W${i}`,
    sub,
    group: group.id,
    occupation: pick(group.spellings),
    union: group.union,
    channel: atCeremony ? 'ceremony' : pick(['street', 'online'] as const),
    ceremonyId: atCeremony ? ceremony!.ceremonyId : null,
    joinedOn: atCeremony ? ceremony!.heldOn : day(CAMPAIGN.start, Math.floor(rnd() * 184)),
    leftOn: null,
  };
  if (rnd() < 0.06) w.leftOn = day(w.joinedOn, 1 + Math.floor(rnd() * 60));
  workers.push(w);
  joins.push({
    type: 'JoinUnion', memberId: w.memberId, personId: person(i), name: `骑手${i}`, unionId: w.union, occupation: w.occupation, newForm: true, channel: w.channel,
    ...(w.ceremonyId ? { ceremonyId: w.ceremonyId, ...(i % 2 ? { campaignId: 'K2023' } : {}) } : { campaignId: 'K2023', areaId: pick([sub, `${sub}-C1`, `${sub}-C2`]) }),
    occurredOn: w.joinedOn,
  });
  if (w.leftOn) leaves.push({ type: 'LeaveUnion', memberId: w.memberId, occurredOn: w.leftOn, reason: '离职' });
}

// ── what the figures must be, computed here ──────────────────────────────
const leftBy = (w: Worker, date: string) => w.leftOn !== null && w.leftOn <= date;
/** Week of a 2023 date, counted from Monday 2023-01-02 (2023-W01). */
const week2023 = (date: string) => `2023-W${String(Math.floor(daysBetween('2023-01-02', date) / 7) + 1).padStart(2, '0')}`;
const count = <K extends string>(list: readonly Worker[], key: (w: Worker) => K, date: string) => {
  const out = new Map<K, { joined: number; left: number }>();
  for (const w of list) {
    const c = out.get(key(w)) ?? { joined: 0, left: 0 };
    c.joined++;
    if (leftBy(w, date)) c.left++;
    out.set(key(w), c);
  }
  return out;
};

function driveSuite(backend: 'pglite' | 'postgres') {
  let api: TestApi;
  const post = async (commands: object[]) => {
    for (let i = 0; i < commands.length; i += 500) {
      const { status, body } = await api.post('/api/commands', commands.slice(i, i + 500));
      expect(status).toBe(200);
      expect(body.filter((r: { ok: boolean }) => !r.ok)).toEqual([]);
    }
  };
  /** Waits until the log stops moving (the membership policy appends after a closure) and the read models have it all. */
  const settle = async () => {
    const store = new KyselyEventStore(api.app.get<Database>(DATABASE).db);
    let head = -1n;
    for (let i = 0; i < 100; i++) {
      const now = await store.headPosition();
      const { body } = await api.get(`/api/coverage?areaId=LG&position=${now}`);
      if (now === head && body.freshness.position === String(now) && body.freshness.caughtUp) return;
      head = now;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the read models did not settle');
  };

  beforeAll(async () => {
    api = await startTestApi(backend);
    await post(setup);
    await post(joins); // dates in random order: many joins are "late" against those already recorded
    await post(leaves);
    await post([{ type: 'CloseEnterprise', creditCode: closing.code, occurredOn: closing.closesOn }]);
    await settle();
  }, 300_000);
  afterAll(() => api?.close());

  it('shows the drive against its target, by subdistrict, occupation group, channel, ceremony and week, leavers apart', async () => {
    for (const asOf of [AS_OF, '2023-05-31']) {
      const { status, body } = await api.get(`/api/campaigns/K2023/progress?asOf=${asOf}`);
      expect(status).toBe(200);
      const mine = workers.filter((w) => w.joinedOn <= asOf);
      const left = mine.filter((w) => leftBy(w, asOf));
      expect(body).toMatchObject({ target: 2400, joined: mine.length, left: left.length, stillMembers: mine.length - left.length, remaining: 2400 - mine.length });
      expect(body.progress).toBeCloseTo(mine.length / 2400, 10);

      const subs = count(mine, (w) => w.sub, asOf);
      expect(body.bySubdistrict).toEqual(
        [...subs.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, c]) => ({ areaId: id, name: SUBS.find((s) => s.id === id)!.name, ...c })),
      );
      const groups = count(mine.filter((w) => w.group !== null), (w) => w.group!, asOf);
      expect(Object.fromEntries(body.byOccupation.map((o: any) => [o.group, { joined: o.joined, left: o.left }]))).toEqual(Object.fromEntries(groups));
      expect(body.byOccupation.every((o: any) => o.targeted)).toBe(true);
      const unmapped = count(mine.filter((w) => w.group === null), (w) => w.occupation, asOf);
      expect(Object.fromEntries(body.unmappedOccupations.map((o: any) => [o.asWritten, { joined: o.joined, left: o.left }]))).toEqual(Object.fromEntries(unmapped));
      expect(Object.fromEntries(body.byChannel.map((c: any) => [c.channel, { joined: c.joined, left: c.left }]))).toEqual(Object.fromEntries(count(mine, (w) => w.channel, asOf)));
      expect(Object.fromEntries(body.byCeremony.map((c: any) => [c.ceremonyId ?? 'none', { joined: c.joined, left: c.left }]))).toEqual(
        Object.fromEntries(count(mine, (w) => w.ceremonyId ?? 'none', asOf)),
      );
      expect(Object.fromEntries(body.byWeek.map((w: any) => [w.week, { joined: w.joined, left: w.left }]))).toEqual(Object.fromEntries(count(mine, (w) => week2023(w.joinedOn), asOf)));
      expect(body.leftMembers.map((m: any) => m.memberId).sort()).toEqual(left.map((w) => w.memberId).sort());
    }
    // The drive is not trivial: every kind of figure has something in it.
    const full = (await api.get(`/api/campaigns/K2023/progress?asOf=${AS_OF}`)).body;
    expect(full.joined).toBe(2000);
    expect(full.left).toBeGreaterThan(50);
    expect(full.bySubdistrict).toHaveLength(11);
    expect(full.byOccupation).toHaveLength(4);
    expect(full.unmappedOccupations.length).toBe(2);
    expect(full.byCeremony).toHaveLength(8);
  });

  it("lists each subdistrict's ceremonies of 2023 and the subdistricts that held none", async () => {
    const { status, body } = await api.get('/api/ceremonies/compliance?areaId=LG&year=2023');
    expect(status).toBe(200);
    const held2023 = ceremonies.filter((c) => c.heldOn.startsWith('2023'));
    expect(body.subdistricts.map((s: any) => [s.areaId, s.ceremonies.map((c: any) => c.ceremonyId)])).toEqual(
      SUBS.map((s) => [s.id, held2023.filter((c) => c.sub === s.id).map((c) => c.ceremonyId)]),
    );
    for (const s of body.subdistricts) {
      for (const c of s.ceremonies) expect(c.joins).toBe(workers.filter((w) => w.ceremonyId === c.ceremonyId).length);
    }
    expect(body.missing).toEqual(SUBS.filter((s) => !held2023.some((c) => c.sub === s.id)).map((s) => ({ areaId: s.id, name: s.name, held: 0 })));
    expect(body.missing.map((m: any) => m.areaId)).toEqual(['LG-08', 'LG-10', 'LG-11']);
    expect(body.compliant).toBe(8);
  });

  it('plans the gap to 95% for 25-99 staff: how many more in each subdistrict, and which ones, largest first', async () => {
    const { status, body } = await api.get(`/api/coverage/gap?areaId=LG&asOf=${AS_OF}&band=25-99&target=0.95`);
    expect(status).toBe(200);
    const active = firms.filter((f) => f.headcount >= 25 && f.headcount < 100 && (f.closesOn === null || f.closesOn > AS_OF));
    for (const sub of SUBS) {
      const here = active.filter((f) => f.sub === sub.id);
      const organized = here.filter((f) => f.status !== 'unorganized').length;
      // ⌈0.95 × active⌉ in whole numbers: (95 × active + 99) ÷ 100, rounded down.
      const needed = Math.max(0, Math.floor((95 * here.length + 99) / 100) - organized);
      const candidates = here
        .filter((f) => f.status === 'unorganized')
        .sort((a, b) => b.headcount - a.headcount || a.code.localeCompare(b.code))
        .slice(0, needed);
      const row = body.subdistricts.find((s: any) => s.areaId === sub.id);
      expect({ sub: sub.id, active: row.active, organized: row.organized, needed: row.needed }).toEqual({ sub: sub.id, active: here.length, organized, needed });
      expect(row.candidates.map((c: any) => [c.creditCode, c.headcount, c.step])).toEqual(candidates.map((f) => [f.code, f.headcount, f.step]));
    }
    expect(body.active).toBe(active.length);
    expect(body.subdistricts.filter((s: any) => s.candidates.length > 0).length).toBeGreaterThan(5);
  });

  it('puts the unorganized enterprises of 25+ staff at their outreach steps, with the days spent there', async () => {
    const { body } = await api.get(`/api/outreach/funnel?areaId=LG&asOf=${AS_OF}`);
    const pool = firms.filter((f) => f.headcount >= 25 && f.status === 'unorganized');
    expect(body.total).toBe(pool.length);
    expect(body.stages.every((s: any) => s.count > 0)).toBe(true);
    for (const stage of body.stages) {
      const here = pool.filter((f) => f.step === stage.step);
      expect({ step: stage.step, count: stage.count }).toEqual({ step: stage.step, count: here.length });
      if (stage.step !== 'none' && here.length) expect(stage.daysAtStep.max).toBe(Math.max(...here.map((f) => daysBetween(f.stepOn!, AS_OF))));
    }
  });

  it('counts memberships per union and area as of any date, the closed enterprise’s members now in the federation', async () => {
    const still = workers.filter((w) => w.joinedOn <= AS_OF && !leftBy(w, AS_OF));
    const coverage = (await api.get(`/api/coverage?areaId=LG&asOf=${AS_OF}`)).body;
    expect(coverage.members).toMatchObject({
      total: still.length + 30,
      newForm: still.length,
      byUnionKind: { enterprise: { total: 0, newForm: 0 }, federation: { total: still.length + 30, newForm: still.length } },
      retained: { total: 0 },
    });
    // Gig workers' industry federations sit at the district itself; the 30 are now in 坂田's federation.
    expect(coverage.members.byArea).toEqual([
      { areaId: 'LG', name: '龙岗区', kind: 'district', total: still.length, newForm: still.length },
      { areaId: 'LG-04', name: '坂田街道', kind: 'subdistrict', total: 30, newForm: 0 },
    ]);
    const before = (await api.get('/api/coverage?areaId=LG-04&asOf=2023-06-29')).body;
    expect(before.members.byUnionKind.enterprise.total).toBe(30);

    const { body } = await api.get(`/api/coverage/members?areaId=LG&asOf=${AS_OF}&pageSize=10`);
    const perUnion = new Map<string, number>();
    for (const w of still) perUnion.set(w.union, (perUnion.get(w.union) ?? 0) + 1);
    perUnion.set('F-LG-04', 30);
    expect(Object.fromEntries(body.items.map((u: any) => [u.unionId, u.total]))).toEqual(Object.fromEntries(perUnion));
    expect(body.unions).toBe(perUnion.size);

    const history = (await api.get('/api/members/R7/history')).body;
    expect(history.events.map((e: any) => e.type)).toEqual(['MemberJoined', 'MembershipPassedUp']);
    expect(history.events[1]).toMatchObject({ actor: 'policy:membership-succession', occurredOn: '2023-06-30', data: { toUnionId: 'F-LG-04', reason: 'enterpriseClosed' } });
  });
}

describe('a joining drive, end to end [PGlite]', () => driveSuite('pglite'));
describePostgres('a joining drive, end to end', () => driveSuite('postgres'));
