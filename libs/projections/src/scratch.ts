import { sql, type Kysely } from 'kysely';
import type { DB } from '#persistence';
import { KyselyEventStore } from '#event-store';
import { applyBatchWithin, lockCheckpoint, quoteIdent, readCheckpoint } from './checkpoints.js';
import { foldWithin } from './fold.js';
import type { Projection } from './projection.js';

export interface RebuildProgress {
  readonly applied: number;
  readonly total: number;
  readonly eventsPerSecond: number;
}

export interface ScratchOptions {
  batchSize?: number;
  /** Apply the log batch by batch even when the projection can fold it in one pass (to compare the two). */
  batchwise?: boolean;
  onProgress?: (p: RebuildProgress) => void;
}

/**
 * A projection recomputed from the log into fresh tables of a scratch
 * schema, while the live tables keep answering queries. What a rebuild
 * (rebuild.ts) swaps in and what a replay comparison (compare.ts) compares.
 */
export class Scratch {
  readonly schema: string;
  readonly qSchema: string;
  private readonly started = process.hrtime.bigint();
  applied = 0;
  private total = 0;

  constructor(
    private readonly db: Kysely<DB>,
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
    for (;;) {
      const from = await readCheckpoint(this.db, this.projection.name, this.schema);
      const events = (await store.readAll({ fromPosition: from + 1n, maxCount: this.options.batchSize ?? 2000 })).filter(
        (e) => upTo === undefined || e.globalPosition <= upTo,
      );
      if (events.length === 0) break;
      const last = events[events.length - 1]!.globalPosition;
      await this.db.transaction().execute((trx) => applyBatchWithin(trx, this.projection, from, events, last, this.schema));
      this.applied += events.length;
      this.report();
    }
  }

  /**
   * In the caller's transaction (which holds the live checkpoint's lock, so
   * the live runner is paused): applies the rest of the log up to `upTo`
   * (default: its end) and returns the position reached.
   */
  async finishWithin(trx: Kysely<DB>, upTo?: bigint): Promise<bigint> {
    const store = new KyselyEventStore(trx);
    let from = await readCheckpoint(trx, this.projection.name, this.schema);
    for (;;) {
      const events = (await store.readAll({ fromPosition: from + 1n, maxCount: this.options.batchSize ?? 2000 })).filter(
        (e) => upTo === undefined || e.globalPosition <= upTo,
      );
      if (events.length === 0) break;
      const last = events[events.length - 1]!.globalPosition;
      await applyBatchWithin(trx, this.projection, from, events, last, this.schema);
      this.applied += events.length;
      from = last;
    }
    return from;
  }

  async drop(db: Kysely<DB> = this.db): Promise<void> {
    await sql.raw(`drop schema if exists ${this.qSchema} cascade`).execute(db);
  }
}

/** Takes the live checkpoint's row lock: the live runner cannot commit a batch until the transaction ends. */
export const holdLiveCheckpoint = (trx: Kysely<DB>, name: string): Promise<bigint> => lockCheckpoint(trx, name, 'public');
