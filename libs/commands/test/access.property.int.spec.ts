import fc from 'fast-check';
import { operatorPrincipal, type Principal, type Role } from '#domain';
import { KyselyEventStore } from '#event-store';
import { createPGliteTestDatabase, type TestDatabase } from '../../../test/support/databases.js';
import { creditCode, residentId } from '../../domain/test/spec-helpers.js';
import { COMMAND_TYPES, CommandExecutor, validateCommand } from '../src/index.js';
import { testDeps } from '../../../test/support/engine-deps.js';

/**
 * Who may record what (docs/access.md), checked against a brute-force oracle
 * written from the rule itself, not from the engine's code:
 *
 * | role            | may record                                                                 |
 * | admin           | everything                                                                 |
 * | federation      | every command, about things in its area                                    |
 * | campaign        | only JoinUnion, HoldCeremony, RecordOutreach, LaunchCampaign, in its area  |
 * | auditor, viewer | nothing                                                                    |
 *
 * "In its area": the token's area or any area below it (parent pointers walked
 * naively). What a command acts on is placed on the command's date: an
 * enterprise where it is located then (its latest registration or relocation
 * dated on or before it; before any, where it registered), a union where its
 * enterprise is (or a federation's own area), a member where the union it
 * belongs to then is (before it joined, its first union), a campaign or a
 * ceremony where it was launched or held, an area itself. A relocation also
 * names its destination; a transfer, resumption, pass-up or retention the
 * union it moves the member into. A drive a command only credits (JoinUnion's
 * campaignId and ceremonyId, HoldCeremony's campaignId) may also be of an area
 * that contains the token's, never of a sibling's. An area that is not defined
 * is in nobody's area; another subject that does not exist is left to the
 * domain, and the command must then not succeed for anyone but an admin.
 *
 * A random area tree and a random world in it are recorded by an admin (all
 * in 2020); then random tokens send random commands of every type (2021–22),
 * naming existing or unknown things. The oracle's world is folded from the
 * commands the engine accepted. Every FORBIDDEN — every refusal — writes nothing.
 */

const ALL_TYPES = [
  'DefineArea', 'RegisterEnterprise', 'ReportHeadcount', 'RelocateEnterprise', 'CloseEnterprise', 'FoundEnterpriseUnion', 'FoundFederation',
  'DissolveUnion', 'CoverEnterprise', 'UncoverEnterprise', 'JoinUnion', 'TransferMembership', 'LeaveUnion', 'RetainMembership', 'ResumeMembership',
  'PassMembershipUp', 'IssueMemberCard', 'ReplaceMemberCard', 'RevokeMemberCard', 'LaunchCampaign', 'HoldCeremony', 'RecordOutreach',
  'ErasePersonalData',
] as const;
type CommandType = (typeof ALL_TYPES)[number];

const CAMPAIGN_MAY: ReadonlySet<string> = new Set(['JoinUnion', 'HoldCeremony', 'RecordOutreach', 'LaunchCampaign']);
const MAY_RECORD: Record<Role, (type: string) => boolean> = {
  admin: () => true,
  // Erasing a person's data is an admin's alone.
  federation: (type) => type !== 'ErasePersonalData',
  campaign: (type) => CAMPAIGN_MAY.has(type),
  auditor: () => false,
  viewer: () => false,
  engine: () => false,
};

type Raw = { type: CommandType; occurredOn?: string } & Record<string, unknown>;
/** `orWider`: a drive a command only credits, which may also be of an area that contains the principal's (never a sibling's). */
type Subject = { area: string } | { enterprise: string } | { union: string } | { member: string } | { campaign: string; orWider: true } | { ceremony: string; orWider: true };
interface Dated {
  readonly on: string;
  readonly value: string;
}

/** The oracle's world: only what placing things in areas needs, folded from the commands the engine accepted. */
class Model {
  /** Defined areas → parent (null for a district). */
  readonly parent = new Map<string, string | null>();
  /** Enterprise → its locations, in recording order (registration first). */
  readonly enterprises = new Map<string, Dated[]>();
  readonly unions = new Map<string, { enterprise: string } | { area: string }>();
  /** Member → the union held from each date, in recording order (join first). */
  readonly members = new Map<string, Dated[]>();
  /** Campaign → the area it was launched in. */
  readonly campaigns = new Map<string, string>();
  /** Ceremony → where and when it was held. */
  readonly ceremonies = new Map<string, { area: string; on: string }>();

  apply(c: Raw): void {
    const f = (k: string) => c[k] as string | undefined;
    const on = c.occurredOn!;
    switch (c.type) {
      case 'DefineArea': this.parent.set(f('areaId')!, f('parentId') ?? null); break;
      case 'RegisterEnterprise': this.enterprises.set(f('creditCode')!, [{ on, value: f('areaId')! }]); break;
      case 'RelocateEnterprise': this.enterprises.get(f('creditCode')!)!.push({ on, value: f('areaId')! }); break;
      case 'FoundEnterpriseUnion': this.unions.set(f('unionId')!, { enterprise: f('creditCode')! }); break;
      case 'FoundFederation': this.unions.set(f('unionId')!, { area: f('areaId')! }); break;
      case 'JoinUnion': this.members.set(f('memberId')!, [{ on, value: f('unionId')! }]); break;
      case 'TransferMembership': this.members.get(f('memberId')!)!.push({ on, value: f('toUnionId')! }); break;
      case 'ResumeMembership': this.members.get(f('memberId')!)!.push({ on, value: f('unionId')! }); break;
      case 'RetainMembership': if (f('heldByUnionId')) this.members.get(f('memberId')!)!.push({ on, value: f('heldByUnionId')! }); break;
      case 'PassMembershipUp': if (f('toUnionId')) this.members.get(f('memberId')!)!.push({ on, value: f('toUnionId')! }); break;
      case 'LaunchCampaign': this.campaigns.set(f('campaignId')!, f('areaId')!); break;
      case 'HoldCeremony': this.ceremonies.set(f('ceremonyId')!, { area: f('areaId')!, on }); break;
      default: break;
    }
  }

  /** Whether `areaId` is `root` or below it: walk the parent pointers. */
  within(areaId: string, root: string): boolean {
    for (let a: string | null | undefined = areaId, steps = 0; a && steps < 50; a = this.parent.get(a), steps++) if (a === root) return true;
    return false;
  }

  /** The area a subject is in on a date; undefined when it does not exist. */
  areaOf(subject: Subject, date: string): string | undefined {
    if ('area' in subject) return this.parent.has(subject.area) ? subject.area : undefined;
    if ('enterprise' in subject) return this.enterpriseArea(subject.enterprise, date);
    if ('union' in subject) return this.unionArea(subject.union, date);
    if ('campaign' in subject) return this.campaigns.get(subject.campaign);
    if ('ceremony' in subject) return this.ceremonies.get(subject.ceremony)?.area;
    const held = this.members.get(subject.member);
    return held && this.unionArea(onDate(held, date), date);
  }

  private enterpriseArea(code: string, date: string): string | undefined {
    const locations = this.enterprises.get(code);
    return locations && onDate(locations, date);
  }

  private unionArea(unionId: string, date: string): string | undefined {
    const union = this.unions.get(unionId);
    if (!union) return undefined;
    return 'area' in union ? union.area : this.enterpriseArea(union.enterprise, date);
  }
}

/** The value in force at the end of the date: the latest dated on or before it (the later recorded on a tie); before the first, the first. */
function onDate(history: readonly Dated[], date: string): string {
  let found: Dated | undefined;
  for (const entry of history) if (entry.on <= date && (found === undefined || entry.on >= found.on)) found = entry;
  return (found ?? history[0]!).value;
}

/** What each command acts on, from the rule (and each declaration's `subjects`). */
function subjectsOf(c: Raw): Subject[] {
  const f = (k: string) => c[k] as string | undefined;
  switch (c.type) {
    case 'DefineArea': return [{ area: f('parentId') ?? f('areaId')! }];
    case 'RegisterEnterprise':
    case 'FoundFederation':
    case 'LaunchCampaign': return [{ area: f('areaId')! }];
    case 'HoldCeremony': return [{ area: f('areaId')! }, ...(f('campaignId') ? [{ campaign: f('campaignId')!, orWider: true } as const] : [])];
    case 'ReportHeadcount':
    case 'CloseEnterprise':
    case 'FoundEnterpriseUnion':
    case 'CoverEnterprise':
    case 'UncoverEnterprise':
    case 'RecordOutreach': return [{ enterprise: f('creditCode')! }];
    case 'RelocateEnterprise': return [{ enterprise: f('creditCode')! }, { area: f('areaId')! }];
    case 'DissolveUnion': return [{ union: f('unionId')! }];
    case 'JoinUnion':
      return [
        { union: f('unionId')! },
        ...(f('areaId') ? [{ area: f('areaId')! }] : []),
        ...(f('campaignId') ? [{ campaign: f('campaignId')!, orWider: true } as const] : []),
        ...(f('ceremonyId') ? [{ ceremony: f('ceremonyId')!, orWider: true } as const] : []),
      ];
    case 'TransferMembership': return [{ member: f('memberId')! }, { union: f('toUnionId')! }];
    case 'ResumeMembership': return [{ member: f('memberId')! }, { union: f('unionId')! }];
    // Each moves the member into the union it names.
    case 'RetainMembership': return [{ member: f('memberId')! }, ...(f('heldByUnionId') ? [{ union: f('heldByUnionId')! }] : [])];
    case 'PassMembershipUp': return [{ member: f('memberId')! }, ...(f('toUnionId') ? [{ union: f('toUnionId')! }] : [])];
    case 'LeaveUnion':
    case 'IssueMemberCard':
    case 'ReplaceMemberCard':
    case 'RevokeMemberCard':
    case 'ErasePersonalData': return [{ member: f('memberId')! }];
  }
}

type Verdict = 'FORBIDDEN' | 'MUST_NOT_SUCCEED' | 'NOT_FORBIDDEN';

/** The brute-force oracle: FORBIDDEN by role or area, MUST_NOT_SUCCEED when something named does not exist, else not FORBIDDEN. */
function oracle(model: Model, principal: Principal, c: Raw): { verdict: Verdict; why: string } {
  if (!MAY_RECORD[principal.role](c.type)) return { verdict: 'FORBIDDEN', why: 'role' };
  if (principal.role === 'admin') return { verdict: 'NOT_FORBIDDEN', why: 'admin' };
  // LaunchCampaign has no occurredOn; its only subject is an area, which has no date.
  const date = c.occurredOn ?? '2021-01-01';
  let missing: Subject | undefined;
  let wider = false;
  for (const [k, subject] of subjectsOf(c).entries()) {
    const areaId = model.areaOf(subject, date);
    const which = k === 0 ? '' : ' (not the first subject)';
    if (areaId === undefined && 'area' in subject) return { verdict: 'FORBIDDEN', why: `undefined area ${subject.area}${which}` };
    if (areaId === undefined) {
      missing = subject;
      continue;
    }
    const root = principal.areaId!;
    if (model.within(areaId, root)) continue;
    if ('orWider' in subject && model.within(root, areaId)) {
      wider = true;
      continue;
    }
    return { verdict: 'FORBIDDEN', why: `${JSON.stringify(subject)} in ${areaId}${which}` };
  }
  return missing ? { verdict: 'MUST_NOT_SUCCEED', why: `${JSON.stringify(missing)} does not exist` } : { verdict: 'NOT_FORBIDDEN', why: wider ? 'in area, crediting a wider drive' : 'in area' };
}

// ── generators ───────────────────────────────────────────────────────────

const addDays = (base: string, n: number) => new Date(Date.parse(`${base}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const pick = <T>(pool: readonly T[], k: number): T => pool[k % pool.length]!;

/** The area tree (subdistricts → communities → number of parks), an optional second district, and the world in it. */
const worldSpec = fc.record({
  tree: fc.array(fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 3 }), { minLength: 1, maxLength: 3 }),
  secondDistrict: fc.boolean(),
  enterprises: fc.array(
    fc.record({ at: fc.nat(), moveTo: fc.option(fc.nat(), { nil: undefined }), ownUnion: fc.boolean(), day: fc.integer({ min: 0, max: 60 }), headcount: fc.integer({ min: 0, max: 300 }) }),
    { minLength: 2, maxLength: 6 },
  ),
  federations: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
  members: fc.array(fc.record({ union: fc.nat(), day: fc.integer({ min: 0, max: 100 }), transferTo: fc.option(fc.nat(), { nil: undefined }) }), {
    minLength: 2,
    maxLength: 8,
  }),
  campaignAt: fc.nat(),
  ceremonyAt: fc.nat(),
});
type WorldSpec = typeof worldSpec extends fc.Arbitrary<infer T> ? T : never;

function areaCommands(spec: WorldSpec): Raw[] {
  const list: Raw[] = [{ type: 'DefineArea', areaId: 'D', kind: 'district', name: 'D' }];
  spec.tree.forEach((communities, s) => {
    list.push({ type: 'DefineArea', areaId: `S${s}`, kind: 'subdistrict', name: `S${s}`, parentId: 'D' });
    communities.forEach((parks, c) => {
      list.push({ type: 'DefineArea', areaId: `S${s}C${c}`, kind: 'community', name: `S${s}C${c}`, parentId: `S${s}` });
      for (let p = 0; p < parks; p++) list.push({ type: 'DefineArea', areaId: `S${s}C${c}P${p}`, kind: 'park', name: `park ${p}`, parentId: `S${s}C${c}` });
    });
  });
  if (spec.secondDistrict) {
    list.push({ type: 'DefineArea', areaId: 'X', kind: 'district', name: 'X' });
    list.push({ type: 'DefineArea', areaId: 'XS', kind: 'subdistrict', name: 'XS', parentId: 'X' });
  }
  return list;
}

/** The world, all in 2020: enterprises (some relocated, some with their own union), federations, members (some transferred), a campaign, a ceremony. */
function worldCommands(spec: WorldSpec, areas: readonly string[]): Raw[] {
  const list: Raw[] = [];
  spec.federations.forEach((at, k) =>
    list.push({ type: 'FoundFederation', unionId: `F${k}`, name: `federation ${k}`, scope: 'regional', areaId: pick(areas, at), occurredOn: '2020-01-01' }),
  );
  const unions = spec.federations.map((_, k) => `F${k}`);
  spec.enterprises.forEach((e, i) => {
    const code = creditCode(100 + i);
    list.push({ type: 'RegisterEnterprise', creditCode: code, name: `E${i}`, areaId: pick(areas, e.at), headcount: e.headcount, occurredOn: addDays('2020-01-01', e.day) });
    if (e.moveTo !== undefined) list.push({ type: 'RelocateEnterprise', creditCode: code, areaId: pick(areas, e.moveTo), occurredOn: addDays('2020-04-01', e.day) });
    if (e.ownUnion) {
      list.push({ type: 'FoundEnterpriseUnion', unionId: `U${i}`, creditCode: code, occurredOn: '2020-07-01' });
      unions.push(`U${i}`);
    }
  });
  spec.members.forEach((m, i) => {
    list.push({ type: 'JoinUnion', memberId: `W${i}`, personId: residentId(i), name: `worker ${i}`, unionId: pick(unions, m.union), occurredOn: addDays('2020-08-01', m.day) });
    if (m.transferTo !== undefined) list.push({ type: 'TransferMembership', memberId: `W${i}`, toUnionId: pick(unions, m.transferTo), occurredOn: '2020-12-01' });
  });
  // The district's drive, and one of some area.
  list.push({ type: 'LaunchCampaign', campaignId: 'CAMP', name: 'district drive', areaId: 'D', targetJoins: 50, startsOn: '2020-06-01', endsOn: '2022-12-31' });
  list.push({ type: 'LaunchCampaign', campaignId: 'CAMP2', name: 'drive', areaId: pick(areas, spec.campaignAt), targetJoins: 50, startsOn: '2020-06-01', endsOn: '2022-12-31' });
  list.push({ type: 'HoldCeremony', ceremonyId: 'CER', areaId: pick(areas, spec.ceremonyAt), occurredOn: '2020-09-15', campaignId: 'CAMP' });
  return list;
}

/** Joining-drive and federation tokens most often, so that area checks are exercised more than role refusals. */
const ROLE_WEIGHTS: readonly Role[] = ['admin', 'federation', 'federation', 'federation', 'federation', 'campaign', 'campaign', 'campaign', 'auditor', 'viewer'];

const TWO_SUBJECTS: readonly CommandType[] = ['RelocateEnterprise', 'TransferMembership', 'ResumeMembership', 'RetainMembership', 'PassMembershipUp', 'JoinUnion', 'HoldCeremony'];

const probeSpec = fc.record({
  role: fc.constantFrom(...ROLE_WEIGHTS),
  at: fc.nat(),
  // Commands naming two things (where one may be inside and the other outside) twice as often.
  type: fc.constantFrom(...ALL_TYPES, ...TWO_SUBJECTS),
  a: fc.nat(),
  b: fc.nat(),
  c: fc.nat(),
  fresh: fc.boolean(),
  opt: fc.boolean(),
  day: fc.integer({ min: 0, max: 730 }),
  n: fc.integer({ min: 0, max: 300 }),
  /** Name things of the principal's area (or, for drives, around it), so that more commands are in scope: what a command names first, */
  near: fc.boolean(),
  /** and what else it names (a destination, a drive credited), on its own so that one may lie outside while the other is inside. */
  nearToo: fc.boolean(),
  /** A join credited to a drive (1), made at a ceremony (2), both (3) or neither. */
  credit: fc.integer({ min: 0, max: 3 }),
});
type ProbeSpec = typeof probeSpec extends fc.Arbitrary<infer T> ? T : never;

/** Ids nobody defined. */
const NOWHERE = 'NOWHERE';
const UNKNOWN_ENTERPRISE = creditCode(999);

function principalOf(p: ProbeSpec, model: Model, i: number): Principal {
  if (p.role === 'admin') return { role: 'admin', areaId: null, holder: `token-holder:${i}`, tokenId: `tok-${i}` };
  const areas = [...model.parent.keys()];
  // A district's token one time in six, so that more of the world is in scope.
  const areaId = p.at % 12 === 11 ? NOWHERE : p.at % 6 === 0 ? 'D' : pick(areas, p.at);
  return { role: p.role, areaId, holder: `token-holder:${i}`, tokenId: `tok-${i}` };
}

/** A command of the probe's type, naming things of the model (by index) or unknown ones, dated 2021–2022. */
function probeCommand(p: ProbeSpec, model: Model, i: number, principal: Principal): Raw {
  // A joining-drive token mostly sends what such tokens record.
  const type = p.role === 'campaign' && p.n % 3 !== 0 ? pick([...CAMPAIGN_MAY] as CommandType[], p.c) : p.type;
  const on = addDays('2021-01-01', p.day);
  const root = principal.areaId;
  // Every known id and one unknown; or, when `near`, those of the principal's area (all known ones if it has none).
  const pool = (near: boolean, ids: Iterable<string>, unknown: string, toSubject: (id: string) => Subject, wider = false): string[] => {
    const known = [...ids];
    if (!near || root === null) return [...known, unknown];
    const inside = known.filter((id) => {
      const at = model.areaOf(toSubject(id), on);
      return at !== undefined && (model.within(at, root) || (wider && model.within(root, at)));
    });
    return inside.length ? inside : known.length ? known : [unknown];
  };
  const area = (k: number, near = p.near) => pick(pool(near, model.parent.keys(), NOWHERE, (id) => ({ area: id })), k);
  const enterprise = (k: number) => pick(pool(p.near, model.enterprises.keys(), UNKNOWN_ENTERPRISE, (id) => ({ enterprise: id })), k);
  const union = (k: number, near = p.near) => pick(pool(near, model.unions.keys(), 'U-NONE', (id) => ({ union: id })), k);
  const member = (k: number) => pick(pool(p.near, model.members.keys(), 'M-NONE', (id) => ({ member: id })), k);
  const campaign = (k: number) => pick(pool(p.nearToo, model.campaigns.keys(), 'CAMP-NONE', (id) => ({ campaign: id, orWider: true }), true), k);
  const ceremony = (k: number) => pick(pool(p.nearToo, model.ceremonies.keys(), 'CER-NONE', (id) => ({ ceremony: id, orWider: true }), true), k);
  switch (type) {
    case 'DefineArea': {
      const kind = pick(['district', 'subdistrict', 'community', 'park'] as const, p.c);
      const areaId = p.fresh ? `N${i}` : area(p.a);
      const parentId = kind === 'district' && !p.opt ? undefined : area(p.b);
      return { type: 'DefineArea', areaId, kind, name: `area ${i}`, ...(parentId ? { parentId } : {}) };
    }
    case 'RegisterEnterprise':
      return { type: 'RegisterEnterprise', creditCode: p.fresh ? creditCode(300 + i) : enterprise(p.a), name: `E${i}`, areaId: area(p.b), headcount: p.n, occurredOn: on };
    case 'ReportHeadcount':
      return { type: 'ReportHeadcount', creditCode: enterprise(p.a), headcount: p.n, occurredOn: on };
    case 'RelocateEnterprise':
      return { type: 'RelocateEnterprise', creditCode: enterprise(p.a), areaId: area(p.b, p.nearToo), occurredOn: on };
    case 'CloseEnterprise':
      return { type: 'CloseEnterprise', creditCode: enterprise(p.a), occurredOn: on };
    case 'FoundEnterpriseUnion':
      return { type: 'FoundEnterpriseUnion', unionId: p.fresh ? `PU${i}` : union(p.b), creditCode: enterprise(p.a), occurredOn: on };
    case 'FoundFederation':
      return { type: 'FoundFederation', unionId: p.fresh ? `PF${i}` : union(p.b), name: `federation ${i}`, scope: p.opt ? 'regional' : 'industry', areaId: area(p.a), occurredOn: on };
    case 'DissolveUnion':
      return { type: 'DissolveUnion', unionId: union(p.a), occurredOn: on };
    case 'CoverEnterprise':
    case 'UncoverEnterprise':
      return { type, federationId: union(p.b), creditCode: enterprise(p.a), occurredOn: on };
    case 'JoinUnion': {
      // Some joins credited to a drive or made at a ceremony (on its date, so that some are decided).
      const campaignId = p.credit & 1 ? campaign(p.c) : undefined;
      const ceremonyId = p.credit & 2 ? ceremony(p.a + p.c) : undefined;
      return {
        type: 'JoinUnion', memberId: p.fresh ? `PM${i}` : member(p.a), personId: residentId(300 + i), name: `worker ${i}`, unionId: union(p.b),
        occurredOn: (ceremonyId && model.ceremonies.get(ceremonyId)?.on) ?? on,
        ...(p.opt ? { areaId: area(p.c, p.nearToo) } : {}),
        ...(campaignId ? { campaignId } : {}),
        ...(ceremonyId ? { ceremonyId } : {}),
      };
    }
    case 'TransferMembership':
      return { type: 'TransferMembership', memberId: member(p.a), toUnionId: union(p.b, p.nearToo), occurredOn: on };
    case 'LeaveUnion':
      return { type: 'LeaveUnion', memberId: member(p.a), occurredOn: on };
    case 'RetainMembership':
      return { type: 'RetainMembership', memberId: member(p.a), reason: p.fresh ? 'unemployed' : 'retired', ...(p.opt ? { heldByUnionId: union(p.b, p.nearToo) } : {}), occurredOn: on };
    case 'ResumeMembership':
      return { type: 'ResumeMembership', memberId: member(p.a), unionId: union(p.b, p.nearToo), occurredOn: on };
    case 'PassMembershipUp': {
      const memberId = member(p.a);
      const held = model.members.get(memberId);
      // Mostly the union the member holds, so that some pass-ups are decided.
      const fromUnionId = held && p.fresh ? onDate(held, on) : union(p.c);
      return { type: 'PassMembershipUp', memberId, fromUnionId, ...(p.opt ? { toUnionId: union(p.b, p.nearToo) } : {}), reason: p.n % 2 ? 'enterpriseClosed' : 'unionDissolved', occurredOn: on };
    }
    case 'IssueMemberCard':
      return { type: 'IssueMemberCard', memberId: member(p.a), cardNumber: `CARD-${i}-${p.n}`, occurredOn: on };
    case 'ReplaceMemberCard':
      return { type: 'ReplaceMemberCard', memberId: member(p.a), newCardNumber: `CARD-${i}-${p.n}`, occurredOn: on };
    case 'RevokeMemberCard':
      return { type: 'RevokeMemberCard', memberId: member(p.a), occurredOn: on };
    case 'ErasePersonalData':
      return { type: 'ErasePersonalData', memberId: member(p.a), legalBasis: 'consentWithdrawn', occurredOn: on };
    case 'LaunchCampaign':
      return { type: 'LaunchCampaign', campaignId: p.fresh ? `PC${i}` : campaign(p.b), name: `drive ${i}`, areaId: area(p.a), targetJoins: p.n, startsOn: on, endsOn: addDays(on, 120) };
    case 'HoldCeremony':
      return { type: 'HoldCeremony', ceremonyId: p.fresh ? `PH${i}` : ceremony(p.b), areaId: area(p.a), occurredOn: on, ...(p.credit & 1 ? { campaignId: campaign(p.c) } : {}) };
    case 'RecordOutreach':
      return { type: 'RecordOutreach', creditCode: enterprise(p.a), step: pick(['visited', 'policyExplained', 'measuresDrawnUp'] as const, p.n), occurredOn: on };
  }
}

// ── the property ─────────────────────────────────────────────────────────

type Outcome = { ok: true } | { ok: false; code: string | undefined; message: string };

describe('who may record what, against a brute-force oracle [PGlite]', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createPGliteTestDatabase();
  });
  afterAll(() => database?.close());

  it('generates every command type of the contract', () => {
    expect([...ALL_TYPES].sort()).toEqual([...COMMAND_TYPES].sort());
  });

  it('refuses with FORBIDDEN exactly when the role or the area rule says so, writing nothing; never records what names nothing that exists', async () => {
    const seen = { byRole: 0, byArea: 0, bySecondSubject: 0, scopedSuccess: 0, scopedDomainRefusal: 0, missing: 0, adminSuccess: 0, widerDrive: 0 };
    await fc.assert(
      fc.asyncProperty(worldSpec, fc.array(probeSpec, { minLength: 30, maxLength: 60 }), async (world, probes) => {
        await database.truncateAll();
        const store = new KyselyEventStore(database.db);
        const executor = new CommandExecutor(store, await testDeps(database.db, store));
        const model = new Model();
        const run = (c: Raw, principal: Principal): Promise<Outcome> =>
          executor.execute(validateCommand(c), { principal }).then(
            () => ({ ok: true }) as const,
            (error: unknown) => ({ ok: false, code: (error as { code?: string }).code, message: String((error as Error).message ?? error) }),
          );

        const areaList = areaCommands(world);
        for (const c of areaList) {
          const outcome = await run(c, operatorPrincipal('test'));
          if (!outcome.ok) throw new Error(`the area tree must be recorded: ${JSON.stringify(c)} → ${outcome.code} ${outcome.message}`);
          model.apply(c);
        }
        for (const c of worldCommands(world, areaList.map((c) => c['areaId'] as string))) {
          if ((await run(c, operatorPrincipal('test'))).ok) model.apply(c);
        }

        const count = async () => (await store.readAll()).length;
        for (const [i, probe] of probes.entries()) {
          const principal = principalOf(probe, model, i);
          const command = probeCommand(probe, model, i, principal);
          const expected = oracle(model, principal, command);
          const before = await count();
          const got = await run(command, principal);
          const report = () =>
            `${principal.role}@${principal.areaId} sent ${JSON.stringify(command)}: expected ${expected.verdict} (${expected.why}), got ${got.ok ? 'success' : `${got.code}: ${got.message}`}`;
          if (!got.ok) {
            if (typeof got.code !== 'string') throw new Error(`not a refusal: ${report()}`);
            const after = await count();
            if (after !== before) throw new Error(`a refusal wrote ${after - before} events: ${report()}`);
          }
          const forbidden = !got.ok && got.code === 'FORBIDDEN';
          switch (expected.verdict) {
            case 'FORBIDDEN':
              if (!forbidden) throw new Error(`should be FORBIDDEN: ${report()}`);
              if (expected.why === 'role') seen.byRole++;
              else seen.byArea++;
              if (expected.why.includes('not the first')) seen.bySecondSubject++;
              break;
            case 'MUST_NOT_SUCCEED':
              if (got.ok) throw new Error(`names something that does not exist, yet succeeded: ${report()}`);
              seen.missing++;
              break;
            case 'NOT_FORBIDDEN':
              if (forbidden) throw new Error(`should not be FORBIDDEN: ${report()}`);
              if (expected.why.includes('wider')) seen.widerDrive++;
              if (principal.role === 'admin') seen.adminSuccess += got.ok ? 1 : 0;
              else if (got.ok) seen.scopedSuccess++;
              else seen.scopedDomainRefusal++;
              break;
          }
          if (got.ok) model.apply(command);
        }
      }),
      // A failure's shrinking replays whole worlds: bounded, as the message already names the command, the principal and both answers.
      { numRuns: 40, interruptAfterTimeLimit: 90_000 },
    );
    // The runs exercised every branch of the rule, not just refusals.
    expect(Object.entries(seen).filter(([what, n]) => n < (what === 'widerDrive' ? 3 : 10))).toEqual([]);
  }, 150_000);
});
