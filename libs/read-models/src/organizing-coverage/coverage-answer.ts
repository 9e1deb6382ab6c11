import { sql, type Kysely } from 'kysely';
import type { DB } from '#persistence';
import { enterpriseFiguresFrom, type Coverage } from './coverage.queries.js';
import { COVERAGE_DAILY, rollupUpTo } from './daily-rollup.js';
import { breakdownFrom, type ChildCounts, type MembershipBreakdown } from './membership-counts.js';
import { MEMBER_DAILY } from './member-rollup.js';
import type { Band, CoverageStatus } from '#domain';

/**
 * What `GET /api/coverage` answers from the current knowledge, in one
 * statement: the enterprise counts, the area's membership counts, its
 * sub-areas' and its own name — four parts of one UNION ALL, where separate
 * statements cost a round trip each (on this machine, the socket writes were
 * the largest share of the API's time per answer).
 */
export async function coverageAnswerNow(
  db: Kysely<DB>,
  areaId: string,
  asOf: string,
): Promise<Pick<Coverage, 'bands' | 'newForm'> & { members: MembershipBreakdown }> {
  const { rows } = await sql<{ part: 'e' | 'm' | 'c' | 's'; a: string; b: string; c: string | null; n: number | null; m: number | null }>`
    select 'e' as part, band as a, status as b, new_form::text as c, sum(delta)::int as n, null::int as m
    from (${rollupUpTo(COVERAGE_DAILY, areaId, asOf)}) r group by band, status, new_form having sum(delta) <> 0
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
  const breakdown = await breakdownFrom(areaId, own, children, async () => self && { name: self.a, kind: self.b });
  return { ...enterpriseFiguresFrom(enterprises), members: breakdown };
}
