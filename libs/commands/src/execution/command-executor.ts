import { WrongExpectedRevisionError, type EventStore, type RecordedEvent } from '#event-store';
import type { Principal } from '#domain';
import type { HandlerDeps } from '../declaration.js';
import { declarationFor } from '../registry.js';
import { decideAuthorized, requireOwnRetry } from './authorized-decision.js';
import type { EngineCommand } from '../validation/validate-command.js';
import { commandDigest, requireSameCommand } from './command-digest.js';
import { eventIdFor, newCommandId, recordedEventIds, storedEventIdsFor } from './event-ids.js';
import { sealAppends } from './sealing.js';
import { UnitOfWork } from './unit-of-work.js';

/** What a recorded command answers: the events it recorded, where. */
export interface CommandRecorded {
  readonly ok: true;
  readonly commandId: string;
  readonly type: string;
  readonly events: ReadonlyArray<{ streamId: string; type: string; revision: number; position: string }>;
}

export interface Execution {
  readonly result: CommandRecorded;
  /** True when the command had been recorded before (same commandId): nothing new was written. */
  readonly duplicate: boolean;
}

/** The decision kept failing because others kept changing the same streams. */
export class ConcurrencyConflictError extends Error {
  override readonly name = 'ConcurrencyConflictError';
  readonly code = 'CONCURRENCY_CONFLICT';
}

export interface ExecuteOptions {
  /** Who records it: the credential's holder, the CLI's operator or a policy (the event metadata's `actor`). */
  readonly principal: Principal;
  readonly correlationId?: string;
}

/**
 * Load → fold → decide → append, for every command: runs the command's
 * handler in a unit of work and appends what it staged atomically, each
 * stream at the revision it was read at. On a revision conflict (someone
 * appended in between) it decides again on fresh state, a few times.
 *
 * A command's events get ids derived from its commandId, so a command sent
 * again is recognised before deciding and answered as the first time.
 */
export class CommandExecutor {
  constructor(
    private readonly store: EventStore,
    private readonly deps: HandlerDeps,
    private readonly maxAttempts = 5,
  ) {}

  async execute(command: EngineCommand, options: ExecuteOptions): Promise<Execution> {
    const commandId = command.commandId ?? newCommandId();
    const digest = commandDigest(command, this.deps.personKeys);
    // A fresh id (made here) names nothing recorded: only an id the caller gave is looked up.
    const [first] = command.commandId === undefined ? [] : await this.store.readEvents(storedEventIdsFor(commandId, 0));
    if (first) return this.answerRetry(commandId, first, digest, options);

    for (let attempt = 1; ; attempt++) {
      const uow = new UnitOfWork(this.store);
      const declaration = declarationFor(command);
      await uow.prefetch(declaration.streams(command, this.deps));
      await decideAuthorized(command, uow, this.deps, options.principal);
      const plan = uow.plan();
      const metadata = commandMetadata(command, commandId, digest, plan.reduce((n, p) => n + p.events.length, 0), options);
      let k = 0;
      const appends = await sealAppends(this.deps.vault, plan.map((p) => ({
        streamId: p.streamId,
        expected: p.expected,
        events: p.events.map((e) => ({
          eventId: eventIdFor(commandId, k++),
          type: e.type,
          data: e.data,
          occurredOn: e.data.occurredOn ?? null,
          metadata,
        })),
      })));
      try {
        const results = await this.store.appendMultiple(appends);
        if (!results.some((r) => r.recorded)) {
          // A command of this id was recorded concurrently: answer as it did, if it is this one and the caller's.
          const [stored] = await this.store.readEvents(storedEventIdsFor(commandId, 0));
          return this.answerRetry(commandId, stored!, digest, options);
        }
        const events = appends.flatMap((a, i) =>
          a.events.map((e, j) => ({
            streamId: a.streamId,
            type: e.type,
            revision: results[i]!.nextExpectedRevision - a.events.length + 1 + j,
            position: (results[i]!.lastPosition - BigInt(a.events.length - 1 - j)).toString(),
          })),
        );
        return { result: { ok: true, commandId, type: command.type, events }, duplicate: false };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= this.maxAttempts) {
          throw new ConcurrencyConflictError(
            `${command.type}: stream ${error.streamId} kept changing while deciding (${attempt} attempts); send the command again`,
          );
        }
      }
    }
  }

  /** A command whose id is recorded: answered as the first time if it is the same command, sent by the same recorder. */
  private async answerRetry(commandId: string, first: RecordedEvent, digest: string, options: ExecuteOptions): Promise<Execution> {
    requireOwnRetry(options.principal, first);
    requireSameCommand(first, digest);
    return { result: await recordedAnswer(this.store, commandId, first), duplicate: true };
  }

}

/** What every event of a command carries: which command (its id, type and keyed digest), how many events it recorded, who and on whose behalf. */
export function commandMetadata(command: EngineCommand, commandId: string, digest: string, eventCount: number, options: ExecuteOptions) {
  const { principal } = options;
  return {
    commandId,
    commandType: command.type,
    commandDigest: digest,
    commandEventCount: eventCount,
    causationId: commandId,
    correlationId: options.correlationId ?? commandId,
    // Who recorded it is who authenticated, never what the body says; the body's `actor` is kept as `onBehalfOf`.
    actor: principal.holder,
    role: principal.role,
    ...(principal.tokenId ? { tokenId: principal.tokenId } : {}),
    ...(command.actor ? { onBehalfOf: command.actor } : {}),
  };
}

/** The answer of a command recorded earlier, rebuilt from its events (`first`: its first event). */
export async function recordedAnswer(store: EventStore, commandId: string, first: RecordedEvent): Promise<CommandRecorded> {
  const count = Number(first.metadata['commandEventCount'] ?? 1);
  const ids = recordedEventIds(commandId, first.eventId, count);
  const byId = new Map<string, RecordedEvent>((await store.readEvents(ids)).map((e) => [e.eventId, e]));
  const events = ids
    .map((id) => byId.get(id))
    .filter((e): e is RecordedEvent => e !== undefined)
    .map((e) => ({ streamId: e.streamId, type: e.type, revision: e.streamRevision, position: e.globalPosition.toString() }));
  return { ok: true, commandId, type: String(first.metadata['commandType']), events };
}
