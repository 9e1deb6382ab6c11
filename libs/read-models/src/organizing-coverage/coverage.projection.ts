import { sql, type Insertable, type Kysely } from 'kysely';
import { streamEventsUpTo, type RecordedEvent } from '#event-store';
import { createCheckpointsTable, createCoverageTables, STILL_KNOWN, type DB, type TableName } from '#persistence';
import type { Projection } from '#projections';
import { foldCoverage } from './coverage.fold.js';
import {
  areaRow,
  coverageKey,
  enterpriseRows,
  memberRows,
  unionRow,
  type Dissolution,
  type EnterpriseFederationRow,
  type EnterpriseLocationRow,
  type EnterprisePeriodRow,
  type EnterpriseRow,
  type StreamEvent,
} from './coverage-rows.js';
import { ancestorsOf, COVERAGE_DAILY, DailyDeltas, STAFF_DAILY } from './daily-rollup.js';
import { applyMemberRollup, type LocationRow, type MemberRow } from './member-rollup.js';

const ENTERPRISE_PREFIX = 'enterprise-';
const MEMBER_PREFIX = 'member-';
const CHUNK = 1000;

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
  'rm_staff_daily',
  'rm_staff_monthly',
] as const satisfies readonly TableName[];

type RecomputedTable = 'rm_enterprises' | 'rm_enterprise_periods' | 'rm_enterprise_locations' | 'rm_membership_periods';

async function insertChunked<T extends RecomputedTable>(db: Kysely<DB>, table: T, rows: readonly Insertable<DB[T]>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await db.insertInto<RecomputedTable>(table).values(rows.slice(i, i + CHUNK)).execute();
}

/** The events of some streams, up to a position, grouped by stream in revision order. */
async function streamsUpTo(db: Kysely<DB>, streamIds: string[], upTo: bigint) {
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
    await createCheckpointsTable(db);
    await createCoverageTables(db);
  },
  fold: (db, upTo, onProgress) => foldCoverage(db, upTo, onProgress),

  async apply(db: Kysely<DB>, events: readonly RecordedEvent[], upTo: bigint): Promise<void> {
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
async function recomputeEnterprises(db: Kysely<DB>, codes: string[], upTo: bigint): Promise<void> {
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
    select valid_from::text as valid_from, valid_to::text as valid_to, area_id, headcount, band, status, new_form
    from rm_enterprise_periods where credit_code = any(${codes}::text[]) and recorded_to = ${sql.raw(STILL_KNOWN)}`.execute(db);
  const { rows: locatedBefore } = await sql<LocationRow>`
    select credit_code, valid_from::text as valid_from, valid_to::text as valid_to, area_id
    from rm_enterprise_locations where credit_code = any(${codes}::text[]) and recorded_to = ${sql.raw(STILL_KNOWN)}`.execute(db);
  await db.deleteFrom('rm_enterprise_periods').where('credit_code', 'in', codes).execute();
  await db.deleteFrom('rm_enterprise_locations').where('credit_code', 'in', codes).execute();
  await db.deleteFrom('rm_enterprises').where('credit_code', 'in', codes).execute();

  const periods: EnterprisePeriodRow[] = [];
  const locations: EnterpriseLocationRow[] = [];
  const mapping: EnterpriseFederationRow[] = [];
  const registered: EnterpriseRow[] = [];
  for (const code of codes) {
    const rows = enterpriseRows(streams.get(ENTERPRISE_PREFIX + code) ?? [], dissolutions);
    periods.push(...rows.periods);
    locations.push(...rows.locations);
    if (rows.enterprise) registered.push(rows.enterprise);
    mapping.push(...rows.federations);
  }
  await insertChunked(db, 'rm_enterprises', registered);
  await insertChunked(db, 'rm_enterprise_periods', periods);
  await rollUp(db, standing, periods.filter((p) => p.recorded_to === STILL_KNOWN));
  await insertChunked(db, 'rm_enterprise_locations', locations);
  await moveMembersWithTheirUnions(db, locatedBefore, locations.filter((l) => l.recorded_to === STILL_KNOWN));
  for (let i = 0; i < mapping.length; i += CHUNK) {
    await db.insertInto('rm_enterprise_federations').values(mapping.slice(i, i + CHUNK)).onConflict((oc) => oc.doNothing()).execute();
  }
}

/** Enterprises that moved (as known now): their unions' current members count in the new places from then on. */
async function moveMembersWithTheirUnions(db: Kysely<DB>, before: readonly LocationRow[], after: readonly LocationRow[]): Promise<void> {
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

/** An enterprise period as the roll-ups count it. */
type RollupRow = Pick<EnterprisePeriodRow, 'valid_from' | 'valid_to' | 'area_id' | 'headcount' | 'band' | 'status' | 'new_form'>;

/**
 * Moves the daily roll-ups from the periods that stood to the ones that
 * stand now: −1/+1 for each period that went, +1/−1 for each that came, on
 * its first day and the day after it, for its area and every ancestor — and
 * likewise ∓headcount/±headcount in the staff roll-up.
 */
async function rollUp(db: Kysely<DB>, before: readonly RollupRow[], after: readonly RollupRow[]): Promise<void> {
  const areas = [...before, ...after].map((r) => r.area_id);
  if (areas.length === 0) return;
  const ancestors = await ancestorsOf(db, areas);
  const [enterprises, staff] = [new DailyDeltas(ancestors), new DailyDeltas(ancestors)];
  for (const [rows, sign] of [[before, -1], [after, 1]] as const) {
    for (const r of rows) {
      enterprises.add(r.area_id, r.valid_from, r.valid_to, sign, coverageKey(r));
      staff.add(r.area_id, r.valid_from, r.valid_to, sign * r.headcount, coverageKey(r));
    }
  }
  await enterprises.write(db, COVERAGE_DAILY);
  await staff.write(db, STAFF_DAILY);
}

/** Recomputes members' membership periods (see memberRows) and moves the roll-up from what stood to what stands. */
async function recomputeMembers(db: Kysely<DB>, memberIds: string[], upTo: bigint): Promise<void> {
  const streams = await streamsUpTo(db, memberIds.map((m) => MEMBER_PREFIX + m), upTo);
  const { rows: heldBefore } = await sql<MemberRow>`
    select union_id, valid_from::text as valid_from, valid_to::text as valid_to, new_form, retained, retained_reason
    from rm_membership_periods where member_id = any(${memberIds}::text[]) and recorded_to = ${sql.raw(STILL_KNOWN)}`.execute(db);
  await db.deleteFrom('rm_membership_periods').where('member_id', 'in', memberIds).execute();
  const rows = memberIds.flatMap((id) => memberRows(id, streams.get(MEMBER_PREFIX + id) ?? []));
  await insertChunked(db, 'rm_membership_periods', rows);
  await applyMemberRollup(db, [
    { rows: heldBefore, sign: -1 },
    { rows: rows.filter((r) => r.recorded_to === STILL_KNOWN), sign: 1 },
  ]);
}
