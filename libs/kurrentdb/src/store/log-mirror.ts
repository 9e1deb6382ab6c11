import { excludeSystemEvents, START, streamNameFilter, type AllStreamRecordedEvent, type AllStreamResolvedEvent, type KurrentDBClient, type Position } from '@kurrent/kurrentdb-client';
import { sql, type Kysely } from 'kysely';
import { KyselyEventStore, type BatchEvent, type BatchStream } from '#event-store';
import type { DB } from '#persistence';
import { fieldsOfRecord, OCCURRED_ON_KEY, SCHEMA_VERSION_KEY } from '../record-format.js';

/** Events one copy transaction takes at most. */
const BATCH = 1000;
/** Events read from KurrentDB and not yet copied, past which reading waits. */
const HIGH_WATER = 4 * BATCH;
/** How often a process that does not copy looks for what another copied. */
const POLL_MS = 25;

export interface LogMirrorOptions {
  /** The server, as shown in the records (no credentials). */
  readonly source: string;
  /** How long an append waits for its events to reach the copy before failing (default 30 s). */
  readonly waitMs?: number;
  readonly logger?: { log(message: string): void; warn(message: string): void; error(message: string): void };
  /**
   * Copy only the streams whose names start with this (tests on a shared
   * KurrentDB, which cannot be emptied: each run writes under its own
   * prefix). Unset: every stream but KurrentDB's own.
   */
  readonly onlyStreamsStartingWith?: string;
}

/** The checkpoint of a copy that has copied nothing yet (KurrentDB's positions are never negative). */
const NOTHING = -1;

/** The checkpoint row's position; undefined when nothing is copied yet. */
export function positionOfRow(commit: string, prepare: string): Position | undefined {
  return BigInt(commit) < 0n ? undefined : { commit: BigInt(commit), prepare: BigInt(prepare) };
}

/** A KurrentDB `$all` position, ordered (commit, then prepare). */
const after = (a: Position, b: Position | undefined) => b === undefined || a.commit > b.commit || (a.commit === b.commit && a.prepare > b.prepare);

/**
 * The engine's copy of a KurrentDB log, in its own log tables: a catch-up
 * subscription to `$all` (system events aside) copies every event, in
 * `$all`'s order, with the same stream revisions, into the `events` table
 * of the engine's database — where it gets its dense global position and
 * its place in the hash chain — and records how far it has come in
 * `log_mirror`, in the same transaction. The read models, the policies and
 * every read of the engine read the copy; appends go to KurrentDB and wait
 * until their events are copied (docs/kurrentdb.md).
 *
 * Several processes may copy into one database: each copy transaction
 * locks the `log_mirror` row and skips what another already copied. A copy
 * that would give an event another revision than KurrentDB's (a stream
 * truncated or deleted in KurrentDB, an event id stored twice) stops the
 * copy loudly: the two logs no longer agree, and `cli verify` says where.
 */
export class LogMirror {
  private readonly local: KyselyEventStore;
  private readonly pending: AllStreamResolvedEvent[] = [];
  private readonly copiedIds = new Map<string, bigint>();
  private readonly waiters = new Map<string, Array<(position: bigint) => void>>();
  private checkpoint: Position | undefined;
  private stopped = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private drained: (() => void) | undefined;
  private subscription: ReturnType<KurrentDBClient['subscribeToAll']> | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly client: KurrentDBClient,
    private readonly db: Kysely<DB>,
    private readonly options: LogMirrorOptions,
  ) {
    this.local = new KyselyEventStore(db);
  }

  /** Starts copying (after checking that this database copies this server's log, or nothing yet). */
  async start(): Promise<void> {
    this.checkpoint = await this.readCheckpoint();
    this.running = Promise.all([this.readLoop(), this.copyLoop()]).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.subscription?.unsubscribe().catch(() => undefined);
    this.wake?.();
    this.drained?.();
    await this.running;
  }

  /** Where the copy stands: the server, how far in its `$all` (null: nothing copied yet), and why it stopped, if it did. */
  status(): { source: string; copiedUpTo: { commit: string; prepare: string } | null; stopped: string | null } {
    const at = this.checkpoint;
    return {
      source: this.options.source,
      copiedUpTo: at ? { commit: at.commit.toString(), prepare: at.prepare.toString() } : null,
      stopped: this.failure?.message ?? null,
    };
  }

  /**
   * The copy's global position of an event appended to KurrentDB, once
   * copied (by this process or another copying into the same database).
   */
  async positionOf(eventId: string, waitMs = this.options.waitMs ?? 30_000): Promise<bigint> {
    const id = eventId.toLowerCase();
    const deadline = Date.now() + waitMs;
    for (;;) {
      const known = this.copiedIds.get(id);
      if (known !== undefined) return known;
      if (this.failure) throw this.failure;
      const [stored] = await this.local.readEvents([id]);
      if (stored) return stored.globalPosition;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`the engine's copy of the KurrentDB log did not receive event ${id} within ${waitMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(POLL_MS, remaining));
        const list = this.waiters.get(id) ?? [];
        list.push(done);
        this.waiters.set(id, list);
        function done() {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  }

  /** Waits until the copy holds a stream at least at this revision (bounded: a later read sees what it sees). */
  async reachRevision(streamId: string, revision: number, waitMs = 5_000): Promise<void> {
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline && !this.failure) {
      const actual = await this.local.streamRevision(streamId);
      if (actual !== 'no_stream' && actual >= revision) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async readCheckpoint(): Promise<Position | undefined> {
    // One statement, one snapshot: another process copying into this database writes its first events and the
    // checkpoint row together, and must not be seen half (events, no row: "a log of its own").
    const { rows } = await sql<{ source: string | null; commit_position: string | null; prepare_position: string | null; events: boolean }>`
      select m.source, m.commit_position::text as commit_position, m.prepare_position::text as prepare_position,
             exists (select 1 from events) as events
      from (select 1) one left join log_mirror m on true`.execute(this.db);
    const row = rows[0]!;
    if (row.source !== null && row.source !== this.options.source) {
      throw new Error(`this database holds the copy of the KurrentDB log at ${row.source}, not of ${this.options.source}: give each log its own database`);
    }
    if (row.source === null) {
      if (row.events) throw new Error('this database holds a log of its own (not a copy of a KurrentDB log): run the engine on KurrentDB with a new database (docs/kurrentdb.md)');
      // The row exists before anything is copied, so that every copy transaction (of any process) locks it.
      await this.db
        .insertInto('log_mirror')
        .values({ source: this.options.source, commit_position: String(NOTHING), prepare_position: String(NOTHING), copied_at: new Date() })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      return this.readCheckpoint();
    }
    return positionOfRow(row.commit_position!, row.prepare_position!);
  }

  /** Reads `$all` from the checkpoint, resubscribing after a failure, until stopped. */
  private async readLoop(): Promise<void> {
    while (!this.stopped && !this.failure) {
      const from = this.lastQueuedPosition() ?? this.checkpoint;
      const prefix = this.options.onlyStreamsStartingWith;
      const filter = prefix ? streamNameFilter({ prefixes: [prefix] }) : excludeSystemEvents();
      const subscription = this.client.subscribeToAll({ fromPosition: from ?? START, filter });
      this.subscription = subscription;
      try {
        for await (const resolved of subscription) {
          if (this.stopped) break;
          const position = resolved.event?.position;
          if (!position || !after(position, this.lastQueuedPosition() ?? this.checkpoint)) continue;
          this.pending.push(resolved);
          this.wake?.();
          if (this.pending.length >= HIGH_WATER) await new Promise<void>((resolve) => (this.drained = resolve));
        }
      } catch (error) {
        if (this.stopped) break;
        this.options.logger?.warn(`the subscription to KurrentDB's $all ended (${(error as Error).message}); resubscribing in 1 s`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      } finally {
        await subscription.unsubscribe().catch(() => undefined);
      }
    }
  }

  private lastQueuedPosition(): Position | undefined {
    return this.pending[this.pending.length - 1]?.event?.position;
  }

  /** Copies what was read, a batch per transaction, until stopped. */
  private async copyLoop(): Promise<void> {
    while (!this.stopped) {
      if (this.pending.length === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      const batch = this.pending.splice(0, BATCH);
      if (this.pending.length < HIGH_WATER) {
        this.drained?.();
        this.drained = undefined;
      }
      try {
        await this.copy(batch);
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
        this.options.logger?.error(`the copy of the KurrentDB log stopped: ${this.failure.message}`);
        for (const list of this.waiters.values()) for (const done of list) done(0n);
        this.waiters.clear();
        this.stopped = true;
        this.subscription?.unsubscribe().catch(() => undefined);
        this.drained?.();
        return;
      }
    }
  }

  /** One transaction: lock the checkpoint, skip what another process copied, append the rest at KurrentDB's revisions, move the checkpoint. */
  private async copy(batch: readonly AllStreamResolvedEvent[]): Promise<void> {
    const written = await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('log_mirror').select(['commit_position', 'prepare_position']).forUpdate().executeTakeFirstOrThrow();
      const copied = positionOfRow(row.commit_position, row.prepare_position);
      const fresh = batch.filter((r) => after(r.event!.position, copied));
      if (fresh.length === 0) return { events: [], first: 0n };
      const { streams, events } = toBatch(fresh);
      const { firstPosition } = await new KyselyEventStore(trx).appendBatch(streams, events);
      const last = fresh[fresh.length - 1]!.event!.position;
      const values = { commit_position: last.commit.toString(), prepare_position: last.prepare.toString(), copied_at: new Date() };
      await trx.updateTable('log_mirror').set(values).execute();
      return { events, first: firstPosition };
    });
    this.checkpoint = batch[batch.length - 1]!.event!.position;
    written.events.forEach((e, i) => this.copied(e.eventId, written.first + BigInt(i)));
  }

  private copied(eventId: string, position: bigint): void {
    const id = eventId.toLowerCase();
    this.copiedIds.set(id, position);
    if (this.copiedIds.size > 100_000) this.copiedIds.delete(this.copiedIds.keys().next().value!);
    for (const done of this.waiters.get(id) ?? []) done(position);
    this.waiters.delete(id);
  }
}

/**
 * A record's fields as the copy keeps them: a business date or a version
 * another client wrote that is not one stays in the metadata, as written,
 * rather than stopping the copy.
 */
function copiedFields(custom: unknown): Pick<BatchEvent, 'metadata' | 'occurredOn' | 'schemaVersion'> {
  const raw = custom instanceof Uint8Array ? { $base64: Buffer.from(custom).toString('base64') } : custom;
  const { metadata, occurredOn, schemaVersion } = fieldsOfRecord(raw);
  const dateOk = occurredOn === null || /^\d{4}-\d{2}-\d{2}$/.test(occurredOn);
  const versionOk = Number.isInteger(schemaVersion) && schemaVersion >= 1;
  return {
    metadata: {
      ...metadata,
      ...(dateOk ? {} : { [OCCURRED_ON_KEY]: occurredOn }),
      ...(versionOk ? {} : { [SCHEMA_VERSION_KEY]: (raw as Record<string, unknown>)[SCHEMA_VERSION_KEY] }),
    },
    occurredOn: dateOk ? occurredOn : null,
    schemaVersion: versionOk ? schemaVersion : 1,
  };
}

/**
 * KurrentDB's events as one batch append of the copy: each stream expected
 * at the revision before its first event here (so the copy refuses to give
 * an event another revision than KurrentDB's), events in `$all`'s order.
 */
function toBatch(resolved: readonly AllStreamResolvedEvent[]): { streams: BatchStream[]; events: BatchEvent[] } {
  const streams = new Map<string, BatchStream>();
  const events: BatchEvent[] = [];
  for (const { event } of resolved) {
    const e = event!;
    if (!streams.has(e.streamId)) streams.set(e.streamId, { streamId: e.streamId, expected: e.revision === 0n ? 'no_stream' : Number(e.revision - 1n) });
    events.push(copiedEvent(e));
  }
  return { streams: [...streams.values()], events };
}

/** A KurrentDB record as the copy keeps it (what `cli verify` compares the copy with). */
export function copiedEvent(e: AllStreamRecordedEvent): BatchEvent {
  return {
    streamId: e.streamId,
    eventId: e.id,
    type: e.type,
    // The engine's log holds JSON; a binary record (written by another client) is kept whole, in base64.
    data: e.isJson ? e.data : { $base64: Buffer.from(e.data as Uint8Array).toString('base64') },
    ...copiedFields(e.metadata),
  };
}
