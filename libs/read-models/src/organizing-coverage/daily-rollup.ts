import { sql, type Kysely } from 'kysely';
import { OPEN_END } from './periods.js';

const CHUNK = 1000;

/** Each area with itself and its ancestors. */
export async function ancestorsOf(db: Kysely<any>, areas: readonly string[]): Promise<Map<string, string[]>> {
  const ancestors = new Map<string, string[]>();
  const distinct = [...new Set(areas)];
  for (let i = 0; i < distinct.length; i += CHUNK) {
    const { rows } = await sql<{ area_id: string; ancestor_id: string }>`
      select area_id, ancestor_id from rm_area_ancestors where area_id = any(${distinct.slice(i, i + CHUNK)}::text[])`.execute(db);
    for (const r of rows) ancestors.set(r.area_id, [...(ancestors.get(r.area_id) ?? []), r.ancestor_id]);
  }
  return ancestors;
}

/** A daily roll-up table: (area_id, day, three key columns) → delta. */
export interface RollupTable {
  readonly name: 'rm_coverage_daily' | 'rm_member_daily';
  /** The three key columns after area and day, with the SQL type each is written as. */
  readonly keys: readonly [readonly [string, string], readonly [string, string], readonly [string, string]];
}

/**
 * Changes of a daily roll-up: +sign on the first day of a span and −sign on
 * the day after it, for its area and every ancestor; summed per key, then
 * written as increments (rows that sum to zero are removed, so the roll-up
 * depends on the periods alone, not on how they came).
 */
export class DailyDeltas {
  private readonly deltas = new Map<string, number>();

  constructor(private readonly ancestors: ReadonlyMap<string, readonly string[]>) {}

  add(area: string, from: string, to: string, sign: number, key: readonly [string, string, string]): void {
    for (const ancestor of this.ancestors.get(area) ?? []) {
      for (const [day, d] of [[from, sign], [to, -sign]] as const) {
        if (day === OPEN_END) continue;
        const k = [ancestor, day, ...key].join('\u0000');
        this.deltas.set(k, (this.deltas.get(k) ?? 0) + d);
      }
    }
  }

  async write(db: Kysely<any>, table: RollupTable): Promise<void> {
    const changes = [...this.deltas.entries()].filter(([, d]) => d !== 0).map(([k, d]) => [...k.split('\u0000'), d] as [string, string, string, string, string, number]);
    const [a, b, c] = table.keys.map(([column]) => sql.raw(column));
    const [ta, tb, tc] = table.keys.map(([, type]) => sql.raw(type));
    for (let i = 0; i < changes.length; i += CHUNK) {
      const part = changes.slice(i, i + CHUNK);
      await sql`
        insert into ${sql.raw(table.name)} as r (area_id, day, ${a}, ${b}, ${c}, delta)
        select * from unnest(${part.map((x) => x[0])}::text[], ${part.map((x) => x[1])}::date[], ${part.map((x) => x[2])}::text[]::${ta}[],
                             ${part.map((x) => x[3])}::text[]::${tb}[], ${part.map((x) => x[4])}::text[]::${tc}[], ${part.map((x) => x[5])}::int[])
        on conflict (area_id, day, ${a}, ${b}, ${c}) do update set delta = r.delta + excluded.delta`.execute(db);
      await sql`
        delete from ${sql.raw(table.name)} r
        using unnest(${part.map((x) => x[0])}::text[], ${part.map((x) => x[1])}::date[]) as k(area_id, day)
        where r.area_id = k.area_id and r.day = k.day and r.delta = 0`.execute(db);
    }
  }
}
