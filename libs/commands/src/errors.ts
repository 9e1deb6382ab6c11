import { DomainError } from '#domain';
import { EventIdConflictError, InvalidAppendError } from '#event-store';
import { ForbiddenError, CommandIdConflictError } from './access/authorize.js';
import { ConcurrencyConflictError } from './execution/command-executor.js';
import { MalformedCommandError } from './validation/validate-command.js';

/**
 * What became of a refused command, whatever door it came through:
 * malformed (its shape or a format), forbidden to the caller (its role or
 * area, docs/access.md), refused by a rule of the domain, in
 * conflict (retrying did not resolve it, or its commandId names another
 * command), unavailable (the server is stopping: nothing was recorded, send
 * it again), or internal (a bug; nothing of it is told).
 */
export type FailureKind = 'malformed' | 'forbidden' | 'refused' | 'conflict' | 'unavailable' | 'internal';

/** The server is stopping (SIGTERM): the command was not recorded and may be sent again, to this server once restarted or another. */
export class ShuttingDownError extends Error {
  override readonly name = 'ShuttingDownError';
  readonly code = 'SHUTTING_DOWN';
  constructor() {
    super('the server is stopping: this command was not recorded; send it again');
  }
}

/** The error body of the public contract, and its kind (each door maps the kind: HTTP to a status). */
export interface CommandFailure {
  readonly kind: FailureKind;
  readonly error: string;
  readonly message: string;
}

/** The one place errors become answers. */
export function describeFailure(error: unknown): CommandFailure {
  if (error instanceof MalformedCommandError) return { kind: 'malformed', error: error.code, message: error.message };
  if (error instanceof ForbiddenError) return { kind: 'forbidden', error: error.code, message: error.message };
  if (error instanceof CommandIdConflictError) return { kind: 'conflict', error: error.code, message: error.message };
  if (error instanceof DomainError) return { kind: 'refused', error: error.code, message: error.message };
  if (error instanceof InvalidAppendError) return { kind: 'malformed', error: 'INVALID_FIELDS', message: error.message };
  if (error instanceof ConcurrencyConflictError) return { kind: 'conflict', error: error.code, message: error.message };
  if (error instanceof ShuttingDownError) return { kind: 'unavailable', error: error.code, message: error.message };
  if (error instanceof EventIdConflictError) {
    return { kind: 'conflict', error: 'COMMAND_ID_CONFLICT', message: 'this commandId was already used by a different command' };
  }
  return { kind: 'internal', error: 'INTERNAL_ERROR', message: 'the command could not be processed; nothing was recorded' };
}
