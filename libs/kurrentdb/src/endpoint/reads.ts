import type { EventStore, RecordedEvent } from '#event-store';
import { readRespOf, streamIdentifier } from './events-as-records.js';
import { ReadResp } from './protocol.js';
import type { AllFrom, ReadRequest, StreamFrom } from './read-request.js';
import type { Responses } from './responses.js';
import type { Visibility } from './visibility.js';

/** Events read from the store at a time: a long read never holds more than a page. */
export const PAGE_SIZE = 500;

/**
 * A read of one stream (the caller may see it): `stream_not_found` when it
 * has no events, else up to `count` events from the requested revision
 * (inclusive) in the requested direction.
 */
export async function readStream(store: EventStore, out: Responses, streamId: string, from: StreamFrom, request: ReadRequest): Promise<void> {
  if ((await store.streamRevision(streamId)) === 'no_stream') {
    return out.send(new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(streamId))));
  }
  const backwards = request.direction === 'backwards';
  let next: number | undefined = from === 'start' ? 0 : from === 'end' ? (backwards ? undefined : Number.MAX_SAFE_INTEGER) : from;
  let remaining = request.count ?? 0;
  while (remaining > 0 && out.open && (next === undefined || next >= 0)) {
    const page = await store.readStream(streamId, { fromRevision: next, direction: request.direction, maxCount: Math.min(PAGE_SIZE, remaining) });
    for (const event of page) await out.send(readRespOf(event, request.uuid));
    remaining -= page.length;
    const last = page.at(-1);
    if (!last || page.length < PAGE_SIZE) return;
    next = backwards ? last.streamRevision - 1 : last.streamRevision + 1;
  }
}

/**
 * A read of `$all`: up to `count` events the caller may see and the filter
 * takes. Forwards from a position includes the event at it; backwards from a
 * position starts before it (as KurrentDB pages: the position of the last
 * event read is where the next page starts).
 */
export async function readAll(store: EventStore, out: Responses, visibility: Visibility, from: AllFrom, request: ReadRequest): Promise<void> {
  let remaining = request.count ?? 0;
  const pages = request.direction === 'backwards' ? pagesBackwards(store, from) : pagesForwards(store, from);
  for await (const page of pages) {
    for (const event of page) {
      if (remaining <= 0 || !out.open) return;
      if (!(await passes(event, visibility, request))) continue;
      await out.send(readRespOf(event, request.uuid));
      remaining -= 1;
    }
  }
}

/** Whether an event of `$all` goes to this caller: within its scope and taken by its filter. */
export async function passes(event: RecordedEvent, visibility: Visibility, request: ReadRequest): Promise<boolean> {
  if (request.filter && !request.filter.matches(event)) return false;
  return visibility.canSee(event.streamId);
}

async function* pagesForwards(store: EventStore, from: AllFrom): AsyncIterable<RecordedEvent[]> {
  let next = from === 'start' ? 1n : from === 'end' ? (await store.headPosition()) + 1n : from;
  for (;;) {
    const page = await store.readAll({ fromPosition: next, maxCount: PAGE_SIZE });
    if (page.length) yield page;
    if (page.length < PAGE_SIZE) return;
    next = page.at(-1)!.globalPosition + 1n;
  }
}

/** The store reads `$all` forwards only: backwards is forwards reads of windows of positions, each reversed. */
async function* pagesBackwards(store: EventStore, from: AllFrom): AsyncIterable<RecordedEvent[]> {
  let upTo = from === 'start' ? 0n : from === 'end' ? await store.headPosition() : from - 1n;
  while (upTo >= 1n) {
    const low = upTo - BigInt(PAGE_SIZE) + 1n > 1n ? upTo - BigInt(PAGE_SIZE) + 1n : 1n;
    const page = await store.readAll({ fromPosition: low, maxCount: Number(upTo - low + 1n) });
    // Should positions have gaps, a window's read runs on into the window above, already served: dropped.
    yield page.filter((event) => event.globalPosition <= upTo).reverse();
    upTo = low - 1n;
  }
}
