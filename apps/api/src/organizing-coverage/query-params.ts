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

/** The deepest a page number may reach into a list: further on, pages continue by cursor (keyset), not by skipping rows. */
export const MAX_PAGE_OFFSET = 10_000;

/**
 * `page` and `pageSize` of a list that also continues by cursor (`after`):
 * a page deeper than MAX_PAGE_OFFSET items is refused (400 PAGE_TOO_DEEP),
 * since the database would scan every row skipped; `after` is for page 1
 * only (it is where the list starts).
 */
export function pageParams(query: Record<string, unknown>, defaultSize = 50): { page: number; pageSize: number; offset: number } {
  const pageSize = intParam(query['pageSize'], 'pageSize', defaultSize, 1, 1000);
  const page = intParam(query['page'], 'page', 1, 1, Number.MAX_SAFE_INTEGER);
  const offset = (page - 1) * pageSize;
  if (offset > MAX_PAGE_OFFSET) {
    throw new HttpException(
      { error: 'PAGE_TOO_DEEP', message: `page ${page} of ${pageSize} starts beyond the first ${MAX_PAGE_OFFSET} items: continue with after=<nextCursor of the page before>` },
      400,
    );
  }
  if (page > 1 && query['after'] !== undefined && query['after'] !== '') throw new InvalidQuery('give page or after, not both: after continues a list where the page before ended');
  return { page, pageSize, offset };
}

/** The longest cursor this server gives (ids are at most 200 characters). */
const MAX_CURSOR_LENGTH = 2_000;

/** A cursor, as `nextCursor`: opaque to clients (base64url of a JSON array naming the list it continues). */
export function encodeCursor(list: string, ...parts: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify([list, ...parts])).toString('base64url');
}

/**
 * The `after` parameter: a cursor this server gave for the same list, read
 * by `read` (undefined when its parts are not what that list's cursor holds).
 */
export function cursorParam<T>(value: unknown, list: string, read: (parts: readonly unknown[]) => T | undefined): T | undefined {
  if (value === undefined || value === '') return undefined;
  const refuse = () => new InvalidQuery('after must be the nextCursor of the page before, unchanged');
  if (typeof value !== 'string' || value.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(value)) throw refuse();
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(parts) || parts[0] !== list) throw refuse();
  const cursor = read(parts.slice(1));
  if (cursor === undefined) throw refuse();
  return cursor;
}

/** A cursor part that is an id (a non-empty string of at most 200 characters). */
export const isCursorId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200;
/** A cursor part that is a count (a whole number, not negative, within the database's integer: a forged larger one would fail there). */
export const isCursorCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 2_147_483_647;
/** A cursor part that is a log position (digits). */
export const isCursorPosition = (v: unknown): v is string => typeof v === 'string' && /^\d{1,19}$/.test(v);
