/** Calendar dates as `YYYY-MM-DD` strings: they compare correctly as text. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written as YYYY-MM-DD (no 2023-02-30). */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  return isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

export const maxDate = (a: IsoDate, b: IsoDate): IsoDate => (a > b ? a : b);

/** Built once: constructing a formatter with a time zone costs ~0.2 ms, which every query defaulting its date paid. */
const CHINA_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today in China (the federations' calendar), as YYYY-MM-DD. */
export function todayInChina(now = new Date()): IsoDate {
  return CHINA_DAY.format(now);
}

const INSTANT = /^(\d{4}-\d{2}-\d{2})(?:[T ]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(\.\d{1,6})?)?)?(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?$/i;

/** An instant as written by a user, normalised: a timestamptz literal to the microsecond, and the JS Date (to the millisecond). */
export interface Instant {
  readonly literal: string;
  readonly date: Date;
}

/**
 * An instant ("known at"): an ISO 8601 timestamp. Without a time zone it is
 * China time (+08:00), the federations' clock; a bare date means the end of
 * that day in China ("what we knew on 2023-01-15"). Undefined when malformed.
 */
export function parseInstant(value: unknown): Instant | undefined {
  if (typeof value !== 'string') return undefined;
  const m = INSTANT.exec(value.trim());
  if (!m || !isIsoDate(m[1])) return undefined;
  const [, date, hh, mm, ss, fraction, zone] = m;
  const time = hh === undefined ? '23:59:59.999999' : `${hh}:${mm}:${ss ?? '00'}${(fraction ?? '.').padEnd(7, '0')}`;
  const offset = zone === undefined ? '+08:00' : zone.toUpperCase() === 'Z' ? '+00:00' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const literal = `${date}T${time}${offset}`;
  const parsed = new Date(literal);
  return Number.isNaN(parsed.getTime()) ? undefined : { literal, date: parsed };
}
