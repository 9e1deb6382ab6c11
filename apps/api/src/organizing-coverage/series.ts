import { InvalidQuery } from './query-params.js';

export type Step = 'month' | 'quarter' | 'year';
export const STEPS: readonly Step[] = ['month', 'quarter', 'year'];
export const MAX_POINTS = 400;

const iso = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The dates of a series: the last day of every month / quarter / year that
 * ends within [from, to], then `to` itself if it is not such an end (the
 * figure "to date").
 */
export function seriesDates(from: string, to: string, step: Step): string[] {
  if (to < from) throw new InvalidQuery(`to (${to}) must not be before from (${from})`);
  const months = step === 'month' ? 1 : step === 'quarter' ? 3 : 12;
  const start = new Date(`${from}T00:00:00Z`);
  // First period containing `from`: months aligned to the calendar (quarters start in Jan, Apr, Jul, Oct).
  let year = start.getUTCFullYear();
  let month = Math.floor(start.getUTCMonth() / months) * months;
  const dates: string[] = [];
  // Dates end at 9999-12-31 (four-digit years): a period after it is after any `to`.
  while (year <= 9999) {
    const end = iso(new Date(Date.UTC(year, month + months, 0)));
    if (end > to) break;
    if (end >= from) dates.push(end);
    month += months;
    if (month >= 12) {
      year += Math.floor(month / 12);
      month %= 12;
    }
    if (dates.length > MAX_POINTS) throw new InvalidQuery(`a series has at most ${MAX_POINTS} points; use a larger step`);
  }
  if (dates[dates.length - 1] !== to) dates.push(to);
  return dates;
}
