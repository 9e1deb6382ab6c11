import type { RecordedEvent } from '#event-store';
import {
  asOf,
  countedOn,
  evolveEnterprise,
  evolveMember,
  evolveUnion,
  initialEnterpriseState,
  initialMemberState,
  initialUnionState,
  membershipOn,
  type EnterpriseEvent,
  type EnterpriseState,
  type MemberEvent,
  type MemberState,
  type UnionEvent,
  type UnionState,
} from '#domain';
import type { Coverage, Figures, MembershipBreakdown } from '../src/index.js';

/**
 * Coverage computed the slow, obvious way, over states folded from the whole
 * log: the oracle the SQL read model is checked against. How one enterprise
 * counts on the date and which membership a member holds are the domain's
 * rules (`countedOn`, `membershipOn`: the contract's definitions, written
 * once); everything else — the folding, the areas, the counting, the
 * federations' dissolutions read from their own streams — is done here, not
 * from the periods and roll-ups the projection builds. Two facts the rules
 * rely on are checked on every history: an enterprise is independent exactly
 * when a union stream says its own union exists, and a covering federation
 * exists (is founded) on every day it covers.
 */
export function bruteForceCoverage(log: readonly RecordedEvent[], areaId: string, date: string): Coverage {
  const parent = new Map<string, string | null>();
  const enterprises = new Map<string, EnterpriseState>();
  const unions = new Map<string, UnionState>();
  const members = new Map<string, { state: MemberState; newForm: boolean }>();
  /** Every headcount recorded for an enterprise, in log order, with its date: read from the events, not the fold. */
  const headcounts = new Map<string, Array<{ on: string; headcount: number }>>();
  for (const e of log) {
    const d = e.data as any;
    if (e.type === 'AreaDefined') parent.set(d.areaId, d.parentId);
    else if (e.streamId.startsWith('enterprise-')) {
      enterprises.set(e.streamId, evolveEnterprise(enterprises.get(e.streamId) ?? initialEnterpriseState, e as unknown as EnterpriseEvent));
      if (e.type === 'EnterpriseRegistered' || e.type === 'HeadcountReported') {
        headcounts.set(e.streamId, [...(headcounts.get(e.streamId) ?? []), { on: d.occurredOn, headcount: d.headcount }]);
      }
    } else if (e.streamId.startsWith('union-')) {
      unions.set(d.unionId, evolveUnion(unions.get(d.unionId) ?? initialUnionState, e as unknown as UnionEvent));
    } else if (e.streamId.startsWith('member-')) {
      const m = members.get(e.streamId) ?? { state: initialMemberState, newForm: false };
      members.set(e.streamId, { state: evolveMember(m.state, e as unknown as MemberEvent), newForm: e.type === 'MemberJoined' ? d.newForm : m.newForm });
    }
  }
  const within = (a: string | undefined | null): boolean => {
    for (let x = a; x; x = parent.get(x) ?? null) if (x === areaId) return true;
    return false;
  };
  const exists = (u: UnionState | undefined) =>
    u !== undefined && u.kind !== 'none' && u.foundedOn <= date && (u.dissolvedOn === null || u.dissolvedOn > date);
  const dissolvedOn = (id: string) => {
    const u = unions.get(id);
    return u === undefined || u.kind === 'none' ? null : u.dissolvedOn;
  };
  const locationOf = (code: string) => {
    const e = enterprises.get(`enterprise-${code}`);
    return e?.status === 'registered' ? asOf(e.locations, date)?.areaId : undefined;
  };

  const figures = (): Figures => ({ active: 0, independent: 0, federationCovered: 0, organized: 0, rate: null });
  const bands = { '100+': figures(), '25-99': figures(), '<25': figures() };
  const newForm = figures();
  let staff = 0;
  for (const e of enterprises.values()) {
    if (e.status !== 'registered') continue;
    const counted = countedOn(e, date, dissolvedOn); // null: not active on the date
    if (!counted || !within(counted.areaId)) continue;
    const band = counted.band;
    const independent = counted.status === 'independent';
    const covered = counted.status === 'federationCovered';
    const unionStreamsSayIndependent = [...unions.values()].some((u) => u.kind === 'enterprise' && u.creditCode === e.creditCode && exists(u));
    if (independent !== unionStreamsSayIndependent) throw new Error(`${e.creditCode} on ${date}: own-union spells and union streams disagree`);
    if (covered && !exists(unions.get(counted.federationId!))) throw new Error(`${e.creditCode} on ${date}: covered by ${counted.federationId}, which does not exist`);
    // The staff: the latest headcount dated on or before the date (of two on one day, the one recorded last), of every active enterprise in the area.
    let latest: { on: string; headcount: number } | undefined;
    for (const h of headcounts.get(`enterprise-${e.creditCode}`) ?? []) if (h.on <= date && (!latest || h.on >= latest.on)) latest = h;
    if (latest?.headcount !== counted.headcount) throw new Error(`${e.creditCode} on ${date}: headcount ${counted.headcount}, the events say ${latest?.headcount}`);
    staff += latest.headcount;
    for (const f of e.newForm ? [bands[band], newForm] : [bands[band]]) {
      f.active++;
      if (independent) f.independent++;
      if (covered) f.federationCovered++;
    }
  }
  for (const f of [...Object.values(bands), newForm]) {
    f.organized = f.independent + f.federationCovered;
    f.rate = f.active ? f.organized / f.active : null;
  }

  let total = 0;
  let newFormMembers = 0;
  let notRetained = 0;
  const byUnionKind = { enterprise: { total: 0, newForm: 0 }, federation: { total: 0, newForm: 0 } };
  const retained = { total: 0, newForm: 0, byReason: {} as Record<string, number> };
  const byArea = new Map<string, { total: number; newForm: number }>();
  /** The area's direct sub-area on the path to `a` (or the area itself). */
  const childOnPath = (a: string): string => {
    let x = a;
    while (x !== areaId && parent.get(x) && parent.get(x) !== areaId) x = parent.get(x)!;
    return x;
  };
  for (const { state, newForm: nf } of members.values()) {
    const held = membershipOn(state, date);
    if (!held) continue;
    const union = unions.get(held.unionId);
    if (!union || union.kind === 'none') continue;
    const where = union.kind === 'enterprise' ? locationOf(union.creditCode) : union.areaId;
    if (!within(where)) continue;
    total++;
    if (nf) newFormMembers++;
    if (!held.retained) notRetained++;
    const sub = byArea.get(childOnPath(where!)) ?? { total: 0, newForm: 0 };
    byArea.set(childOnPath(where!), sub);
    if (held.retained) retained.byReason[held.retainedReason!] = (retained.byReason[held.retainedReason!] ?? 0) + 1;
    for (const counts of [byUnionKind[union.kind], sub, ...(held.retained ? [retained] : [])]) {
      counts.total++;
      if (nf) counts.newForm++;
    }
  }
  lastBreakdown = {
    byUnionKind,
    retained,
    byArea: [...byArea.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, counts]) => ({ areaId: id, ...counts })),
  };
  // The membership rate (入会率): memberships held and not retained ÷ staff.
  return { areaId, asOf: date, bands, newForm, staff, members: { total, newForm: newFormMembers, rate: staff === 0 ? null : notRetained / staff } };
}

let lastBreakdown: { byUnionKind: MembershipBreakdown['byUnionKind']; retained: MembershipBreakdown['retained']; byArea: Array<{ areaId: string; total: number; newForm: number }> } | undefined;

/** The membership breakdowns, the slow way (areas given by id only; names and kinds are the read model's). */
export function bruteForceBreakdown(log: readonly RecordedEvent[], areaId: string, date: string) {
  bruteForceCoverage(log, areaId, date);
  return lastBreakdown!;
}
