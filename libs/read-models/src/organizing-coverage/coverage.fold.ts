import { sql, type Kysely } from 'kysely';
import { BulkWriter } from '#projections';
import { STILL_KNOWN, type DB, type TextRow } from '#persistence';
import {
  areaRow,
  COVERAGE_SHARED_TYPES,
  coverageKey,
  unionRow,
  enterpriseRows,
  memberRows,
  type AreaRow,
  type Dissolution,
  type StreamEvent,
  type UnionRow,
} from './coverage-rows.js';
import { COVERAGE_DAILY, DailyDeltas, STAFF_DAILY } from './daily-rollup.js';
import { MEMBER_DAILY, memberSegments, type LocationRow, type MemberRow } from './member-rollup.js';

const PAGE = 10_000;

/** An event's position (as text) and its data, as the fold reads them. */
type LoggedEvent = { position: string; data: any };

/**
 * The log's events of the streams whose id starts with `prefix`, up to a
 * position, one stream at a time (keyset pages over the (stream, revision)
 * index: memory holds a page and one stream, whatever the size of the log).
 */
async function* streamsWithPrefix(db: Kysely<DB>, prefix: string, upTo: bigint) {
  // The first string after every id with this prefix: the prefix with its last character incremented.
  const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  let after: { stream: string; revision: string } = { stream: prefix, revision: '-1' };
  let current: { id: string; events: StreamEvent[] } | null = null;
  const page = (from: { stream: string; revision: string }) => {
    const read = sql<Pick<TextRow<DB['events']>, 'stream_id' | 'stream_revision' | 'event_type'> & LoggedEvent>`
      select stream_id, stream_revision::text as stream_revision, global_position::text as position, event_type, data from events
      where (stream_id, stream_revision) > (${from.stream}, ${from.revision}::bigint) and stream_id < ${end}
        and global_position <= ${upTo.toString()}::bigint
      order by events.stream_id, events.stream_revision limit ${PAGE}`.execute(db);
    read.catch(() => undefined); // awaited in turn; never reported as unhandled if the fold stops first
    return read;
  };
  let next = page(after);
  for (;;) {
    const { rows } = await next;
    // The next page is read while this one is folded.
    const full = rows.length === PAGE;
    if (full) {
      const last = rows[rows.length - 1]!;
      after = { stream: last.stream_id, revision: last.stream_revision };
      next = page(after);
    }
    for (const r of rows) {
      if (current && current.id !== r.stream_id) {
        yield current;
        current = null;
      }
      current ??= { id: r.stream_id, events: [] };
      current.events.push({ position: BigInt(r.position), type: r.event_type, data: r.data });
    }
    if (!full) break;
  }
  if (current) yield current;
}

/**
 * The coverage read model for the log up to `upTo`, written in one pass into
 * empty tables: what applying the log batch by batch gives, row for row (the
 * rebuild test and `verify --projections` compare the two), at a fraction of
 * the cost — each entity is folded once from its whole stream instead of
 * once per batch that touches it, and the roll-ups are summed in memory and
 * written once instead of upserted per batch.
 */
export async function foldCoverage(db: Kysely<DB>, upTo: bigint, onProgress: (events: number) => void): Promise<void> {
  const out = new BulkWriter(db);
  let events = 0;

  // Areas and unions: few, in log order.
  const { rows: shared } = await sql<Pick<TextRow<DB['events']>, 'event_type'> & LoggedEvent>`
    select global_position::text as position, event_type, data from events
    where event_type = any(${[...COVERAGE_SHARED_TYPES]}::text[]) and global_position <= ${upTo.toString()}::bigint
    order by events.global_position`.execute(db);
  const ancestors = new Map<string, Array<{ id: string; depth: number }>>();
  const unions = new Map<string, UnionRow>();
  const areaRows: AreaRow[] = [];
  for (const r of shared) {
    const d = r.data;
    switch (r.event_type) {
      case 'AreaDefined':
        areaRows.push(areaRow(d, r.position));
        ancestors.set(d.areaId, [{ id: d.areaId, depth: 0 }, ...(ancestors.get(d.parentId) ?? []).map((a) => ({ id: a.id, depth: a.depth + 1 }))]);
        break;
      case 'EnterpriseUnionFounded':
      case 'FederationFounded':
        unions.set(d.unionId, unionRow(r.event_type, d));
        break;
      case 'UnionDissolved': {
        const u = unions.get(d.unionId);
        if (u) Object.assign(u, { dissolved_on: d.occurredOn as string, dissolved_position: r.position });
        break;
      }
    }
  }
  await out.addAll('rm_areas', areaRows);
  for (const [area, list] of ancestors) await out.addAll('rm_area_ancestors', list.map((a) => ({ ancestor_id: a.id, area_id: area, depth: a.depth })));
  await out.addAll('rm_unions', unions.values());
  events += shared.length;
  onProgress(events);

  const dissolutions = new Map<string, Dissolution>();
  for (const u of unions.values()) {
    if (u.dissolved_position !== null) dissolutions.set(u.union_id, { on: u.dissolved_on!, position: BigInt(u.dissolved_position) });
  }
  const ancestorIds = new Map([...ancestors].map(([area, list]) => [area, list.map((a) => a.id)]));
  // Summed per area while folding, spread to the ancestors once at the end.
  const ownArea = new Map([...ancestors.keys()].map((area) => [area, [area]]));
  const coverageDaily = new DailyDeltas(ownArea);
  const staffDaily = new DailyDeltas(ownArea);
  const memberDaily = new DailyDeltas(ownArea);
  const located = new Map<string, LocationRow[]>();
  const isStanding = (row: { recorded_to: string }) => row.recorded_to === STILL_KNOWN;

  for await (const stream of streamsWithPrefix(db, 'enterprise-', upTo)) {
    const rows = enterpriseRows(stream.events, dissolutions);
    if (rows.enterprise) await out.add('rm_enterprises', rows.enterprise);
    await out.addAll('rm_enterprise_periods', rows.periods);
    await out.addAll('rm_enterprise_locations', rows.locations);
    await out.addAll('rm_enterprise_federations', rows.federations);
    for (const p of rows.periods.filter(isStanding)) {
      coverageDaily.add(p.area_id, p.valid_from, p.valid_to, 1, coverageKey(p));
      staffDaily.add(p.area_id, p.valid_from, p.valid_to, p.headcount, coverageKey(p));
    }
    const standing: LocationRow[] = rows.locations.filter(isStanding);
    if (standing.length) located.set(standing[0]!.credit_code, standing);
    events += stream.events.length;
    if (events % PAGE < stream.events.length) onProgress(events);
  }

  for await (const stream of streamsWithPrefix(db, 'member-', upTo)) {
    const rows = memberRows(stream.id.slice('member-'.length), stream.events);
    await out.addAll('rm_membership_periods', rows);
    const standing: MemberRow[] = rows.filter(isStanding);
    for (const s of memberSegments(standing, 1, (id) => unions.get(id), (code) => located.get(code))) memberDaily.add(s.area, s.from, s.to, s.sign, s.key);
    events += stream.events.length;
    if (events % PAGE < stream.events.length) onProgress(events);
  }

  for (const [deltas, table] of [[coverageDaily, COVERAGE_DAILY], [staffDaily, STAFF_DAILY], [memberDaily, MEMBER_DAILY]] as const) {
    const spread = deltas.spreadTo(ancestorIds);
    await out.addAll(table.name, spread.rows(table));
    await out.addAll(table.monthly, spread.monthlyRows(table));
  }
  await out.flush();
  onProgress(events);
}
