import { status, type ServerUnaryCall } from '@grpc/grpc-js';
import { expectedStateHolds, WrongExpectedRevisionError, type BatchEvent, type BatchStream, type EventStore, type ExpectedRevision } from '#event-store';
import { MAX_APPEND_SIZE } from './append.js';
import { callerOf } from './credentials.js';
import { accessDenied, invalidArgument, withDetails, type EndpointError } from './errors.js';
import { batchEventOf } from './events-as-records.js';
import type { LogAccess } from './log-access.js';
import {
  AppendConsistencyViolationErrorDetails,
  AppendRecordsResponse,
  AppendTransactionSizeExceededErrorDetails,
  ConsistencyViolation,
  StreamRevision,
  type AppendRecordsRequest,
  type ConsistencyCheck,
} from './protocol.js';

/** A consistency check: the stream must be in this state for anything to be written. */
interface StreamCheck {
  /** Its index in the request (violations name it). */
  readonly index: number;
  readonly streamId: string;
  readonly expected: ExpectedRevision;
}

/** The v2 wire form of a stream state (KurrentDB's ExpectedRevisionConstants, or a revision). */
const STATE_CODES = { no_stream: '-1', any: '-2', stream_exists: '-4' } as const;
const ERRORS = 'kurrentdb.protocol.v2.streams.errors';

/**
 * v2 AppendRecords: records across streams in the request's order, written
 * atomically if every consistency check holds. Every stream a check names
 * is held at its state; a stream written without a check is appended to in
 * any state. A failed check is answered as KurrentDB does
 * (FAILED_PRECONDITION with AppendConsistencyViolationErrorDetails), which
 * the kurrentdb client throws as AppendConsistencyViolationError listing
 * each failed check's stream, expected and actual state.
 */
export async function appendRecords(store: EventStore, access: LogAccess, call: ServerUnaryCall<AppendRecordsRequest, AppendRecordsResponse>): Promise<AppendRecordsResponse> {
  const caller = await callerOf(access, call);
  const records = call.request.getRecordsList();
  const size = records.reduce((sum, record) => sum + record.getData_asU8().length, 0);
  if (size > MAX_APPEND_SIZE) throw transactionSizeExceeded(size);
  const events = records.map((record, i) => batchEventOf(record, i + 1));
  const checks = call.request.getChecksList().map(checkOf);
  const streams = batchStreams(checks, events);
  for (const { streamId } of streams) {
    const refusal = caller.appendRefusal(streamId);
    if (refusal !== undefined) throw accessDenied(refusal);
  }
  try {
    const { lastPosition } = await store.appendBatch(streams, events);
    return answer(store, events, lastPosition);
  } catch (error) {
    if (error instanceof WrongExpectedRevisionError) throw await consistencyViolation(store, checks, error);
    throw error;
  }
}

function checkOf(check: ConsistencyCheck, index: number): StreamCheck {
  const state = check.getStreamState();
  if (!state?.getStream()) throw invalidArgument(`consistency check ${index} names no stream`);
  const code = state.getExpectedState();
  const named = (Object.keys(STATE_CODES) as Array<keyof typeof STATE_CODES>).find((name) => STATE_CODES[name] === code);
  const revision = Number(code);
  if (!named && !(Number.isSafeInteger(revision) && revision >= 0)) throw invalidArgument(`consistency check ${index} expects no known stream state`);
  return { index, streamId: state.getStream(), expected: named ?? revision };
}

/** Every stream checked (at its state) and every stream written without a check (any state). */
function batchStreams(checks: readonly StreamCheck[], events: readonly BatchEvent[]): BatchStream[] {
  const expected = new Map<string, ExpectedRevision>();
  for (const check of checks) {
    const earlier = expected.get(check.streamId);
    if (earlier !== undefined && earlier !== check.expected) throw invalidArgument('two consistency checks expect different states of one stream');
    expected.set(check.streamId, check.expected);
  }
  for (const event of events) if (!expected.has(event.streamId)) expected.set(event.streamId, 'any');
  return [...expected].map(([streamId, state]) => ({ streamId, expected: state }));
}

/** The position of the last record and each written stream's revision (that of its last record, read back by id). */
async function answer(store: EventStore, events: readonly BatchEvent[], lastPosition: bigint): Promise<AppendRecordsResponse> {
  const lastOfStream = new Map<string, string>();
  for (const event of events) lastOfStream.set(event.streamId, event.eventId.toLowerCase());
  const response = new AppendRecordsResponse().setPosition(lastPosition.toString());
  for (const stored of await store.readEvents([...lastOfStream.values()])) {
    response.addRevisions(new StreamRevision().setStream(stored.streamId).setRevision(String(stored.streamRevision)));
  }
  return response;
}

/**
 * The failed checks, each with its stream's actual state: the store names
 * the first it met, the others are read now (a check that holds again by
 * then is not reported).
 */
async function consistencyViolation(store: EventStore, checks: readonly StreamCheck[], error: WrongExpectedRevisionError): Promise<EndpointError> {
  const details = new AppendConsistencyViolationErrorDetails();
  for (const check of checks) {
    const actual = check.streamId === error.streamId ? error.actual : await store.streamRevision(check.streamId);
    if (expectedStateHolds(check.expected, actual)) continue;
    const violation = new ConsistencyViolation.StreamStateViolation()
      .setStream(check.streamId)
      .setExpectedState(stateCode(check.expected))
      .setActualState(actual === 'no_stream' ? STATE_CODES.no_stream : String(actual));
    details.addViolations(new ConsistencyViolation().setCheckIndex(check.index).setStreamState(violation));
  }
  const count = details.getViolationsList().length;
  return withDetails(status.FAILED_PRECONDITION, `append refused: ${count} consistency check${count === 1 ? '' : 's'} failed`, `${ERRORS}.AppendConsistencyViolationErrorDetails`, details);
}

function stateCode(expected: ExpectedRevision): string {
  return typeof expected === 'number' ? String(expected) : STATE_CODES[expected];
}

/** As KurrentDB refuses a transaction over its ceiling: the kurrentdb client throws TransactionMaxSizeExceededError. */
function transactionSizeExceeded(size: number): EndpointError {
  const details = new AppendTransactionSizeExceededErrorDetails().setSize(size).setMaxSize(MAX_APPEND_SIZE);
  return withDetails(status.ABORTED, `an append is at most ${MAX_APPEND_SIZE} bytes of data`, `${ERRORS}.AppendTransactionSizeExceededErrorDetails`, details);
}
