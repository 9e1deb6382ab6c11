import { sql, type Kysely } from 'kysely';

/**
 * The appends keep their statements' plans between calls. Each was declared
 * `plan_cache_mode = force_custom_plan`, so every call planned every
 * statement inside it again: about half of an append's time in the server
 * (2.9 → 2.0 ms for a group of 8 single-event appends, docs/benchmarks.md).
 * Every statement in them is a lookup by key, so a generic plan is the same
 * plan; what custom plans guarded against — a plan that scans the log when
 * the statistics lag behind it — is ruled out by `enable_seqscan = off`,
 * which append_batch already had and the other lookups now get too.
 * write_events reads only the head row and the arrays it is given.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
const CHANGED = [
  { fn: 'write_events(text[], bigint[], uuid[], text[], text[], text[], date[], integer[])', seqscanOff: false },
  { fn: 'claim_stream_revision(text, text, integer)', seqscanOff: true },
  { fn: 'append_to_stream(text, text, uuid[], text[], text[], text[], date[], integer[])', seqscanOff: true },
  { fn: 'append_multiple(text[], text[], integer[], uuid[], text[], text[], text[], date[], integer[])', seqscanOff: true },
  { fn: 'append_batch(text[], text[], integer[], integer[], integer[], uuid[], text[], text[], text[], date[], integer[])', seqscanOff: false },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const { fn, seqscanOff } of CHANGED) {
    await sql.raw(`alter function ${fn} reset plan_cache_mode`).execute(db);
    if (seqscanOff) await sql.raw(`alter function ${fn} set enable_seqscan = off`).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const { fn, seqscanOff } of CHANGED) {
    if (seqscanOff) await sql.raw(`alter function ${fn} reset enable_seqscan`).execute(db);
    await sql.raw(`alter function ${fn} set plan_cache_mode = force_custom_plan`).execute(db);
  }
}
