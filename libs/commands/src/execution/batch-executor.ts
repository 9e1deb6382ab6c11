import {
  EventIdConflictError,
  WrongExpectedRevisionError,
  type BatchEvent,
  type EventStore,
  type ExpectedRevision,
  type RecordedEvent,
} from '#event-store';
import type { HandlerDeps } from '../declaration.js';
import { declarationFor } from '../registry.js';
import type { EngineCommand } from '../validation/validate-command.js';
import { BatchAreas, BatchCache, BatchUnitOfWork, type Carry } from './batch-cache.js';
import { commandMetadata, recordedAnswer, type CommandRecorded, type Execution, type ExecuteOptions } from './command-executor.js';
import { decideAuthorized, recorderOf, requireOwnRetry } from './authorized-decision.js';
import { commandDigest, requireSameCommand } from './command-digest.js';
import { eventIdFor, newCommandId, storedEventIdsFor } from './event-ids.js';

type PendingOutcome = BatchOutcome | { pending: number } | { sameAs: number } | { storedBefore: string };

/** A batch decided and not yet appended. */
interface Decision {
  /** Commands of the batch the log already holds (by command id): their first event. */
  readonly stored: ReadonlyMap<string, RecordedEvent>;
  readonly outcomes: readonly PendingOutcome[];
  readonly expected: ReadonlyMap<string, ExpectedRevision>;
  readonly events: readonly BatchEvent[];
  readonly planned: ReadonlyArray<{ commandId: string; type: string; from: number; revisions: number[] }>;
  readonly carry: () => Carry;
}

export type BatchOutcome = { readonly ok: true; readonly execution: Execution } | { readonly ok: false; readonly error: unknown };

export interface BatchItem {
  readonly command: EngineCommand;
  readonly options: ExecuteOptions;
}

/**
 * Many commands in one decision pass and one append (a group commit): the
 * streams they need are read in one round trip, the commands are decided one
 * after the other in their order — each sees what the earlier ones staged —
 * and everything they record is appended in one statement, in command order,
 * each stream checked at the revision it was read at. A refused command
 * stages nothing and the others go on, exactly as if they had been sent one
 * by one; the events, their ids and metadata are the same as the one-by-one
 * executor's (so a re-import is recognised either way).
 *
 * Returns undefined when the append conflicts (another writer changed a
 * stream of the batch meanwhile, or stored one of its commands): nothing was
 * written, and the caller runs the commands one by one instead.
 */
export class BatchExecutor {
  constructor(
    private readonly store: EventStore,
    private readonly deps: HandlerDeps,
  ) {}

  /** One batch: decided, then appended. */
  async execute(items: readonly BatchItem[]): Promise<BatchOutcome[] | undefined> {
    return this.append(await this.decide(items));
  }

  /**
   * Batches one after another, pipelined: while one is appended, the next is
   * decided on the streams as that append leaves them (carried over, since
   * it has not committed yet), so deciding and appending overlap. Stops after
   * the first batch whose append conflicts (undefined): the next one was
   * decided on what did not happen; the caller runs the conflicted batch one
   * by one and passes the rest again.
   */
  async executeAll(batches: ReadonlyArray<readonly BatchItem[]>): Promise<Array<BatchOutcome[] | undefined>> {
    const results: Array<BatchOutcome[] | undefined> = [];
    if (batches.length === 0) return results;
    let decision = await this.decide(batches[0]!);
    for (let i = 0; i < batches.length; i++) {
      const appending = this.append(decision);
      appending.catch(() => undefined); // awaited below, after the next batch is decided
      const next = i + 1 < batches.length ? this.decide(batches[i + 1]!, decision.carry()) : undefined;
      next?.catch(() => undefined);
      const outcomes = await appending;
      results.push(outcomes);
      if (outcomes === undefined || !next) break;
      decision = await next;
    }
    return results;
  }

  private async decide(items: readonly BatchItem[], carry?: Carry): Promise<Decision> {
    const ids = items.map((item) => item.command.commandId ?? newCommandId());
    const cache = new BatchCache(this.store, carry);
    const deps: HandlerDeps = { ...this.deps, areas: new BatchAreas(this.store, this.deps.areas, cache) };
    // Which commands are recorded already, and the streams the batch needs: two reads at once (the streams of a
    // recorded command are read for nothing, which is rare: a retry).
    // A command without an id gets a fresh one here, which nothing can have recorded: only ids given are looked up.
    const given = items.flatMap((item) => (item.command.commandId === undefined ? [] : storedEventIdsFor(item.command.commandId, 0)));
    const [recorded] = await Promise.all([
      given.length ? this.store.readEvents(given) : Promise.resolve([]),
      cache.prefetch(items.flatMap((item) => declarationFor(item.command).streams(item.command, this.deps))),
    ]);
    const stored = new Map(recorded.map((e) => [String(e.metadata['commandId']), e]));

    const outcomes: PendingOutcome[] = [];
    const expected = new Map<string, ExpectedRevision>();
    const events: BatchEvent[] = [];
    const firstIndex = new Map<string, number>();
    /** Per decided command: where its events sit in `events`, and their streams' revisions. */
    const planned: Array<{ commandId: string; type: string; from: number; revisions: number[] }> = [];
    let sealedUpTo = 0;

    const digests = items.map((item) => commandDigest(item.command, this.deps.personKeys));
    for (const [i, item] of items.entries()) {
      const commandId = ids[i]!;
      if (stored.has(commandId)) {
        try {
          requireOwnRetry(item.options.principal, stored.get(commandId)!);
          requireSameCommand(stored.get(commandId)!, digests[i]!);
        } catch (error) {
          outcomes.push({ ok: false, error });
          continue;
        }
        outcomes.push({ storedBefore: commandId });
        continue;
      }
      if (firstIndex.has(commandId)) {
        // The same id twice in one group (two callers' requests may share a group): answered alike only for the same recorder and command.
        try {
          const earlier = firstIndex.get(commandId)!;
          requireOwnRetry(item.options.principal, recorderOf(items[earlier]!.options.principal));
          requireSameCommand({ metadata: { commandDigest: digests[earlier] } }, digests[i]!);
        } catch (error) {
          outcomes.push({ ok: false, error });
          continue;
        }
        outcomes.push({ sameAs: firstIndex.get(commandId)! });
        continue;
      }
      firstIndex.set(commandId, i);
      if (declarationFor(item.command).destroysKeys) {
        // An erasure destroys keys: what the batch staged before it is sealed with them first, what comes after gets new ones.
        events.splice(sealedUpTo, events.length - sealedUpTo, ...(await this.deps.vault.sealAll(events.slice(sealedUpTo))));
        sealedUpTo = events.length;
      }
      const uow = new BatchUnitOfWork(this.store, cache);
      try {
        await decideAuthorized(item.command, uow, deps, item.options.principal);
      } catch (error) {
        outcomes.push({ ok: false, error });
        continue;
      }
      const plan = uow.plan();
      const metadata = commandMetadata(item.command, commandId, digests[i]!, plan.reduce((n, p) => n + p.events.length, 0), item.options);
      const from = events.length;
      const revisions: number[] = [];
      let k = 0;
      for (const p of plan) {
        const cached = await cache.get(p.streamId);
        if (!expected.has(p.streamId)) expected.set(p.streamId, cached.revision);
        const base = (cached.revision === 'no_stream' ? 0 : cached.revision + 1) + cached.staged.length;
        p.events.forEach((e, j) => {
          events.push({ streamId: p.streamId, eventId: eventIdFor(commandId, k++), type: e.type, data: e.data, occurredOn: e.data.occurredOn ?? null, metadata });
          revisions.push(base + j);
        });
        cached.staged.push(...p.events);
      }
      planned.push({ commandId, type: item.command.type, from, revisions });
      outcomes.push({ pending: planned.length - 1 });
    }

    // Personal fields sealed with their persons' keys, for the whole batch at once; what later commands saw staged stays open.
    const sealed = await this.deps.vault.sealAll(events);
    return { stored, outcomes, expected, events: sealed, planned, carry: () => cache.carry(expected.keys()) };
  }

  private async append({ stored, outcomes, expected, events, planned }: Decision): Promise<BatchOutcome[] | undefined> {
    let firstPosition = 0n;
    if (events.length > 0 || expected.size > 0) {
      try {
        ({ firstPosition } = await this.store.appendBatch(
          [...expected.entries()].map(([streamId, revision]) => ({ streamId, expected: revision })),
          events,
        ));
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError || error instanceof EventIdConflictError) return undefined;
        throw error;
      }
    }

    const results: CommandRecorded[] = planned.map((p, n) => {
      const to = n + 1 < planned.length ? planned[n + 1]!.from : events.length;
      return {
        ok: true,
        commandId: p.commandId,
        type: p.type,
        events: events.slice(p.from, to).map((e, j) => ({
          streamId: e.streamId,
          type: e.type,
          revision: p.revisions[j]!,
          position: (firstPosition + BigInt(p.from + j)).toString(),
        })),
      };
    });
    const final: BatchOutcome[] = [];
    for (const o of outcomes) {
      if ('pending' in o) final.push({ ok: true, execution: { result: results[o.pending]!, duplicate: false } });
      else if ('sameAs' in o) {
        const first = final[o.sameAs]!;
        final.push(first.ok ? { ok: true, execution: { result: first.execution.result, duplicate: true } } : first);
      } else if ('storedBefore' in o) final.push({ ok: true, execution: { result: await recordedAnswer(this.store, o.storedBefore, stored.get(o.storedBefore)!), duplicate: true } });
      else final.push(o);
    }
    return final;
  }
}
