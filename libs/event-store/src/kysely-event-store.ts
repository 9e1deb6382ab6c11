import { EventEmitter } from 'node:events';
import { sql, type Kysely } from 'kysely';
import type { DB } from '#persistence';
import { EventIdConflictError, InvalidAppendError, WrongExpectedRevisionError } from './errors.js';
import { EVENT_COLUMNS, limit, toRecorded, type EventRow } from './event-rows.js';
import { GroupCommit } from './group-commit.js';
import { matches, validateAppend, wrongRevision } from './validate-append.js';
import type {
  AppendResult,
  BatchEvent,
  BatchStream,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeToAllOptions,
} from './event-store.port.js';

/**
 * The event store on Kysely: the same SQL on PostgreSQL (postgres.js) and on
 * embedded PGlite. Built on a Kysely instance, or on a Kysely transaction to
 * append as part of a larger unit of work.
 */
export class KyselyEventStore implements EventStore {
  private readonly appended = new EventEmitter().setMaxListeners(0);

  private readonly group = new GroupCommit(
    (streams, events) => this.callBatch(streams, events),
    () => this.appended.emit('appended'),
  );

  constructor(private readonly db: Kysely<DB>) {}

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision = 'any'): Promise<AppendResult> {
    validateAppend(streamId, events, expected);
    if (events.length === 0) return this.checkEmptyAppend(streamId, expected);
    if (this.db.isTransaction) return this.appendAlone(streamId, events, expected);
    const [result] = await this.group.submit([{ streamId, events, expected }], async () => [await this.appendAlone(streamId, events, expected)]);
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
    return this.group.submit(appends, () => this.appendMultipleAlone(appends));
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

  private async revisionOf(db: Kysely<DB>, streamId: string): Promise<number | 'no_stream'> {
    const row = await db
      .selectFrom('event_streams')
      .select((eb) => eb.cast<string>('revision', 'text').as('revision'))
      .where('stream_id', '=', streamId)
      .executeTakeFirst();
    return row ? Number(row.revision) : 'no_stream';
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

