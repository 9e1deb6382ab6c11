import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB, TextRow } from '#persistence';
import { coverageAsOf, type Coverage } from './coverage.queries.js';
import { BANDS, type Band, type CoverageStatus } from '#domain';

/** How one enterprise counts in a figure (null: it does not count there); its headcount counts in the staff. */
export interface EnterpriseCount {
  readonly band: Band;
  readonly status: CoverageStatus;
  readonly newForm: boolean;
  readonly headcount: number;
}

/** How one member counts in a figure (null: not counted there). */
export interface MemberCount {
  readonly newForm: boolean;
}

export type Change =
  | { readonly kind: 'enterprise'; readonly creditCode: string; readonly before: EnterpriseCount | null; readonly after: EnterpriseCount | null }
  | { readonly kind: 'member'; readonly memberId: string; readonly before: MemberCount | null; readonly after: MemberCount | null };

export interface Counts {
  active: number;
  independent: number;
  federationCovered: number;
  organized: number;
}

/**
 * A change of every count of the coverage answer (rates are not additive:
 * see before/after). The membership rate's numerator — memberships held and
 * not retained — is not a count of the answer: a membership retained or
 * resumed changes `members.rate` in before/after without a revision.
 */
export interface CoverageDelta {
  bands: Record<Band, Counts>;
  newForm: Counts;
  staff: number;
  members: { total: number; newForm: number };
}

/** One recorded event that changed the figure, with what it changed. */
export interface CoverageRevision {
  readonly position: string;
  readonly recordedAt: string;
  readonly type: string;
  readonly streamId: string;
  readonly occurredOn: string | null;
  readonly actor: string | null;
  readonly commandId: string | null;
  readonly commandType: string | null;
  readonly changes: readonly Change[];
  readonly delta: CoverageDelta;
}

export interface CoverageRevisions {
  readonly areaId: string;
  readonly asOf: string;
  /** The figure as known at `since` (knownAt) and as known at `until` (now). */
  readonly knownAtPosition: string;
  readonly currentPosition: string;
  readonly before: Coverage;
  readonly after: Coverage;
  /** after − before, count by count: the sum of every revision's delta. */
  readonly difference: CoverageDelta;
  /** The revisions recorded in (`from`, `to`], in log order: one page of the whole list. */
  readonly revisions: readonly CoverageRevision[];
  /** Where the next page starts (give it back as `after`), null on the last page. */
  readonly next: bigint | null;
}

/**
 * One page of revisions: those recorded after `after` (default: since),
 * over at most `limit` positions where a count may change. A page never
 * holds more than `limit` revisions; it may hold fewer (even none) and still
 * have a next one, when positions turned out to change nothing.
 */
export interface RevisionPage {
  readonly after?: bigint;
  readonly limit: number;
}

const counts = (): Counts => ({ active: 0, independent: 0, federationCovered: 0, organized: 0 });
export const emptyDelta = (): CoverageDelta => ({
  bands: Object.fromEntries(BANDS.map((b) => [b, counts()])) as Record<Band, Counts>,
  newForm: counts(),
  staff: 0,
  members: { total: 0, newForm: 0 },
});

function addEnterprise(delta: CoverageDelta, c: EnterpriseCount | null, sign: 1 | -1): void {
  if (!c) return;
  delta.staff += sign * c.headcount;
  for (const f of c.newForm ? [delta.bands[c.band], delta.newForm] : [delta.bands[c.band]]) {
    f.active += sign;
    if (c.status === 'independent') f.independent += sign;
    if (c.status === 'federationCovered') f.federationCovered += sign;
    if (c.status !== 'unorganized') f.organized += sign;
  }
}

function addMember(delta: CoverageDelta, c: MemberCount | null, sign: 1 | -1): void {
  if (!c) return;
  delta.members.total += sign;
  if (c.newForm) delta.members.newForm += sign;
}

/** The difference between two coverage answers, count by count. */
export function coverageDifference(before: Coverage, after: Coverage): CoverageDelta {
  const d = emptyDelta();
  const sub = (t: Counts, a: Counts, b: Counts) => {
    for (const k of ['active', 'independent', 'federationCovered', 'organized'] as const) t[k] = a[k] - b[k];
  };
  for (const band of BANDS) sub(d.bands[band], after.bands[band], before.bands[band]);
  sub(d.newForm, after.newForm, before.newForm);
  d.staff = after.staff - before.staff;
  d.members.total = after.members.total - before.members.total;
  d.members.newForm = after.members.newForm - before.members.newForm;
  return d;
}

const same = (a: object | null, b: object | null) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The events recorded after position `since` (up to `until`) that changed the
 * coverage of an area as of a date, each with the entities whose count it
 * changed and by how much: the line-by-line explanation of the difference
 * between the figure known at `since` and the one known at `until`.
 *
 * Read from the recorded axis of the read models: an entity's count can
 * change only at a position where one of its rows containing the date
 * starts or stops being known; at each such position its count is taken
 * as known then, and compared with the count just before.
 */
export async function coverageRevisions(
  db: Kysely<DB>,
  areaId: string,
  asOf: string,
  since: bigint,
  until: bigint,
  page?: RevisionPage,
): Promise<CoverageRevisions> {
  const [before, after] = [await coverageAsOf(db, areaId, asOf, { position: since }), await coverageAsOf(db, areaId, asOf, { position: until })];
  // The page's window (from, to]: an entity's count at `from` is its count at its last change up to there, so a window is explained alone.
  const from = page?.after !== undefined && page.after > since ? page.after : since;
  const last = page ? await lastCandidate(db, areaId, asOf, from, until, page.limit) : null;
  const to = last !== null && last < until ? last : until;

  const changes = new Map<string, Change[]>();
  const note = (position: string, change: Change) => {
    const list = changes.get(position);
    if (list) list.push(change);
    else changes.set(position, [change]);
  };
  for (const [creditCode, points] of groupBy(await enterpriseCounts(db, areaId, asOf, from, to), (r) => r.code)) {
    let previous: EnterpriseCount | null = null;
    for (const p of points) {
      const count: EnterpriseCount | null = p.band ? { band: p.band, status: p.status!, newForm: p.new_form!, headcount: p.headcount! } : null;
      if (p.q !== from.toString() && !same(previous, count)) note(p.q, { kind: 'enterprise', creditCode, before: previous, after: count });
      previous = count;
    }
  }
  for (const [memberId, points] of groupBy(await memberCounts(db, areaId, asOf, from, to), (r) => r.member_id)) {
    let previous: MemberCount | null = null;
    for (const p of points) {
      const count: MemberCount | null = p.counted ? { newForm: p.new_form! } : null;
      if (p.q !== from.toString() && !same(previous, count)) note(p.q, { kind: 'member', memberId, before: previous, after: count });
      previous = count;
    }
  }

  const positions = [...changes.keys()].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  const events = new Map<string, EventRow>();
  for (let i = 0; i < positions.length; i += 1000) {
    const { rows } = await sql<EventRow>`
      select global_position::text as position, recorded_at, event_type, stream_id, occurred_on::text as occurred_on, metadata
      from events where global_position = any(${positions.slice(i, i + 1000)}::bigint[])`.execute(db);
    for (const r of rows) events.set(r.position, r);
  }
  const revisions = positions.map((position): CoverageRevision => {
    const e = events.get(position)!;
    const list = changes.get(position)!;
    const delta = emptyDelta();
    for (const c of list) {
      if (c.kind === 'enterprise') {
        addEnterprise(delta, c.before, -1);
        addEnterprise(delta, c.after, 1);
      } else {
        addMember(delta, c.before, -1);
        addMember(delta, c.after, 1);
      }
    }
    const m = (e.metadata ?? {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    return {
      position,
      recordedAt: new Date(e.recorded_at).toISOString(),
      type: e.event_type,
      streamId: e.stream_id,
      occurredOn: e.occurred_on,
      actor: text(m['actor']),
      commandId: text(m['commandId']),
      commandType: text(m['commandType']),
      changes: list,
      delta,
    };
  });
  return {
    areaId,
    asOf,
    knownAtPosition: since.toString(),
    currentPosition: until.toString(),
    before,
    after,
    difference: coverageDifference(before, after),
    revisions,
    next: to < until ? to : null,
  };
}

/** The event behind a revision (its position and business date as text). */
type EventRow = Pick<TextRow<DB['events']>, 'event_type' | 'stream_id' | 'occurred_on' | 'metadata'> & Pick<Selectable<DB['events']>, 'recorded_at'> & { position: string };

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const r of rows) {
    const group = groups.get(key(r));
    if (group) group.push(r);
    else groups.set(key(r), [r]);
  }
  return groups;
}

/**
 * The positions in (since, until] where an enterprise's rows containing the
 * date, in the area, started or stopped being known: where its count may change.
 */
function enterpriseChanges(areaId: string, asOf: string, since: string, until: string) {
  return sql`
    select p.credit_code as key, q.q
    from rm_area_ancestors a
    join rm_enterprise_periods p on p.area_id = a.area_id
    cross join lateral (values (p.recorded_from), (p.recorded_to)) as q(q)
    where a.ancestor_id = ${areaId} and p.valid_from <= ${asOf}::date and p.valid_to > ${asOf}::date
      and q.q > ${since}::bigint and q.q <= ${until}::bigint`;
}

/**
 * The positions in (since, until] where a member's count may change: a
 * membership row containing the date started or stopped being known, or the
 * location on that date of the enterprise whose union they belong to did.
 * Only memberships of unions that can be in the area on that date are looked
 * at (a federation there, or an enterprise union whose enterprise has any
 * location there on that date, known at any time): a member's count changes
 * only where a row counted just before or just after starts or stops being
 * known, or its union moves — and a counted row is in such a union.
 */
function memberChanges(areaId: string, asOf: string, since: string, until: string) {
  return sql`
    with unions_here as (
      select un.union_id from rm_unions un
      join rm_area_ancestors a on a.area_id = un.area_id and a.ancestor_id = ${areaId}
      union
      select un.union_id from rm_enterprise_locations l
      join rm_area_ancestors a on a.area_id = l.area_id and a.ancestor_id = ${areaId}
      join rm_unions un on un.kind = 'enterprise' and un.credit_code = l.credit_code
      where l.valid_from <= ${asOf}::date and l.valid_to > ${asOf}::date
    ),
    relevant as (
      select m.member_id, m.union_id, m.recorded_from, m.recorded_to
      from unions_here u
      join rm_membership_periods m on m.union_id = u.union_id
      where m.valid_from <= ${asOf}::date and m.valid_to > ${asOf}::date
        and m.recorded_from <= ${until}::bigint and m.recorded_to > ${since}::bigint
    )
    select m.member_id as key, q.q
    from relevant m
    cross join lateral (values (m.recorded_from), (m.recorded_to)) as q(q)
    where q.q > ${since}::bigint and q.q <= ${until}::bigint
    union
    select r.member_id as key, q.q
    from rm_enterprise_locations l
    join rm_unions un on un.kind = 'enterprise' and un.credit_code = l.credit_code
    join relevant r on r.union_id = un.union_id
    cross join lateral (values (l.recorded_from), (l.recorded_to)) as q(q)
    where l.valid_from <= ${asOf}::date and l.valid_to > ${asOf}::date
      and q.q > ${since}::bigint and q.q <= ${until}::bigint`;
}

/** The `limit`-th position in (since, until] where some count may change (null: there are fewer). */
async function lastCandidate(db: Kysely<DB>, areaId: string, asOf: string, since: bigint, until: bigint, limit: number): Promise<bigint | null> {
  const [s, u] = [since.toString(), until.toString()];
  const { rows } = await sql<{ q: string }>`
    select q::text as q from (
      select q from (${enterpriseChanges(areaId, asOf, s, u)}) e
      union
      select q from (${memberChanges(areaId, asOf, s, u)}) m
    ) c
    order by c.q offset ${limit - 1} limit 1`.execute(db);
  return rows[0] ? BigInt(rows[0].q) : null;
}

/**
 * For every enterprise whose count may have changed in (since, until]: its
 * count at `since` and at each such position, in order.
 */
async function enterpriseCounts(db: Kysely<DB>, areaId: string, asOf: string, since: bigint, until: bigint) {
  const s = since.toString();
  const { rows } = await sql<{ code: string; q: string; band: Band | null; status: CoverageStatus | null; new_form: boolean | null; headcount: number | null }>`
    with changed as (${enterpriseChanges(areaId, asOf, s, until.toString())}),
    points as (
      select key, q from changed
      union
      select distinct key, ${s}::bigint from changed
    )
    select pt.key as code, pt.q::text as q, c.band, c.status, c.new_form, c.headcount
    from points pt
    left join lateral (
      select p.band, p.status, p.new_form, p.headcount
      from rm_enterprise_periods p
      join rm_area_ancestors a on a.area_id = p.area_id and a.ancestor_id = ${areaId}
      where p.credit_code = pt.key and p.valid_from <= ${asOf}::date and p.valid_to > ${asOf}::date
        and p.recorded_from <= pt.q and p.recorded_to > pt.q
      limit 1
    ) c on true
    order by pt.key, pt.q`.execute(db);
  return rows;
}

/** For every member whose count may have changed in (since, until]: the count at `since` and at each such position, in order. */
async function memberCounts(db: Kysely<DB>, areaId: string, asOf: string, since: bigint, until: bigint) {
  const s = since.toString();
  const { rows } = await sql<{ member_id: string; q: string; counted: boolean; new_form: boolean | null }>`
    with changed as (${memberChanges(areaId, asOf, s, until.toString())}),
    points as (
      select key, q from changed
      union
      select distinct key, ${s}::bigint from changed
    )
    select pt.key as member_id, pt.q::text as q, c.member_id is not null as counted, c.new_form
    from points pt
    left join lateral (
      select m.member_id, m.new_form
      from rm_membership_periods m
      join rm_unions un on un.union_id = m.union_id
      left join rm_enterprise_locations l
        on un.kind = 'enterprise' and l.credit_code = un.credit_code and l.valid_from <= ${asOf}::date and l.valid_to > ${asOf}::date
           and l.recorded_from <= pt.q and l.recorded_to > pt.q
      join rm_area_ancestors a on a.area_id = coalesce(l.area_id, un.area_id) and a.ancestor_id = ${areaId}
      where m.member_id = pt.key and m.valid_from <= ${asOf}::date and m.valid_to > ${asOf}::date
        and m.recorded_from <= pt.q and m.recorded_to > pt.q
      limit 1
    ) c on true
    order by pt.key, pt.q`.execute(db);
  return rows;
}
