import type { RecordedEvent } from '#event-store';

/** Folds recorded events (in the order given: recording order, so of two facts on one date the one recorded last wins) with a domain `evolve`. */
export function fold<S, E>(events: readonly RecordedEvent[], evolve: (s: S, e: E) => S, initial: S): S {
  return events.reduce((s, e) => evolve(s, { type: e.type, data: e.data } as E), initial);
}
