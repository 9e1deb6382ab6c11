import { sql, type Kysely } from 'kysely';
import {
  evolveEnterprise,
  evolveMember,
  initialEnterpriseState,
  initialMemberState,
  type EnterpriseEvent,
  type MemberEvent,
} from '#domain';
import { streamEventsUpTo, type RecordedEvent } from '#event-store';
import type { Projection } from '#projections';
import { up as createCoverageTables } from '../../../persistence/src/migrations/1763800000000-coverage-read-model.js';
import { STILL_KNOWN } from '../../../persistence/src/migrations/1764100000000-bitemporal-coverage.js';
import { addRecordedAxis } from '../../../persistence/src/migrations/1764100000000-bitemporal-coverage.js';
import { addRetained } from '../../../persistence/src/migrations/1764400000000-membership-retained.js';
import { createCoverageRollup } from '../../../persistence/src/migrations/1764600000000-coverage-rollup.js';
import { createMonthlyRollups } from '../../../persistence/src/migrations/1764800000000-rollup-months.js';
import { foldCoverage } from './coverage.fold.js';
import { ancestorsOf, COVERAGE_DAILY, DailyDeltas } from './daily-rollup.js';
import { applyMemberRollup, type LocationRow, type MemberRow } from './member-rollup.js';
import { enterprisePeriods, locationPeriods, membershipPeriods } from './periods.js';

const ENTERPRISE_PREFIX = 'enterprise-';
const MEMBER_PREFIX = 'member-';
const CHUNK = 1000;

/** Events about areas and unions: applied as they come, never by refolding a stream. */
export const COVERAGE_SHARED_TYPES = ['AreaDefined', 'EnterpriseUnionFounded', 'FederationFounded', 'UnionDissolved'] as const;

/** An area's row, defined at a log position. */
export const areaRow = (d: Record<string, any>, position: string) => ({
  area_id: d.areaId as string,
  kind: d.kind as string,
  name: d.name as string,
  parent_id: (d.parentId ?? null) as string | null,
  defined_position: position,
});

/** A union's row as founded (an enterprise's own union, or a federation); not dissolved yet. */
export const unionRow = (type: string, d: Record<string, any>) => {
  const federation = type === 'FederationFounded';
  return {
    union_id: d.unionId as string,
    kind: (federation ? 'federation' : 'enterprise') as 'federation' | 'enterprise',
    name: (federation ? d.name : null) as string | null,
    credit_code: (federation ? null : d.creditCode) as string | null,
    area_id: (federation ? d.areaId : null) as string | null,
    founded_on: d.occurredOn as string,
    dissolved_on: null as string | null,
    dissolved_position: null as string | null,
  };
};

/** The coverage roll-up's key of an enterprise period: band, status, new-form flag. */
export const coverageKey = (p: { band: unknown; status: unknown; new_form: unknown }): [string, string, string] => [String(p.band), String(p.status), String(p.new_form)];

/** Tables this projection owns (emptied by a rebuild). */
export const COVERAGE_TABLES = [
  'rm_areas',
  'rm_area_ancestors',
  'rm_unions',
  'rm_enterprises',
  'rm_enterprise_periods',
  'rm_enterprise_locations',
  'rm_enterprise_federations',
  'rm_membership_periods',
  'rm_coverage_daily',
  'rm_member_daily',
  'rm_coverage_monthly',
  'rm_member_monthly',
] as const;

async function insertChunked(db: Kysely<any>, table: string, rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await db.insertInto(table).values(rows.slice(i, i + CHUNK)).execute();
}

export interface StreamEvent {
  readonly position: bigint;
  readonly type: string;
  readonly data: any;
}

/** The events of some streams, up to a position, grouped by stream in revision order. */
async function streamsUpTo(db: Kysely<any>, streamIds: string[], upTo: bigint) {
  const byStream = new Map<string, StreamEvent[]>();
  for (let i = 0; i < streamIds.length; i += CHUNK) {
    const rows = await streamEventsUpTo(db, streamIds.slice(i, i + CHUNK), upTo);
    for (const r of rows) {
      const list = byStream.get(r.stream_id) ?? [];
      list.push({ position: BigInt(r.position), type: r.event_type, data: r.data });
      byStream.set(r.stream_id, list);
    }
  }
  return byStream;
}

/**
 * An entity's rows as known after each of the given log positions, turned
 * into rows with a recorded axis: a row is known from the first position
 * whose version holds it to the first later one whose version does not.
 */
export function withRecordedAxis<Row extends Record<string, unknown>>(
  versions: Iterable<{ position: bigint; rows: readonly Row[] }>,
): Array<Row & { recorded_from: string; recorded_to: string }> {
  const list = Array.isArray(versions) ? (versions as Array<{ position: bigint; rows: readonly Row[] }>) : [...versions];
  if (list.length === 1) {
    // One version (most members): every row known from it on.
    const from = list[0]!.position.toString();
    return [...new Map(list[0]!.rows.map((row) => [JSON.stringify(row), row])).values()].map((row) => ({ ...row, recorded_from: from, recorded_to: STILL_KNOWN }));
  }
  const open = new Map<string, { row: Row; from: bigint }>();
  const out: Array<Row & { recorded_from: string; recorded_to: string }> = [];
  for (const { position, rows } of list) {
    const current = new Map(rows.map((row) => [JSON.stringify(row), row]));
    for (const [key, { row, from }] of open) {
      if (current.has(key)) continue;
      open.delete(key);
      if (from !== position) out.push({ ...row, recorded_from: from.toString(), recorded_to: position.toString() });
    }
    for (const [key, row] of current) if (!open.has(key)) open.set(key, { row, from: position });
  }
  for (const { row, from } of open.values()) out.push({ ...row, recorded_from: from.toString(), recorded_to: STILL_KNOWN });
  return out;
}

/**
 * The points at which what is known of an entity may change (its events'
 * positions and any extra ones), each with the state folded from the events
 * known by then: one fold over the stream, not one per point.
 */
function* knowledgePoints<S>(events: readonly StreamEvent[], extra: readonly bigint[], initial: S, evolve: (s: S, e: StreamEvent) => S) {
  const inOrder = [...events].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  const positions = [...new Set([...inOrder.map((e) => e.position), ...extra])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let state = initial;
  let next = 0;
  for (const position of positions) {
    while (next < inOrder.length && inOrder[next]!.position <= position) state = evolve(state, inOrder[next++]!);
    yield { position, state };
  }
}

/** A federation's dissolution as the coverage projection knows it: its date and the log position that recorded it. */
export interface Dissolution {
  readonly on: string;
  readonly position: bigint;
}

/** The rows of one enterprise, with their recorded axis. */
export interface EnterpriseRows {
  readonly periods: Record<string, unknown>[];
  readonly locations: Record<string, unknown>[];
  /** `rm_enterprises` (null while the enterprise is not registered). */
  readonly enterprise: Record<string, unknown> | null;
  readonly federations: Record<string, unknown>[];
}

/**
 * An enterprise's rows, with its whole recorded history: a version after each
 * of its events, and after the dissolution of each federation that covered
 * it (which ends the coverage from its date on). `dissolutions` are those
 * recorded up to the position the rows are computed at.
 */
export function enterpriseRows(events: readonly StreamEvent[], dissolutions: ReadonlyMap<string, Dissolution>): EnterpriseRows {
  const covering = [...new Set(events.filter((e) => e.type === 'EnterpriseCovered').map((e) => e.data.federationId as string))];
  const dissolvedAt = covering.flatMap((id) => (dissolutions.has(id) ? [dissolutions.get(id)!.position] : []));
  const periodVersions: Array<{ position: bigint; rows: Record<string, unknown>[] }> = [];
  const locationVersions: Array<{ position: bigint; rows: Record<string, unknown>[] }> = [];
  let state = initialEnterpriseState;
  const evolve = (s: typeof initialEnterpriseState, e: StreamEvent) => evolveEnterprise(s, e as unknown as EnterpriseEvent);
  for (const point of knowledgePoints(events, dissolvedAt, initialEnterpriseState, evolve)) {
    const position = point.position;
    state = point.state;
    if (state.status !== 'registered') {
      periodVersions.push({ position, rows: [] });
      locationVersions.push({ position, rows: [] });
      continue;
    }
    const dissolvedOn = (id: string) => {
      const d = dissolutions.get(id);
      return d && d.position <= position ? d.on : null;
    };
    const s = state;
    periodVersions.push({
      position,
      rows: enterprisePeriods(s, dissolvedOn).map((p) => ({
        credit_code: s.creditCode,
        valid_from: p.validFrom,
        valid_to: p.validTo,
        area_id: p.areaId,
        headcount: p.headcount,
        band: p.band,
        new_form: p.newForm,
        status: p.status,
        union_id: p.unionId,
        federation_id: p.federationId,
      })),
    });
    locationVersions.push({
      position,
      rows: locationPeriods(s).map((l) => ({ credit_code: s.creditCode, valid_from: l.validFrom, valid_to: l.validTo, area_id: l.areaId })),
    });
  }
  const registered = state.status === 'registered' ? state : null;
  return {
    periods: withRecordedAxis(periodVersions),
    locations: withRecordedAxis(locationVersions),
    enterprise: registered && {
      credit_code: registered.creditCode,
      name: registered.name,
      new_form: registered.newForm,
      registered_on: registered.registeredOn,
      closed_on: registered.closedOn,
    },
    federations: registered ? covering.map((id) => ({ federation_id: id, credit_code: registered.creditCode })) : [],
  };
}

/** A member's membership periods, with a version after each event of the member's stream. */
export function memberRows(memberId: string, events: readonly StreamEvent[]): Record<string, unknown>[] {
  const versions: Array<{ position: bigint; rows: Record<string, unknown>[] }> = [];
  const evolve = (s: typeof initialMemberState, e: StreamEvent) => evolveMember(s, e as unknown as MemberEvent);
  const joined = events.filter((e) => e.type === 'MemberJoined').sort((a, b) => (a.position < b.position ? -1 : 1))[0];
  for (const { position, state } of knowledgePoints(events, [], initialMemberState, evolve)) {
    const newForm = joined !== undefined && joined.position <= position && Boolean(joined.data.newForm);
    versions.push({
      position,
      rows:
        state.status !== 'member'
          ? []
          : membershipPeriods(state, newForm).map((p) => ({
              member_id: memberId,
              union_id: p.unionId,
              valid_from: p.validFrom,
              valid_to: p.validTo,
              new_form: p.newForm,
              retained: p.retained,
              retained_reason: p.retainedReason,
            })),
    });
  }
  return withRecordedAxis(versions);
}

/**
 * Coverage read models: areas and their ancestors, unions, and per
 * enterprise and per member their validity periods. An event about an
 * enterprise or member recomputes that entity's periods from its stream (up
 * to the batch's last position), which is how a late report corrects exactly
 * the periods it touches. A federation's dissolution recomputes the
 * enterprises it ever covered.
 */
export const coverageProjection: Projection = {
  name: 'coverage',
  tables: COVERAGE_TABLES,
  async createTables(db) {
    await createCoverageTables(db);
    await addRecordedAxis(db);
    await addRetained(db);
    await createCoverageRollup(db);
    await createMonthlyRollups(db);
  },
  fold: (db, upTo, onProgress) => foldCoverage(db, upTo, onProgress),

  async apply(db: Kysely<any>, events: readonly RecordedEvent[], upTo: bigint): Promise<void> {
    const enterprises = new Set<string>();
    const members = new Set<string>();
    const touchedFederations = new Set<string>();

    for (const e of events) {
      const d = e.data as Record<string, any>;
      switch (e.type) {
        case 'AreaDefined':
          await db.insertInto('rm_areas').values(areaRow(d, e.globalPosition.toString())).execute();
          await sql`
            insert into rm_area_ancestors (ancestor_id, area_id, depth)
            select ${d.areaId}, ${d.areaId}, 0
            union all
            select ancestor_id, ${d.areaId}, depth + 1 from rm_area_ancestors where area_id = ${d.parentId}`.execute(db);
          break;
        case 'EnterpriseUnionFounded':
        case 'FederationFounded':
          await db.insertInto('rm_unions').values(unionRow(e.type, d)).execute();
          break;
        case 'UnionDissolved':
          await db
            .updateTable('rm_unions')
            .set({ dissolved_on: d.occurredOn, dissolved_position: e.globalPosition.toString() })
            .where('union_id', '=', d.unionId)
            .execute();
          touchedFederations.add(d.unionId);
          break;
        default:
          if (e.streamId.startsWith(ENTERPRISE_PREFIX)) enterprises.add(e.streamId.slice(ENTERPRISE_PREFIX.length));
          else if (e.streamId.startsWith(MEMBER_PREFIX)) members.add(e.streamId.slice(MEMBER_PREFIX.length));
      }
    }

    if (touchedFederations.size) {
      const covered = await db
        .selectFrom('rm_enterprise_federations')
        .select('credit_code')
        .where('federation_id', 'in', [...touchedFederations])
        .execute();
      for (const r of covered) enterprises.add(r.credit_code);
    }
    if (enterprises.size) await recomputeEnterprises(db, [...enterprises], upTo);
    if (members.size) await recomputeMembers(db, [...members], upTo);
  },
};

/** Recomputes enterprises' rows (see enterpriseRows) and moves the roll-ups from what stood to what stands. */
async function recomputeEnterprises(db: Kysely<any>, codes: string[], upTo: bigint): Promise<void> {
  const streams = await streamsUpTo(db, codes.map((c) => ENTERPRISE_PREFIX + c), upTo);
  const coveringIds = new Set<string>();
  for (const events of streams.values()) {
    for (const e of events) if (e.type === 'EnterpriseCovered') coveringIds.add(e.data.federationId);
  }
  const dissolutions = new Map<string, Dissolution>();
  if (coveringIds.size) {
    const rows = await sql<{ union_id: string; dissolved_on: string; dissolved_position: string }>`
      select union_id, dissolved_on::text as dissolved_on, dissolved_position::text as dissolved_position
      from rm_unions where union_id = any(${[...coveringIds]}::text[]) and dissolved_position <= ${upTo.toString()}::bigint`.execute(db);
    for (const r of rows.rows) dissolutions.set(r.union_id, { on: r.dissolved_on, position: BigInt(r.dissolved_position) });
  }

  const { rows: standing } = await sql<RollupRow>`
    select valid_from::text as valid_from, valid_to::text as valid_to, area_id, band, status, new_form
    from rm_enterprise_periods where credit_code = any(${codes}::text[]) and recorded_to = ${sql.raw(STILL_KNOWN)}`.execute(db);
  const { rows: locatedBefore } = await sql<LocationRow>`
    select credit_code, valid_from::text as valid_from, valid_to::text as valid_to, area_id
    from rm_enterprise_locations where credit_code = any(${codes}::text[]) and recorded_to = ${sql.raw(STILL_KNOWN)}`.execute(db);
  await db.deleteFrom('rm_enterprise_periods').where('credit_code', 'in', codes).execute();
  await db.deleteFrom('rm_enterprise_locations').where('credit_code', 'in', codes).execute();
  await db.deleteFrom('rm_enterprises').where('credit_code', 'in', codes).execute();

  const periods: Record<string, unknown>[] = [];
  const locations: Record<string, unknown>[] = [];
  const mapping: Record<string, unknown>[] = [];
  const registered: Record<string, unknown>[] = [];
  for (const code of codes) {
    const rows = enterpriseRows(streams.get(ENTERPRISE_PREFIX + code) ?? [], dissolutions);
    periods.push(...rows.periods);
    locations.push(...rows.locations);
    if (rows.enterprise) registered.push(rows.enterprise);
    mapping.push(...rows.federations);
  }
  await insertChunked(db, 'rm_enterprises', registered);
  await insertChunked(db, 'rm_enterprise_periods', periods);
  await rollUp(db, standing, periods.filter((p) => p['recorded_to'] === STILL_KNOWN) as unknown as RollupRow[]);
  await insertChunked(db, 'rm_enterprise_locations', locations);
  await moveMembersWithTheirUnions(db, locatedBefore, locations.filter((l) => l['recorded_to'] === STILL_KNOWN) as unknown as LocationRow[]);
  for (let i = 0; i < mapping.length; i += CHUNK) {
    await db.insertInto('rm_enterprise_federations').values(mapping.slice(i, i + CHUNK)).onConflict((oc) => oc.doNothing()).execute();
  }
}

/** Enterprises that moved (as known now): their unions' current members count in the new places from then on. */
async function moveMembersWithTheirUnions(db: Kysely<any>, before: readonly LocationRow[], after: readonly LocationRow[]): Promise<void> {
  const group = (rows: readonly LocationRow[]) => {
    const m = new Map<string, LocationRow[]>();
    for (const r of rows) m.set(r.credit_code, [...(m.get(r.credit_code) ?? []), { credit_code: r.credit_code, valid_from: r.valid_from, valid_to: r.valid_to, area_id: r.area_id }]);
    return m;
  };
  const [old, now] = [group(before), group(after)];
  const norm = (rows: readonly LocationRow[] | undefined) => JSON.stringify([...(rows ?? [])].map((r) => [r.valid_from, r.valid_to, r.area_id]).sort());
  const moved = [...new Set([...old.keys(), ...now.keys()])].filter((code) => norm(old.get(code)) !== norm(now.get(code)));
  if (moved.length === 0) return;
  const { rows } = await sql<MemberRow>`
    select m.union_id, m.valid_from::text as valid_from, m.valid_to::text as valid_to, m.new_form, m.retained, m.retained_reason
    from rm_unions u join rm_membership_periods m on m.union_id = u.union_id and m.recorded_to = ${sql.raw(STILL_KNOWN)}
    where u.kind = 'enterprise' and u.credit_code = any(${moved}::text[])`.execute(db);
  if (rows.length === 0) return;
  await applyMemberRollup(db, [
    { rows, sign: -1, locations: old },
    { rows, sign: 1, locations: now },
  ]);
}

interface RollupRow {
  valid_from: string;
  valid_to: string;
  area_id: string;
  band: string;
  status: string;
  new_form: boolean;
}

/**
 * Moves the daily roll-up from the periods that stood to the ones that stand
 * now: −1/+1 for each period that went, +1/−1 for each that came, on its
 * first day and the day after it, for its area and every ancestor.
 */
async function rollUp(db: Kysely<any>, before: readonly RollupRow[], after: readonly RollupRow[]): Promise<void> {
  const areas = [...before, ...after].map((r) => r.area_id);
  if (areas.length === 0) return;
  const deltas = new DailyDeltas(await ancestorsOf(db, areas));
  for (const [rows, sign] of [[before, -1], [after, 1]] as const) {
    for (const r of rows) deltas.add(r.area_id, r.valid_from, r.valid_to, sign, coverageKey(r));
  }
  await deltas.write(db, COVERAGE_DAILY);
}


/** Recomputes members' membership periods (see memberRows) and moves the roll-up from what stood to what stands. */
async function recomputeMembers(db: Kysely<any>, memberIds: string[], upTo: bigint): Promise<void> {
  const streams = await streamsUpTo(db, memberIds.map((m) => MEMBER_PREFIX + m), upTo);
  const { rows: heldBefore } = await sql<MemberRow>`
    select union_id, valid_from::text as valid_from, valid_to::text as valid_to, new_form, retained, retained_reason
    from rm_membership_periods where member_id = any(${memberIds}::text[]) and recorded_to = ${sql.raw(STILL_KNOWN)}`.execute(db);
  await db.deleteFrom('rm_membership_periods').where('member_id', 'in', memberIds).execute();
  const rows = memberIds.flatMap((id) => memberRows(id, streams.get(MEMBER_PREFIX + id) ?? []));
  await insertChunked(db, 'rm_membership_periods', rows);
  await applyMemberRollup(db, [
    { rows: heldBefore, sign: -1 },
    { rows: rows.filter((r) => r['recorded_to'] === STILL_KNOWN) as unknown as MemberRow[], sign: 1 },
  ]);
}
