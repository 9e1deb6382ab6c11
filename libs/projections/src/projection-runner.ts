import { sql, type Kysely } from 'kysely';
import type { DB } from '#persistence';
import type { EventStore } from '#event-store';
import { applyBatchWithin, quoteIdent, readCheckpoint, readCheckpoints } from './checkpoints.js';
import { describeError, stackFrames } from '#logging';
import { backoffMs, clearFailure, readFailures, recordFailure, type RetryOptions } from './failures.js';
import type { Projection } from './projection.js';
import { rebuildProjection } from './rebuild.js';
import { projectionStatus, type ProjectionStatus } from './status.js';

/** Where the runner reports: a Nest Logger, the console, a test's array. */
export interface RunnerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, stack?: string): void;
}

export interface RunnerOptions {
  /** Events per batch (and per transaction). */
  readonly batchSize?: number;
  /** Idle poll interval in ms. */
  readonly pollIntervalMs?: number;
  /** Failures, recoveries and decided folds, as lines for an operator (messages redacted: see describeError). */
  readonly logger?: RunnerLogger;
  /** Also called with the raw error at each failure (which may quote data: not for logs kept). */
  readonly onError?: (projection: string, error: unknown) => void;
  /** Backoff between the attempts of a failing projection (default 1 s, doubled, at most 60 s). */
  readonly retry?: RetryOptions;
  /** The clock for backoff and failure times (ms since the epoch); Date.now by default. */
  readonly now?: () => number;
  /**
   * A projection that has applied nothing, whose tables are empty and that
   * can fold the log in one pass, is folded (into a scratch schema, then
   * swapped in, as `rebuild` does) instead of applied batch by batch once
   * the log holds `foldFrom` events — announced with a warning. Off by
   * default; the API and the worker turn it on. Setting foldFrom turns it on.
   */
  readonly foldFirstCatchUp?: boolean;
  /** Default 10,000. */
  readonly foldFrom?: number;
}

/** Events applied in a catch-up between two ANALYZEs of a projection's tables. */
const ANALYZE_EVERY = 200_000;

interface Failing {
  attempts: number;
  since: number;
  retryAt: number;
}

/**
 * Feeds projections from the log, each from its own checkpoint. A batch's
 * read-model writes and its checkpoint commit in one transaction; the
 * checkpoint row is locked for it, so several runners (the API's and a
 * worker's) can run against one database without applying a batch twice.
 * Never fed by the in-process event bus.
 *
 * A projection that throws is reported (logger, onError, projection_failures)
 * and, in the background loop, retried with exponential backoff while the
 * others go on; once it applies again, the report is cleared.
 */
export class ProjectionRunner {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly failing = new Map<string, Failing>();
  /** Projections whose recorded failure (perhaps another runner's, or an earlier run's) is not known to be cleared. */
  private readonly unconfirmed: Set<string>;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly store: EventStore,
    private readonly projections: readonly Projection[],
    private readonly options: RunnerOptions = {},
  ) {
    this.unconfirmed = new Set(projections.map((p) => p.name));
  }

  private get now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The projection's checkpoint: the position of the last event it has applied. */
  checkpoint(name: string): Promise<bigint> {
    return readCheckpoint(this.db, name);
  }

  /** The lowest checkpoint of all projections (one query). */
  async position(): Promise<bigint> {
    return (await this.behind(0n, this.db)).lowest;
  }

  /** Per projection: its checkpoint, lag and recorded failure. */
  async status(): Promise<{ head: bigint; projections: ProjectionStatus[] }> {
    const head = await this.store.headPosition();
    return { head, projections: await projectionStatus(this.db, head, this.projections.map((p) => p.name)) };
  }

  /** Applies the next batch of one projection; returns how many events it read (0: caught up). Throws what the projection throws. */
  async step(projection: Projection): Promise<number> {
    const from = await this.checkpoint(projection.name);
    if (from === 0n && projection.fold && (this.options.foldFirstCatchUp ?? this.options.foldFrom !== undefined)) {
      const head = await this.store.headPosition();
      if (head >= BigInt(this.options.foldFrom ?? 10_000) && (await isEmpty(this.db, projection))) {
        this.options.logger?.warn(
          `projection ${projection.name} has applied nothing and the log holds ${head} events: folding it in one pass ` +
            `into a scratch schema and swapping it in, as a rebuild (foldFirstCatchUp); its tables stay empty until then`,
        );
        const { events, seconds } = await rebuildProjection(this.db, projection);
        this.options.logger?.log(`projection ${projection.name}: folded ${events} events in ${seconds.toFixed(1)} s`);
        return events;
      }
    }
    const events = await this.store.readAll({ fromPosition: from + 1n, maxCount: this.options.batchSize ?? 1000 });
    if (events.length === 0) return 0;
    const upTo = events[events.length - 1]!.globalPosition;
    const applied = await this.db.transaction().execute((trx) => applyBatchWithin(trx, projection, from, events, upTo));
    return applied ? events.length : 0;
  }

  /**
   * Applies batches until every projection has reached the head of the log.
   * One that fails is reported and left behind while the others go on; the
   * first failure is then thrown.
   */
  async catchUp(onProgress?: (applied: number) => void): Promise<number> {
    const { applied, errors } = await this.pass(false, onProgress);
    if (errors.length) throw errors[0];
    return applied;
  }

  /** One pass over the projections (in the background, only those not waiting for a retry). */
  private async pass(background: boolean, onProgress?: (applied: number) => void): Promise<{ applied: number; errors: unknown[] }> {
    let total = 0;
    const errors: unknown[] = [];
    for (const projection of this.projections) {
      if (background && !this.running) break;
      const failing = this.failing.get(projection.name);
      if (background && failing && failing.retryAt > this.now) continue;
      try {
        total += await this.drain(projection, (n) => onProgress?.(total + n), background);
        await this.succeeded(projection.name);
      } catch (error) {
        errors.push(error);
        await this.failed(projection.name, error);
      }
    }
    return { applied: total, errors };
  }

  /** Steps one projection to the head of the log (in the background: or until the runner is stopped, at a batch's end). */
  private async drain(projection: Projection, onProgress: (applied: number) => void, background = false): Promise<number> {
    let total = 0;
    let sinceAnalyze = 0;
    for (;;) {
      if (background && !this.running) return total;
      const n = await this.step(projection);
      if (n === 0) return total;
      total += n;
      sinceAnalyze += n;
      if (sinceAnalyze >= ANALYZE_EVERY) {
        sinceAnalyze = 0;
        await this.analyze(projection);
      }
      onProgress(total);
    }
  }

  private async failed(name: string, error: unknown): Promise<void> {
    const now = this.now;
    const attempts = (this.failing.get(name)?.attempts ?? 0) + 1;
    const retryAt = now + backoffMs(attempts, this.options.retry);
    this.failing.set(name, { attempts, since: this.failing.get(name)?.since ?? now, retryAt });
    this.unconfirmed.add(name);
    const { error: kind, message } = describeError(error);
    let line = `projection ${name} failed (attempt ${attempts}): ${kind}: ${message}; next attempt in ${Math.round((retryAt - now) / 1000)} s`;
    try {
      const position = await this.checkpoint(name);
      const recorded = await recordFailure(this.db, name, { error: kind, message, position, at: new Date(now), retryAt: new Date(retryAt) });
      line = `projection ${name} failed at position ${position + 1n} (attempt ${recorded.attempts}, failing since ${recorded.since.toISOString()}): ${kind}: ${message}; next attempt at ${recorded.retryAt.toISOString()}`;
    } catch (recording) {
      line += ` (the failure could not be recorded: ${describeError(recording).message})`;
    }
    this.options.logger?.error(line, stackFrames(error));
    this.options.onError?.(name, error);
  }

  private async succeeded(name: string): Promise<void> {
    const failing = this.failing.get(name);
    if (!failing && !this.unconfirmed.has(name)) return;
    try {
      await clearFailure(this.db, name);
      this.unconfirmed.delete(name);
    } catch (error) {
      this.options.logger?.warn(`projection ${name} applies again, but its failure report could not be cleared: ${describeError(error).message}`);
    }
    if (failing) {
      this.failing.delete(name);
      this.options.logger?.log(`projection ${name} recovered after ${failing.attempts} failed attempts (failing since ${new Date(failing.since).toISOString()})`);
    }
  }

  /**
   * Statistics for the projection's tables, as autovacuum would gather them:
   * a long catch-up fills tables from empty, and a planner that still
   * believes them empty scans them whole at every batch. (Some servers run
   * without autovacuum, as this project's CI machine does.)
   */
  private async analyze(projection: Projection): Promise<void> {
    for (const table of projection.tables) await sql.raw(`analyze ${quoteIdent(table)}`).execute(this.db).catch(() => undefined);
  }

  /** Runs in the background until stop(); never stops on a projection's failure. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          const { applied } = await this.pass(true);
          if (applied > 0) continue;
        } catch (error) {
          this.options.logger?.error(`projection runner: ${describeError(error).error}: ${describeError(error).message}`, stackFrames(error));
        }
        await this.sleep(this.idleMs());
      }
    })();
  }

  /** Until the next poll, or the next retry if sooner. */
  private idleMs(): number {
    let wait = this.options.pollIntervalMs ?? 50;
    for (const f of this.failing.values()) wait = Math.min(wait, Math.max(0, f.retryAt - this.now));
    return wait;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Asks a running loop to look for new events now (a failing projection still waits for its retry). */
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
   * the timeout passes — or until every projection still short of it is
   * failing (waiting longer would not help). Returns the lowest position
   * reached and whether it sufficed. `db`: where to read the read models'
   * checkpoints — this runner's database, or a read replica of it.
   */
  async waitFor(position: bigint, timeoutMs: number, db: Kysely<DB> = this.db): Promise<{ position: bigint; caughtUp: boolean }> {
    const deadline = Date.now() + timeoutMs;
    let recorded: Set<string> | undefined; // failures recorded by any runner (a worker's), read once
    for (;;) {
      const { lowest, short } = await this.behind(position, db);
      if (lowest >= position) return { position: lowest, caughtUp: true };
      recorded ??= new Set((await readFailures(db, short).catch(() => new Map())).keys());
      const failing = (name: string) => this.failing.has(name) || recorded!.has(name);
      if (Date.now() >= deadline || short.every(failing)) return { position: lowest, caughtUp: false };
      this.nudge();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** The lowest checkpoint (0 if one has not started), and the projections short of `position`. */
  private async behind(position: bigint, db: Kysely<DB>): Promise<{ lowest: bigint; short: string[] }> {
    if (this.projections.length === 0) return { lowest: 0n, short: [] };
    const checkpoints = await readCheckpoints(db, this.projections.map((p) => p.name));
    const at = (name: string) => checkpoints.get(name) ?? 0n;
    const lowest = this.projections.reduce((low, p) => (at(p.name) < low ? at(p.name) : low), at(this.projections[0]!.name));
    return { lowest, short: this.projections.map((p) => p.name).filter((name) => at(name) < position) };
  }
}

/** Whether the projection's tables (in the search_path) hold no row. */
async function isEmpty(db: Kysely<DB>, projection: Projection): Promise<boolean> {
  for (const table of projection.tables) {
    const { rows } = await sql.raw(`select 1 from ${quoteIdent(table)} limit 1`).execute(db);
    if (rows.length) return false;
  }
  return true;
}
