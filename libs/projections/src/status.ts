import { sql, type Kysely } from 'kysely';
import type { DB, TextRow } from '#persistence';
import { readFailures, type ProjectionFailure } from './failures.js';

export interface ProjectionStatus {
  readonly name: string;
  /** Its checkpoint: the last position it has applied (0: nothing yet). */
  readonly position: bigint;
  /** How many positions it is behind the head of the log. */
  readonly lag: bigint;
  /** Set while it fails (as recorded by whichever runner runs it). */
  readonly failure?: ProjectionFailure;
}

/**
 * Every projection's checkpoint, lag behind `head` and recorded failure:
 * the named ones (those without a checkpoint at 0), else every one that
 * has a checkpoint or a failure.
 */
export async function projectionStatus(db: Kysely<DB>, head: bigint, names?: readonly string[]): Promise<ProjectionStatus[]> {
  const { rows } = await sql<Pick<TextRow<DB['projection_checkpoints']>, 'name' | 'position'>>`
    select name, position::text as position from projection_checkpoints
    ${names ? sql`where name = any(${names}::text[])` : sql``}`.execute(db);
  const positions = new Map(rows.map((r) => [r.name, BigInt(r.position)]));
  const failures = await readFailures(db, names);
  const all = names ?? [...new Set([...positions.keys(), ...failures.keys()])].sort();
  return all.map((name) => {
    const position = positions.get(name) ?? 0n;
    const failure = failures.get(name);
    return { name, position, lag: head > position ? head - position : 0n, ...(failure ? { failure } : {}) };
  });
}
