import { sql, type Kysely } from 'kysely';
import { KyselyEventStore } from '../../event-store/src/index.js';
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

/**
 * Recomputes a projection from the whole log into fresh tables in a scratch
 * schema, while the live tables keep answering queries; once caught up, it
 * takes the live checkpoint's lock (pausing the live runner), applies what
 * arrived meanwhile, and swaps the new tables in, in one transaction.
 */
export async function rebuildProjection(
  db: Kysely<any>,
  projection: Projection,
  options: { batchSize?: number; onProgress?: (p: RebuildProgress) => void } = {},
): Promise<RebuildResult> {
  const started = process.hrtime.bigint();
  const schema = `rebuild_${projection.name.replace(/[^a-z0-9_]/gi, '_')}_${Date.now()}`;
  const qSchema = quoteIdent(schema);
  await sql.raw(`create schema ${qSchema}`).execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      await sql.raw(`set local search_path to ${qSchema}, public`).execute(trx);
      await projection.createTables(trx);
    });

    const store = new KyselyEventStore(db);
    const runner = new ProjectionRunner(db, store, [projection], { schema, batchSize: options.batchSize ?? 2000 });
    const total = Number((await sql<{ n: string }>`select count(*)::text as n from events`.execute(db)).rows[0]?.n ?? 0);
    let applied = 0;
    const report = () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      options.onProgress?.({ applied, total, eventsPerSecond: Math.round(applied / Math.max(seconds, 0.001)) });
    };
    for (;;) {
      const n = await runner.step(projection);
      if (n === 0) break;
      applied += n;
      report();
    }

    const position = await db.transaction().execute(async (trx) => {
      // Hold the live checkpoint: the live runner cannot commit a batch until the swap is done.
      await sql`insert into public.projection_checkpoints (name, position) values (${projection.name}, 0) on conflict (name) do nothing`.execute(trx);
      await sql`select position from public.projection_checkpoints where name = ${projection.name} for update`.execute(trx);
      const inside = new ProjectionRunner(trx, new KyselyEventStore(trx), [projection], { schema });
      let from = await inside.checkpoint(projection.name);
      for (;;) {
        const events = await new KyselyEventStore(trx).readAll({ fromPosition: from + 1n, maxCount: options.batchSize ?? 2000 });
        if (events.length === 0) break;
        const upTo = events[events.length - 1]!.globalPosition;
        await inside.applyWithin(trx, projection, from, events, upTo);
        applied += events.length;
        from = upTo;
      }
      for (const table of projection.tables) {
        await sql.raw(`drop table if exists public.${quoteIdent(table)}`).execute(trx);
        await sql.raw(`alter table ${qSchema}.${quoteIdent(table)} set schema public`).execute(trx);
      }
      await sql`update public.projection_checkpoints set position = ${from.toString()}::bigint, updated_at = now() where name = ${projection.name}`.execute(trx);
      await sql.raw(`drop schema ${qSchema} cascade`).execute(trx);
      return from;
    });
    report();
    return { events: applied, seconds: Number(process.hrtime.bigint() - started) / 1e9, position };
  } catch (error) {
    await sql.raw(`drop schema if exists ${qSchema} cascade`).execute(db).catch(() => undefined);
    throw error;
  }
}
