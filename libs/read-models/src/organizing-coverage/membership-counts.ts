import { sql, type Kysely } from 'kysely';
import type { DB } from '#persistence';
import { membershipsHeldIn, type Knowledge } from './coverage.queries.js';
import { rollupUpTo } from './daily-rollup.js';
import { MEMBER_DAILY, memberCountsFromRollup, NOT_RETAINED } from './member-rollup.js';

export interface MemberCounts {
  total: number;
  newForm: number;
}

/** Breakdowns of `members` in the coverage answer (the contract's total and newForm stay as they are). */
export interface MembershipBreakdown {
  /** Memberships held in enterprises' own unions, and in federations. */
  readonly byUnionKind: { readonly enterprise: MemberCounts; readonly federation: MemberCounts };
  /** Memberships kept while unemployed or retired (保留会籍), by reason. */
  readonly retained: MemberCounts & { readonly byReason: Readonly<Record<string, number>> };
  /**
   * By the area's direct sub-areas (the union's area on the date: the
   * enterprise's location, or the federation's area); memberships of unions
   * located at the area itself are under the area's own id.
   */
  readonly byArea: ReadonlyArray<{ readonly areaId: string; readonly name: string; readonly kind: string } & MemberCounts>;
}

export interface UnionMembership extends MemberCounts {
  readonly unionId: string;
  readonly kind: 'enterprise' | 'federation';
  /** The federation's name, or the enterprise's name for its own union. */
  readonly name: string | null;
  readonly creditCode: string | null;
  readonly areaId: string;
}

export async function membershipBreakdown(db: Kysely<DB>, areaId: string, asOf: string, knowledge?: Knowledge): Promise<MembershipBreakdown> {
  if (knowledge === undefined) return breakdownFromRollup(db, areaId, asOf);
  // One pass: counts by kind of union, retention, sub-area and new-form flag; the breakdowns are sums of these.
  const { rows } = await sql<{ kind: 'enterprise' | 'federation'; retained: boolean; reason: string; area_id: string; name: string; area_kind: string; new_form: boolean; n: number }>`
    select h.kind, h.retained, coalesce(h.retained_reason, '') as reason, ar.area_id, ar.name, ar.kind as area_kind, h.new_form, count(*)::int as n
    from (${membershipsHeldIn(areaId, asOf, knowledge)}) h
    join rm_area_ancestors x on x.area_id = h.union_area and x.depth = greatest(h.depth - 1, 0)
    join rm_areas ar on ar.area_id = case when h.depth = 0 then h.union_area else x.ancestor_id end
    group by h.kind, h.retained, h.retained_reason, ar.area_id, ar.name, ar.kind, h.new_form`.execute(db);
  const byUnionKind = { enterprise: { total: 0, newForm: 0 }, federation: { total: 0, newForm: 0 } };
  const retained = { total: 0, newForm: 0, byReason: {} as Record<string, number> };
  const byArea = new Map<string, { areaId: string; name: string; kind: string; total: number; newForm: number }>();
  for (const r of rows) {
    const area = byArea.get(r.area_id) ?? { areaId: r.area_id, name: r.name, kind: r.area_kind, total: 0, newForm: 0 };
    byArea.set(r.area_id, area);
    if (r.retained) retained.byReason[r.reason] = (retained.byReason[r.reason] ?? 0) + r.n;
    for (const counts of [byUnionKind[r.kind], area, ...(r.retained ? [retained] : [])]) {
      counts.total += r.n;
      if (r.new_form) counts.newForm += r.n;
    }
  }
  return {
    byUnionKind,
    retained: { ...retained, byReason: Object.fromEntries(Object.entries(retained.byReason).sort(([a], [b]) => a.localeCompare(b))) },
    byArea: [...byArea.values()].sort((a, b) => a.areaId.localeCompare(b.areaId)),
  };
}

/** What is known now, from the daily roll-up: the area's own counts, and its direct sub-areas'. */
async function breakdownFromRollup(db: Kysely<DB>, areaId: string, asOf: string): Promise<MembershipBreakdown> {
  const own = await memberCountsFromRollup(db, areaId, asOf);
  const { rows: children } = await sql<ChildCounts>`
    select ar.area_id, ar.name, ar.kind, sum(r.delta)::int as total, coalesce(sum(r.delta) filter (where r.new_form), 0)::int as new_form
    from rm_areas ar cross join lateral (${rollupUpTo(MEMBER_DAILY, sql.ref('ar.area_id'), asOf)}) r
    where ar.parent_id = ${areaId}
    group by ar.area_id, ar.name, ar.kind having sum(r.delta) <> 0`.execute(db);
  const self = () => db.selectFrom('rm_areas').select(['name', 'kind']).where('area_id', '=', areaId).executeTakeFirst();
  return breakdownFrom(areaId, own, children, self);
}

/** A direct sub-area's memberships, from the roll-up. */
export interface ChildCounts {
  readonly area_id: string;
  readonly name: string;
  readonly kind: string;
  readonly total: number;
  readonly new_form: number;
}

/**
 * The breakdown from the area's own roll-up counts and its sub-areas': what
 * the sub-areas do not hold is held by unions located at the area itself
 * (listed under its own id, with its name and kind from `self`).
 */
export async function breakdownFrom(
  areaId: string,
  own: ReadonlyArray<{ union_kind: 'enterprise' | 'federation'; new_form: boolean; retained_reason: string; n: number }>,
  children: readonly ChildCounts[],
  self: () => Promise<{ name: string; kind: string } | undefined>,
): Promise<MembershipBreakdown> {
  const byUnionKind = { enterprise: { total: 0, newForm: 0 }, federation: { total: 0, newForm: 0 } };
  const retained = { total: 0, newForm: 0, byReason: {} as Record<string, number> };
  const all = { total: 0, newForm: 0 };
  for (const r of own) {
    const isRetained = r.retained_reason !== NOT_RETAINED;
    if (isRetained) retained.byReason[r.retained_reason] = (retained.byReason[r.retained_reason] ?? 0) + r.n;
    for (const counts of [byUnionKind[r.union_kind], all, ...(isRetained ? [retained] : [])]) {
      counts.total += r.n;
      if (r.new_form) counts.newForm += r.n;
    }
  }
  const byArea = children.map((c) => ({ areaId: c.area_id, name: c.name, kind: c.kind, total: c.total, newForm: c.new_form }));
  const here = { total: all.total - byArea.reduce((n, a) => n + a.total, 0), newForm: all.newForm - byArea.reduce((n, a) => n + a.newForm, 0) };
  if (here.total !== 0) {
    const area = await self();
    byArea.push({ areaId, name: area?.name ?? areaId, kind: area?.kind ?? '', ...here });
  }
  return {
    byUnionKind,
    retained: { ...retained, byReason: Object.fromEntries(Object.entries(retained.byReason).sort(([x], [y]) => x.localeCompare(y))) },
    byArea: byArea.sort((x, y) => x.areaId.localeCompare(y.areaId)),
  };
}

/** A union's place in the list's order: memberships descending, then union id. */
export interface UnionKey {
  readonly total: number;
  readonly unionId: string;
}

/**
 * Memberships per union located in an area at the end of a date, largest
 * first, a page at a time: from an offset (kept small by the API) or after a
 * union of the order (keyset). `next` is the key to continue from (null: the
 * list ends here).
 */
export async function membershipsByUnion(
  db: Kysely<DB>,
  areaId: string,
  asOf: string,
  options: { limit: number; offset?: number; after?: UnionKey; knowledge?: Knowledge },
): Promise<{ unions: number; items: UnionMembership[]; next: UnionKey | null }> {
  const after = options.after
    ? sql`where total < ${options.after.total} or (total = ${options.after.total} and union_id > ${options.after.unionId})`
    : sql``;
  const { rows } = await sql<{ union_id: string; kind: 'enterprise' | 'federation'; name: string | null; credit_code: string | null; area_id: string; total: number; new_form: number; unions: number }>`
    select * from (
      select h.union_id, h.kind, coalesce(un.name, e.name) as name, h.credit_code, h.union_area as area_id,
             count(*)::int as total, count(*) filter (where h.new_form)::int as new_form, (count(*) over ())::int as unions
      from (${membershipsHeldIn(areaId, asOf, options.knowledge)}) h
      join rm_unions un on un.union_id = h.union_id
      left join rm_enterprises e on e.credit_code = h.credit_code
      group by h.union_id, h.kind, un.name, e.name, h.credit_code, h.union_area
    ) u
    ${after}
    order by total desc, union_id
    limit ${options.limit + 1} offset ${options.offset ?? 0}`.execute(db);
  const items = rows.slice(0, options.limit).map((r) => ({ unionId: r.union_id, kind: r.kind, name: r.name, creditCode: r.credit_code, areaId: r.area_id, total: r.total, newForm: r.new_form }));
  const last = items[items.length - 1];
  return {
    unions: rows[0]?.unions ?? 0,
    items,
    next: rows.length > options.limit && last ? { total: last.total, unionId: last.unionId } : null,
  };
}
