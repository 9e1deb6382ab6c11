import { sql, type Kysely } from 'kysely';
import type { DB } from '#persistence';

export interface CeremonyHeld {
  readonly ceremonyId: string;
  readonly heldOn: string;
  /** Where it was held: the subdistrict or an area below it. */
  readonly areaId: string;
  readonly campaignId: string | null;
  readonly joins: number;
}

export interface CeremonyCompliance {
  readonly areaId: string;
  readonly year: number;
  /** Ceremonies each subdistrict must hold in the year (Longgang, 2023: at least one). */
  readonly minimum: number;
  readonly subdistricts: ReadonlyArray<{ areaId: string; name: string; ceremonies: readonly CeremonyHeld[]; compliant: boolean }>;
  readonly compliant: number;
  /** The subdistricts that held fewer than the minimum. */
  readonly missing: ReadonlyArray<{ areaId: string; name: string; held: number }>;
}

/**
 * For each subdistrict at or under an area, the mass-joining ceremonies held
 * in a year (at the subdistrict or anywhere below it), with the joins made
 * at each; and the subdistricts that held fewer than the minimum.
 */
export async function ceremonyCompliance(db: Kysely<DB>, areaId: string, year: number, minimum = 1): Promise<CeremonyCompliance> {
  const { rows } = await sql<{ sub_id: string; sub_name: string; ceremony_id: string | null; held_on: string | null; area_id: string | null; campaign_id: string | null; joins: number }>`
    select s.area_id as sub_id, s.name as sub_name, c.ceremony_id, c.held_on::text as held_on, c.area_id, c.campaign_id,
           (select count(*) from rm_attributed_joins j where j.ceremony_id = c.ceremony_id)::int as joins
    from rm_areas s
    join rm_area_ancestors top on top.area_id = s.area_id and top.ancestor_id = ${areaId}
    left join rm_area_ancestors below on below.ancestor_id = s.area_id
    left join rm_ceremonies c on c.area_id = below.area_id
         and c.held_on >= ${`${year}-01-01`}::date and c.held_on <= ${`${year}-12-31`}::date
    where s.kind = 'subdistrict'
    order by s.area_id, c.held_on, c.ceremony_id`.execute(db);

  const subdistricts = new Map<string, { areaId: string; name: string; ceremonies: CeremonyHeld[]; compliant: boolean }>();
  for (const r of rows) {
    const s = subdistricts.get(r.sub_id) ?? { areaId: r.sub_id, name: r.sub_name, ceremonies: [], compliant: false };
    if (r.ceremony_id !== null && !s.ceremonies.some((c) => c.ceremonyId === r.ceremony_id)) {
      s.ceremonies.push({ ceremonyId: r.ceremony_id, heldOn: r.held_on!, areaId: r.area_id!, campaignId: r.campaign_id, joins: r.joins });
    }
    subdistricts.set(r.sub_id, s);
  }
  const list = [...subdistricts.values()].map((s) => ({ ...s, compliant: s.ceremonies.length >= minimum }));
  return {
    areaId,
    year,
    minimum,
    subdistricts: list,
    compliant: list.filter((s) => s.compliant).length,
    missing: list.filter((s) => !s.compliant).map((s) => ({ areaId: s.areaId, name: s.name, held: s.ceremonies.length })),
  };
}
