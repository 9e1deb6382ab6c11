import { EventEmitter } from 'node:events';
import { sql, type Kysely } from 'kysely';
import { EventIdConflictError, InvalidAppendError, WrongExpectedRevisionError } from './errors.js';
import type {
  AppendResult,
  BatchEvent,
  BatchStream,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeToAllOptions,
} from './event-store.port.js';

/** Events one group commit takes at most. */
const GROUP_EVENTS = 5000;
/** Largest batch one `append` call takes. */
export const MAX_EVENTS_PER_APPEND = 65_536;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface EventRow {
  global_position: string;
  stream_id: string;
  stream_revision: string;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: EventMetadata;
  occurred_on: string | null;
  recorded_at: Date | string;
  schema_version: number;
}

const EVENT_COLUMNS = sql`global_position::text as global_position, stream_id, stream_revision::text as stream_revision,
  event_id::text as event_id, event_type, data, metadata, occurred_on::text as occurred_on, recorded_at, schema_version`;

// The columns are selected as text under their own names: ORDER BY must name
// the table's column (events.x), or PostgreSQL sorts by the text alias.

/**
 * The event store on Kysely: the same SQL on PostgreSQL (postgres.js) and on
 * embedded PGlite. Built on a Kysely instance, or on a Kysely transaction to
 * append as part of a larger unit of work.
 */
export class KyselyEventStore implements EventStore {
  private readonly appended = new EventEmitter().setMaxListeners(0);

  constructor(private readonly db: Kysely<any>) {}

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision = 'any'): Promise<AppendResult> {
    validateAppend(streamId, events, expected);
    if (events.length === 0) return this.checkEmptyAppend(streamId, expected);
    if (this.db.isTransaction) return this.appendAlone(streamId, events, expected);
    const [result] = await this.grouped([{ streamId, events, expected }], async () => [await this.appendAlone(streamId, events, expected)]);
    return result!;
  }

  /** One append in its own statement (retried when the same ids were appended concurrently). */
  private async appendAlone(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.callAppend(streamId, events, expected);
        if (result.recorded) this.appended.emit('appended');
        return result;
      } catch (error) {
        // 40001: the same event ids were appended concurrently by another
        // transaction; the next attempt sees them and answers as a retry.
        const retriable = (error as { code?: string }).code === '40001' && !this.db.isTransaction;
        if (!retriable || attempt >= 3) throw error;
      }
    }
  }

  async appendMultiple(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    for (const a of appends) validateAppend(a.streamId, a.events, a.expected);
    if (new Set(appends.map((a) => a.streamId)).size !== appends.length) {
      throw new InvalidAppendError('a multi-stream append names each stream once');
    }
    if (appends.length === 1 && appends[0]!.events.length > 0) {
      const only = appends[0]!;
      return [await this.append(only.streamId, only.events, only.expected)];
    }
    if (this.db.isTransaction || appends.every((a) => a.events.length === 0)) return this.appendMultipleAlone(appends);
    return this.grouped(appends, () => this.appendMultipleAlone(appends));
  }

  /** A multi-stream append in its own statement. */
  private async appendMultipleAlone(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    // Lock streams in one order so that two multi-stream appends cannot deadlock.
    const ordered = [...appends].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
    for (let attempt = 1; ; attempt++) {
      try {
        const results = await this.inSavepoint(() => this.callAppendMultiple(ordered, appends));
        if (results.some((r) => r.recorded)) this.appended.emit('appended');
        return results;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'UE002') return this.explainMultipleDuplicate(appends);
        if (code === 'UE001') throw wrongRevision(error, appends);
        if (code !== '40001' || attempt >= 3 || this.db.isTransaction) throw error;
      }
    }
  }

  async appendBatch(streams: readonly BatchStream[], events: readonly BatchEvent[]): Promise<{ firstPosition: bigint; lastPosition: bigint }> {
    for (const st of streams) validateAppend(st.streamId, [], st.expected);
    validateAppend('batch', events, 'any');
    const { lastPosition } = await this.callBatch(streams, events);
    if (events.length) this.appended.emit('appended');
    return { firstPosition: events.length ? lastPosition - BigInt(events.length) + 1n : 0n, lastPosition };
  }

  /** `append_batch`: each stream's revision afterwards, and the last position. */
  private async callBatch(
    streams: readonly BatchStream[],
    events: readonly BatchEvent[],
  ): Promise<{ revisions: Map<string, number | 'no_stream'>; lastPosition: bigint }> {
    const ordered = [...streams].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
    const index = new Map(ordered.map((st, i) => [st.streamId, i]));
    if (index.size !== ordered.length) throw new InvalidAppendError('a batch append names each stream once');
    const counts = ordered.map(() => 0);
    const streamOf: number[] = [];
    const offsetOf: number[] = [];
    for (const e of events) {
      const i = index.get(e.streamId);
      if (i === undefined) throw new InvalidAppendError(`event ${e.eventId} names stream ${e.streamId}, which the batch does not list`);
      streamOf.push(i + 1);
      offsetOf.push(counts[i]!++);
    }
    try {
      const { rows } = await this.inSavepoint(() =>
        sql<{ stream: string; revision: string | null; last: string | null }>`
          select o_stream as stream, o_revision::text as revision, o_last_position::text as last from append_batch(
            ${ordered.map((st) => st.streamId)}::text[], ${ordered.map((st) => String(st.expected))}::text[], ${counts}::int[],
            ${streamOf}::int[], ${offsetOf}::int[],
            ${events.map((e) => e.eventId.toLowerCase())}::uuid[], ${events.map((e) => e.type)}::text[],
            ${events.map((e) => JSON.stringify(e.data ?? null))}::text[], ${events.map((e) => JSON.stringify(e.metadata ?? {}))}::text[],
            ${events.map((e) => e.occurredOn ?? null)}::date[], ${events.map((e) => e.schemaVersion ?? 1)}::int[])`.execute(this.db),
      );
      return {
        revisions: new Map(rows.map((r) => [r.stream, r.revision === null ? ('no_stream' as const) : Number(r.revision)])),
        lastPosition: rows[0]?.last ? BigInt(rows[0].last) : 0n,
      };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'UE002') throw new EventIdConflictError(String((error as { detail?: string }).detail ?? ''), []);
      if (code === 'UE001') throw wrongRevision(error, streams);
      throw error;
    }
  }

  // ── group commit ─────────────────────────────────────────────────────────
  //
  // Appends made while another is being written wait, and go together in the
  // next statement (append_batch): the log's head lock and the commit flush
  // are paid once per group. Appends to disjoint streams share a group; one
  // whose stream is already in the group waits for the next. If the group's
  // statement fails on a revision or an id, each append runs alone instead,
  // so that each gets exactly its own answer or error.

  private readonly queue: Array<{
    readonly appends: readonly StreamAppend[];
    readonly alone: () => Promise<AppendResult[]>;
    readonly resolve: (results: AppendResult[]) => void;
    readonly reject: (error: unknown) => void;
  }> = [];
  private flushing = false;

  private grouped(appends: readonly StreamAppend[], alone: () => Promise<AppendResult[]>): Promise<AppendResult[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ appends, alone, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const group: typeof this.queue = [];
        const streams = new Set<string>();
        let events = 0;
        for (let i = 0; i < this.queue.length && events < GROUP_EVENTS; ) {
          const job = this.queue[i]!;
          if (job.appends.some((a) => streams.has(a.streamId))) {
            i++;
            continue;
          }
          group.push(job);
          for (const a of job.appends) streams.add(a.streamId);
          events += job.appends.reduce((n, a) => n + a.events.length, 0);
          this.queue.splice(i, 1);
        }
        if (group.length === 1) await group[0]!.alone().then(group[0]!.resolve, group[0]!.reject);
        else await this.flushGroup(group);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async flushGroup(group: typeof this.queue): Promise<void> {
    const appends = group.flatMap((job) => job.appends);
    try {
      const { revisions, lastPosition } = await this.callBatch(
        appends.map((a) => ({ streamId: a.streamId, expected: a.expected })),
        appends.flatMap((a) => a.events.map((e) => ({ ...e, streamId: a.streamId }))),
      );
      let position = lastPosition - BigInt(appends.reduce((n, a) => n + a.events.length, 0));
      for (const job of group) {
        job.resolve(
          job.appends.map((a) => {
            const revision = revisions.get(a.streamId) ?? 'no_stream';
            if (a.events.length) position += BigInt(a.events.length);
            return { nextExpectedRevision: revision === 'no_stream' ? -1 : revision, lastPosition: a.events.length ? position : 0n, recorded: a.events.length > 0 };
          }),
        );
      }
      this.appended.emit('appended');
    } catch (error) {
      const each = error instanceof WrongExpectedRevisionError || error instanceof EventIdConflictError || (error as { code?: string }).code === '40001';
      for (const job of group) {
        if (each) await job.alone().then(job.resolve, job.reject);
        else job.reject(error);
      }
    }
  }

  /**
   * Inside the caller's transaction, a failed statement would abort it: a
   * savepoint keeps it usable (the refusal is then explained, and the caller
   * decides).
   */
  private async inSavepoint<T>(work: () => Promise<T>): Promise<T> {
    if (!this.db.isTransaction) return work();
    await sql`savepoint uce_append`.execute(this.db);
    try {
      const result = await work();
      await sql`release savepoint uce_append`.execute(this.db);
      return result;
    } catch (error) {
      await sql`rollback to savepoint uce_append`.execute(this.db);
      throw error;
    }
  }

  /** All streams in one statement: append_multiple raises (undoing everything) unless all succeed. */
  private async callAppendMultiple(ordered: readonly StreamAppend[], appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const events = ordered.flatMap((a) => a.events);
    const { rows } = await sql<{ stream: string; revision: string | null; last: string | null }>`
      select o_stream as stream, o_revision::text as revision, o_last_position::text as last
      from append_multiple(
        ${ordered.map((a) => a.streamId)}::text[], ${ordered.map((a) => String(a.expected))}::text[], ${ordered.map((a) => a.events.length)}::int[],
        ${events.map((e) => e.eventId.toLowerCase())}::uuid[], ${events.map((e) => e.type)}::text[],
        ${events.map((e) => JSON.stringify(e.data ?? null))}::text[], ${events.map((e) => JSON.stringify(e.metadata ?? {}))}::text[],
        ${events.map((e) => e.occurredOn ?? null)}::date[], ${events.map((e) => e.schemaVersion ?? 1)}::int[])`.execute(this.db);
    const byStream = new Map(rows.map((r) => [r.stream, r]));
    return appends.map((a) => {
      const r = byStream.get(a.streamId)!;
      return {
        nextExpectedRevision: r.revision === null ? -1 : Number(r.revision),
        lastPosition: r.last === null ? 0n : BigInt(r.last),
        recorded: a.events.length > 0,
      };
    });
  }

  private async explainMultipleDuplicate(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const withEvents = appends.filter((a) => a.events.length > 0);
    const results = new Map<string, AppendResult>();
    for (const a of withEvents) results.set(a.streamId, await this.explainDuplicate(a.streamId, a.events));
    return Promise.all(appends.map(async (a) => results.get(a.streamId) ?? this.checkEmptyAppend(a.streamId, 'any')));
  }

  async readEvents(eventIds: readonly string[]): Promise<RecordedEvent[]> {
    if (eventIds.length === 0) return [];
    const { rows } = await sql<EventRow>`
      select ${EVENT_COLUMNS} from events
      where event_id = any(${eventIds.map((id) => id.toLowerCase())}::uuid[])
      order by events.global_position`.execute(this.db);
    return rows.map(toRecorded);
  }

  private async callAppend(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const { rows } = await sql<{ outcome: 'ok' | 'duplicate' | 'wrong_revision'; revision: string | null; last: string | null }>`
      select o_outcome as outcome, o_revision::text as revision, o_last_position::text as last
      from append_to_stream(${streamId}, ${String(expected)},
        ${events.map((e) => e.eventId.toLowerCase())}::uuid[], ${events.map((e) => e.type)}::text[],
        ${events.map((e) => JSON.stringify(e.data ?? null))}::text[], ${events.map((e) => JSON.stringify(e.metadata ?? {}))}::text[],
        ${events.map((e) => e.occurredOn ?? null)}::date[], ${events.map((e) => e.schemaVersion ?? 1)}::int[])`.execute(this.db);
    const row = rows[0];
    if (row?.outcome === 'ok') {
      return { nextExpectedRevision: Number(row.revision), lastPosition: BigInt(row.last ?? 0), recorded: true };
    }
    if (row?.outcome === 'wrong_revision') {
      throw new WrongExpectedRevisionError(streamId, expected, row.revision === null ? 'no_stream' : Number(row.revision));
    }
    return this.explainDuplicate(streamId, events);
  }

  private async checkEmptyAppend(streamId: string, expected: ExpectedRevision): Promise<AppendResult> {
    const actual = await this.revisionOf(this.db, streamId);
    if (!matches(expected, actual)) throw new WrongExpectedRevisionError(streamId, expected, actual);
    return { nextExpectedRevision: actual === 'no_stream' ? -1 : actual, lastPosition: 0n, recorded: false };
  }

  /**
   * Some of the events are already stored: if all of them are, in this
   * stream, the append is a retry of an earlier one and succeeds without
   * writing; otherwise it conflicts.
   */
  private async explainDuplicate(streamId: string, events: readonly NewEvent[]): Promise<AppendResult> {
    const ids = events.map((e) => e.eventId.toLowerCase());
    const { rows: stored } = await sql<{ event_id: string; stream_id: string; stream_revision: string; global_position: string }>`
      select event_id::text as event_id, stream_id, stream_revision::text as stream_revision, global_position::text as global_position
      from events where event_id = any(${ids}::uuid[])`.execute(this.db);
    if (stored.length === ids.length && stored.every((r) => r.stream_id === streamId)) {
      return {
        nextExpectedRevision: Math.max(...stored.map((r) => Number(r.stream_revision))),
        lastPosition: stored.reduce((max, r) => (BigInt(r.global_position) > max ? BigInt(r.global_position) : max), 0n),
        recorded: false,
      };
    }
    throw new EventIdConflictError(streamId, stored.map((r) => r.event_id));
  }

  async streamRevision(streamId: string): Promise<number | 'no_stream'> {
    return this.revisionOf(this.db, streamId);
  }

  private async revisionOf(db: Kysely<any>, streamId: string): Promise<number | 'no_stream'> {
    const { rows } = await sql<{ revision: string }>`
      select revision::text as revision from event_streams where stream_id = ${streamId}`.execute(db);
    return rows[0] ? Number(rows[0].revision) : 'no_stream';
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision;
    const bound =
      from === undefined ? sql`true` : backwards ? sql`stream_revision <= ${from}` : sql`stream_revision >= ${from}`;
    const { rows } = await sql<EventRow>`
      select ${EVENT_COLUMNS} from events
      where stream_id = ${streamId} and ${bound}
      order by events.stream_revision ${backwards ? sql`desc` : sql`asc`}
      ${limit(options.maxCount)}`.execute(this.db);
    return rows.map(toRecorded);
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const result = new Map<string, RecordedEvent[]>(streamIds.map((id) => [id, []]));
    if (streamIds.length === 0) return result;
    // One index range per stream, whatever the planner's statistics say (without them, a list of ids
    // looked up with = any(…) was estimated at thousands of rows each and read by scanning the whole log).
    const { rows } = await sql<EventRow>`
      select e.* from unnest(${[...new Set(streamIds)]}::text[]) as s(id)
      cross join lateral (select ${EVENT_COLUMNS} from events where events.stream_id = s.id order by events.stream_revision) e`.execute(this.db);
    for (const row of rows) result.get(row.stream_id)?.push(toRecorded(row));
    return result;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const { rows } = await sql<EventRow>`
      select ${EVENT_COLUMNS} from events
      where global_position >= ${(options.fromPosition ?? 0n).toString()}::bigint
      order by events.global_position
      ${limit(options.maxCount)}`.execute(this.db);
    return rows.map(toRecorded);
  }

  async headPosition(): Promise<bigint> {
    const { rows } = await sql<{ head: string | null }>`
      select max(global_position)::text as head from events`.execute(this.db);
    return BigInt(rows[0]?.head ?? 0);
  }

  async *subscribeToAll(options: SubscribeToAllOptions = {}): AsyncIterable<RecordedEvent> {
    const batchSize = options.batchSize ?? 500;
    const pollIntervalMs = options.pollIntervalMs ?? 50;
    const { signal } = options;
    let from = (options.afterPosition ?? 0n) + 1n;
    while (!signal?.aborted) {
      const batch = await this.readAll({ fromPosition: from, maxCount: batchSize });
      for (const event of batch) {
        if (signal?.aborted) return;
        from = event.globalPosition + 1n;
        yield event;
      }
      if (batch.length < batchSize) await this.nextAppendOrTimeout(pollIntervalMs, signal);
    }
  }

  /** Waits for an append in this process, the poll interval, or the abort. */
  private nextAppendOrTimeout(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.appended.off('appended', done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.appended.once('appended', done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

/** UE001 from the SQL functions (DETAIL: stream, actual revision) as the port's error. */
function wrongRevision(error: unknown, streams: ReadonlyArray<{ streamId: string; expected: ExpectedRevision }>): WrongExpectedRevisionError {
  const [streamId, actual] = String((error as { detail?: string }).detail ?? '').split('\u001f');
  const expected = streams.find((st) => st.streamId === streamId)?.expected ?? 'any';
  return new WrongExpectedRevisionError(streamId ?? '', expected, actual === 'no_stream' || actual === undefined ? 'no_stream' : Number(actual));
}

function matches(expected: ExpectedRevision, actual: number | 'no_stream'): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === 'no_stream';
  if (expected === 'stream_exists') return actual !== 'no_stream';
  return actual === expected;
}

function limit(maxCount: number | undefined) {
  return maxCount === undefined ? sql`` : sql`limit ${Math.max(0, Math.floor(maxCount))}`;
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    type: row.event_type,
    data: row.data,
    streamId: row.stream_id,
    streamRevision: Number(row.stream_revision),
    globalPosition: BigInt(row.global_position),
    occurredOn: row.occurred_on,
    recordedAt: row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at),
    metadata: row.metadata ?? {},
    schemaVersion: row.schema_version,
  };
}

function validateAppend(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): void {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > 500) {
    throw new InvalidAppendError('a stream id is a non-empty string of at most 500 characters');
  }
  if (typeof expected === 'number' && (!Number.isSafeInteger(expected) || expected < 0)) {
    throw new InvalidAppendError(`expected revision must be a non-negative integer, got ${expected}`);
  }
  if (events.length > MAX_EVENTS_PER_APPEND) {
    throw new InvalidAppendError(`at most ${MAX_EVENTS_PER_APPEND} events per append, got ${events.length}`);
  }
  const seen = new Set<string>();
  for (const e of events) {
    if (!UUID.test(e.eventId)) throw new InvalidAppendError(`event id must be a UUID, got "${e.eventId}"`);
    const id = e.eventId.toLowerCase();
    if (seen.has(id)) throw new InvalidAppendError(`event id ${id} appears twice in one append`);
    seen.add(id);
    if (typeof e.type !== 'string' || e.type.length === 0) throw new InvalidAppendError('an event needs a type');
    if (e.occurredOn != null && !DATE.test(e.occurredOn)) {
      throw new InvalidAppendError(`occurredOn must be YYYY-MM-DD, got "${e.occurredOn}"`);
    }
    if (e.schemaVersion !== undefined && (!Number.isInteger(e.schemaVersion) || e.schemaVersion < 1)) {
      throw new InvalidAppendError(`schemaVersion must be a positive integer, got ${e.schemaVersion}`);
    }
  }
}
