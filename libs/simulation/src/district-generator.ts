import { creditCodeCheckCharacter, residentIdCheckCharacter } from '#domain';

/**
 * A synthetic district history in the contract's command format, for tests,
 * imports and benchmarks: areas (11 subdistricts, ~10 communities each, parks,
 * buildings), federations (one per community, two industry ones),
 * enterprises with a realistic size mix, headcount changes, relocations,
 * closures, foundings, federation coverage, and workers joining,
 * transferring and leaving. Some headcount reports arrive late (dated before
 * lines already written). Deterministic for a seed; streams, so any size fits
 * in memory bounded by the number of unions.
 */
export interface DistrictOptions {
  readonly enterprises: number;
  readonly workers: number;
  readonly years: number;
  readonly seed: number;
  /** First day of the history (default 2019-01-01). */
  readonly startsOn?: string;
}

export type GeneratedCommand = Record<string, unknown> & { type: string };

/** mulberry32: small, fast, good enough for synthetic data (and benchmarks' and tests' data). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const toDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function syntheticCreditCode(i: number): string {
  const first17 = `91440307${String(i).padStart(9, '0')}`;
  return first17 + creditCodeCheckCharacter(first17);
}

export function syntheticResidentId(i: number): string {
  const birth = toDate(Date.UTC(1970, 0, 1) + (i % 12_000) * DAY).replaceAll('-', '');
  const first17 = `440307${birth}${String(Math.floor(i / 12_000) % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}

const SUBDISTRICTS = ['平湖', '布吉', '吉华', '坂田', '南湾', '横岗', '园山', '龙城', '龙岗', '宝龙', '坪地'];
const OCCUPATIONS = ['快递员', '外卖骑手', '网约送餐员', '货车司机', '网约车司机', '家政服务员', '保安员', 'courier', 'food-delivery rider', '护工', '房产经纪人', '商场信息员'];

interface UnionRef {
  readonly id: string;
  readonly foundedOn: number;
}

export function* generateDistrict(options: DistrictOptions): Generator<GeneratedCommand> {
  const rnd = prng(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const start = Date.parse(`${options.startsOn ?? '2019-01-01'}T00:00:00Z`);
  const span = Math.max(1, options.years) * 365 * DAY;
  const end = start + span;
  const dateIn = (from: number, to: number) => from + Math.floor(rnd() * Math.max(1, (to - from) / DAY)) * DAY;

  // Areas.
  yield { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' };
  const communities: string[] = [];
  const leafAreas: string[] = [];
  for (const [s, name] of SUBDISTRICTS.entries()) {
    const sd = `LG-${String(s + 1).padStart(2, '0')}`;
    yield { type: 'DefineArea', areaId: sd, kind: 'subdistrict', name: `${name}街道`, parentId: 'LG' };
    for (let c = 1; c <= 10; c++) {
      const community = `${sd}-C${String(c).padStart(2, '0')}`;
      communities.push(community);
      leafAreas.push(community);
      yield { type: 'DefineArea', areaId: community, kind: 'community', name: `${name}第${c}社区`, parentId: sd };
      if (c % 2 === 0) {
        const park = `${community}-P`;
        leafAreas.push(park);
        yield { type: 'DefineArea', areaId: park, kind: 'park', name: `${name}第${c}工业园`, parentId: community };
        if (c % 4 === 0) {
          leafAreas.push(`${park}-B`);
          yield { type: 'DefineArea', areaId: `${park}-B`, kind: 'building', name: `${name}第${c}大厦`, parentId: park };
        }
      }
    }
  }

  // Federations: one per community, two industry federations for new-form workers,
  // founded before the oldest enterprise's registration.
  const foundedOn = start - 3 * 365 * DAY;
  const federationOf = new Map<string, string>();
  const unions: UnionRef[] = [];
  for (const community of communities) {
    const id = `F-${community}`;
    federationOf.set(community, id);
    unions.push({ id, foundedOn });
    yield { type: 'FoundFederation', unionId: id, name: `${community}工联会`, scope: 'regional', areaId: community, occurredOn: toDate(foundedOn) };
  }
  const industry = ['F-LG-EXPRESS', 'F-LG-RIDEHAIL'];
  for (const id of industry) {
    unions.push({ id, foundedOn });
    yield { type: 'FoundFederation', unionId: id, name: id === industry[0] ? '快递行业工联会' : '网约车行业工联会', scope: 'industry', areaId: 'LG', industry: id.slice(5).toLowerCase(), occurredOn: toDate(foundedOn) };
  }

  // Enterprises, each with its own history in date order; some reports arrive late.
  const late: GeneratedCommand[] = [];
  for (let i = 0; i < options.enterprises; i++) {
    const creditCode = syntheticCreditCode(i);
    const r = rnd();
    const headcount = r < 0.75 ? 1 + Math.floor(rnd() * 24) : r < 0.93 ? 25 + Math.floor(rnd() * 75) : 100 + Math.floor(rnd() * rnd() * 3000);
    const registeredOn = dateIn(start - 2 * 365 * DAY, end - 30 * DAY);
    let area = pick(leafAreas);
    const newForm = rnd() < 0.05;
    yield { type: 'RegisterEnterprise', creditCode, name: `合成企业${i}`, areaId: area, headcount, newForm, occurredOn: toDate(registeredOn) };
    const closes = rnd() < 0.08;
    const closedOn = closes ? dateIn(registeredOn + 60 * DAY, end + 30 * DAY) : end + 365 * DAY;
    let latest = registeredOn;

    const reports = Math.floor(rnd() * 3);
    for (let k = 0; k < reports; k++) {
      const on = dateIn(latest, Math.min(closedOn, end));
      const h = Math.max(0, Math.round(headcount * (0.7 + rnd() * 0.6)));
      const report = { type: 'ReportHeadcount', creditCode, headcount: h, occurredOn: toDate(on) };
      if (rnd() < 0.05) late.push(report);
      else yield report;
      latest = Math.max(latest, on);
    }
    if (rnd() < 0.05) {
      const on = dateIn(latest, Math.min(closedOn, end));
      const to = pick(leafAreas);
      if (to !== area) {
        yield { type: 'RelocateEnterprise', creditCode, areaId: to, occurredOn: toDate(on) };
        area = to;
        latest = Math.max(latest, on);
      }
    }
    const founds = headcount >= 100 ? rnd() < 0.95 : headcount >= 25 ? rnd() < 0.8 : rnd() < 0.03;
    if (founds) {
      const on = dateIn(latest, Math.min(closedOn, end));
      const id = `U-${creditCode}`;
      unions.push({ id, foundedOn: on });
      yield { type: 'FoundEnterpriseUnion', unionId: id, creditCode, occurredOn: toDate(on) };
      latest = Math.max(latest, on);
    } else if (rnd() < (headcount < 25 ? 0.7 : 0.3)) {
      const community = area.split('-').slice(0, 3).join('-');
      const federationId = federationOf.get(community)!;
      const on = dateIn(latest, Math.min(closedOn, end));
      yield { type: 'CoverEnterprise', federationId, creditCode, occurredOn: toDate(on) };
      latest = Math.max(latest, on);
      if (rnd() < 0.05) {
        const off = dateIn(latest, Math.min(closedOn, end));
        yield { type: 'UncoverEnterprise', federationId, creditCode, occurredOn: toDate(off) };
        latest = Math.max(latest, off);
      }
    } else if (rnd() < 0.3) {
      yield { type: 'RecordOutreach', creditCode, step: pick(['visited', 'policyExplained', 'measuresDrawnUp'] as const), occurredOn: toDate(dateIn(latest, Math.min(closedOn, end))) };
    }
    if (closes && closedOn <= end) yield { type: 'CloseEnterprise', creditCode, occurredOn: toDate(Math.max(closedOn, latest)) };
    if (late.length >= 1000) yield* late.splice(0);
  }
  yield* late.splice(0);

  // Workers: join a union (new-form workers often an industry federation), some transfer, some leave.
  for (let w = 0; w < options.workers; w++) {
    const gig = rnd() < 0.3;
    const union = gig && rnd() < 0.6 ? unions[communities.length + Math.floor(rnd() * industry.length)]! : pick(unions);
    const joinedOn = dateIn(Math.max(union.foundedOn, start), end);
    const memberId = `M${w}`;
    yield {
      type: 'JoinUnion',
      memberId,
      personId: syntheticResidentId(w),
      name: `会员${w}`,
      unionId: union.id,
      ...(gig ? { occupation: pick(OCCUPATIONS), newForm: true, channel: pick(['street', 'online', 'ceremony']) } : {}),
      occurredOn: toDate(joinedOn),
    };
    let latest = joinedOn;
    if (rnd() < 0.1) {
      const to = pick(unions);
      const on = dateIn(Math.max(latest, to.foundedOn) + DAY, end + DAY);
      if (to.id !== union.id) {
        yield { type: 'TransferMembership', memberId, toUnionId: to.id, occurredOn: toDate(on) };
        latest = on;
      }
    }
    if (rnd() < 0.1) yield { type: 'LeaveUnion', memberId, occurredOn: toDate(dateIn(latest + DAY, end + 2 * DAY)), reason: pick(['changed job', 'left Shenzhen', 'retired']) };
  }
}
