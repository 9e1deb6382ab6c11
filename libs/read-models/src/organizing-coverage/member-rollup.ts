import { sql, type Kysely } from 'kysely';
import { STILL_KNOWN, type DB, type TextRow } from '#persistence';
import { ancestorsOf, DailyDeltas, rollupUpTo, type RollupTable } from './daily-rollup.js';

const CHUNK = 1000;

/** A membership period as the roll-up needs it. */
export type MemberRow = Readonly<Pick<TextRow<DB['rm_membership_periods']>, 'union_id' | 'valid_from' | 'valid_to' | 'new_form' | 'retained' | 'retained_reason'>>;

/** Where an enterprise is, period by period. */
export type LocationRow = Readonly<Pick<TextRow<DB['rm_enterprise_locations']>, 'credit_code' | 'valid_from' | 'valid_to' | 'area_id'>>;

/**
 * One change to the membership roll-up: these membership periods counted
 * (sign +1) or no longer counted (−1), each in the area where its union is
 * on each day — the federation's area, or its enterprise's location
 * (`locations` when given, else as the read model holds them now).
 */
export interface MemberRollupPart {
  readonly rows: readonly MemberRow[];
  readonly sign: 1 | -1;
  readonly locations?: ReadonlyMap<string, readonly LocationRow[]>;
}

/**
 * The daily roll-up of memberships (`rm_member_daily`): per area and each of
 * its ancestors, the change on each day of the memberships held in unions
 * located there, by kind of union, new-form flag and retention — what the
 * coverage answer's `members` sums for an area and a date.
 */
export async function applyMemberRollup(db: Kysely<DB>, parts: readonly MemberRollupPart[]): Promise<void> {
  const unionIds = [...new Set(parts.flatMap((p) => p.rows.map((r) => r.union_id)))];
  if (unionIds.length === 0) return;
  const unions = new Map<string, UnionPlace>();
  for (let i = 0; i < unionIds.length; i += CHUNK) {
    const { rows } = await sql<UnionPlace & Pick<DB['rm_unions'], 'union_id'>>`
      select union_id, kind, credit_code, area_id from rm_unions where union_id = any(${unionIds.slice(i, i + CHUNK)}::text[])`.execute(db);
    for (const r of rows) unions.set(r.union_id, r);
  }
  const codes = [...new Set([...unions.values()].flatMap((u) => (u.kind === 'enterprise' && u.credit_code ? [u.credit_code] : [])))];
  const current = new Map<string, LocationRow[]>();
  for (let i = 0; i < codes.length; i += CHUNK) {
    const { rows } = await sql<LocationRow>`
      select credit_code, valid_from::text as valid_from, valid_to::text as valid_to, area_id from rm_enterprise_locations
      where credit_code = any(${codes.slice(i, i + CHUNK)}::text[]) and recorded_to = ${sql.raw(STILL_KNOWN)}`.execute(db);
    for (const r of rows) current.set(r.credit_code, [...(current.get(r.credit_code) ?? []), r]);
  }

  const segments = parts.flatMap((part) =>
    memberSegments(part.rows, part.sign, (id) => unions.get(id), (code) => part.locations?.get(code) ?? current.get(code)),
  );
  const deltas = new DailyDeltas(await ancestorsOf(db, segments.map((s) => s.area)));
  for (const s of segments) deltas.add(s.area, s.from, s.to, s.sign, s.key);
  await deltas.write(db, MEMBER_DAILY);
}

/** A union as the membership roll-up places it: a federation in its area, an enterprise union wherever its enterprise is. */
export type UnionPlace = Readonly<Pick<DB['rm_unions'], 'credit_code' | 'area_id'> & { kind: 'enterprise' | 'federation' }>;

/** A span of days over which a membership period counts in an area, under a roll-up key. */
export interface MemberSegment {
  readonly area: string;
  readonly from: string;
  readonly to: string;
  readonly key: [string, string, string];
  readonly sign: number;
}

/** Where and when each membership period counts: its union's area, or its enterprise's location over the period. */
export function memberSegments(
  rows: readonly MemberRow[],
  sign: number,
  unionOf: (unionId: string) => UnionPlace | undefined,
  locationsOf: (creditCode: string) => readonly LocationRow[] | undefined,
): MemberSegment[] {
  const segments: MemberSegment[] = [];
  for (const m of rows) {
    const u = unionOf(m.union_id);
    if (!u) continue;
    const key: [string, string, string] = [u.kind, String(m.new_form), m.retained ? (m.retained_reason ?? '') : NOT_RETAINED];
    if (u.kind === 'federation') {
      if (u.area_id) segments.push({ area: u.area_id, from: m.valid_from, to: m.valid_to, key, sign });
      continue;
    }
    for (const l of locationsOf(u.credit_code!) ?? []) {
      const from = m.valid_from > l.valid_from ? m.valid_from : l.valid_from;
      const to = m.valid_to < l.valid_to ? m.valid_to : l.valid_to;
      if (from < to) segments.push({ area: l.area_id, from, to, key, sign });
    }
  }
  return segments;
}

/** The member roll-up's `retained_reason` of a membership that is not retained (a retained one has its reason, '' when none was given). */
export const NOT_RETAINED = '-';

export const MEMBER_DAILY: RollupTable = {
  name: 'rm_member_daily',
  monthly: 'rm_member_monthly',
  keys: [['union_kind', 'text'], ['new_form', 'boolean'], ['retained_reason', 'text']],
  delta: 'integer',
};

/** The memberships held at the end of a date in unions located in an area, from the roll-up: by kind, new-form flag and retention. */
export async function memberCountsFromRollup(db: Kysely<DB>, areaId: string, asOf: string) {
  const { rows } = await sql<{ union_kind: 'enterprise' | 'federation'; new_form: boolean; retained_reason: string; n: number }>`
    select union_kind, new_form, retained_reason, sum(delta)::int as n from (${rollupUpTo(MEMBER_DAILY, areaId, asOf)}) r
    group by union_kind, new_form, retained_reason having sum(delta) <> 0`.execute(db);
  return rows;
}
