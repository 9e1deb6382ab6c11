import { creditCodeCheckCharacter, residentIdCheckCharacter } from '#domain';
import { generateDistrict, type GeneratedCommand } from '#simulation';

/**
 * The demo's district: libs/simulation's generated history, re-labelled so
 * that it sits beside whatever else the store holds. Every id the generator
 * writes (`LG…` areas, `F-LG…` federations, `U-<code>` unions, `M<n>`
 * members, credit codes of region 440307, identity numbers of region 440307)
 * becomes the demo's own: areas `DEMO`, `DEMO-01`, `DEMO-01-C01`…, unions
 * `F-DEMO-…` and `U-<code>`, members `DEMO-M<n>`, credit codes and identity
 * numbers of the (unassigned) region 440399. The history ends on `today`.
 */
export const DEMO_DISTRICT = 'DEMO';
export const DEMO_DISTRICT_NAME = '示范区（演示数据）';
/** The federation whose founding command's id tells what a demo already in a store was made with (load.ts, existingDemo). */
export const DEMO_MARKER_UNION = `F-${DEMO_DISTRICT}-EXPRESS`;

const DAY = 86_400_000;
export const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/** The first day of a generated history of `years` that ends two days before `today` (the generator writes a few leavings up to two days past its end). */
export function historyStart(today: string, years: number): string {
  return addDays(today, -(Math.max(1, years) * 365 + 2));
}

const DEMO_REGION = '440399';

/** A credit code of the demo's region, for the generator's enterprise number. */
export function demoCreditCode(serial: number): string {
  const first17 = `914403${DEMO_REGION.slice(4)}${String(serial).padStart(9, '0')}`;
  return first17 + creditCodeCheckCharacter(first17);
}

/**
 * An identity number of the demo's region: birth date and sequence as the
 * generator makes them (index i: the birth day 1970-01-01 + i mod 12,000, the
 * sequence ⌊i / 12,000⌋ mod 1,000). The district's workers use indexes from
 * 0, the campaigns' from CAMPAIGN_PERSONS (so at most that many workers).
 */
export function demoResidentId(index: number): string {
  const birth = new Date(Date.UTC(1970, 0, 1) + (index % 12_000) * DAY).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `${DEMO_REGION}${birth}${String(Math.floor(index / 12_000) % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}
export const CAMPAIGN_PERSONS = 6_000_000;

const areaId = (id: string) => (id === 'LG' ? DEMO_DISTRICT : id.startsWith('LG-') ? `${DEMO_DISTRICT}${id.slice(2)}` : id);
const creditCode = (code: string) => demoCreditCode(Number(code.slice(8, 17)));
const unionId = (id: string) => (id.startsWith('U-') ? `U-${creditCode(id.slice(2))}` : id.startsWith('F-LG') ? `F-${DEMO_DISTRICT}${id.slice(4)}` : id);
const residentId = (id: string) => {
  const first17 = `${DEMO_REGION}${id.slice(6, 17)}`;
  return first17 + residentIdCheckCharacter(first17);
};

export interface DistrictOptions {
  readonly enterprises: number;
  readonly workers: number;
  readonly years: number;
  readonly seed: number;
  /** The day the history ends at (China time): "today" of the demo. */
  readonly today: string;
}

/** The generated district with the demo's ids and names, in the generator's order. */
export function* demoDistrict(options: DistrictOptions): Generator<GeneratedCommand> {
  if (options.workers > CAMPAIGN_PERSONS) throw new Error(`at most ${CAMPAIGN_PERSONS} workers`);
  const names = new Map<string, string>();
  const startsOn = historyStart(options.today, options.years);
  for (const generated of generateDistrict({ enterprises: options.enterprises, workers: options.workers, years: options.years, seed: options.seed, startsOn })) {
    const c: GeneratedCommand = { ...generated };
    for (const field of ['areaId', 'parentId'] as const) if (typeof c[field] === 'string') c[field] = areaId(c[field] as string);
    for (const field of ['unionId', 'federationId', 'toUnionId'] as const) if (typeof c[field] === 'string') c[field] = unionId(c[field] as string);
    if (typeof c['creditCode'] === 'string') c['creditCode'] = creditCode(c['creditCode']);
    if (typeof c['personId'] === 'string') c['personId'] = residentId(c['personId']);
    if (typeof c['memberId'] === 'string') c['memberId'] = `${DEMO_DISTRICT}-${c['memberId']}`;
    if (c.type === 'DefineArea') {
      if (c['areaId'] === DEMO_DISTRICT) c['name'] = DEMO_DISTRICT_NAME;
      names.set(c['areaId'] as string, c['name'] as string);
    }
    // A community's federation is named after the community (the generator names it after the id).
    if (c.type === 'FoundFederation' && c['scope'] === 'regional') c['name'] = `${names.get(c['areaId'] as string) ?? c['areaId']}工联会`;
    yield c;
  }
}
