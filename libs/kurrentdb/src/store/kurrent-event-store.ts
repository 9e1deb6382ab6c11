import {
  AppendConsistencyViolationError,
  jsonEvent,
  STREAM_STATE,
  WrongExpectedVersionError,
  type AppendStreamState,
  type ConsistencyCheck,
  type EventData,
  type KurrentDBClient,
} from '@kurrent/kurrentdb-client';
import {
  EventIdConflictError,
  InvalidAppendError,
  WrongExpectedRevisionError,
  type AppendResult,
  type BatchEvent,
  type BatchStream,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
  type SubscribeToAllOptions,
  validateAppend,
} from '#event-store';
import { recordMetadata, recordProperties } from '../record-format.js';
import type { LogMirror } from './log-mirror.js';

/**
 * The event-store port on KurrentDB (EVENTSTORE_URL): appends go to
 * KurrentDB, which checks each stream's expected state and orders the log;
 * reads come from the engine's copy of that log (LogMirror), in which every
 * event has the same stream revision as in KurrentDB, a dense global
 * position and its place in the hash chain. An append returns once its
 * events are in the copy, so that this process reads what it wrote; every
 * read first waits for the last append this process made.
 *
 * One-stream appends use KurrentDB's classic Append (every version); a
 * command that writes or checks several streams uses AppendRecords
 * (KurrentDB 26.1 and later: several streams, in one order, with
 * consistency checks, atomically) — the same guarantee as the PostgreSQL
 * store's multi-stream append (docs/kurrentdb.md).
 */
export class KurrentEventStore implements EventStore {
  /** The last event this process appended: reads wait until it is copied. */
  private lastAppended: string | undefined;
  /** Per stream, the last append of this process touching it (see `exclusive`). */
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly client: KurrentDBClient,
    private readonly mirror: LogMirror,
    /** The copy, read as an event store. */
    private readonly copy: EventStore,
  ) {}

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision = 'any'): Promise<AppendResult> {
    validateAppend(streamId, events, expected);
    await this.fresh();
    if (events.length === 0) return this.copy.append(streamId, [], expected);
    return this.exclusive([streamId], () => this.appendOne(streamId, events, expected));
  }

  private async appendOne(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const retry = await this.retryOf([{ streamId, events, expected }]);
    if (retry) return retry[0]!;
    const records = toRecords(streamId, events, 'json');
    try {
      const result = await this.client.appendToStream(streamId, records, { streamState: streamState(expected) });
      const lastPosition = await this.copied(events);
      return { nextExpectedRevision: Number(result.nextExpectedRevision), lastPosition, recorded: true };
    } catch (error) {
      throw await this.explain(error, [{ streamId, expected }]);
    }
  }

  async appendMultiple(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    for (const a of appends) validateAppend(a.streamId, a.events, a.expected);
    if (new Set(appends.map((a) => a.streamId)).size !== appends.length) throw new InvalidAppendError('a multi-stream append names each stream once');
    if (appends.length === 1 && appends[0]!.events.length > 0) return [await this.append(appends[0]!.streamId, appends[0]!.events, appends[0]!.expected)];
    await this.fresh();
    if (appends.every((a) => a.events.length === 0)) return this.copy.appendMultiple(appends);
    return this.exclusive(
      appends.map((a) => a.streamId),
      () => this.appendSeveral(appends),
    );
  }

  private async appendSeveral(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const retry = await this.retryOf(appends);
    if (retry) return retry;
    const events = appends.flatMap((a) => a.events.map((e) => ({ ...e, streamId: a.streamId })));
    await this.appendRecords(appends, events);
    return Promise.all(
      appends.map(async (a) => {
        if (a.events.length === 0) return this.checkedOnly(a.streamId);
        const [last] = await this.copy.readEvents([a.events[a.events.length - 1]!.eventId]);
        return { nextExpectedRevision: last!.streamRevision, lastPosition: last!.globalPosition, recorded: true };
      }),
    );
  }

  /** The answer for a stream a multi-stream append only checked: its revision. */
  private async checkedOnly(streamId: string): Promise<AppendResult> {
    const actual = await this.copy.streamRevision(streamId);
    return { nextExpectedRevision: actual === 'no_stream' ? -1 : actual, lastPosition: 0n, recorded: false };
  }

  async appendBatch(streams: readonly BatchStream[], events: readonly BatchEvent[]): Promise<{ firstPosition: bigint; lastPosition: bigint }> {
    for (const st of streams) validateAppend(st.streamId, [], st.expected);
    validateAppend('batch', events, 'any');
    await this.fresh();
    if (events.length === 0) {
      await this.copy.appendBatch(streams, []);
      return { firstPosition: 0n, lastPosition: 0n };
    }
    const named = new Set(streams.map((st) => st.streamId));
    for (const e of events) if (!named.has(e.streamId)) throw new InvalidAppendError(`event ${e.eventId} names stream ${e.streamId}, which the batch does not list`);
    return this.exclusive([...named], async () => {
      const stored = await this.copy.readEvents(events.map((e) => e.eventId));
      if (stored.length > 0) throw new EventIdConflictError(stored[0]!.streamId, stored.map((e) => e.eventId));
      await this.appendRecords(streams, events);
      const [first, last] = await Promise.all([this.mirror.positionOf(events[0]!.eventId), this.mirror.positionOf(events[events.length - 1]!.eventId)]);
      return { firstPosition: first, lastPosition: last };
    });
  }

  /**
   * Runs appends touching the same streams one after the other in this
   * process, so that a retry sees the events of the append it repeats in
   * the copy (and is answered as a retry) rather than racing it to KurrentDB.
   */
  private async exclusive<T>(streamIds: readonly string[], work: () => Promise<T>): Promise<T> {
    const before = streamIds.flatMap((id) => this.tails.get(id) ?? []);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    for (const id of streamIds) this.tails.set(id, mine);
    await Promise.all(before);
    try {
      return await work();
    } finally {
      release();
      for (const id of streamIds) if (this.tails.get(id) === mine) this.tails.delete(id);
    }
  }

  /** AppendRecords: the events in the order given, each stream checked at its expected state; then waits for the copy. */
  private async appendRecords(streams: ReadonlyArray<{ streamId: string; expected: ExpectedRevision }>, events: readonly BatchEvent[]): Promise<void> {
    const checks: ConsistencyCheck[] = streams
      .filter((st) => st.expected !== 'any')
      .map((st) => ({ type: STREAM_STATE, streamName: st.streamId, expectedState: streamState(st.expected) }));
    const records = events.map((e) => ({ streamName: e.streamId, record: toRecords(e.streamId, [e], 'properties')[0]! }));
    try {
      await this.client.appendRecords(records, checks);
    } catch (error) {
      throw await this.explain(error, streams);
    }
    this.lastAppended = events[events.length - 1]!.eventId;
    await this.mirror.positionOf(this.lastAppended);
  }

  /**
   * An append whose events are all stored already, each in its stream: a
   * retry, answered from the copy without writing; some stored, or stored
   * elsewhere: EventIdConflictError. Undefined when none is stored.
   */
  private async retryOf(appends: readonly StreamAppend[]): Promise<AppendResult[] | undefined> {
    const ids = appends.flatMap((a) => a.events.map((e) => e.eventId.toLowerCase()));
    const stored = await this.copy.readEvents(ids);
    if (stored.length === 0) return undefined;
    const streamOf = new Map(appends.flatMap((a) => a.events.map((e) => [e.eventId.toLowerCase(), a.streamId] as const)));
    if (stored.length !== ids.length || stored.some((e) => streamOf.get(e.eventId) !== e.streamId)) {
      throw new EventIdConflictError(appends[0]!.streamId, stored.map((e) => e.eventId));
    }
    return Promise.all(
      appends.map(async (a) => {
        if (a.events.length === 0) return this.checkedOnly(a.streamId);
        const mine = stored.filter((e) => e.streamId === a.streamId);
        return {
          nextExpectedRevision: Math.max(...mine.map((e) => e.streamRevision)),
          lastPosition: mine.reduce((max, e) => (e.globalPosition > max ? e.globalPosition : max), 0n),
          recorded: false,
        };
      }),
    );
  }

  /** Waits for the events of a one-stream append to be copied: the copy's position of the last. */
  private async copied(events: readonly NewEvent[]): Promise<bigint> {
    this.lastAppended = events[events.length - 1]!.eventId;
    return this.mirror.positionOf(this.lastAppended);
  }

  /**
   * KurrentDB's refusal as the port's: a stream not in its expected state
   * (after waiting for the copy to hold the revision KurrentDB has, so that
   * the caller's next read decides on it).
   */
  private async explain(error: unknown, streams: ReadonlyArray<{ streamId: string; expected: ExpectedRevision }>): Promise<unknown> {
    if (error instanceof WrongExpectedVersionError) {
      const streamId = error.streamName;
      const actual = typeof error.actualState === 'bigint' ? Number(error.actualState) : 'no_stream';
      if (actual !== 'no_stream') await this.mirror.reachRevision(streamId, actual);
      return new WrongExpectedRevisionError(streamId, streams.find((st) => st.streamId === streamId)?.expected ?? 'any', actual);
    }
    if (error instanceof AppendConsistencyViolationError) {
      const [violation] = error.violations;
      if (violation) {
        const actual = typeof violation.actualState === 'bigint' ? Number(violation.actualState) : 'no_stream';
        if (actual !== 'no_stream') await this.mirror.reachRevision(violation.streamName, actual);
        return new WrongExpectedRevisionError(violation.streamName, streams.find((st) => st.streamId === violation.streamName)?.expected ?? 'any', actual);
      }
    }
    return error;
  }

  /** Reads wait until this process's last append is in the copy. */
  private async fresh(): Promise<void> {
    if (this.lastAppended) await this.mirror.positionOf(this.lastAppended);
  }

  async readEvents(eventIds: readonly string[]): Promise<RecordedEvent[]> {
    await this.fresh();
    return this.copy.readEvents(eventIds);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    await this.fresh();
    return this.copy.readStream(streamId, options);
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    await this.fresh();
    return this.copy.readStreams(streamIds);
  }

  async streamRevision(streamId: string): Promise<number | 'no_stream'> {
    await this.fresh();
    return this.copy.streamRevision(streamId);
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    await this.fresh();
    return this.copy.readAll(options);
  }

  subscribeToAll(options?: SubscribeToAllOptions): AsyncIterable<RecordedEvent> {
    return this.copy.subscribeToAll(options);
  }

  async headPosition(): Promise<bigint> {
    await this.fresh();
    return this.copy.headPosition();
  }
}

function streamState(expected: ExpectedRevision): AppendStreamState {
  return typeof expected === 'number' ? BigInt(expected) : expected;
}

/**
 * The engine's events as KurrentDB records (record-format.ts): metadata as
 * a JSON object for the classic Append, as a map of strings for
 * AppendRecords.
 */
function toRecords(streamId: string, events: readonly NewEvent[], form: 'json' | 'properties'): EventData[] {
  return events.map((e) => {
    if (e.type.startsWith('$')) throw new InvalidAppendError(`an event type starting with "$" is KurrentDB's own (stream ${streamId})`);
    const metadata = form === 'json' ? recordMetadata(e) : recordProperties(e);
    return jsonEvent({ id: e.eventId.toLowerCase(), type: e.type, data: (e.data ?? null) as never, metadata: metadata as never });
  });
}
