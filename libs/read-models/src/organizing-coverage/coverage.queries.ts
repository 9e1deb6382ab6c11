import { sql, type Kysely } from 'kysely';
import { STILL_KNOWN, type DB } from '#persistence';
import { COVERAGE_DAILY, rollupUpTo, STAFF_DAILY } from './daily-rollup.js';
import { memberCountsFromRollup, NOT_RETAINED } from './member-rollup.js';
import { BANDS, OUTREACH_STEPS, type Band, type CoverageStatus, type OutreachStep } from '#domain';

/**
 * Which knowledge a query answers from: what the engine knows now (the
 * default), or what it knew once the log held `position` (knownAt).
 */
export type Knowledge = { readonly position: bigint } | undefined;

/** The rows of a bitemporal table (by its alias) that make up the given knowledge. */
export function knownRows(alias: string, knowledge: Knowledge) {
  const t = sql.raw(alias);
  return knowledge === undefined
    ? sql`${t}.recorded_to = ${sql.raw(STILL_KNOWN)}`
    : sql`${t}.recorded_from <= ${knowledge.position.toString()}::bigint and ${t}.recorded_to > ${knowledge.position.toString()}::bigint`;
}

/**
 * The log position of the last event recorded by the end of an instant's
 * millisecond (0: none yet); `instant` is a timestamptz literal to the
 * millisecond, as the API parses it. Recorded times are shown to the
 * millisecond (and the history compares them so), while PostgreSQL keeps
 * microseconds: a knownAt copied from an event's recordedAt must include that
 * event. Recorded times never go backwards along the log, so the events
 * recorded by then are the log up to that position.
 */
export async function positionKnownAt(db: Kysely<DB>, instant: string): Promise<bigint> {
  const { rows } = await sql<{ position: string }>`
    select global_position::text as position from events
    where recorded_at < ${instant}::text::timestamptz + interval '1 millisecond'
    order by recorded_at desc, global_position desc limit 1`.execute(db);
  return BigInt(rows[0]?.position ?? 0);
}

export interface Figures {
  active: number;
  independent: number;
  federationCovered: number;
  organized: number;
  rate: number | null;
}

/** The answer of GET /api/coverage, shaped as ../shared/CONTRACT.md fixes it. */
export interface Coverage {
  areaId: string;
  asOf: string;
  bands: Record<Band, Figures>;
  newForm: Figures;
  /** The sum of the latest headcounts of the active enterprises (the membership rate's denominator). */
  staff: number;
  /** `rate`: the membership rate (入会率), memberships held and not retained ÷ staff (null when staff is 0). */
  members: { total: number; newForm: number; rate: number | null };
}

/** The enterprise figures of a coverage answer: by band, new-form enterprises, and the staff of the active ones. */
export type EnterpriseFigures = Pick<Coverage, 'bands' | 'newForm' | 'staff'>;

/** The membership rate (入会率): memberships held and not retained (保留会籍) ÷ staff; null when staff is 0. */
export const membershipRate = (notRetained: number, staff: number): number | null => (staff === 0 ? null : notRetained / staff);

const empty = (): Figures => ({ active: 0, independent: 0, federationCovered: 0, organized: 0, rate: null });

function finish(f: Figures): Figures {
  f.organized = f.independent + f.federationCovered;
  f.rate = f.active === 0 ? null : f.organized / f.active;
  return f;
}

export async function areaExists(db: Kysely<DB>, areaId: string, knowledge?: Knowledge): Promise<boolean> {
  let query = db.selectFrom('rm_areas').select('area_id').where('area_id', '=', areaId);
  if (knowledge) query = query.where('defined_position', '<=', knowledge.position.toString());
  return (await query.executeTakeFirst()) !== undefined;
}

/**
 * Coverage of an area (and everything below it) at the end of a date: one
 * aggregation over the enterprise periods that contain the date, and one over
 * the membership periods.
 */
export async function coverageAsOf(db: Kysely<DB>, areaId: string, asOf: string, knowledge?: Knowledge): Promise<Coverage> {
  const [{ bands, newForm, staff }, held] = await Promise.all([enterpriseFiguresAsOf(db, areaId, asOf, knowledge), memberTotalsAsOf(db, areaId, asOf, knowledge)]);
  const members = { total: held.total, newForm: held.newForm, rate: membershipRate(held.notRetained, staff) };
  return { areaId, asOf, bands, newForm, staff, members };
}

/** The enterprise figures of a coverage answer: by band, new-form enterprises, and the staff of the active ones. */
export async function enterpriseFiguresAsOf(db: Kysely<DB>, areaId: string, asOf: string, knowledge?: Knowledge): Promise<EnterpriseFigures> {
  // What is known now comes from the daily roll-ups (one index range each); what was known then, from the periods.
  // Staff (a sum of headcounts, bigint) is read as text: postgres.js returns a bigint as a string, PGlite as a number.
  const { rows } =
    knowledge === undefined
      ? await sql<{ band: Band | null; status: CoverageStatus | null; new_form: boolean | null; n: number; staff: string }>`
          select band, status, new_form, sum(delta)::int as n, '0' as staff from (${rollupUpTo(COVERAGE_DAILY, areaId, asOf)}) r
          group by band, status, new_form having sum(delta) <> 0
          union all
          select null, null, null, 0, coalesce(sum(delta), 0)::bigint::text from (${rollupUpTo(STAFF_DAILY, areaId, asOf)}) s`.execute(db)
      : await sql<{ band: Band; status: CoverageStatus; new_form: boolean; n: number; staff: string }>`
          select p.band, p.status, p.new_form, count(*)::int as n, sum(p.headcount::bigint)::text as staff
          from rm_area_ancestors a
          join rm_enterprise_periods p on p.area_id = a.area_id
          where a.ancestor_id = ${areaId} and p.valid_from <= ${asOf}::date and p.valid_to > ${asOf}::date and ${knownRows('p', knowledge)}
          group by p.band, p.status, p.new_form`.execute(db);
  const counts = rows.flatMap((r) => (r.band === null ? [] : [{ band: r.band, status: r.status!, new_form: r.new_form!, n: r.n }]));
  return { ...enterpriseFiguresFrom(counts), staff: rows.reduce((sum, r) => sum + Number(r.staff), 0) };
}

/** The enterprise figures from counts of active enterprises by band, status and new-form flag. */
export function enterpriseFiguresFrom(rows: ReadonlyArray<{ band: Band; status: CoverageStatus; new_form: boolean; n: number }>): Pick<Coverage, 'bands' | 'newForm'> {
  const bands = Object.fromEntries(BANDS.map((b) => [b, empty()])) as Record<Band, Figures>;
  const newForm = empty();
  for (const r of rows) {
    for (const f of r.new_form ? [bands[r.band], newForm] : [bands[r.band]]) {
      f.active += r.n;
      if (r.status === 'independent') f.independent += r.n;
      if (r.status === 'federationCovered') f.federationCovered += r.n;
    }
  }
  BANDS.forEach((b) => finish(bands[b]));
  finish(newForm);

  return { bands, newForm };
}

/** The memberships held at the end of a date in unions located in the area: all, new-form, and not retained (the membership rate's numerator). */
async function memberTotalsAsOf(db: Kysely<DB>, areaId: string, asOf: string, knowledge?: Knowledge): Promise<{ total: number; newForm: number; notRetained: number }> {
  if (knowledge === undefined) {
    const counts = await memberCountsFromRollup(db, areaId, asOf);
    const sum = (counted: (r: (typeof counts)[number]) => boolean) => counts.reduce((n, r) => n + (counted(r) ? r.n : 0), 0);
    return { total: sum(() => true), newForm: sum((r) => r.new_form), notRetained: sum((r) => r.retained_reason === NOT_RETAINED) };
  }
  const members = await sql<{ total: number; new_form: number; not_retained: number }>`
    select count(*)::int as total, count(*) filter (where h.new_form)::int as new_form, count(*) filter (where not h.retained)::int as not_retained
    from (${membershipsHeldIn(areaId, asOf, knowledge)}) h`.execute(db);
  const m = members.rows[0];
  return { total: m?.total ?? 0, newForm: m?.new_form ?? 0, notRetained: m?.not_retained ?? 0 };
}

/** The memberships held at the end of a date in unions located in an area (as the contract's members.total counts them). */
export function membershipsHeldIn(areaId: string, asOf: string, knowledge: Knowledge) {
  return sql`
    select m.member_id, m.new_form, m.retained, m.retained_reason, m.union_id, u.kind, u.credit_code, coalesce(l.area_id, u.area_id) as union_area, a.depth
    from rm_membership_periods m
    join rm_unions u on u.union_id = m.union_id
    left join rm_enterprise_locations l
      on u.kind = 'enterprise' and l.credit_code = u.credit_code and l.valid_from <= ${asOf}::date and l.valid_to > ${asOf}::date
         and ${knownRows('l', knowledge)}
    join rm_area_ancestors a on a.area_id = coalesce(l.area_id, u.area_id)
    where a.ancestor_id = ${areaId} and m.valid_from <= ${asOf}::date and m.valid_to > ${asOf}::date and ${knownRows('m', knowledge)}`;
}

export interface EnterpriseListOptions {
  band?: Band;
  status?: CoverageStatus;
  knowledge?: Knowledge;
  limit: number;
  /** Skip this many (a page number's offset; kept small by the API), or… */
  offset?: number;
  /** …start after this enterprise of the order (keyset: no rows skipped over). */
  after?: EnterpriseKey;
  /** Count the whole list too (default true; an export streaming it needs no total). */
  count?: boolean;
}

/** An enterprise's place in the list's order: headcount descending, then credit code. */
export interface EnterpriseKey {
  readonly headcount: number;
  readonly creditCode: string;
}

/** A row of the enterprise list. */
export interface EnterpriseListItem {
  creditCode: string;
  name: string;
  areaId: string;
  headcount: number;
  band: Band;
  newForm: boolean;
  status: CoverageStatus;
  unionId: string | null;
  federationId: string | null;
  registeredOn: string;
  /** The furthest "three in place" (三到位) outreach step reached by the date: none (not visited yet), visited, policyExplained, measuresDrawnUp. */
  outreachStep: 'none' | OutreachStep;
  /** The date that step was reached (null for none). */
  outreachSince: string | null;
}

/**
 * The enterprises behind a figure, largest first: the work list of the
 * cadres who visit them. `next` is the key to continue from (null: the
 * list ends here).
 */
export async function enterprisesAsOf(db: Kysely<DB>, areaId: string, asOf: string, options: EnterpriseListOptions) {
  const filters = [
    sql`a.ancestor_id = ${areaId}`,
    sql`p.valid_from <= ${asOf}::date`,
    sql`p.valid_to > ${asOf}::date`,
    knownRows('p', options.knowledge),
    ...(options.band ? [sql`p.band = ${options.band}`] : []),
    ...(options.status ? [sql`p.status = ${options.status}`] : []),
  ];
  const where = sql.join(filters, sql` and `);
  const total =
    options.count === false
      ? undefined
      : await sql<{ n: number }>`
    select count(*)::int as n from rm_area_ancestors a join rm_enterprise_periods p on p.area_id = a.area_id where ${where}`.execute(db);
  const after = options.after
    ? sql`and (p.headcount < ${options.after.headcount} or (p.headcount = ${options.after.headcount} and p.credit_code > ${options.after.creditCode}))`
    : sql``;
  const { rows } = await sql<EnterpriseListItem>`
    select p.credit_code as "creditCode", e.name, p.area_id as "areaId", p.headcount, p.band, p.new_form as "newForm",
           p.status, p.union_id as "unionId", p.federation_id as "federationId", e.registered_on::text as "registeredOn",
           coalesce(st.step, 'none') as "outreachStep", st.reached_on::text as "outreachSince"
    from rm_area_ancestors a
    join rm_enterprise_periods p on p.area_id = a.area_id
    join rm_enterprises e on e.credit_code = p.credit_code
    left join lateral (
      select o.step, o.reached_on from rm_outreach o
      where o.credit_code = p.credit_code and o.reached_on <= ${asOf}::date
      order by array_position(${[...OUTREACH_STEPS]}::text[], o.step) desc limit 1
    ) st on true
    where ${where} ${after}
    order by p.headcount desc, p.credit_code
    limit ${options.limit + 1} offset ${options.offset ?? 0}`.execute(db);
  const items = rows.slice(0, options.limit);
  const last = items[items.length - 1];
  const next: EnterpriseKey | null = rows.length > options.limit && last ? { headcount: last.headcount, creditCode: last.creditCode } : null;
  return { total: total?.rows[0]?.n ?? 0, items, next };
}

/** The whole enterprise list in batches, in its order, for an export that streams it (one batch in memory at a time). */
export async function* enterpriseBatches(
  db: Kysely<DB>,
  areaId: string,
  asOf: string,
  options: Omit<EnterpriseListOptions, 'limit' | 'offset' | 'after' | 'count'>,
  batchSize = 10_000,
): AsyncGenerator<EnterpriseListItem[]> {
  let after: EnterpriseKey | undefined;
  for (;;) {
    const { items, next } = await enterprisesAsOf(db, areaId, asOf, { ...options, limit: batchSize, after, count: false });
    if (items.length > 0) yield items;
    if (next === null) return;
    after = next;
  }
}
