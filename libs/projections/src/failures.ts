import { sql, type Kysely } from 'kysely';
import type { DB, TextRow } from '#persistence';

/**
 * A projection (or policy) that fails, as the runner reports it — in its
 * logs, and in `projection_failures` (one row per failing projection,
 * deleted once it applies again), which the API's health answer and
 * `cli status` read: a worker's failure is seen from the API too.
 */
export interface ProjectionFailure {
  /** The error's class, and its code if it has one: `DomainError UNKNOWN_AREA`, `PostgresError 23514`. */
  readonly error: string;
  /** Its message, with anything that may be personal data taken out (see describeError). */
  readonly message: string;
  /** The checkpoint the projection is stuck at: the batch after it fails. */
  readonly position: bigint;
  readonly since: Date;
  /** Failed attempts since `since` (by every runner). */
  readonly attempts: number;
  readonly retryAt: Date;
}

export interface RetryOptions {
  /** Wait after the first failure, in ms (default 1,000); doubled at each failure after… */
  readonly initialMs?: number;
  /** …up to this (default 60,000). */
  readonly maxMs?: number;
}

/** The wait before the next attempt after `attempts` consecutive failures: 1 s, 2 s, 4 s, … 60 s. */
export function backoffMs(attempts: number, retry: RetryOptions = {}): number {
  const initial = retry.initialMs ?? 1000;
  const max = retry.maxMs ?? 60_000;
  return Math.min(max, initial * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
}

const ms = (column: string) => sql.raw(`floor(extract(epoch from ${column}) * 1000)::bigint::text`);

/** A row of projection_failures as read: its position as text, its times as epoch milliseconds (text). */
type FailureRow = Pick<TextRow<DB['projection_failures']>, 'name' | 'error' | 'message' | 'position' | 'attempts'> & { since: string; retry_at: string };

const toFailure = (r: FailureRow): ProjectionFailure => ({
  error: r.error,
  message: r.message,
  position: BigInt(r.position),
  since: new Date(Number(r.since)),
  attempts: Number(r.attempts),
  retryAt: new Date(Number(r.retry_at)),
});

/**
 * Records a failed attempt: a first failure starts the row, a later one
 * counts an attempt and keeps its start. Returns the row as it stands.
 */
export async function recordFailure(
  db: Kysely<DB>,
  name: string,
  failure: { error: string; message: string; position: bigint; at: Date; retryAt: Date },
): Promise<ProjectionFailure> {
  const { rows } = await sql<FailureRow>`
    insert into projection_failures as f (name, error, message, position, failing_since, attempts, next_retry_at, updated_at)
    values (${name}, ${failure.error}, ${failure.message}, ${failure.position.toString()}::bigint,
            ${failure.at.toISOString()}::timestamptz, 1, ${failure.retryAt.toISOString()}::timestamptz, ${failure.at.toISOString()}::timestamptz)
    on conflict (name) do update set error = excluded.error, message = excluded.message, position = excluded.position,
      attempts = f.attempts + 1, next_retry_at = excluded.next_retry_at, updated_at = excluded.updated_at
    returning name, error, message, position::text as position, ${ms('failing_since')} as since, attempts, ${ms('next_retry_at')} as retry_at`.execute(db);
  return toFailure(rows[0]!);
}

export async function clearFailure(db: Kysely<DB>, name: string): Promise<void> {
  await db.deleteFrom('projection_failures').where('name', '=', name).execute();
}

/** The recorded failures (of these projections, or of all). */
export async function readFailures(db: Kysely<DB>, names?: readonly string[]): Promise<Map<string, ProjectionFailure>> {
  const { rows } = await sql<FailureRow>`
    select name, error, message, position::text as position, ${ms('failing_since')} as since, attempts, ${ms('next_retry_at')} as retry_at
    from projection_failures ${names ? sql`where name = any(${names}::text[])` : sql``} order by name`.execute(db);
  return new Map(rows.map((r) => [r.name, toFailure(r)]));
}
