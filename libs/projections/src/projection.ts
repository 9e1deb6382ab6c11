import type { Kysely } from 'kysely';
import type { DB } from '#persistence';
import type { RecordedEvent } from '#event-store';

/**
 * A read model fed from the log. `apply` writes the effect of a batch of
 * events (in global order) inside the runner's transaction — the same one
 * that moves the projection's checkpoint — so a batch counts once or not at
 * all. `upTo` is the batch's last position: anything the projection reads
 * from the log must stop there, so that a replay gives the same rows.
 */
export interface Projection {
  readonly name: string;
  /** Tables the projection owns, emptied before a rebuild. */
  readonly tables: readonly string[];
  /**
   * Creates the projection's tables (and a projection_checkpoints table) in
   * the current search_path: how a rebuild gets fresh, empty tables.
   */
  createTables(db: Kysely<DB>): Promise<void>;
  apply(db: Kysely<DB>, events: readonly RecordedEvent[], upTo: bigint): Promise<void>;
  /**
   * Optional fast path for a projection that starts from nothing (a rebuild,
   * or a first catch-up): writes into its empty tables what applying the log
   * up to `upTo` batch by batch would, in one pass. Reports the events
   * folded so far now and then.
   */
  fold?(db: Kysely<DB>, upTo: bigint, onProgress: (events: number) => void): Promise<void>;
}
