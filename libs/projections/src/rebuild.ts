import { sql, type Kysely } from 'kysely';
import type { DB } from '#persistence';
import { moveCheckpoint, quoteIdent } from './checkpoints.js';
import type { Projection } from './projection.js';
import { holdLiveCheckpoint, Scratch, type ScratchOptions } from './scratch.js';

export type { RebuildProgress, ScratchOptions as RebuildOptions } from './scratch.js';

export interface RebuildResult {
  readonly events: number;
  readonly seconds: number;
  readonly position: bigint;
}

/**
 * Recomputes a projection from the whole log into fresh tables in a scratch
 * schema, while the live tables keep answering queries; once caught up, it
 * takes the live checkpoint's lock (pausing the live runner), applies what
 * arrived meanwhile, and swaps the new tables in, in one transaction. What
 * `npm run cli -- rebuild` runs, and a runner's first catch-up when told to
 * fold it (RunnerOptions.foldFirstCatchUp).
 */
export async function rebuildProjection(db: Kysely<DB>, projection: Projection, options: ScratchOptions = {}): Promise<RebuildResult> {
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
      await moveCheckpoint(trx, projection.name, reached, 'public');
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
