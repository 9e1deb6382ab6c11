import { createHash } from 'node:crypto';
import { sql, type Insertable, type Kysely } from 'kysely';
import { AreaDirectory, CommandExecutor, validateCommand, type HandlerDeps } from '#commands';
import {
  policyPrincipal,
  DomainError,
  evolveMember,
  initialMemberState,
  membershipSpells,
  type MemberEvent,
  type SuccessionReason,
} from '#domain';
import { KyselyEventStore, streamEventsUpTo, type EventStore, type RecordedEvent } from '#event-store';
import { createCheckpointsTable, createSuccessionTables, type DB, type TableName } from '#persistence';
import type { Projection } from '#projections';

export const MEMBERSHIP_SUCCESSION = 'membership-succession';
export const SUCCESSION_TABLES = [
  'succession_areas',
  'succession_federations',
  'succession_unions',
  'succession_locations',
  'succession_member_spells',
] as const satisfies readonly TableName[];

/**
 * What the policy needs to run commands: the executor's dependencies (the
 * person-id key), and, when the log of record is not in the database the
 * projections write (KurrentDB: docs/kurrentdb.md), the store to record
 * the commands in.
 */
export type PolicyDeps = Pick<HandlerDeps, 'personKeys' | 'vault'> & { readonly recordIn?: EventStore };

/** The working tables the policy fills from events as they come. */
type WorkingTable = 'succession_areas' | 'succession_federations' | 'succession_unions' | 'succession_locations';

const MEMBER_PREFIX = 'member-';
const CHUNK = 1000;
/** Recorded as the actor of the commands the policy issues. */
export const SUCCESSION_PRINCIPAL = policyPrincipal(MEMBERSHIP_SUCCESSION);
export const SUCCESSION_ACTOR = SUCCESSION_PRINCIPAL.holder;

/** A deterministic commandId: the same trigger and member always give the same command, recorded once. */
export function successionCommandId(triggerEventId: string, memberId: string): string {
  const readable = `${MEMBERSHIP_SUCCESSION}:${triggerEventId}:${memberId}`;
  if (readable.length <= 200) return readable;
  return `${MEMBERSHIP_SUCCESSION}:${triggerEventId}:${createHash('sha256').update(memberId).digest('hex')}`;
}

/** The union an event brings the member into (a join, transfer, resumption, or a residence-area union holding a retained membership). */
function unionEntered(e: RecordedEvent): string | null {
  const d = e.data as Record<string, unknown>;
  switch (e.type) {
    case 'MemberJoined':
      return d['unionId'] as string;
    case 'MembershipTransferred':
    case 'MembershipResumed':
      return d['toUnionId'] as string;
    case 'MembershipRetained':
      return (d['heldByUnionId'] as string | null) ?? null;
    default:
      return null;
  }
}

/**
 * The process manager behind the rule "if the employer closes, membership
 * passes to the upper-level union": when an enterprise closes (or its own
 * union is dissolved), every member holding that union on that date is
 * passed up — by a `PassMembershipUp` command, recorded like any other — to
 * the active regional federation whose area is the deepest one containing the
 * enterprise's location on that date; where no federation covers the area,
 * the member is flagged as awaiting a transfer. A join or transfer into such
 * a union recorded later but dated before the closure is passed up too.
 *
 * It runs as a projection: the commands are executed on an event store bound
 * to the runner's transaction, so their events commit with the policy's
 * checkpoint — exactly once, or not at all (with the log in KurrentDB, they
 * are recorded there, and a batch tried again repeats the same command ids,
 * which record nothing twice). Its working tables are fed only
 * by the events it sees, in order, so it never waits on another projection.
 * Refusals (a member who left on the closure date, a repeat) are expected and
 * skipped; any other failure rolls the batch back to be tried again.
 */
export function membershipSuccessionPolicy(deps: PolicyDeps): Projection {
  return {
    name: MEMBERSHIP_SUCCESSION,
    tables: SUCCESSION_TABLES,
    async createTables(db) {
      await createCheckpointsTable(db);
      await createSuccessionTables(db);
    },
    apply: (db, events) => new SuccessionBatch(db, deps).apply(events),
  };
}

class SuccessionBatch {
  /** Members whose spells must be recomputed, with the position of their last event seen. */
  private readonly pending = new Map<string, bigint>();
  /** Events that brought a member into a union, to check against that union's succession once spells are current. */
  private entries: Array<{ event: RecordedEvent; memberId: string; unionId: string }> = [];
  private readonly executor: CommandExecutor;

  constructor(
    private readonly db: Kysely<DB>,
    deps: PolicyDeps,
  ) {
    // On the database's own log, bound to the runner's transaction (exactly once); on KurrentDB, recorded there
    // at least once, and once only by their deterministic command ids.
    const store = deps.recordIn ?? new KyselyEventStore(db);
    this.executor = new CommandExecutor(store, { areas: new AreaDirectory(store), personKeys: deps.personKeys, vault: deps.vault });
  }

  async apply(events: readonly RecordedEvent[]): Promise<void> {
    let seen = 0n;
    for (const e of events) {
      const d = e.data as Record<string, any>;
      switch (e.type) {
        case 'AreaDefined':
          this.later('succession_areas', { area_id: d.areaId, parent_id: d.parentId ?? null });
          break;
        case 'FederationFounded':
          if (d.scope === 'regional') this.later('succession_federations', { union_id: d.unionId, area_id: d.areaId, founded_on: d.occurredOn });
          break;
        case 'EnterpriseUnionFounded':
          this.later('succession_unions', { union_id: d.unionId, credit_code: d.creditCode, founded_on: d.occurredOn });
          break;
        case 'EnterpriseRegistered':
        case 'EnterpriseRelocated':
          this.later('succession_locations', { credit_code: d.creditCode, located_on: d.occurredOn, area_id: d.areaId, position: e.globalPosition.toString() });
          break;
        case 'UnionDissolved': {
          await this.writeRows();
          await this.db.updateTable('succession_federations').set({ dissolved_on: d.occurredOn }).where('union_id', '=', d.unionId).execute();
          const { numUpdatedRows } = await this.db
            .updateTable('succession_unions')
            .set({ dissolved_on: d.occurredOn })
            .where('union_id', '=', d.unionId)
            .executeTakeFirst();
          if (numUpdatedRows > 0n) {
            await this.flush(seen);
            await this.succeed(d.unionId, d.occurredOn, 'unionDissolved', e);
          }
          break;
        }
        case 'EnterpriseClosed': {
          await this.writeRows();
          await this.flush(seen);
          const { rows } = await sql<{ union_id: string }>`
            select union_id from succession_unions
            where credit_code = ${d.creditCode} and founded_on <= ${d.occurredOn}::date
              and (dissolved_on is null or dissolved_on > ${d.occurredOn}::date)
            order by union_id`.execute(this.db);
          for (const { union_id } of rows) await this.succeed(union_id, d.occurredOn, 'enterpriseClosed', e);
          break;
        }
        default:
          if (e.streamId.startsWith(MEMBER_PREFIX)) {
            const memberId = e.streamId.slice(MEMBER_PREFIX.length);
            this.pending.set(memberId, e.globalPosition);
            const unionId = unionEntered(e);
            if (unionId !== null) this.entries.push({ event: e, memberId, unionId });
          }
      }
      seen = e.globalPosition;
    }
    await this.writeRows();
    await this.flush(seen);
  }

  /** Rows of the working tables, written together before anything reads them (insert-only: a repeat is ignored). */
  private rows: { [T in WorkingTable]?: Insertable<DB[T]>[] } = {};

  private later<T extends WorkingTable>(table: T, row: Insertable<DB[T]>): void {
    const rows: Insertable<DB[T]>[] = (this.rows[table] ??= []);
    rows.push(row);
  }

  private async writeRows(): Promise<void> {
    for (const table of Object.keys(this.rows) as WorkingTable[]) {
      const rows = this.rows[table]!;
      for (let i = 0; i < rows.length; i += CHUNK) {
        const insert = this.db.insertInto(table).values(rows.slice(i, i + CHUNK));
        await (table === 'succession_locations' ? insert : insert.onConflict((oc) => oc.doNothing())).execute();
      }
    }
    this.rows = {};
  }

  /**
   * From `date` on, the union's members pass up: those holding it on that
   * date now, and those whose late join or transfer into it is seen later.
   */
  private async succeed(unionId: string, date: string, reason: SuccessionReason, trigger: RecordedEvent): Promise<void> {
    await sql`
      update succession_unions set succession_on = ${date}::date, succession_reason = ${reason}
      where union_id = ${unionId} and (succession_on is null or succession_on > ${date}::date)`.execute(this.db);
    const { rows } = await sql<{ member_id: string }>`
      select member_id from succession_member_spells
      where union_id = ${unionId} and valid_from <= ${date}::date and valid_to > ${date}::date
      order by member_id`.execute(this.db);
    if (rows.length === 0) return;
    const federation = await this.federationFor(unionId, date);
    for (const { member_id } of rows) await this.passUp(member_id, unionId, federation, reason, date, trigger);
  }

  /** The active regional federation over the union's enterprise on the date, the deepest area first. */
  private async federationFor(unionId: string, date: string): Promise<string | undefined> {
    const { rows } = await sql<{ union_id: string }>`
      with recursive location as (
        select l.area_id from succession_locations l join succession_unions u on u.credit_code = l.credit_code
        where u.union_id = ${unionId} and l.located_on <= ${date}::date
        order by l.located_on desc, l.position desc limit 1
      ), lineage (area_id, depth) as (
        select area_id, 0 from location
        union all
        select a.parent_id, lineage.depth + 1 from lineage join succession_areas a on a.area_id = lineage.area_id
        where a.parent_id is not null and lineage.depth < 16
      )
      select f.union_id from succession_federations f join lineage on lineage.area_id = f.area_id
      where f.founded_on <= ${date}::date and (f.dissolved_on is null or f.dissolved_on > ${date}::date)
      order by lineage.depth, f.founded_on, f.union_id
      limit 1`.execute(this.db);
    return rows[0]?.union_id;
  }

  private async passUp(memberId: string, fromUnionId: string, toUnionId: string | undefined, reason: SuccessionReason, date: string, trigger: RecordedEvent) {
    const command = validateCommand({
      type: 'PassMembershipUp',
      memberId,
      fromUnionId,
      ...(toUnionId === undefined ? {} : { toUnionId }),
      reason,
      occurredOn: date,
      commandId: successionCommandId(trigger.eventId, memberId),
    });
    try {
      await this.executor.execute(command, { principal: SUCCESSION_PRINCIPAL, correlationId: String(trigger.metadata.correlationId ?? trigger.eventId) });
    } catch (error) {
      // Expected: the member left on that date, or was passed up already. Anything else rolls the batch back.
      if (!(error instanceof DomainError)) throw error;
    }
  }

  /**
   * Brings the spells of members seen since the last flush up to date (as of
   * position `upTo`), then passes up those whose late entry into a union
   * falls on or before that union's succession date.
   */
  private async flush(upTo: bigint): Promise<void> {
    if (this.pending.size > 0) {
      const ids = [...this.pending.keys()];
      this.pending.clear();
      await this.recomputeSpells(ids, upTo);
    }
    const entries = this.entries;
    this.entries = [];
    // Which entries fall on or before their union's succession date: one query for all of them.
    for (let i = 0; i < entries.length; i += CHUNK) {
      const part = entries.slice(i, i + CHUNK);
      const { rows } = await sql<{ i: number; on: string; reason: SuccessionReason }>`
        select e.i, u.succession_on::text as on, u.succession_reason as reason
        from unnest(${part.map((x) => x.unionId)}::text[], ${part.map((x) => x.memberId)}::text[],
                    ${part.map((x) => (x.event.data as { occurredOn: string }).occurredOn)}::date[], ${part.map((_, j) => j)}::int[])
             as e(union_id, member_id, entered_on, i)
        join succession_unions u on u.union_id = e.union_id and u.succession_on is not null and u.succession_on >= e.entered_on
        where exists (select 1 from succession_member_spells s where s.member_id = e.member_id and s.union_id = u.union_id
                      and s.valid_from <= u.succession_on and s.valid_to > u.succession_on)
        order by e.i`.execute(this.db);
      for (const succession of rows) {
        const { event, memberId, unionId } = part[succession.i]!;
        await this.passUp(memberId, unionId, await this.federationFor(unionId, succession.on), succession.reason, succession.on, event);
      }
    }
  }

  private async recomputeSpells(memberIds: string[], upTo: bigint): Promise<void> {
    for (let i = 0; i < memberIds.length; i += CHUNK) {
      const ids = memberIds.slice(i, i + CHUNK);
      const rows = await streamEventsUpTo(this.db, ids.map((id) => MEMBER_PREFIX + id), upTo);
      const states = new Map<string, ReturnType<typeof evolveMember>>();
      for (const r of rows) {
        const id = r.stream_id.slice(MEMBER_PREFIX.length);
        states.set(id, evolveMember(states.get(id) ?? initialMemberState, { type: r.event_type, data: r.data } as MemberEvent));
      }
      await this.db.deleteFrom('succession_member_spells').where('member_id', 'in', ids).execute();
      const spells = ids.flatMap((id) =>
        membershipSpells(states.get(id) ?? initialMemberState).map((s) => ({ member_id: id, union_id: s.unionId, valid_from: s.validFrom, valid_to: s.validTo })),
      );
      for (let j = 0; j < spells.length; j += CHUNK) await this.db.insertInto('succession_member_spells').values(spells.slice(j, j + CHUNK)).execute();
    }
  }
}
