import { sql, type Kysely } from 'kysely';
import { KyselyEventStore } from '#event-store';
import type { Projection } from './projection.js';
import { ProjectionRunner, quoteIdent } from './projection-runner.js';

export interface RebuildProgress {
  readonly applied: number;
  readonly total: number;
  readonly eventsPerSecond: number;
}

export interface RebuildResult {
  readonly events: number;
  readonly seconds: number;
  readonly position: bigint;
}

interface ScratchOptions {
  batchSize?: number;
  /** Apply the log batch by batch even when the projection can fold it in one pass (to compare the two). */
  batchwise?: boolean;
  onProgress?: (p: RebuildProgress) => void;
}

/**
 * A projection recomputed from the log into fresh tables of a scratch
 * schema, while the live tables keep answering queries.
 */
class Scratch {
  readonly schema: string;
  readonly qSchema: string;
  private readonly started = process.hrtime.bigint();
  applied = 0;
  private total = 0;

  constructor(
    private readonly db: Kysely<any>,
    readonly projection: Projection,
    private readonly options: ScratchOptions,
    purpose: string,
  ) {
    this.schema = `${purpose}_${projection.name.replace(/[^a-z0-9_]/gi, '_')}_${Date.now()}`;
    this.qSchema = quoteIdent(this.schema);
  }

  get seconds(): number {
    return Number(process.hrtime.bigint() - this.started) / 1e9;
  }

  report(): void {
    this.options.onProgress?.({ applied: this.applied, total: this.total, eventsPerSecond: Math.round(this.applied / Math.max(this.seconds, 0.001)) });
  }

  /** Creates the schema and the projection's empty tables in it. */
  async create(): Promise<void> {
    await sql.raw(`create schema ${this.qSchema}`).execute(this.db);
    await this.db.transaction().execute(async (trx) => {
      await sql.raw(`set local search_path to ${this.qSchema}, public`).execute(trx);
      await this.projection.createTables(trx);
    });
  }

  /**
   * Applies the log (up to `upTo`, if given): in one pass when the projection
   * can fold it, else batch by batch, each in its own transaction.
   */
  async fill(upTo?: bigint): Promise<void> {
    const bound = upTo === undefined ? sql`true` : sql`global_position <= ${upTo.toString()}::bigint`;
    this.total = Number((await sql<{ n: string }>`select count(*)::text as n from events where ${bound}`.execute(this.db)).rows[0]?.n ?? 0);
    const store = new KyselyEventStore(this.db);
    if (this.projection.fold && !this.options.batchwise) {
      const head = upTo ?? (await store.headPosition());
      await this.db.transaction().execute((trx) =>
        foldWithin(trx, this.projection, head, this.schema, (n) => {
          this.applied = n;
          this.report();
        }),
      );
      this.applied = this.total;
      return;
    }
    const runner = new ProjectionRunner(this.db, store, [this.projection], { schema: this.schema });
    for (;;) {
      const from = await runner.checkpoint(this.projection.name);
      const max = this.options.batchSize ?? 2000;
      const events = (await store.readAll({ fromPosition: from + 1n, maxCount: max })).filter((e) => upTo === undefined || e.globalPosition <= upTo);
      if (events.length === 0) break;
      const last = events[events.length - 1]!.globalPosition;
      await this.db.transaction().execute((trx) => runner.applyWithin(trx, this.projection, from, events, last));
      this.applied += events.length;
      this.report();
    }
  }

  /**
   * In the caller's transaction (which holds the live checkpoint's lock, so
   * the live runner is paused): applies the rest of the log up to `upTo`
   * (default: its end) and returns the position reached.
   */
  async finishWithin(trx: Kysely<any>, upTo?: bigint): Promise<bigint> {
    const inside = new ProjectionRunner(trx, new KyselyEventStore(trx), [this.projection], { schema: this.schema });
    let from = await inside.checkpoint(this.projection.name);
    for (;;) {
      const events = (await new KyselyEventStore(trx).readAll({ fromPosition: from + 1n, maxCount: this.options.batchSize ?? 2000 })).filter(
        (e) => upTo === undefined || e.globalPosition <= upTo,
      );
      if (events.length === 0) break;
      const last = events[events.length - 1]!.globalPosition;
      await inside.applyWithin(trx, this.projection, from, events, last);
      this.applied += events.length;
      from = last;
    }
    return from;
  }

  async drop(db: Kysely<any> = this.db): Promise<void> {
    await sql.raw(`drop schema if exists ${this.qSchema} cascade`).execute(db);
  }
}

/** Takes the live checkpoint's row lock: the live runner cannot commit a batch until the transaction ends. */
async function holdLiveCheckpoint(trx: Kysely<any>, name: string): Promise<bigint> {
  await sql`insert into public.projection_checkpoints (name, position) values (${name}, 0) on conflict (name) do nothing`.execute(trx);
  const { rows } = await sql<{ position: string }>`
    select position::text as position from public.projection_checkpoints where name = ${name} for update`.execute(trx);
  return BigInt(rows[0]!.position);
}

async function liveCheckpoint(db: Kysely<any>, name: string): Promise<bigint> {
  const { rows } = await sql<{ position: string }>`
    select position::text as position from public.projection_checkpoints where name = ${name}`.execute(db);
  return BigInt(rows[0]?.position ?? 0);
}

/**
 * Recomputes a projection from the whole log into fresh tables in a scratch
 * schema, while the live tables keep answering queries; once caught up, it
 * takes the live checkpoint's lock (pausing the live runner), applies what
 * arrived meanwhile, and swaps the new tables in, in one transaction.
 */
export async function rebuildProjection(db: Kysely<any>, projection: Projection, options: ScratchOptions = {}): Promise<RebuildResult> {
  const scratch = new Scratch(db, projection, options, 'rebuild');
  await scratch.create();
  try {
    await scratch.fill();
    const position = await db.transaction().execute(async (trx) => {
      await holdLiveCheckpoint(trx, projection.name);
      const reached = await scratch.finishWithin(trx);
      for (const table of projection.tables) {
        await sql.raw(`drop table if exists public.${quoteIdent(table)}`).execute(trx);
        await sql.raw(`alter table ${scratch.qSchema}.${quoteIdent(table)} set schema public`).execute(trx);
      }
      await sql`update public.projection_checkpoints set position = ${reached.toString()}::bigint, updated_at = now() where name = ${projection.name}`.execute(trx);
      await scratch.drop(trx);
      return reached;
    });
    // Fresh tables have no statistics: without them the planner picks nested loops over millions of rows.
    for (const table of projection.tables) await sql.raw(`analyze public.${quoteIdent(table)}`).execute(db);
    scratch.report();
    return { events: scratch.applied, seconds: scratch.seconds, position };
  } catch (error) {
    await scratch.drop().catch(() => undefined);
    throw error;
  }
}

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
export async function compareWithReplay(db: Kysely<any>, projection: Projection, options: ScratchOptions = {}): Promise<ProjectionComparison> {
  const scratch = new Scratch(db, projection, options, 'verify');
  await scratch.create();
  try {
    await scratch.fill(await liveCheckpoint(db, projection.name));
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

async function compareTable(db: Kysely<any>, table: string, schema: string): Promise<TableComparison> {
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

/**
 * In the caller's transaction: folds the log up to `upTo` into the empty
 * tables of a scratch schema and moves the schema's checkpoint there. The
 * tables' keys and indexes are dropped first and built again at the end:
 * building an index over a full table is several times cheaper than keeping
 * it up to date row by row.
 */
export async function foldWithin(
  trx: Kysely<any>,
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
  const checkpoints = sql.raw(`${quoteIdent(schema)}.projection_checkpoints`);
  await sql`insert into ${checkpoints} (name, position) values (${projection.name}, ${upTo.toString()}::bigint)
            on conflict (name) do update set position = excluded.position, updated_at = now()`.execute(trx);
  await sql.raw('set local search_path to public').execute(trx);
}
