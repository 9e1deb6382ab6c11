import { SingleBar } from 'cli-progress';

/**
 * A progress bar on stderr (plain lines every few seconds when stderr is not
 * a terminal), started on the first update.
 */
export function progressBar(label: string, unit: string) {
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`,
    stream: process.stderr,
    noTTYOutput: true,
    notTTYSchedule: 5000,
    etaBuffer: 20,
  });
  const started = Date.now();
  return {
    update(done: number, total: number, rate?: number): void {
      if (!bar.isActive) bar.start(Math.max(total, done), 0, { rate: 0 });
      bar.setTotal(Math.max(total, done));
      bar.update(done, { rate: rate ?? Math.round(done / Math.max((Date.now() - started) / 1000, 0.001)) });
    },
    stop(): void {
      if (bar.isActive) bar.stop();
    },
  };
}
