import {
  evolveEnterprise,
  evolveMember,
  initialEnterpriseState,
  initialMemberState,
  type EnterpriseEvent,
  type MemberEvent,
} from '#domain';
import {
  type DB,
  STILL_KNOWN,
  type TextRow,
} from '#persistence';
import { enterprisePeriods, locationPeriods, membershipPeriods } from './periods.js';

/*
 * The coverage read model's rows, computed from events: pure functions that
 * the incremental projection (coverage.projection.ts) and the one-pass fold
 * of a rebuild (coverage.fold.ts) share, so that both write the same rows.
 */

export type AreaRow = TextRow<DB['rm_areas']>;
export type UnionRow = TextRow<DB['rm_unions']> & { kind: 'federation' | 'enterprise' };
export type EnterpriseRow = TextRow<DB['rm_enterprises']>;
export type EnterprisePeriodRow = TextRow<DB['rm_enterprise_periods']>;
export type EnterpriseLocationRow = TextRow<DB['rm_enterprise_locations']>;
export type EnterpriseFederationRow = TextRow<DB['rm_enterprise_federations']>;
export type MembershipPeriodRow = TextRow<DB['rm_membership_periods']>;
/** A row without its recorded axis: one version of what is known of an entity. */
type Unrecorded<Row> = Omit<Row, 'recorded_from' | 'recorded_to'>;

/** Events about areas and unions: applied as they come, never by refolding a stream. */
export const COVERAGE_SHARED_TYPES = ['AreaDefined', 'EnterpriseUnionFounded', 'FederationFounded', 'UnionDissolved'] as const;

/** An area's row, defined at a log position. */
export const areaRow = (d: Record<string, any>, position: string): AreaRow => ({
  area_id: d.areaId as string,
  kind: d.kind as string,
  name: d.name as string,
  parent_id: (d.parentId ?? null) as string | null,
  defined_position: position,
});

/** A union's row as founded (an enterprise's own union, or a federation); not dissolved yet. */
export const unionRow = (type: string, d: Record<string, any>): UnionRow => {
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
export const coverageKey = (p: Pick<EnterprisePeriodRow, 'band' | 'status' | 'new_form'>): [string, string, string] => [String(p.band), String(p.status), String(p.new_form)];

export interface StreamEvent {
  readonly position: bigint;
  readonly type: string;
  readonly data: any;
}

/**
 * An entity's rows as known after each of the given log positions, turned
 * into rows with a recorded axis: a row is known from the first position
 * whose version holds it to the first later one whose version does not.
 */
export function withRecordedAxis<Row extends object>(
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
  readonly periods: EnterprisePeriodRow[];
  readonly locations: EnterpriseLocationRow[];
  /** `rm_enterprises` (null while the enterprise is not registered). */
  readonly enterprise: EnterpriseRow | null;
  readonly federations: EnterpriseFederationRow[];
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
  const periodVersions: Array<{ position: bigint; rows: Unrecorded<EnterprisePeriodRow>[] }> = [];
  const locationVersions: Array<{ position: bigint; rows: Unrecorded<EnterpriseLocationRow>[] }> = [];
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
export function memberRows(memberId: string, events: readonly StreamEvent[]): MembershipPeriodRow[] {
  const versions: Array<{ position: bigint; rows: Unrecorded<MembershipPeriodRow>[] }> = [];
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
