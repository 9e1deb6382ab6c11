import { DomainError, type Principal } from '#domain';
import type { RecordedEvent } from '#event-store';
import { authorizeCommand, ForbiddenError, CommandIdConflictError, subjectsInScope } from '../access/authorize.js';
import type { HandlerDeps } from '../declaration.js';
import { declarationFor } from '../registry.js';
import type { EngineCommand } from '../validation/validate-command.js';
import type { UnitOfWork } from './unit-of-work.js';

/**
 * A command decided on behalf of a principal, in its unit of work: first
 * whether the principal may record it there (role, then the area of every
 * subject on the command's date — the streams read for that are held until
 * commit like every other stream the decision reads), then the decision.
 * A refusal naming a member outside the principal's area says only that the
 * person is a member elsewhere.
 */
export async function decideAuthorized(command: EngineCommand, uow: UnitOfWork, deps: HandlerDeps, principal: Principal): Promise<void> {
  const declaration = declarationFor(command);
  const src = { load: uow.load.bind(uow), areas: deps.areas };
  const { unresolved } = await authorizeCommand(principal, command, declaration.subjects(command), src);
  try {
    await declaration.decide(command, uow, deps);
  } catch (error) {
    if (error instanceof DomainError && error.disclosure) {
      const date = 'occurredOn' in command ? command.occurredOn : undefined;
      const held = await subjectsInScope(principal, [{ member: error.disclosure.memberId }], date ?? new Date().toISOString().slice(0, 10), src);
      if (principal.role === 'admin' || (held.inScope && !held.unresolved)) throw new DomainError(error.code, error.disclosure.message);
    }
    throw error;
  }
  // A subject that did not exist was left to the domain to refuse; a decision that records anything anyway is refused here.
  if (unresolved && uow.plan().some((p) => p.events.length > 0)) {
    throw new ForbiddenError(`${command.type} names something that does not exist within your area "${principal.areaId}"`);
  }
}

/**
 * A command sent again is answered as the first time — to whoever recorded
 * it (the same token, or the same operator), or to an admin. Anyone else
 * reusing its id learns nothing of it.
 */
export function requireOwnRetry(principal: Principal, first: Pick<RecordedEvent, 'metadata'>): void {
  if (principal.role === 'admin') return;
  const same = principal.tokenId !== null ? first.metadata['tokenId'] === principal.tokenId : first.metadata.actor === principal.holder;
  if (!same) throw new CommandIdConflictError('this commandId was already used by another recorder: choose another id');
}

/** The metadata by which a retry is recognised as the same recorder's, for a command not yet stored. */
export const recorderOf = (principal: Principal): Pick<RecordedEvent, 'metadata'> => ({
  metadata: { actor: principal.holder, ...(principal.tokenId ? { tokenId: principal.tokenId } : {}) },
});
