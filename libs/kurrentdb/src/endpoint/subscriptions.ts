import { randomUUID } from 'node:crypto';
import type { EventStore, RecordedEvent } from '#event-store';
import { readRespOf } from './events-as-records.js';
import { ReadResp, Timestamp } from './protocol.js';
import { PAGE_SIZE, passes } from './reads.js';
import type { AllFrom, ReadRequest, StreamFrom } from './read-request.js';
import type { Responses } from './responses.js';
import type { Visibility } from './visibility.js';

/**
 * A catch-up subscription to `$all`: the confirmation, the events after the
 * starting point, `caught_up` once the head of the log taken at the start has
 * passed, then live events, in order and exactly once (the store's own
 * subscription), until the call stops. Filtered subscriptions also get a
 * checkpoint every `checkpointInterval` events of the log, matched or not, so
 * that a client whose filter rarely matches can still save its place.
 */
export async function subscribeToAll(store: EventStore, out: Responses, visibility: Visibility, from: AllFrom, request: ReadRequest): Promise<void> {
  const head = await store.headPosition();
  // A subscription from a position delivers the events after it: the client passes the last one it processed.
  const after = from === 'start' ? 0n : from === 'end' ? head : from;
  await out.send(confirmation());
  let caughtUp = after >= head;
  if (caughtUp) await out.send(caughtUpAll(head));
  let passed = 0;
  for await (const event of store.subscribeToAll({ afterPosition: after, signal: out.signal })) {
    if (await passes(event, visibility, request)) await out.send(readRespOf(event, request.uuid));
    passed += 1;
    if (request.filter && passed % request.filter.checkpointInterval === 0) await out.send(checkpoint(event.globalPosition));
    if (!caughtUp && event.globalPosition >= head) {
      caughtUp = true;
      await out.send(caughtUpAll(event.globalPosition));
    }
    if (!out.open) return;
  }
}

/**
 * A catch-up subscription to one stream (the caller may see it): the
 * stream's events up to the head of the log taken first, `caught_up`, then
 * the log followed from that head for the stream's later events. A
 * subscription from a revision delivers the events after it.
 */
export async function subscribeToStream(store: EventStore, out: Responses, streamId: string, from: StreamFrom, request: ReadRequest): Promise<void> {
  const head = await store.headPosition();
  await out.send(confirmation());
  // From the end, every event of the stream after the head is new.
  let next = from === 'start' || from === 'end' ? 0 : from + 1;
  let last: number | undefined;
  const deliver = async (event: RecordedEvent) => {
    await out.send(readRespOf(event, request.uuid));
    last = event.streamRevision;
    next = event.streamRevision + 1;
  };
  if (from === 'end') {
    const revision = await store.streamRevision(streamId);
    if (revision !== 'no_stream') last = revision;
  } else {
    for await (const event of streamUpTo(store, streamId, next, head)) {
      if (!out.open) return;
      await deliver(event);
    }
  }
  await out.send(caughtUpStream(last));
  for await (const event of store.subscribeToAll({ afterPosition: head, signal: out.signal })) {
    if (event.streamId === streamId && event.streamRevision >= next) await deliver(event);
    if (!out.open) return;
  }
}

/** The stream's events from a revision, up to a position of the log (later ones come live). */
async function* streamUpTo(store: EventStore, streamId: string, fromRevision: number, head: bigint): AsyncIterable<RecordedEvent> {
  let next = fromRevision;
  for (;;) {
    const page = await store.readStream(streamId, { fromRevision: next, maxCount: PAGE_SIZE });
    for (const event of page) {
      if (event.globalPosition > head) return;
      yield event;
    }
    if (page.length < PAGE_SIZE) return;
    next = page.at(-1)!.streamRevision + 1;
  }
}

function confirmation(): ReadResp {
  return new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID()));
}

/** `caught_up` of a `$all` subscription: where it is, unless the log is empty. */
function caughtUpAll(position: bigint): ReadResp {
  const caughtUp = new ReadResp.CaughtUp().setTimestamp(Timestamp.fromDate(new Date()));
  if (position > 0n) caughtUp.setPosition(new ReadResp.Position().setCommitPosition(position.toString()).setPreparePosition(position.toString()));
  return new ReadResp().setCaughtUp(caughtUp);
}

/** `caught_up` of a stream subscription: the last revision it delivered, unless none. */
function caughtUpStream(revision: number | undefined): ReadResp {
  const caughtUp = new ReadResp.CaughtUp().setTimestamp(Timestamp.fromDate(new Date()));
  if (revision !== undefined) caughtUp.setStreamRevision(String(revision));
  return new ReadResp().setCaughtUp(caughtUp);
}

function checkpoint(position: bigint): ReadResp {
  const message = new ReadResp.Checkpoint().setCommitPosition(position.toString()).setPreparePosition(position.toString());
  return new ReadResp().setCheckpoint(message.setTimestamp(Timestamp.fromDate(new Date())));
}
