import { sql, type Expression, type Kysely } from 'kysely';
import type { DB } from '#persistence';
import { OPEN_END } from './periods.js';

const CHUNK = 1000;

/** Each area with itself and its ancestors. */
export async function ancestorsOf(db: Kysely<DB>, areas: readonly string[]): Promise<Map<string, string[]>> {
  const ancestors = new Map<string, string[]>();
  const distinct = [...new Set(areas)];
  for (let i = 0; i < distinct.length; i += CHUNK) {
    const { rows } = await sql<Pick<DB['rm_area_ancestors'], 'area_id' | 'ancestor_id'>>`
      select area_id, ancestor_id from rm_area_ancestors where area_id = any(${distinct.slice(i, i + CHUNK)}::text[])`.execute(db);
    for (const r of rows) ancestors.set(r.area_id, [...(ancestors.get(r.area_id) ?? []), r.ancestor_id]);
  }
  return ancestors;
}

/** A daily roll-up table: (area_id, day, three key columns) → delta; and its monthly buckets: (area_id, month, …) → the month's deltas summed. */
export interface RollupTable {
  readonly name: 'rm_coverage_daily' | 'rm_member_daily' | 'rm_staff_daily';
  readonly monthly: 'rm_coverage_monthly' | 'rm_member_monthly' | 'rm_staff_monthly';
  /** The three key columns after area and day, with the SQL type each is written as. */
  readonly keys: readonly [readonly [string, string], readonly [string, string], readonly [string, string]];
  /** The SQL type of `delta`: a count, or a sum of headcounts. */
  readonly delta: 'integer' | 'bigint';
}

/** The enterprise figures' roll-up: active enterprises by band, status and new-form flag. */
export const COVERAGE_DAILY: RollupTable = {
  name: 'rm_coverage_daily',
  monthly: 'rm_coverage_monthly',
  keys: [['band', 'text'], ['status', 'text'], ['new_form', 'boolean']],
  delta: 'integer',
};

/**
 * The staff roll-up: the headcounts of the active enterprises, by the same
 * keys as COVERAGE_DAILY (a period counts +headcount from its first day,
 * −headcount from the day after it). Summed up to a date: the coverage
 * answer's `staff`.
 */
export const STAFF_DAILY: RollupTable = {
  name: 'rm_staff_daily',
  monthly: 'rm_staff_monthly',
  keys: [['band', 'text'], ['status', 'text'], ['new_form', 'boolean']],
  delta: 'bigint',
};

/**
 * A roll-up's changes in an area (an id, or a column of the enclosing query)
 * up to the end of a date: its monthly buckets before the date's month, then
 * the days of that month up to the date. Summed, they give the figure.
 */
export function rollupUpTo(table: RollupTable, area: string | Expression<string>, asOf: string) {
  const keys = sql.raw(table.keys.map(([column]) => column).join(', '));
  const firstOfMonth = sql`date_trunc('month', ${asOf}::date)::date`;
  return sql`
    select ${keys}, delta from ${sql.raw(table.monthly)} where area_id = ${area} and month < ${firstOfMonth}
    union all
    select ${keys}, delta from ${sql.raw(table.name)} where area_id = ${area} and day >= ${firstOfMonth} and day <= ${asOf}::date`;
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

  /** The changes summed per month, as rows of the monthly table. */
  *monthlyRows(table: RollupTable): Generator<Record<string, unknown>> {
    const [a, b, c] = table.keys.map(([column]) => column);
    for (const [k, delta] of byMonth(this.deltas)) {
      if (delta === 0) continue;
      const [area_id, month, x, y, z] = k.split('\u0000');
      yield { area_id, month, [a!]: x, [b!]: y, [c!]: z, delta };
    }
  }

  async write(db: Kysely<DB>, table: RollupTable): Promise<void> {
    await increment(db, table.name, 'day', table, this.deltas);
    await increment(db, table.monthly, 'month', table, byMonth(this.deltas));
  }
}

/** Day-keyed changes summed per month (the day in a key replaced by the first of its month). */
function byMonth(deltas: ReadonlyMap<string, number>): Map<string, number> {
  const months = new Map<string, number>();
  for (const [k, d] of deltas) {
    if (d === 0) continue;
    const cut = k.indexOf('\u0000');
    const month = `${k.slice(0, cut + 8)}-01${k.slice(cut + 11)}`; // area \0 YYYY-MM-DD … → area \0 YYYY-MM-01 …
    months.set(month, (months.get(month) ?? 0) + d);
  }
  return months;
}

/** Adds the changes to a roll-up table (by area, day or month, and the three keys); rows that come to zero are removed. */
async function increment(db: Kysely<DB>, name: string, period: 'day' | 'month', table: RollupTable, deltas: ReadonlyMap<string, number>): Promise<void> {
  const changes = [...deltas.entries()].filter(([, d]) => d !== 0).map(([k, d]) => [...k.split('\u0000'), d] as [string, string, string, string, string, number]);
  const [a, b, c] = table.keys.map(([column]) => sql.raw(column));
  const [ta, tb, tc] = table.keys.map(([, type]) => sql.raw(type));
  const at = sql.raw(period);
  for (let i = 0; i < changes.length; i += CHUNK) {
    const part = changes.slice(i, i + CHUNK);
    await sql`
      insert into ${sql.raw(name)} as r (area_id, ${at}, ${a}, ${b}, ${c}, delta)
      select * from unnest(${part.map((x) => x[0])}::text[], ${part.map((x) => x[1])}::date[], ${part.map((x) => x[2])}::text[]::${ta}[],
                           ${part.map((x) => x[3])}::text[]::${tb}[], ${part.map((x) => x[4])}::text[]::${tc}[], ${part.map((x) => String(x[5]))}::text[]::${sql.raw(table.delta)}[])
      on conflict (area_id, ${at}, ${a}, ${b}, ${c}) do update set delta = r.delta + excluded.delta`.execute(db);
    await sql`
      delete from ${sql.raw(name)} r
      using unnest(${part.map((x) => x[0])}::text[], ${part.map((x) => x[1])}::date[]) as k(area_id, ${at})
      where r.area_id = k.area_id and r.${at} = k.${at} and r.delta = 0`.execute(db);
  }
}
