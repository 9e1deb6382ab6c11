import { sql, type Kysely } from 'kysely';
import type { DB } from '#persistence';
import type { ChainReport } from './verify-chain.js';

/**
 * What a `verify` run reported about the hash chain, as recorded in
 * `chain_verifications` after the run (docs/audit.md). A record of when the
 * chain was last checked and what that check said — not a proof: whoever
 * can write the database could write a row. Re-run `verify --anchors` to know.
 */
export interface ChainVerification {
  /** When the run was recorded (ISO 8601). */
  readonly verifiedAt: string;
  /** Who ran it: the CLI operator (`user@host`). */
  readonly verifiedBy: string;
  readonly ok: boolean;
  readonly eventsChecked: number;
  /** The head the run checked up to (as recorded, when the chain failed); null if the log had no head row. */
  readonly headPosition: string | null;
  readonly headHash: string | null;
  /** Anchors the run checked (`--anchor` and the signed heads of `--anchors`). */
  readonly anchorsChecked: number;
  /** The failure's message (positions, hashes, event ids and types; never personal data); null when ok. */
  readonly failure: string | null;
}

/** Records what a `verify` run reported. */
export async function recordChainVerification(db: Kysely<DB>, report: ChainReport, run: { verifiedBy: string; anchorsChecked: number }): Promise<void> {
  const hasHead = report.headHash !== '';
  await db
    .insertInto('chain_verifications')
    .values({
      verified_by: run.verifiedBy,
      ok: report.ok,
      events_checked: String(report.events),
      head_position: hasHead ? report.headPosition : null,
      head_hash: hasHead ? report.headHash : null,
      anchors_checked: run.anchorsChecked,
      failure: report.failure?.message ?? null,
    })
    .execute();
}

/** The last `verify` run recorded, or null if none was. */
export async function lastChainVerification(db: Kysely<DB>): Promise<ChainVerification | null> {
  const { rows } = await sql<{
    verified_at: string;
    verified_by: string;
    ok: boolean;
    events_checked: string;
    head_position: string | null;
    head_hash: string | null;
    anchors_checked: number;
    failure: string | null;
  }>`
    select to_char(verified_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as verified_at, verified_by, ok,
           events_checked::text as events_checked, head_position::text as head_position, head_hash, anchors_checked, failure
    from chain_verifications order by id desc limit 1`.execute(db);
  const r = rows[0];
  if (!r) return null;
  return {
    verifiedAt: r.verified_at,
    verifiedBy: r.verified_by,
    ok: r.ok,
    eventsChecked: Number(r.events_checked),
    headPosition: r.head_position,
    headHash: r.head_hash,
    anchorsChecked: r.anchors_checked,
    failure: r.failure,
  };
}
