import { sql, type Kysely } from 'kysely';
import { OUTREACH_STEPS, type OutreachStep } from '#domain';
import { STILL_KNOWN, type DB } from '#persistence';
import { BANDS, type Band } from '#domain';

/** Where an enterprise stands on the "three in place" (三到位) checklist; `none`: not visited yet. */
export type FunnelStep = 'none' | OutreachStep;
export const FUNNEL_STEPS: readonly FunnelStep[] = ['none', ...OUTREACH_STEPS];

/** An active, unorganized enterprise as of a date, with its outreach step. */
export interface UnorganizedEnterprise {
  readonly creditCode: string;
  readonly name: string;
  readonly areaId: string;
  readonly subdistrictId: string | null;
  readonly subdistrictName: string | null;
  readonly headcount: number;
  readonly band: Band;
  readonly newForm: boolean;
  readonly step: FunnelStep;
  /** The date the step was reached (null for `none`). */
  readonly stepSince: string | null;
  /** Whole days from stepSince to asOf (null for `none`). */
  readonly daysAtStep: number | null;
}

const days = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/**
 * The active enterprises of some bands located in an area (or below) that
 * are neither independent nor federation-covered as of a date, largest
 * first, each with its subdistrict and the furthest outreach step it had
 * reached by that date (steps count from the first report of each; a late
 * report of an earlier visit moves the date back).
 */
export async function unorganizedAsOf(db: Kysely<DB>, areaId: string, asOf: string, bands: readonly Band[]): Promise<UnorganizedEnterprise[]> {
  const { rows } = await sql<{
    credit_code: string; name: string; area_id: string; sub_id: string | null; sub_name: string | null;
    headcount: number; band: Band; new_form: boolean; step: OutreachStep | null; reached_on: string | null;
  }>`
    select p.credit_code, e.name, p.area_id, sub.area_id as sub_id, sub.name as sub_name, p.headcount, p.band, p.new_form,
           st.step, st.reached_on::text as reached_on
    from rm_area_ancestors a
    join rm_enterprise_periods p on p.area_id = a.area_id
    join rm_enterprises e on e.credit_code = p.credit_code
    left join lateral (
      select x.ancestor_id as area_id, ar.name from rm_area_ancestors x join rm_areas ar on ar.area_id = x.ancestor_id
      where x.area_id = p.area_id and ar.kind = 'subdistrict' limit 1
    ) sub on true
    left join lateral (
      select o.step, o.reached_on from rm_outreach o
      where o.credit_code = p.credit_code and o.reached_on <= ${asOf}::date
      order by array_position(${[...OUTREACH_STEPS]}::text[], o.step) desc limit 1
    ) st on true
    where a.ancestor_id = ${areaId} and p.valid_from <= ${asOf}::date and p.valid_to > ${asOf}::date
      and p.recorded_to = ${sql.raw(STILL_KNOWN)} and p.status = 'unorganized' and p.band = any(${[...bands]}::text[])
    order by p.headcount desc, p.credit_code`.execute(db);
  return rows.map((r) => ({
    creditCode: r.credit_code,
    name: r.name,
    areaId: r.area_id,
    subdistrictId: r.sub_id,
    subdistrictName: r.sub_name,
    headcount: r.headcount,
    band: r.band,
    newForm: r.new_form,
    step: r.step ?? 'none',
    stepSince: r.reached_on,
    daysAtStep: r.reached_on === null ? null : days(r.reached_on, asOf),
  }));
}

export interface FunnelStage {
  readonly step: FunnelStep;
  readonly count: number;
  /** How long the enterprises at this step have stayed there, in days (null for `none` or an empty stage). */
  readonly daysAtStep: { readonly median: number; readonly mean: number; readonly max: number } | null;
}

export interface OutreachFunnel {
  readonly areaId: string;
  readonly asOf: string;
  /** The enterprises in the funnel: active, unorganized, 25 staff or more. */
  readonly total: number;
  readonly stages: readonly FunnelStage[];
  readonly bySubdistrict: ReadonlyArray<{ areaId: string | null; name: string | null; total: number } & Record<FunnelStep, number>>;
}

function stage(step: FunnelStep, list: readonly UnorganizedEnterprise[]): FunnelStage {
  const spans = list.map((e) => e.daysAtStep).filter((d): d is number => d !== null).sort((a, b) => a - b);
  const median = spans.length === 0 ? 0 : spans.length % 2 ? spans[(spans.length - 1) / 2]! : (spans[spans.length / 2 - 1]! + spans[spans.length / 2]!) / 2;
  return {
    step,
    count: list.length,
    daysAtStep: step === 'none' || spans.length === 0 ? null : { median, mean: Math.round((spans.reduce((a, b) => a + b, 0) / spans.length) * 10) / 10, max: spans[spans.length - 1]! },
  };
}

/**
 * The outreach funnel of an area as of a date: how many unorganized active
 * enterprises of 25+ staff are at each step of the checklist, and how long
 * they have stayed there.
 */
export async function outreachFunnel(db: Kysely<DB>, areaId: string, asOf: string): Promise<OutreachFunnel> {
  const enterprises = await unorganizedAsOf(db, areaId, asOf, BANDS.filter((b) => b !== '<25'));
  const bySub = new Map<string, { areaId: string | null; name: string | null; total: number } & Record<FunnelStep, number>>();
  for (const e of enterprises) {
    const key = e.subdistrictId ?? '';
    const row = bySub.get(key) ?? { areaId: e.subdistrictId, name: e.subdistrictName, total: 0, none: 0, visited: 0, policyExplained: 0, measuresDrawnUp: 0 };
    row.total++;
    row[e.step]++;
    bySub.set(key, row);
  }
  return {
    areaId,
    asOf,
    total: enterprises.length,
    stages: FUNNEL_STEPS.map((step) => stage(step, enterprises.filter((e) => e.step === step))),
    bySubdistrict: [...bySub.values()].sort((a, b) => (a.areaId ?? '\uffff').localeCompare(b.areaId ?? '\uffff')),
  };
}
