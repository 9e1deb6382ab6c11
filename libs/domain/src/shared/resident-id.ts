import { isCalendarDate } from './dates.js';

/**
 * The resident identity number (公民身份号码), GB 11643-1999: a 6-digit
 * address code, an 8-digit birth date, a 3-digit sequence, and a check
 * character (0–9 or X) over ISO 7064 MOD 11-2.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function residentIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/** Why the number is not a valid resident identity number, or undefined. */
export function residentIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return 'must be a string';
  if (!/^\d{17}[\dX]$/.test(id)) return 'must be 17 digits and a check character (0–9 or X)';
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  if (year < 1900 || !isCalendarDate(year, month, day)) {
    // Not echoed: a birth date is part of what finds a person, and refusals reach import reports and logs.
    return 'characters 7–14 must be a real birth date (YYYYMMDD, 1900 or later)';
  }
  const expected = residentIdCheckCharacter(id.slice(0, 17));
  if (id[17] !== expected) return `check character should be "${expected}", got "${id[17]}"`;
  return undefined;
}

export const isResidentId = (id: unknown): id is string => residentIdProblem(id) === undefined;

/** For display: `440307********0428`. The full number is never stored. */
export function maskResidentId(id: string): string {
  return `${id.slice(0, 6)}********${id.slice(14)}`;
}
