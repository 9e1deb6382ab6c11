import type { EventStore, ExpectedRevision, RecordedEvent, StreamAppend } from '#event-store';

/** A domain event as deciders produce it: a type and its data. */
export interface DomainEvent {
  readonly type: string;
  readonly data: { readonly occurredOn?: string } & object;
}

/**
 * What one command reads and writes. Handlers load the streams they decide
 * on (folded into state) and stage events; the executor then appends all of
 * it atomically, each loaded stream at the revision it was read at — a
 * stream read but not written is checked and held, so a reference that was
 * valid when deciding (a union, a federation) cannot change before commit.
 */
export class UnitOfWork {
  private readonly revisions = new Map<string, ExpectedRevision>();
  private readonly staged = new Map<string, DomainEvent[]>();

  private readonly prefetched = new Map<string, RecordedEvent[]>();

  constructor(private readonly store: EventStore) {}

  /** Reads, in one round trip, streams the handler is known to load. */
  async prefetch(streamIds: readonly string[]): Promise<void> {
    if (streamIds.length === 0) return;
    for (const [id, events] of await this.store.readStreams(streamIds)) this.prefetched.set(id, events);
  }

  /** A stream's events as this unit of work sees them. */
  protected async eventsOf(streamId: string): Promise<ReadonlyArray<Pick<RecordedEvent, 'type' | 'data' | 'streamRevision'>>> {
    return this.prefetched.get(streamId) ?? (await this.store.readStream(streamId));
  }

  async load<S, E extends DomainEvent>(streamId: string, evolve: (state: S, event: E) => S, initial: S): Promise<S> {
    const events = await this.eventsOf(streamId);
    const last = events[events.length - 1];
    this.revisions.set(streamId, last ? last.streamRevision : 'no_stream');
    let state = initial;
    for (const e of events) state = evolve(state, { type: e.type, data: e.data } as E);
    return state;
  }

  append(streamId: string, events: readonly DomainEvent[]): void {
    if (!this.revisions.has(streamId)) throw new Error(`stream ${streamId} must be loaded before it is appended to`);
    this.staged.set(streamId, [...(this.staged.get(streamId) ?? []), ...events]);
  }

  /** The appends, in staging order for written streams, then the checked ones. */
  plan(): Array<{ streamId: string; events: readonly DomainEvent[]; expected: ExpectedRevision }> {
    const written = [...this.staged.entries()].map(([streamId, events]) => ({
      streamId,
      events,
      expected: this.revisions.get(streamId)!,
    }));
    const checked = [...this.revisions.entries()]
      .filter(([streamId]) => !this.staged.has(streamId))
      .map(([streamId, expected]) => ({ streamId, events: [], expected }));
    return [...written, ...checked];
  }
}

export type PlannedAppend = ReturnType<UnitOfWork['plan']>[number];
export type { StreamAppend };
