import { randomUUID } from 'node:crypto';
import type { EventStore } from '#event-store';
import type { PeerAppend } from './peer-emmett.js';

/**
 * The peer comparison's append side for our store: every append in order,
 * `concurrency` in flight, never two at once for one stream (as the peer
 * gets them), each with expected revision `any`.
 */
export async function benchOurAppends(store: EventStore, appends: readonly PeerAppend[], concurrency: number) {
  const latencies: number[] = [];
  const busy = new Set<string>();
  const taken = new Uint8Array(appends.length);
  let head = 0;
  let events = 0;
  /** The first append not taken whose stream is not busy (looking a little ahead of the head). */
  const claim = (): number => {
    while (head < appends.length && taken[head]) head++;
    for (let i = head; i < Math.min(appends.length, head + 256); i++) {
      if (!taken[i] && !busy.has(appends[i]!.streamId)) return i;
    }
    return -1;
  };
  const t0 = process.hrtime.bigint();
  const worker = async () => {
    for (;;) {
      const i = claim();
      if (i < 0) {
        if (head >= appends.length) return;
        await new Promise((r) => setImmediate(r));
        continue;
      }
      taken[i] = 1;
      const a = appends[i]!;
      busy.add(a.streamId);
      const t = process.hrtime.bigint();
      await store.append(
        a.streamId,
        a.events.map((e) => ({ eventId: randomUUID(), type: e.type, data: e.data, metadata: e.metadata ?? {}, occurredOn: (e.data['occurredOn'] as string | undefined) ?? null })),
      );
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      events += a.events.length;
      busy.delete(a.streamId);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  latencies.sort((x, y) => x - y);
  const at = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0) * 100) / 100;
  return { events, seconds: Math.round(seconds * 100) / 100, eventsPerSecond: Math.round(events / seconds), p50Ms: at(0.5), p99Ms: at(0.99) };
}
