import { sql, type Kysely } from 'kysely';
import { membershipsHeldIn, type Knowledge } from './coverage.queries.js';

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

export async function membershipBreakdown(db: Kysely<any>, areaId: string, asOf: string, knowledge?: Knowledge): Promise<MembershipBreakdown> {
  const kinds = await sql<{ kind: 'enterprise' | 'federation'; total: number; new_form: number }>`
    select h.kind, count(*)::int as total, count(*) filter (where h.new_form)::int as new_form
    from (${membershipsHeldIn(areaId, asOf, knowledge)}) h group by h.kind`.execute(db);
  const byKind = { enterprise: { total: 0, newForm: 0 }, federation: { total: 0, newForm: 0 } };
  for (const r of kinds.rows) byKind[r.kind] = { total: r.total, newForm: r.new_form };

  const retained = await sql<{ reason: string; total: number; new_form: number }>`
    select coalesce(h.retained_reason, '') as reason, count(*)::int as total, count(*) filter (where h.new_form)::int as new_form
    from (${membershipsHeldIn(areaId, asOf, knowledge)}) h where h.retained group by h.retained_reason order by 1`.execute(db);
  const retainedCounts = {
    total: retained.rows.reduce((n, r) => n + r.total, 0),
    newForm: retained.rows.reduce((n, r) => n + r.new_form, 0),
    byReason: Object.fromEntries(retained.rows.map((r) => [r.reason, r.total])),
  };

  const areas = await sql<{ area_id: string; name: string; kind: string; total: number; new_form: number }>`
    select ar.area_id, ar.name, ar.kind, count(*)::int as total, count(*) filter (where h.new_form)::int as new_form
    from (${membershipsHeldIn(areaId, asOf, knowledge)}) h
    join rm_area_ancestors x on x.area_id = h.union_area and x.depth = greatest(h.depth - 1, 0)
    join rm_areas ar on ar.area_id = case when h.depth = 0 then h.union_area else x.ancestor_id end
    group by ar.area_id, ar.name, ar.kind
    order by ar.area_id`.execute(db);
  return { byUnionKind: byKind, retained: retainedCounts, byArea: areas.rows.map((r) => ({ areaId: r.area_id, name: r.name, kind: r.kind, total: r.total, newForm: r.new_form })) };
}

/** Memberships per union located in an area at the end of a date, largest first (paginated). */
export async function membershipsByUnion(
  db: Kysely<any>,
  areaId: string,
  asOf: string,
  options: { limit: number; offset: number; knowledge?: Knowledge },
): Promise<{ unions: number; items: UnionMembership[] }> {
  const { rows } = await sql<{ union_id: string; kind: 'enterprise' | 'federation'; name: string | null; credit_code: string | null; area_id: string; total: number; new_form: number; unions: number }>`
    select h.union_id, h.kind, coalesce(un.name, e.name) as name, h.credit_code, h.union_area as area_id,
           count(*)::int as total, count(*) filter (where h.new_form)::int as new_form, (count(*) over ())::int as unions
    from (${membershipsHeldIn(areaId, asOf, options.knowledge)}) h
    join rm_unions un on un.union_id = h.union_id
    left join rm_enterprises e on e.credit_code = h.credit_code
    group by h.union_id, h.kind, un.name, e.name, h.credit_code, h.union_area
    order by total desc, h.union_id
    limit ${options.limit} offset ${options.offset}`.execute(db);
  return {
    unions: rows[0]?.unions ?? 0,
    items: rows.map((r) => ({ unionId: r.union_id, kind: r.kind, name: r.name, creditCode: r.credit_code, areaId: r.area_id, total: r.total, newForm: r.new_form })),
  };
}
