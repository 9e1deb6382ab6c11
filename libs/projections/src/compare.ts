import { sql, type Kysely } from 'kysely';
import type { DB } from '#persistence';
import { quoteIdent, readCheckpoint } from './checkpoints.js';
import type { Projection } from './projection.js';
import { holdLiveCheckpoint, Scratch, type ScratchOptions } from './scratch.js';

export interface TableComparison {
  readonly table: string;
  readonly liveRows: number;
  readonly rebuiltRows: number;
  /** Rows a replay of the log gives that the live table lacks (count, with a few examples). */
  readonly missingFromLive: number;
  /** Rows of the live table that a replay of the log does not give. */
  readonly extraInLive: number;
  /** A few of those rows, each as JSON text. */
  readonly examples: { readonly missingFromLive: string[]; readonly extraInLive: string[] };
}

export interface ProjectionComparison {
  readonly projection: string;
  /** The position both sides were compared at. */
  readonly position: bigint;
  readonly identical: boolean;
  readonly tables: readonly TableComparison[];
  readonly seconds: number;
}

/**
 * Replay equivalence: recomputes the projection from the log in a scratch
 * schema up to the live checkpoint, then, holding that checkpoint (so the
 * live tables stand still), compares every table row for row (as multisets)
 * and drops the scratch schema. The live read model is not touched.
 */
export async function compareWithReplay(db: Kysely<DB>, projection: Projection, options: ScratchOptions = {}): Promise<ProjectionComparison> {
  const scratch = new Scratch(db, projection, options, 'verify');
  await scratch.create();
  try {
    await scratch.fill(await readCheckpoint(db, projection.name, 'public'));
    const { position, tables } = await db.transaction().execute(async (trx) => {
      const live = await holdLiveCheckpoint(trx, projection.name);
      const reached = await scratch.finishWithin(trx, live);
      const compared: TableComparison[] = [];
      for (const table of projection.tables) compared.push(await compareTable(trx, table, scratch.schema));
      return { position: reached, tables: compared };
    });
    return {
      projection: projection.name,
      position,
      identical: tables.every((t) => t.missingFromLive === 0 && t.extraInLive === 0),
      tables,
      seconds: scratch.seconds,
    };
  } finally {
    await scratch.drop().catch(() => undefined);
  }
}

async function compareTable(db: Kysely<DB>, table: string, schema: string): Promise<TableComparison> {
  const { rows: columns } = await sql<{ name: string }>`
    select column_name as name from information_schema.columns
    where table_schema = 'public' and table_name = ${table} order by ordinal_position`.execute(db);
  const list = columns.map((c) => quoteIdent(c.name)).join(', ');
  const live = `public.${quoteIdent(table)}`;
  const rebuilt = `${quoteIdent(schema)}.${quoteIdent(table)}`;
  const difference = async (a: string, b: string) => {
    const diff = `select ${list} from ${a} except all select ${list} from ${b}`;
    const count = Number((await sql.raw<{ n: string }>(`select count(*)::text as n from (${diff}) d`).execute(db)).rows[0]?.n ?? 0);
    // As JSON text built by the database: dates stay dates and 64-bit positions exact.
    const examples = count
      ? (await sql.raw<{ r: string }>(`select row_to_json(d)::text as r from (${diff} limit 5) d`).execute(db)).rows.map((x) => x.r)
      : [];
    return { count, examples };
  };
  const countOf = async (t: string) => Number((await sql.raw<{ n: string }>(`select count(*)::text as n from ${t}`).execute(db)).rows[0]?.n ?? 0);
  const missing = await difference(rebuilt, live);
  const extra = await difference(live, rebuilt);
  return {
    table,
    liveRows: await countOf(live),
    rebuiltRows: await countOf(rebuilt),
    missingFromLive: missing.count,
    extraInLive: extra.count,
    examples: { missingFromLive: missing.examples, extraInLive: extra.examples },
  };
}

