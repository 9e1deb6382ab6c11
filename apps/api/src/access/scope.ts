import { Inject, Injectable } from '@nestjs/common';
import { areaOfSubject, describeSubject, type HandlerDeps, type StateLoader, type Subject } from '#commands';
import { HANDLER_DEPS } from '#commands/nest';
import { inScope, memberStream, type Principal } from '#domain';
import type { EventStore } from '#event-store';
import { EVENT_STORE } from '#persistence/nest';
import { forbidden } from './access.guard.js';

/**
 * The area part of access for reads: an area asked for must be in the
 * caller's area; an entity read (a history, a campaign's progress) must be
 * there on the date read (docs/access.md). A subject that does not exist
 * passes, and the route answers 404 for it as it would to anyone.
 */
@Injectable()
export class Scope {
  private readonly load: StateLoader;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(HANDLER_DEPS) private readonly deps: HandlerDeps,
  ) {
    this.load = async (streamId, evolve, initial) => {
      let state = initial;
      for (const e of await this.store.readStream(streamId)) state = evolve(state, { type: e.type, data: e.data } as Parameters<typeof evolve>[1]);
      return state;
    };
  }

  /** Refuses an area outside the caller's (an undefined area is outside every area but an admin's). */
  async area(caller: Principal, areaId: string): Promise<void> {
    if (!(await this.contains(caller, areaId))) throw forbidden(`area "${areaId}" is not within your area "${caller.areaId}"`);
  }

  /** Whether an area (or none: an admin's token) lies in the caller's area. */
  async contains(caller: Principal, areaId: string | null): Promise<boolean> {
    if (caller.role === 'admin') return true;
    return areaId !== null && inScope(caller, await this.deps.areas.lineage(areaId));
  }

  /** Refuses an entity located outside the caller's area on the date (one that does not exist passes: the route answers 404). */
  async subject(caller: Principal, subject: Subject, date: string): Promise<void> {
    if (caller.role === 'admin') return;
    const areaId = await this.areaOf(subject, date);
    if (areaId !== undefined && !(await this.contains(caller, areaId))) throw forbidden(`${describeSubject(subject)} is not within your area "${caller.areaId}" on ${date}`);
  }

  /** Whether the caller's area holds the subject on the date (an unknown subject: only for an admin). */
  async holds(caller: Principal, subject: Subject, date: string): Promise<boolean> {
    if (caller.role === 'admin') return true;
    const areaId = await this.areaOf(subject, date);
    return areaId !== undefined && (await this.contains(caller, areaId));
  }

  private areaOf(subject: Subject, date: string): Promise<string | undefined> {
    return areaOfSubject(subject, date, { load: this.load, areas: this.deps.areas });
  }

  /** The token that recorded a member's joining, if any. */
  async joinRecordedWith(memberId: string): Promise<string | undefined> {
    const [joined] = await this.store.readStream(memberStream(memberId), { maxCount: 1 });
    const tokenId = joined?.metadata['tokenId'];
    return typeof tokenId === 'string' ? tokenId : undefined;
  }
}
