import { sql, type Kysely } from 'kysely';
import { STILL_KNOWN, type DB } from '#persistence';
import type { Band } from '#domain';
import { unorganizedAsOf, type UnorganizedEnterprise } from './outreach.js';

export interface GapFigures {
  readonly active: number;
  readonly organized: number;
  readonly rate: number | null;
  /** Enterprises still to organize to reach the target rate: max(0, ⌈target × active⌉ − organized). */
  readonly needed: number;
}

export interface SubdistrictGap extends GapFigures {
  readonly areaId: string | null;
  readonly name: string | null;
  /** How many unorganized enterprises there are to choose from. */
  readonly unorganized: number;
  /** The plan: the `needed` largest unorganized enterprises, with their outreach step. */
  readonly candidates: readonly UnorganizedEnterprise[];
}

export interface TargetGap extends GapFigures {
  readonly areaId: string;
  readonly asOf: string;
  readonly band: Band;
  readonly target: number;
  readonly subdistricts: readonly SubdistrictGap[];
}

/** ⌈target × active⌉ − organized, not below 0; a hair of tolerance for 0.95 × 20 = 18.999…. */
export function neededFor(target: number, active: number, organized: number): number {
  return Math.max(0, Math.ceil(target * active - 1e-9) - organized);
}

/**
 * The target gap of an area as of a date for one size band: per subdistrict
 * (the enterprises' subdistrict; null for those located above any), how many
 * more enterprises must be organized to reach the target rate, and which
 * ones — largest first, with their outreach step: the plan a federation takes
 * into next quarter. The area's own figure is computed over the whole area
 * (it can need fewer than its subdistricts add up to, when some exceed the
 * target).
 */
export async function targetGap(db: Kysely<DB>, areaId: string, asOf: string, band: Band, target: number): Promise<TargetGap> {
  const { rows } = await sql<{ sub_id: string | null; sub_name: string | null; active: number; organized: number }>`
    select sub.area_id as sub_id, sub.name as sub_name, count(*)::int as active, count(*) filter (where p.status <> 'unorganized')::int as organized
    from rm_area_ancestors a
    join rm_enterprise_periods p on p.area_id = a.area_id
    left join lateral (
      select x.ancestor_id as area_id, ar.name from rm_area_ancestors x join rm_areas ar on ar.area_id = x.ancestor_id
      where x.area_id = p.area_id and ar.kind = 'subdistrict' limit 1
    ) sub on true
    where a.ancestor_id = ${areaId} and p.valid_from <= ${asOf}::date and p.valid_to > ${asOf}::date
      and p.recorded_to = ${sql.raw(STILL_KNOWN)} and p.band = ${band}
    group by sub.area_id, sub.name
    order by sub.area_id`.execute(db);
  const unorganized = await unorganizedAsOf(db, areaId, asOf, [band]);

  const figures = (active: number, organized: number): GapFigures => ({
    active,
    organized,
    rate: active === 0 ? null : organized / active,
    needed: neededFor(target, active, organized),
  });
  const subdistricts = rows.map((r): SubdistrictGap => {
    const pool = unorganized.filter((e) => e.subdistrictId === r.sub_id);
    const f = figures(r.active, r.organized);
    return { areaId: r.sub_id, name: r.sub_name, ...f, unorganized: pool.length, candidates: pool.slice(0, f.needed) };
  });
  const active = rows.reduce((n, r) => n + r.active, 0);
  const organized = rows.reduce((n, r) => n + r.organized, 0);
  return { areaId, asOf, band, target, ...figures(active, organized), subdistricts };
}
