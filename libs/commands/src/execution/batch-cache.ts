import { areaStream, evolveArea, initialAreaState, type AreaEvent, type AreaState } from '#domain';
import type { EventStore, RecordedEvent } from '#event-store';
import { AreaDirectory } from './area-directory.js';
import { UnitOfWork, type DomainEvent } from './unit-of-work.js';

type SeenEvent = Pick<RecordedEvent, 'type' | 'data' | 'streamRevision'>;

/** A stream as a batch sees it: what the store holds, then what earlier commands of the batch staged. */
interface CachedStream {
  readonly stored: readonly SeenEvent[];
  readonly revision: number | 'no_stream';
  staged: DomainEvent[];
  /** Carried over from the previous batch, whose append may still be in flight: not yet readable from the store. */
  readonly carried?: boolean;
}

/** The streams a decided batch appends to, as they stand once its append commits: what the next batch is decided on. */
export type Carry = ReadonlyMap<string, CachedStream>;

/** The streams of one batch, read once, with the events its commands stage as they are decided. */
export class BatchCache {
  private readonly streams: Map<string, CachedStream>;

  constructor(
    private readonly store: EventStore,
    carry?: Carry,
  ) {
    this.streams = new Map(carry);
  }

  async prefetch(streamIds: readonly string[]): Promise<void> {
    const missing = [...new Set(streamIds)].filter((id) => !this.streams.has(id));
    if (missing.length === 0) return;
    for (const [id, events] of await this.store.readStreams(missing)) this.put(id, events);
  }

  private put(streamId: string, events: readonly RecordedEvent[]): CachedStream {
    const last = events[events.length - 1];
    const cached = { stored: events, revision: last ? last.streamRevision : ('no_stream' as const), staged: [] };
    this.streams.set(streamId, cached);
    return cached;
  }

  async get(streamId: string): Promise<CachedStream> {
    return this.streams.get(streamId) ?? this.put(streamId, await this.store.readStream(streamId));
  }

  peek(streamId: string): CachedStream | undefined {
    return this.streams.get(streamId);
  }

  /** The streams appended to (or checked), as they stand once the batch's append commits. */
  carry(streamIds: Iterable<string>): Carry {
    const carry = new Map<string, CachedStream>();
    for (const id of streamIds) {
      const s = this.streams.get(id);
      if (!s) continue;
      const base = s.revision === 'no_stream' ? 0 : s.revision + 1;
      const staged = s.staged.map((e, i) => ({ type: e.type, data: e.data, streamRevision: base + i }));
      const last = base + s.staged.length - 1;
      carry.set(id, { stored: [...s.stored, ...staged], revision: last < 0 ? 'no_stream' : last, staged: [], carried: true });
    }
    return carry;
  }

  /** The stream's events so far: stored, then staged (numbered on). */
  async events(streamId: string): Promise<SeenEvent[]> {
    const s = await this.get(streamId);
    const base = s.revision === 'no_stream' ? 0 : s.revision + 1;
    return [...s.stored, ...s.staged.map((e, i) => ({ type: e.type, data: e.data, streamRevision: base + i }))];
  }
}

/** A unit of work reading from the batch's cache. */
export class BatchUnitOfWork extends UnitOfWork {
  constructor(
    store: EventStore,
    private readonly cache: BatchCache,
  ) {
    super(store);
  }

  protected override eventsOf(streamId: string): Promise<SeenEvent[]> {
    return this.cache.events(streamId);
  }
}

/** Areas as a batch sees them: one defined by an earlier command of the batch is defined. */
export class BatchAreas extends AreaDirectory {
  constructor(
    store: EventStore,
    private readonly shared: AreaDirectory,
    private readonly cache: BatchCache,
  ) {
    super(store);
  }

  override async get(areaId: string): Promise<AreaState> {
    const cached = this.cache.peek(areaStream(areaId));
    if (!cached || (cached.staged.length === 0 && !cached.carried)) return this.shared.get(areaId);
    let state = initialAreaState;
    for (const e of await this.cache.events(areaStream(areaId))) state = evolveArea(state, { type: e.type, data: e.data } as AreaEvent);
    return state;
  }
}
