/*
 * The projection runner's own tables, as they stand (libs/projections).
 */

/** Each projection's (and policy's) position in the log; moved in the transaction of the batch it applied. */
export const PROJECTION_CHECKPOINTS = `
create table projection_checkpoints (
  name text primary key,
  position bigint not null default 0,
  updated_at timestamptz not null default now()
)`;

/** A projection (or policy) that fails, while it fails: why, since when, attempts, the checkpoint it is stuck at, the next retry. */
export const PROJECTION_FAILURES = `
create table projection_failures (
  name text primary key,
  error text not null,
  message text not null,
  position bigint not null,
  failing_since timestamptz not null,
  attempts integer not null,
  next_retry_at timestamptz not null,
  updated_at timestamptz not null default now()
)`;

export const PROJECTION_TABLES: readonly string[] = [PROJECTION_CHECKPOINTS, PROJECTION_FAILURES];
