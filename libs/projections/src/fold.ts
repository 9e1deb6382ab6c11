import { sql, type Kysely } from 'kysely';
import type { DB } from '#persistence';
import { moveCheckpoint, quoteIdent } from './checkpoints.js';
import type { Projection } from './projection.js';

/**
 * In the caller's transaction: folds the log up to `upTo` into the empty
 * tables of a scratch schema and moves the schema's checkpoint there. The
 * tables' keys and indexes are dropped first and built again at the end:
 * building an index over a full table is several times cheaper than keeping
 * it up to date row by row.
 */
export async function foldWithin(
  trx: Kysely<DB>,
  projection: Projection,
  upTo: bigint,
  schema: string,
  onProgress: (events: number) => void = () => undefined,
): Promise<void> {
  if (!projection.fold) throw new Error(`projection ${projection.name} cannot fold the log`);
  await sql.raw(`set local search_path to ${quoteIdent(schema)}, public`).execute(trx);
  const tables = [...projection.tables];
  const { rows: constraints } = await sql<{ table: string; name: string; definition: string }>`
    select c.conrelid::regclass::text as table, c.conname as name, pg_get_constraintdef(c.oid) as definition from pg_constraint c
    where c.connamespace = ${schema}::regnamespace and c.contype in ('p', 'u') and c.conrelid::regclass::text = any(${tables}::text[])`.execute(trx);
  const { rows: indexes } = await sql<{ name: string; definition: string }>`
    select i.indexname as name, i.indexdef as definition from pg_indexes i
    where i.schemaname = ${schema} and i.tablename = any(${tables}::text[])
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname and c.connamespace = ${schema}::regnamespace)`.execute(trx);
  for (const index of indexes) await sql.raw(`drop index ${quoteIdent(schema)}.${quoteIdent(index.name)}`).execute(trx);
  for (const c of constraints) await sql.raw(`alter table ${quoteIdent(c.table)} drop constraint ${quoteIdent(c.name)}`).execute(trx);
  // The fold reads the log in index order, page by page; without statistics (a log just imported, autovacuum
  // off or behind) the planner would sort the rest of a key range for every page instead.
  await sql.raw('set local enable_sort = off').execute(trx);
  await sql.raw('set local enable_bitmapscan = off').execute(trx);
  await projection.fold(trx, upTo, onProgress);
  await sql.raw('set local enable_sort = on').execute(trx);
  await sql.raw('set local enable_bitmapscan = on').execute(trx);
  // Keys first: adding one also checks that the fold wrote no row twice.
  for (const c of constraints) await sql.raw(`alter table ${quoteIdent(c.table)} add constraint ${quoteIdent(c.name)} ${c.definition}`).execute(trx);
  for (const index of indexes) await sql.raw(index.definition).execute(trx);
  await moveCheckpoint(trx, projection.name, upTo, schema);
  await sql.raw('set local search_path to public').execute(trx);
}
