import { sql, type Kysely } from 'kysely';
import {
  evolveEnterprise,
  evolveMember,
  initialEnterpriseState,
  initialMemberState,
  type EnterpriseEvent,
  type MemberEvent,
} from '../../../domain/src/index.js';
import type { RecordedEvent } from '../../../event-store/src/index.js';
import type { Projection } from '../../../projections/src/index.js';
import { up as createCoverageTables } from '../../../persistence/src/migrations/1763800000000-coverage-read-model.js';
import { enterprisePeriods, locationPeriods, membershipPeriods } from './periods.js';

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
] as const;

async function insertChunked(db: Kysely<any>, table: string, rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await db.insertInto(table).values(rows.slice(i, i + CHUNK)).execute();
}

/** The events of some streams, up to a position, grouped by stream in revision order. */
async function streamsUpTo(db: Kysely<any>, streamIds: string[], upTo: bigint) {
  const byStream = new Map<string, Array<{ type: string; data: any }>>();
  for (let i = 0; i < streamIds.length; i += CHUNK) {
    const { rows } = await sql<{ stream_id: string; event_type: string; data: any }>`
      select stream_id, event_type, data from events
      where stream_id = any(${streamIds.slice(i, i + CHUNK)}::text[]) and global_position <= ${upTo.toString()}::bigint
      order by events.stream_id, events.stream_revision`.execute(db);
    for (const r of rows) {
      const list = byStream.get(r.stream_id) ?? [];
      list.push({ type: r.event_type, data: r.data });
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
  createTables: createCoverageTables,

  async apply(db: Kysely<any>, events: readonly RecordedEvent[], upTo: bigint): Promise<void> {
    const enterprises = new Set<string>();
    const members = new Set<string>();
    const touchedFederations = new Set<string>();

    for (const e of events) {
      const d = e.data as Record<string, any>;
      switch (e.type) {
        case 'AreaDefined':
          await db.insertInto('rm_areas').values({ area_id: d.areaId, kind: d.kind, name: d.name, parent_id: d.parentId }).execute();
          await sql`
            insert into rm_area_ancestors (ancestor_id, area_id, depth)
            select ${d.areaId}, ${d.areaId}, 0
            union all
            select ancestor_id, ${d.areaId}, depth + 1 from rm_area_ancestors where area_id = ${d.parentId}`.execute(db);
          break;
        case 'EnterpriseUnionFounded':
          await db.insertInto('rm_unions').values({ union_id: d.unionId, kind: 'enterprise', credit_code: d.creditCode, founded_on: d.occurredOn }).execute();
          break;
        case 'FederationFounded':
          await db
            .insertInto('rm_unions')
            .values({ union_id: d.unionId, kind: 'federation', name: d.name, area_id: d.areaId, founded_on: d.occurredOn })
            .execute();
          break;
        case 'UnionDissolved':
          await db.updateTable('rm_unions').set({ dissolved_on: d.occurredOn }).where('union_id', '=', d.unionId).execute();
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

async function recomputeEnterprises(db: Kysely<any>, codes: string[], upTo: bigint): Promise<void> {
  const streams = await streamsUpTo(db, codes.map((c) => ENTERPRISE_PREFIX + c), upTo);
  const states = codes
    .map((code) => (streams.get(ENTERPRISE_PREFIX + code) ?? []).reduce((s, e) => evolveEnterprise(s, e as EnterpriseEvent), initialEnterpriseState))
    .filter((s) => s.status === 'registered');

  const federationIds = [...new Set(states.flatMap((s) => s.coverages.map((c) => c.id)))];
  const dissolved = new Map<string, string | null>();
  if (federationIds.length) {
    const rows = await sql<{ union_id: string; dissolved_on: string | null }>`
      select union_id, dissolved_on::text as dissolved_on from rm_unions where union_id = any(${federationIds}::text[])`.execute(db);
    for (const r of rows.rows) dissolved.set(r.union_id, r.dissolved_on);
  }

  await db.deleteFrom('rm_enterprise_periods').where('credit_code', 'in', codes).execute();
  await db.deleteFrom('rm_enterprise_locations').where('credit_code', 'in', codes).execute();
  await db.deleteFrom('rm_enterprises').where('credit_code', 'in', codes).execute();

  const periods: Record<string, unknown>[] = [];
  const locations: Record<string, unknown>[] = [];
  const mapping: Record<string, unknown>[] = [];
  const enterpriseRows: Record<string, unknown>[] = [];
  for (const s of states) {
    enterpriseRows.push({ credit_code: s.creditCode, name: s.name, new_form: s.newForm, registered_on: s.registeredOn, closed_on: s.closedOn });
    for (const p of enterprisePeriods(s, (id) => dissolved.get(id) ?? null)) {
      periods.push({
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
      });
    }
    for (const l of locationPeriods(s)) locations.push({ credit_code: s.creditCode, valid_from: l.validFrom, valid_to: l.validTo, area_id: l.areaId });
    for (const id of new Set(s.coverages.map((c) => c.id))) mapping.push({ federation_id: id, credit_code: s.creditCode });
  }
  await insertChunked(db, 'rm_enterprises', enterpriseRows);
  await insertChunked(db, 'rm_enterprise_periods', periods);
  await insertChunked(db, 'rm_enterprise_locations', locations);
  for (let i = 0; i < mapping.length; i += CHUNK) {
    await db.insertInto('rm_enterprise_federations').values(mapping.slice(i, i + CHUNK)).onConflict((oc) => oc.doNothing()).execute();
  }
}

async function recomputeMembers(db: Kysely<any>, memberIds: string[], upTo: bigint): Promise<void> {
  const streams = await streamsUpTo(db, memberIds.map((m) => MEMBER_PREFIX + m), upTo);
  await db.deleteFrom('rm_membership_periods').where('member_id', 'in', memberIds).execute();
  const rows: Record<string, unknown>[] = [];
  for (const id of memberIds) {
    const events = (streams.get(MEMBER_PREFIX + id) ?? []) as MemberEvent[];
    const state = events.reduce(evolveMember, initialMemberState);
    if (state.status !== 'member') continue;
    const joined = events.find((e) => e.type === 'MemberJoined');
    const newForm = joined?.type === 'MemberJoined' ? joined.data.newForm : false;
    for (const p of membershipPeriods(state, newForm)) {
      rows.push({ member_id: id, union_id: p.unionId, valid_from: p.validFrom, valid_to: p.validTo, new_form: p.newForm });
    }
  }
  await insertChunked(db, 'rm_membership_periods', rows);
}
