import type { RecordedEvent } from '#event-store';
import {
  asOf,
  evolveEnterprise,
  evolveMember,
  evolveUnion,
  initialEnterpriseState,
  initialMemberState,
  initialUnionState,
  retentionOn,
  unionOn,
  type EnterpriseEvent,
  type EnterpriseState,
  type MemberEvent,
  type MemberState,
  type UnionEvent,
  type UnionState,
} from '#domain';
import type { Coverage, Figures, MembershipBreakdown } from '../src/index.js';

/**
 * Coverage computed the slow, obvious way, straight from the contract's
 * definitions, over states folded from the whole log: the oracle the SQL read
 * model is checked against. Independence is read from the union streams and
 * coverage's federation lifetime from the federation's stream — not from the
 * periods the projection builds.
 */
export function bruteForceCoverage(log: readonly RecordedEvent[], areaId: string, date: string): Coverage {
  const parent = new Map<string, string | null>();
  const enterprises = new Map<string, EnterpriseState>();
  const unions = new Map<string, UnionState>();
  const members = new Map<string, { state: MemberState; newForm: boolean }>();
  for (const e of log) {
    const d = e.data as any;
    if (e.type === 'AreaDefined') parent.set(d.areaId, d.parentId);
    else if (e.streamId.startsWith('enterprise-')) {
      enterprises.set(e.streamId, evolveEnterprise(enterprises.get(e.streamId) ?? initialEnterpriseState, e as unknown as EnterpriseEvent));
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
  const locationOf = (code: string) => {
    const e = enterprises.get(`enterprise-${code}`);
    return e?.status === 'registered' ? asOf(e.locations, date)?.areaId : undefined;
  };

  const figures = (): Figures => ({ active: 0, independent: 0, federationCovered: 0, organized: 0, rate: null });
  const bands = { '100+': figures(), '25-99': figures(), '<25': figures() };
  const newForm = figures();
  for (const e of enterprises.values()) {
    if (e.status !== 'registered') continue;
    const active = e.registeredOn <= date && !(e.closedOn !== null && e.closedOn <= date);
    if (!active || !within(locationOf(e.creditCode))) continue;
    const headcount = asOf(e.headcounts, date)!.headcount;
    const band = headcount >= 100 ? '100+' : headcount >= 25 ? '25-99' : '<25';
    const independent = [...unions.values()].some((u) => u.kind === 'enterprise' && u.creditCode === e.creditCode && exists(u));
    const covered =
      !independent &&
      e.coverages.some((s) => s.from <= date && (s.to === null || s.to > date) && exists(unions.get(s.id)));
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
    if (state.status !== 'member' || state.joinedOn > date || (state.leftOn !== null && state.leftOn <= date)) continue;
    const union = unions.get(unionOn(state, date)!);
    if (!union || union.kind === 'none') continue;
    const where = union.kind === 'enterprise' ? locationOf(union.creditCode) : union.areaId;
    if (!within(where)) continue;
    total++;
    if (nf) newFormMembers++;
    const sub = byArea.get(childOnPath(where!)) ?? { total: 0, newForm: 0 };
    byArea.set(childOnPath(where!), sub);
    const retention = retentionOn(state, date);
    if (retention) retained.byReason[retention.reason] = (retained.byReason[retention.reason] ?? 0) + 1;
    for (const counts of [byUnionKind[union.kind], sub, ...(retention ? [retained] : [])]) {
      counts.total++;
      if (nf) counts.newForm++;
    }
  }
  lastBreakdown = {
    byUnionKind,
    retained,
    byArea: [...byArea.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, counts]) => ({ areaId: id, ...counts })),
  };
  return { areaId, asOf: date, bands, newForm, members: { total, newForm: newFormMembers } };
}

let lastBreakdown: { byUnionKind: MembershipBreakdown['byUnionKind']; retained: MembershipBreakdown['retained']; byArea: Array<{ areaId: string; total: number; newForm: number }> } | undefined;

/** The membership breakdowns, the slow way (areas given by id only; names and kinds are the read model's). */
export function bruteForceBreakdown(log: readonly RecordedEvent[], areaId: string, date: string) {
  bruteForceCoverage(log, areaId, date);
  return lastBreakdown!;
}
