import type { ExpectedRevision } from './event-store.port.js';

/** The stream was not in the state the appender expected. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  readonly code = 'WRONG_EXPECTED_REVISION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual revision, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(`stream "${streamId}": expected ${describe(expected)}, actual ${describe(actual)}`);
  }
}

/**
 * Some, not all, of the events of an append are already stored, or stored in
 * another stream: the append is neither new nor a retry of an earlier one.
 */
export class EventIdConflictError extends Error {
  override readonly name = 'EventIdConflictError';
  readonly code = 'EVENT_ID_CONFLICT';
  constructor(
    readonly streamId: string,
    readonly eventIds: readonly string[],
  ) {
    super(`stream "${streamId}": event ids already stored elsewhere or partially: ${eventIds.join(', ')}`);
  }
}

/** The caller passed something the store cannot take (bad id, empty type…). */
export class InvalidAppendError extends Error {
  override readonly name = 'InvalidAppendError';
  readonly code = 'INVALID_APPEND';
}

function describe(revision: ExpectedRevision | number | 'no_stream'): string {
  return typeof revision === 'number' ? `revision ${revision}` : revision;
}
