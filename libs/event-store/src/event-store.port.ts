/**
 * The event-store port: what the engine needs from a log of events, with the
 * semantics users of EventStoreDB / KurrentDB expect. Implementations: Kysely
 * on PostgreSQL or PGlite (this lib); others (KurrentDB) can sit behind it.
 */

/** Expected state of a stream when appending (optimistic concurrency). */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

/** Who and what caused an event; kept with it forever. */
export interface EventMetadata {
  /** Who recorded it (a user, a token's subject, an importer run). */
  readonly actor?: string;
  /** Shared by every event recorded on behalf of one request or import. */
  readonly correlationId?: string;
  /** The id of the command (or event) that caused this event. */
  readonly causationId?: string;
  readonly [key: string]: unknown;
}

/** An event to append. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  /** A UUID. Appending an event whose id is already stored records nothing. */
  readonly eventId: string;
  readonly type: Type;
  readonly data: Data;
  /** Business date (YYYY-MM-DD) when the fact happened in the world. */
  readonly occurredOn?: string | null;
  readonly metadata?: EventMetadata;
  /** Version of the event's data shape; defaults to 1. */
  readonly schemaVersion?: number;
}

/** An event as stored. */
export interface RecordedEvent<Type extends string = string, Data = unknown> {
  readonly eventId: string;
  readonly type: Type;
  readonly data: Data;
  readonly streamId: string;
  /** 0-based index of the event within its stream. */
  readonly streamRevision: number;
  /** Position in the global order of the log: 1, 2, 3, … in commit order. */
  readonly globalPosition: bigint;
  readonly occurredOn: string | null;
  /** When the store recorded it (the transaction's time). */
  readonly recordedAt: Date;
  readonly metadata: EventMetadata;
  readonly schemaVersion: number;
}

export interface AppendResult {
  /** The stream's revision after the append: pass it as `expected` next time. */
  readonly nextExpectedRevision: number;
  /** Global position of the last event appended (or already stored). */
  readonly lastPosition: bigint;
  /** False when every event was already stored (an idempotent retry). */
  readonly recorded: boolean;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  /** Revision to start from, inclusive (default: start or end, by direction). */
  readonly fromRevision?: number;
  readonly direction?: Direction;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Global position to start from, inclusive (default: the beginning). */
  readonly fromPosition?: bigint;
  readonly maxCount?: number;
}

export interface SubscribeToAllOptions {
  /** Deliver events after this position (a checkpoint); default: from the start. */
  readonly afterPosition?: bigint;
  /** Events fetched per read (default 500). */
  readonly batchSize?: number;
  /** How often to look for new events when idle, in ms (default 50). */
  readonly pollIntervalMs?: number;
  readonly signal?: AbortSignal;
}

/** One stream's part of a multi-stream append. */
export interface StreamAppend {
  readonly streamId: string;
  /** May be empty: then the stream's revision is only checked (and held until commit). */
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedRevision;
}

/** A stream in a batch append: checked (and held) at its expected state; written when batch events name it. */
export interface BatchStream {
  readonly streamId: string;
  readonly expected: ExpectedRevision;
}

/** An event of a batch append, naming its stream. */
export interface BatchEvent extends NewEvent {
  readonly streamId: string;
}

export interface EventStore {
  /**
   * Appends atomically: all events or none. Throws WrongExpectedRevisionError
   * when the stream is not in the expected state.
   */
  append(streamId: string, events: readonly NewEvent[], expected?: ExpectedRevision): Promise<AppendResult>;

  /**
   * Appends to several streams atomically (as KurrentDB's multi-stream
   * append): every stream must be in its expected state, or nothing is
   * written. A stream with no events is only checked, and cannot change
   * until the append commits. If every event is already stored, it is an
   * idempotent retry: nothing is written and `recorded` is false.
   */
  appendMultiple(appends: readonly StreamAppend[]): Promise<AppendResult[]>;

  /**
   * Appends many commands' events atomically, positioned in the order given
   * (not grouped by stream): every stream must be in its expected state, a
   * stream no event names is only checked and held until commit, and no
   * event id may be stored already — else nothing is written
   * (WrongExpectedRevisionError, EventIdConflictError). Returns the positions
   * of the first and last events (0n when there are none).
   */
  appendBatch(streams: readonly BatchStream[], events: readonly BatchEvent[]): Promise<{ firstPosition: bigint; lastPosition: bigint }>;

  /** Stored events by id (those that exist), in global order. */
  readEvents(eventIds: readonly string[]): Promise<RecordedEvent[]>;

  /** Events of one stream, in revision order. An unknown stream reads empty. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** Several streams at once (one round trip): each stream's events in revision order; unknown streams read empty. */
  readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>>;

  /** Current revision of a stream, or 'no_stream'. */
  streamRevision(streamId: string): Promise<number | 'no_stream'>;

  /**
   * Events of every stream in the one global order. Positions are given in
   * commit order, so this order never changes behind a reader: no event can
   * later appear below one already read.
   */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;

  /**
   * Every event after a checkpoint, in global order, exactly once, then new
   * events as they are appended; ends when the signal aborts.
   */
  subscribeToAll(options?: SubscribeToAllOptions): AsyncIterable<RecordedEvent>;

  /** Position of the last final event (0n on an empty log). */
  headPosition(): Promise<bigint>;
}
