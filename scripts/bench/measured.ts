/** A measured rate: events, seconds, and latencies per call when they were taken. */
export interface Measured {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  p50Ms?: number;
  p99Ms?: number;
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

/** A Measured from a count, a duration and (optionally) per-call latencies in ms. */
export function toMeasured(events: number, seconds: number, latenciesMs?: readonly number[]): Measured {
  const measured: Measured = { events, seconds, eventsPerSecond: events / seconds };
  if (latenciesMs?.length) {
    const sorted = [...latenciesMs].sort((a, b) => a - b);
    measured.p50Ms = percentile(sorted, 0.5);
    measured.p99Ms = percentile(sorted, 0.99);
  }
  return measured;
}
