import type { EventStore } from '#event-store';
import { areaStream, evolveArea, initialAreaState, type AreaEvent, type AreaState } from '#domain';

type DefinedArea = Extract<AreaState, { defined: true }>;

/**
 * Areas as commands need them: defined or not, their kind, their ancestors.
 * An area never changes once defined, so defined areas are cached for the
 * life of the process; an undefined one is read again each time.
 */
export class AreaDirectory {
  private readonly defined = new Map<string, DefinedArea>();

  constructor(private readonly store: EventStore) {}

  async get(areaId: string): Promise<AreaState> {
    const cached = this.defined.get(areaId);
    if (cached) return cached;
    let state = initialAreaState;
    for (const e of await this.store.readStream(areaStream(areaId))) state = evolveArea(state, { type: e.type, data: e.data } as AreaEvent);
    if (state.defined) this.defined.set(areaId, state);
    return state;
  }

  /** The area and every area above it, nearest first. */
  async lineage(areaId: string): Promise<string[]> {
    const chain: string[] = [];
    let current: string | null = areaId;
    while (current !== null && chain.length < 16) {
      chain.push(current);
      const area = await this.get(current);
      current = area.defined ? area.parentId : null;
    }
    return chain;
  }
}
