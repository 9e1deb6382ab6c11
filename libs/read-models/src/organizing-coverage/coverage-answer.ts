import { sql, type Kysely } from 'kysely';
import type { DB } from '#persistence';
import { enterpriseFiguresFrom, membershipRate, type EnterpriseFigures } from './coverage.queries.js';
import { COVERAGE_DAILY, rollupUpTo, STAFF_DAILY } from './daily-rollup.js';
import { breakdownFrom, type ChildCounts, type MembershipBreakdown } from './membership-counts.js';
import { MEMBER_DAILY } from './member-rollup.js';
import type { Band, CoverageStatus } from '#domain';

/** The membership figures of the coverage answer: the contract's total, new-form and rate, then the breakdowns. */
export type CoverageMembers = { readonly total: number; readonly newForm: number; readonly rate: number | null } & MembershipBreakdown;

/**
 * The `members` of a coverage answer from its breakdown and the staff: every
 * membership is held in a union of one kind or the other, so the totals are
 * the sums by kind; the rate counts those not retained.
 */
export function coverageMembers(breakdown: MembershipBreakdown, staff: number): CoverageMembers {
  const { enterprise, federation } = breakdown.byUnionKind;
  const total = enterprise.total + federation.total;
  return { total, newForm: enterprise.newForm + federation.newForm, rate: membershipRate(total - breakdown.retained.total, staff), ...breakdown };
}

/**
 * What `GET /api/coverage` answers from the current knowledge, in one
 * statement: the enterprise counts, the staff, the area's membership counts,
 * its sub-areas' and its own name — five parts of one UNION ALL, where
 * separate statements cost a round trip each (on this machine, the socket
 * writes were the largest share of the API's time per answer).
 */
export async function coverageAnswerNow(db: Kysely<DB>, areaId: string, asOf: string): Promise<EnterpriseFigures & { members: CoverageMembers }> {
  const { rows } = await sql<{ part: 'e' | 'h' | 'm' | 'c' | 's'; a: string; b: string; c: string | null; n: number | null; m: number | null }>`
    select 'e' as part, band as a, status as b, new_form::text as c, sum(delta)::int as n, null::int as m
    from (${rollupUpTo(COVERAGE_DAILY, areaId, asOf)}) r group by band, status, new_form having sum(delta) <> 0
    union all
    select 'h', coalesce(sum(delta), 0)::bigint::text, null, null, null, null from (${rollupUpTo(STAFF_DAILY, areaId, asOf)}) h
    union all
    select 'm', union_kind, new_form::text, retained_reason, sum(delta)::int, null
    from (${rollupUpTo(MEMBER_DAILY, areaId, asOf)}) r group by union_kind, new_form, retained_reason having sum(delta) <> 0
    union all
    select 'c', ar.area_id, ar.name, ar.kind, sum(r.delta)::int, coalesce(sum(r.delta) filter (where r.new_form), 0)::int
    from rm_areas ar cross join lateral (${rollupUpTo(MEMBER_DAILY, sql.ref('ar.area_id'), asOf)}) r
    where ar.parent_id = ${areaId} group by ar.area_id, ar.name, ar.kind having sum(r.delta) <> 0
    union all
    select 's', name, kind, null, null, null from rm_areas where area_id = ${areaId}`.execute(db);

  const enterprises = rows.filter((r) => r.part === 'e').map((r) => ({ band: r.a as Band, status: r.b as CoverageStatus, new_form: r.c === 'true', n: r.n! }));
  const own = rows
    .filter((r) => r.part === 'm')
    .map((r) => ({ union_kind: r.a as 'enterprise' | 'federation', new_form: r.b === 'true', retained_reason: r.c!, n: r.n! }));
  const children: ChildCounts[] = rows.filter((r) => r.part === 'c').map((r) => ({ area_id: r.a, name: r.b, kind: r.c!, total: r.n!, new_form: r.m! }));
  const self = rows.find((r) => r.part === 's');
  // The staff, a sum of headcounts (bigint), as text: the same on both drivers.
  const staff = Number(rows.find((r) => r.part === 'h')?.a ?? 0);
  const breakdown = await breakdownFrom(areaId, own, children, async () => self && { name: self.a, kind: self.b });
  return { ...enterpriseFiguresFrom(enterprises), staff, members: coverageMembers(breakdown, staff) };
}
