import { DomainError } from '#domain';
import { EventIdConflictError, InvalidAppendError } from '#event-store';
import { ConcurrencyConflictError } from './execution/command-executor.js';
import { MalformedCommandError } from './validation/validate-command.js';

/** The error body of the public contract, with its HTTP status. */
export interface CommandFailure {
  readonly status: number;
  readonly error: string;
  readonly message: string;
}

/**
 * The one place errors become answers: malformed → 400, a broken rule of the
 * domain → 422, a conflict that retrying did not resolve → 409, anything
 * else → 500 without internals.
 */
export function describeFailure(error: unknown): CommandFailure {
  if (error instanceof MalformedCommandError) return { status: 400, error: error.code, message: error.message };
  if (error instanceof DomainError) return { status: 422, error: error.code, message: error.message };
  if (error instanceof InvalidAppendError) return { status: 400, error: 'INVALID_FIELDS', message: error.message };
  if (error instanceof ConcurrencyConflictError) return { status: 409, error: error.code, message: error.message };
  if (error instanceof EventIdConflictError) {
    return { status: 409, error: 'COMMAND_ID_CONFLICT', message: 'this commandId was already used by a different command' };
  }
  return { status: 500, error: 'INTERNAL_ERROR', message: 'the command could not be processed; nothing was recorded' };
}
