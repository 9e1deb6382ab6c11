import { Metadata, status, type ServerReadableStream } from '@grpc/grpc-js';
import { MAX_EVENTS_PER_APPEND, WrongExpectedRevisionError, type AppendResult, type EventStore, type ExpectedRevision, type NewEvent } from '#event-store';
import { callerOf } from './credentials.js';
import { accessDenied, EndpointError, invalidArgument } from './errors.js';
import { newEventOf, streamIdOf } from './events-as-records.js';
import type { LogAccess } from './log-access.js';
import { AppendResp, Empty, type AppendReq, type AppendReqOptions } from './protocol.js';

/** The largest append taken, in bytes of data and metadata: KurrentDB's own ceiling (its default is 1 MiB). */
export const MAX_APPEND_SIZE = 16 * 1024 * 1024;

/**
 * A v1 Append (client-streaming): the options (stream, expected state), then
 * the proposed messages, appended at once. A wrong expected state is an
 * answer, not an error: the clients read `wrong_expected_version` and throw
 * WrongExpectedVersionError with the actual revision.
 */
export async function append(store: EventStore, access: LogAccess, call: ServerReadableStream<AppendReq, AppendResp>): Promise<AppendResp> {
  const caller = await callerOf(access, call);
  let target: { streamId: string; expected: ExpectedRevision } | undefined;
  const events: NewEvent[] = [];
  let size = 0;
  for await (const message of call as AsyncIterable<AppendReq>) {
    if (message.hasOptions()) {
      if (target) throw invalidArgument('an append sends its options once, first');
      target = targetOf(message.getOptions()!);
      const refusal = caller.appendRefusal(target.streamId);
      if (refusal !== undefined) throw accessDenied(refusal);
      continue;
    }
    const proposed = message.getProposedMessage();
    if (!target || !proposed) throw invalidArgument('an append sends its options first, then its events');
    size += proposed.getData_asU8().length + proposed.getCustomMetadata_asU8().length;
    if (size > MAX_APPEND_SIZE) throw maximumAppendSizeExceeded();
    if (events.length >= MAX_EVENTS_PER_APPEND) throw invalidArgument(`at most ${MAX_EVENTS_PER_APPEND} events per append`);
    events.push(newEventOf(proposed, events.length + 1));
  }
  if (!target) throw invalidArgument('an append sends its options first, then its events');
  try {
    return success(await store.append(target.streamId, events, target.expected));
  } catch (error) {
    if (error instanceof WrongExpectedRevisionError) return wrongExpectedVersion(error);
    throw error;
  }
}

function targetOf(options: AppendReqOptions): { streamId: string; expected: ExpectedRevision } {
  const streamId = streamIdOf(options.getStreamIdentifier());
  if (!streamId) throw invalidArgument('an append names its stream');
  const expected: ExpectedRevision = options.hasRevision()
    ? Number(options.getRevision())
    : options.hasNoStream()
      ? 'no_stream'
      : options.hasStreamExists()
        ? 'stream_exists'
        : 'any';
  if (typeof expected === 'number' && !Number.isSafeInteger(expected)) throw invalidArgument('the expected revision is out of range');
  return { streamId, expected };
}

function success(result: AppendResult): AppendResp {
  const answer = new AppendResp.Success();
  if (result.nextExpectedRevision < 0) answer.setNoStream(new Empty());
  else answer.setCurrentRevision(String(result.nextExpectedRevision));
  if (result.lastPosition > 0n) {
    const position = result.lastPosition.toString();
    answer.setPosition(new AppendResp.Position().setCommitPosition(position).setPreparePosition(position));
  } else {
    answer.setNoPosition(new Empty());
  }
  return new AppendResp().setSuccess(answer);
}

function wrongExpectedVersion(error: WrongExpectedRevisionError): AppendResp {
  const answer = new AppendResp.WrongExpectedVersion();
  if (error.actual === 'no_stream') answer.setCurrentNoStream(new Empty());
  else answer.setCurrentRevision(String(error.actual));
  const { expected } = error;
  if (typeof expected === 'number') answer.setExpectedRevision(String(expected));
  else if (expected === 'no_stream') answer.setExpectedNoStream(new Empty());
  else if (expected === 'stream_exists') answer.setExpectedStreamExists(new Empty());
  else answer.setExpectedAny(new Empty());
  return new AppendResp().setWrongExpectedVersion(answer);
}

/** As KurrentDB refuses an append over its ceiling: the clients throw MaxAppendSizeExceededError. */
function maximumAppendSizeExceeded(): EndpointError {
  const trailers = new Metadata();
  trailers.set('exception', 'maximum-append-size-exceeded');
  trailers.set('maximum-append-size', String(MAX_APPEND_SIZE));
  return new EndpointError(status.INVALID_ARGUMENT, `an append is at most ${MAX_APPEND_SIZE} bytes of data and metadata`, trailers);
}
