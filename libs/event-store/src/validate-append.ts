import { InvalidAppendError, WrongExpectedRevisionError } from './errors.js';
import type { ExpectedRevision, NewEvent } from './event-store.port.js';

/** Largest batch one `append` call takes. */
export const MAX_EVENTS_PER_APPEND = 65_536;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Text PostgreSQL cannot store: a NUL, or half of a surrogate pair. */
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** The same in JSON text, where JSON.stringify escapes them (`\u0000`, `\ud800`): an escape not itself escaped. */
const UNSTORABLE_JSON = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

export function validateAppend(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): void {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > 500) {
    throw new InvalidAppendError('a stream id is a non-empty string of at most 500 characters');
  }
  if (UNSTORABLE_TEXT.test(streamId)) throw new InvalidAppendError('a stream id must not contain a NUL character or an unpaired surrogate');
  if (typeof expected === 'number' && (!Number.isSafeInteger(expected) || expected < 0)) {
    throw new InvalidAppendError(`expected revision must be a non-negative integer, got ${expected}`);
  }
  if (events.length > MAX_EVENTS_PER_APPEND) {
    throw new InvalidAppendError(`at most ${MAX_EVENTS_PER_APPEND} events per append, got ${events.length}`);
  }
  const seen = new Set<string>();
  for (const e of events) {
    if (!UUID.test(e.eventId)) throw new InvalidAppendError(`event id must be a UUID, got "${e.eventId}"`);
    const id = e.eventId.toLowerCase();
    if (seen.has(id)) throw new InvalidAppendError(`event id ${id} appears twice in one append`);
    seen.add(id);
    if (typeof e.type !== 'string' || e.type.length === 0) throw new InvalidAppendError('an event needs a type');
    if (UNSTORABLE_TEXT.test(e.type)) throw new InvalidAppendError('an event type must not contain a NUL character or an unpaired surrogate');
    if (UNSTORABLE_JSON.test(JSON.stringify(e.data ?? null)) || UNSTORABLE_JSON.test(JSON.stringify(e.metadata ?? {}))) {
      throw new InvalidAppendError(`event ${id}: its data and metadata must not contain a NUL character or an unpaired surrogate`);
    }
    if (e.occurredOn != null && !DATE.test(e.occurredOn)) {
      throw new InvalidAppendError(`occurredOn must be YYYY-MM-DD, got "${e.occurredOn}"`);
    }
    if (e.schemaVersion !== undefined && (!Number.isInteger(e.schemaVersion) || e.schemaVersion < 1)) {
      throw new InvalidAppendError(`schemaVersion must be a positive integer, got ${e.schemaVersion}`);
    }
  }
}

export function matches(expected: ExpectedRevision, actual: number | 'no_stream'): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === 'no_stream';
  if (expected === 'stream_exists') return actual !== 'no_stream';
  return actual === expected;
}

/** UE001 from the SQL functions (DETAIL: stream, actual revision) as the port's error. */
export function wrongRevision(error: unknown, streams: ReadonlyArray<{ streamId: string; expected: ExpectedRevision }>): WrongExpectedRevisionError {
  const [streamId, actual] = String((error as { detail?: string }).detail ?? '').split('\u001f');
  const expected = streams.find((st) => st.streamId === streamId)?.expected ?? 'any';
  return new WrongExpectedRevisionError(streamId ?? '', expected, actual === 'no_stream' || actual === undefined ? 'no_stream' : Number(actual));
}
