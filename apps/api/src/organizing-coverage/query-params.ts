import { HttpException } from '@nestjs/common';
import { isIsoDate, parseInstant, todayInChina } from '#domain';
import { BANDS, type Band, type CoverageStatus } from '#domain';

/** A malformed query: 400 with the contract's error body. */
export class InvalidQuery extends HttpException {
  constructor(message: string) {
    super({ error: 'INVALID_QUERY', message }, 400);
  }
}

export { todayInChina };

export function requiredText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidQuery(`${name} is required`);
  return value.trim();
}

export function dateParam(value: unknown, name: string, fallback?: string): string {
  if (value === undefined || value === '') {
    if (fallback !== undefined) return fallback;
    throw new InvalidQuery(`${name} is required (YYYY-MM-DD)`);
  }
  if (!isIsoDate(value)) throw new InvalidQuery(`${name} must be a calendar date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return value;
}

/** `100+` arrives as `100 ` when the client did not encode the plus sign: accept both. */
export function bandParam(value: unknown): Band | undefined {
  if (value === undefined || value === '') return undefined;
  const v = String(value).trim();
  const band = v === '100' ? '100+' : v;
  if (!(BANDS as string[]).includes(band)) throw new InvalidQuery(`band must be one of ${BANDS.join(', ')}, got ${JSON.stringify(value)}`);
  return band as Band;
}

export function statusParam(value: unknown): CoverageStatus | undefined {
  if (value === undefined || value === '') return undefined;
  const statuses = ['independent', 'federationCovered', 'unorganized'];
  if (!statuses.includes(String(value))) throw new InvalidQuery(`status must be one of ${statuses.join(', ')}, got ${JSON.stringify(value)}`);
  return value as CoverageStatus;
}

export function intParam(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidQuery(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

export function positionParam(value: unknown): bigint {
  if (value === undefined || value === '') return 0n;
  if (!/^\d+$/.test(String(value))) throw new InvalidQuery('position must be a global position (a whole number)');
  return BigInt(String(value));
}

/** The widest zone offset in use on Earth (UTC+14:00, UTC−12:00); PostgreSQL refuses one of 16 hours or more. */
const MAX_OFFSET_MINUTES = 14 * 60;
/** The last instant the database driver can send (it writes an instant as JavaScript does, and `+010000-01-01` is no timestamp to PostgreSQL). */
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * `knownAt`: an instant (see parseInstant: no zone means China time, a bare
 * date the end of that day). Returns a timestamptz literal, or undefined when absent.
 */
export function instantParam(value: unknown, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  const instant = parseInstant(value);
  if (!instant) {
    throw new InvalidQuery(
      `${name} must be an ISO 8601 timestamp such as 2023-01-15T18:00:00+08:00 (without a zone: China time; a bare date: the end of that day in China), got ${JSON.stringify(value)}`,
    );
  }
  // The literal ends with its offset, ±HH:MM: one beyond any zone (up to ±23:59 reads as ISO 8601) would fail in the database.
  const [, hours, minutes] = /([01]\d|2[0-3]):([0-5]\d)$/.exec(instant.literal) ?? [];
  if (Number(hours) * 60 + Number(minutes) > MAX_OFFSET_MINUTES) {
    throw new InvalidQuery(`${name} must have a zone offset from -14:00 to +14:00, got ${JSON.stringify(value)}`);
  }
  if (instant.date.getTime() > LAST_INSTANT) throw new InvalidQuery(`${name} must be before the year 10000 in UTC, got ${JSON.stringify(value)}`);
  return instant.literal;
}
