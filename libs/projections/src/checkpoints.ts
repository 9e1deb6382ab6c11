import { sql, type Kysely } from 'kysely';
import type { DB, TextRow } from '#persistence';
import type { RecordedEvent } from '#event-store';
import type { Projection } from './projection.js';

/**
 * The one place that reads and writes `projection_checkpoints`: each
 * projection's position, the last event it has applied. Without a schema,
 * the table the search_path finds (the live one); with one, that schema's
 * table (a rebuild's scratch schema, or `public` named explicitly).
 */

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

const checkpointTable = (schema?: string) =>
  schema ? sql.raw(`${quoteIdent(schema)}.projection_checkpoints`) : sql.raw('projection_checkpoints');

/** The projection's checkpoint (0 before it has applied anything). */
export async function readCheckpoint(db: Kysely<DB>, name: string, schema?: string): Promise<bigint> {
  const { rows } = await sql<{ position: string }>`
    select position::text as position from ${checkpointTable(schema)} where name = ${name}`.execute(db);
  return BigInt(rows[0]?.position ?? 0);
}

/** The live checkpoints of these projections (one query); a projection that has not started has none. */
export async function readCheckpoints(db: Kysely<DB>, names: readonly string[]): Promise<Map<string, bigint>> {
  const { rows } = await sql<Pick<TextRow<DB['projection_checkpoints']>, 'name' | 'position'>>`
    select name, position::text as position from projection_checkpoints where name = any(${names}::text[])`.execute(db);
  return new Map(rows.map((r) => [r.name, BigInt(r.position)]));
}

/**
 * In the caller's transaction: the checkpoint row (created at 0 if missing),
 * locked until the transaction ends — no other runner can commit a batch of
 * this projection meanwhile.
 */
export async function lockCheckpoint(trx: Kysely<DB>, name: string, schema?: string): Promise<bigint> {
  await sql`insert into ${checkpointTable(schema)} (name, position) values (${name}, 0) on conflict (name) do nothing`.execute(trx);
  const { rows } = await sql<{ position: string }>`
    select position::text as position from ${checkpointTable(schema)} where name = ${name} for update`.execute(trx);
  return BigInt(rows[0]!.position);
}

/** Moves a checkpoint, creating it if needed. */
export async function moveCheckpoint(trx: Kysely<DB>, name: string, position: bigint, schema?: string): Promise<void> {
  await sql`insert into ${checkpointTable(schema)} (name, position) values (${name}, ${position.toString()}::bigint)
            on conflict (name) do update set position = excluded.position, updated_at = now()`.execute(trx);
}

/**
 * In the caller's transaction: applies a batch that starts after `from` and
 * moves the checkpoint to `upTo`, unless another runner moved it first
 * (then nothing is applied and the answer is false). With a schema, the
 * projection writes to that schema's tables.
 */
export async function applyBatchWithin(
  trx: Kysely<DB>,
  projection: Projection,
  from: bigint,
  events: readonly RecordedEvent[],
  upTo: bigint,
  schema?: string,
): Promise<boolean> {
  if (schema) await sql.raw(`set local search_path to ${quoteIdent(schema)}, public`).execute(trx);
  if ((await lockCheckpoint(trx, projection.name, schema)) !== from) return false; // another runner applied it meanwhile
  await projection.apply(trx, events, upTo);
  await moveCheckpoint(trx, projection.name, upTo, schema);
  if (schema) await sql.raw('set local search_path to public').execute(trx);
  return true;
}
