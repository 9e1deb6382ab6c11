import type { IsoDate } from './dates.js';

/** The value in force at the end of `date`: the latest dated on or before it (the last recorded wins a tie). */
export function asOf<T extends { on: IsoDate }>(history: readonly T[], date: IsoDate): T | undefined {
  let found: T | undefined;
  for (const entry of history) if (entry.on <= date && (!found || entry.on >= found.on)) found = entry;
  return found;
}
