import { sql, type Kysely } from 'kysely';
import type { EventStore, RecordedEvent } from '#event-store';
import type { Projection } from './projection.js';
import { rebuildProjection } from './rebuild.js';

export interface RunnerOptions {
  /** Events per batch (and per transaction). */
  readonly batchSize?: number;
  /** Idle poll interval in ms. */
  readonly pollIntervalMs?: number;
  readonly onError?: (projection: string, error: unknown) => void;
  /** Write to the tables (and checkpoints) of this schema instead of the live ones: a rebuild. */
  readonly schema?: string;
  /**
   * A projection that has applied nothing yet, and can fold the log in one
   * pass, is folded instead of applied batch by batch once the log holds at
   * least this many events (default 10,000): a first catch-up after a bulk
   * import costs what a rebuild does.
   */
  readonly foldFrom?: number;
}

/** Events applied in a catch-up between two ANALYZEs of a projection's tables. */
const ANALYZE_EVERY = 200_000;

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Feeds projections from the log, each from its own checkpoint. A batch's
 * read-model writes and its checkpoint commit in one transaction; the
 * checkpoint row is locked for it, so several runners (the API's and a
 * worker's) can run against one database without applying a batch twice.
 * Never fed by the in-process event bus.
 */
export class ProjectionRunner {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly db: Kysely<any>,
    private readonly store: EventStore,
    private readonly projections: readonly Projection[],
    private readonly options: RunnerOptions = {},
  ) {}

  private get checkpoints() {
    return this.options.schema ? sql.raw(`${quoteIdent(this.options.schema)}.projection_checkpoints`) : sql.raw('projection_checkpoints');
  }

  /** The projection's checkpoint: the position of the last event it has applied. */
  async checkpoint(name: string): Promise<bigint> {
    const { rows } = await sql<{ position: string }>`
      select position::text as position from ${this.checkpoints} where name = ${name}`.execute(this.db);
    return BigInt(rows[0]?.position ?? 0);
  }

  /** The lowest checkpoint of all projections (one query). */
  async position(): Promise<bigint> {
    if (this.projections.length === 0) return 0n;
    const names = this.projections.map((p) => p.name);
    const { rows } = await sql<{ name: string; position: string }>`
      select name, position::text as position from ${this.checkpoints} where name = any(${names}::text[])`.execute(this.db);
    if (rows.length < names.length) return 0n; // one has not started
    return rows.reduce((lowest, r) => (BigInt(r.position) < lowest ? BigInt(r.position) : lowest), BigInt(rows[0]!.position));
  }

  /** Applies the next batch of one projection; returns how many events it read (0: caught up). */
  async step(projection: Projection): Promise<number> {
    const from = await this.checkpoint(projection.name);
    if (from === 0n && projection.fold && !this.options.schema) {
      const head = await this.store.headPosition();
      if (head >= BigInt(this.options.foldFrom ?? 10_000) && (await isEmpty(this.db, projection))) {
        // Folded into fresh tables and swapped in, as a rebuild: queries meanwhile find the empty tables, unlocked.
        const { events } = await rebuildProjection(this.db, projection);
        return events;
      }
    }
    const events = await this.store.readAll({ fromPosition: from + 1n, maxCount: this.options.batchSize ?? 1000 });
    if (events.length === 0) return 0;
    const upTo = events[events.length - 1]!.globalPosition;
    const applied = await this.db.transaction().execute((trx) => this.applyWithin(trx, projection, from, events, upTo));
    return applied ? events.length : 0;
  }

  /**
   * In the caller's transaction: applies a batch that starts after `from`
   * and moves the checkpoint, unless another runner moved it first.
   */
  async applyWithin(trx: Kysely<any>, projection: Projection, from: bigint, events: readonly RecordedEvent[], upTo: bigint): Promise<boolean> {
    if (this.options.schema) await sql.raw(`set local search_path to ${quoteIdent(this.options.schema)}, public`).execute(trx);
    await sql`insert into ${this.checkpoints} (name, position) values (${projection.name}, 0) on conflict (name) do nothing`.execute(trx);
    const { rows } = await sql<{ position: string }>`
      select position::text as position from ${this.checkpoints} where name = ${projection.name} for update`.execute(trx);
    if (BigInt(rows[0]!.position) !== from) return false; // another runner applied it meanwhile
    await projection.apply(trx, events, upTo);
    await sql`update ${this.checkpoints} set position = ${upTo.toString()}::bigint, updated_at = now() where name = ${projection.name}`.execute(trx);
    if (this.options.schema) await sql.raw('set local search_path to public').execute(trx);
    return true;
  }

  /** Applies batches until every projection has reached the head of the log. */
  async catchUp(onProgress?: (applied: number) => void): Promise<number> {
    let total = 0;
    for (const projection of this.projections) {
      let sinceAnalyze = 0;
      for (;;) {
        const n = await this.step(projection);
        if (n === 0) break;
        total += n;
        sinceAnalyze += n;
        if (sinceAnalyze >= ANALYZE_EVERY) {
          sinceAnalyze = 0;
          await this.analyze(projection);
        }
        onProgress?.(total);
      }
    }
    return total;
  }

  /**
   * Statistics for the projection's tables, as autovacuum would gather them:
   * a long catch-up fills tables from empty, and a planner that still
   * believes them empty scans them whole at every batch. (Some servers run
   * without autovacuum, as this project's CI machine does.)
   */
  private async analyze(projection: Projection): Promise<void> {
    if (this.options.schema) return;
    for (const table of projection.tables) await sql.raw(`analyze ${quoteIdent(table)}`).execute(this.db).catch(() => undefined);
  }

  /** Runs in the background until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          const n = await this.catchUp();
          if (n > 0) continue;
        } catch (error) {
          this.options.onError?.('projections', error);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.pollIntervalMs ?? 50);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    })();
  }

  /** Asks a running loop to look for new events now. */
  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /**
   * Waits until every projection has applied the log up to `position`, or
   * the timeout passes. Returns the position reached and whether it sufficed.
   */
  async waitFor(position: bigint, timeoutMs: number): Promise<{ position: bigint; caughtUp: boolean }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reached = await this.position();
      if (reached >= position) return { position: reached, caughtUp: true };
      if (Date.now() >= deadline) return { position: reached, caughtUp: false };
      this.nudge();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** Whether the projection's tables (in the search_path) hold no row. */
async function isEmpty(db: Kysely<any>, projection: Projection): Promise<boolean> {
  for (const table of projection.tables) {
    const { rows } = await sql.raw(`select 1 from ${quoteIdent(table)} limit 1`).execute(db);
    if (rows.length) return false;
  }
  return true;
}
