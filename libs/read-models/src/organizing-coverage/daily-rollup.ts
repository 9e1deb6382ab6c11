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
    const rest = `\u0000${key[0]}\u0000${key[1]}\u0000${key[2]}`;
    for (const ancestor of this.ancestors.get(area) ?? []) {
      this.bump(`${ancestor}\u0000${from}${rest}`, sign);
      if (to !== OPEN_END) this.bump(`${ancestor}\u0000${to}${rest}`, -sign);
    }
  }

  private bump(k: string, d: number): void {
    this.deltas.set(k, (this.deltas.get(k) ?? 0) + d);
  }

  /**
   * These changes, kept per area alone (each area its own only ancestor),
   * added up into every ancestor: a one-pass build sums per area first and
   * spreads once at the end, instead of once per period.
   */
  spreadTo(ancestors: ReadonlyMap<string, readonly string[]>): DailyDeltas {
    const spread = new DailyDeltas(ancestors);
    for (const [k, d] of this.deltas) {
      if (d === 0) continue;
      const cut = k.indexOf('\u0000');
      const [area, rest] = [k.slice(0, cut), k.slice(cut)];
      for (const ancestor of ancestors.get(area) ?? []) spread.bump(ancestor + rest, d);
    }
    return spread;
  }

  /** The non-zero changes as rows of the table (what a fresh, empty roll-up holds once written). */
  *rows(table: RollupTable): Generator<Record<string, unknown>> {
    const [a, b, c] = table.keys.map(([column]) => column);
    for (const [k, delta] of this.deltas) {
      if (delta === 0) continue;
      const [area_id, day, x, y, z] = k.split('\u0000');
      yield { area_id, day, [a!]: x, [b!]: y, [c!]: z, delta };
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
