import { sql, type Kysely } from 'kysely';
import { chainHash, GENESIS_HASH } from '#event-store';
import type { DB } from '#persistence';
import { SEALED_FIELDS } from './sealed-fields.js';
import type { PersonalDataVault } from './vault.js';

/**
 * Migration of a log recorded before personal fields were sealed
 * (docs/privacy.md, "Old logs"): seals the personal fields of its events
 * with their persons' keys, gives the commands the importer named with an
 * unkeyed digest of their line new, keyed ids (and their events the ids
 * derived from them), then chains the log again from the first event it
 * changed, in one transaction that holds the head (no append meanwhile).
 *
 * This rewrites history on purpose, once, by the store's owner: the caller
 * verifies the chain (and the anchors) first, records the migration in the
 * log afterwards, and signs a reseal statement linking the old head's hash
 * to the new one, so anchors signed before still vouch for the log.
 */

/** A command id the importer derived before its ids were keyed: `<file>:<line>:<16 hex of sha256(line)>`. */
export const LEGACY_DERIVED_ID = /^(.*):(\d+):([0-9a-f]{16})$/;

export interface LegacyMigration {
  /** The new id of a legacy derived command id (a keyed digest instead of the unkeyed one). */
  readonly renameCommand: (commandId: string) => string;
  /** The id of a command's k-th event (the executors' rule). */
  readonly eventIdFor: (commandId: string, k: number) => string;
}

export interface LegacyReport {
  /** Events whose personal fields were sealed. */
  readonly sealed: number;
  /** Events given new ids (commands the importer named with an unkeyed digest). */
  readonly renamed: number;
  /** Events chained again: from the first changed to the head; 0 when nothing had to change. */
  readonly rechained: number;
  readonly headPosition: string;
  /** The head's hash before and after (hex): what the reseal statement links. */
  readonly previousHeadHash: string;
  readonly headHash: string;
}

interface Candidate {
  position: string;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: Record<string, unknown>;
}

const PAGE = 5000;

export async function migrateLegacyLog(db: Kysely<DB>, vault: PersonalDataVault, how: LegacyMigration): Promise<LegacyReport> {
  const types = Object.keys(SEALED_FIELDS);
  // What must change, read (and sealed: the vault writes keys) before the transaction holds the head.
  const { rows: inClear } = await sql<Candidate>`
    select global_position::text as position, event_id::text as event_id, event_type, data, metadata from events
    where event_type = any(${types}::text[]) and not (data ? 'sealed') order by global_position`.execute(db);
  const sealed = await vault.sealAll(inClear.map((c) => ({ type: c.event_type, data: c.data })));
  const { rows: derived } = await sql<Candidate>`
    select global_position::text as position, event_id::text as event_id, event_type, data, metadata from events
    where metadata->>'correlationId' like 'import:%' and metadata->>'commandId' ~ ${LEGACY_DERIVED_ID.source}
    order by global_position`.execute(db);
  const renamed = renameEvents(derived, how);

  return db.transaction().execute(async (trx) => {
    const head = (await sql<{ position: string; hash: string }>`
      select position::text as position, encode(hash, 'hex') as hash from event_log_head where id for update`.execute(trx)).rows[0]!;
    const unchanged = { sealed: 0, renamed: 0, rechained: 0, headPosition: head.position, previousHeadHash: head.hash, headHash: head.hash };
    if (inClear.length === 0 && renamed.length === 0) return unchanged;

    for (const [i, c] of inClear.entries()) {
      await sql`update events set data = ${JSON.stringify(sealed[i]!.data)}::text::jsonb where global_position = ${c.position}::bigint`.execute(trx);
    }
    for (const r of renamed) {
      await sql`update events set event_id = ${r.eventId}::uuid, metadata = ${JSON.stringify(r.metadata)}::text::jsonb where global_position = ${r.position}::bigint`.execute(trx);
    }

    // Chained again from the first changed event: each hash over the stored text, as the verifier reads it.
    const first = [...inClear.map((c) => BigInt(c.position)), ...renamed.map((r) => BigInt(r.position))].reduce((a, b) => (b < a ? b : a));
    let previous: Buffer =
      first === 1n
        ? GENESIS_HASH
        : Buffer.from((await sql<{ hash: string }>`select encode(hash, 'hex') as hash from events where global_position = ${(first - 1n).toString()}::bigint`.execute(trx)).rows[0]!.hash, 'hex');
    let rechained = 0;
    for (let from = first; from <= BigInt(head.position); from += BigInt(PAGE)) {
      const { rows } = await sql<{
        position: string; event_id: string; stream_id: string; stream_revision: string; event_type: string; data: string; metadata: string;
        occurred_on: string | null; recorded_us: string; schema_version: number;
      }>`
        select global_position::text as position, event_id::text as event_id, stream_id, stream_revision::text as stream_revision,
               event_type, data::text as data, metadata::text as metadata, to_char(occurred_on, 'YYYY-MM-DD') as occurred_on,
               ((extract(epoch from recorded_at) * 1000000)::bigint)::text as recorded_us, schema_version
        from events where global_position >= ${from.toString()}::bigint and global_position < ${(from + BigInt(PAGE)).toString()}::bigint
          and global_position <= ${head.position}::bigint
        order by global_position`.execute(trx);
      const hashes: string[] = [];
      for (const r of rows) {
        previous = chainHash(previous, {
          position: r.position, eventId: r.event_id, streamId: r.stream_id, streamRevision: r.stream_revision, type: r.event_type,
          data: r.data, metadata: r.metadata, occurredOn: r.occurred_on, recordedMicros: r.recorded_us, schemaVersion: r.schema_version,
        });
        hashes.push(previous.toString('hex'));
      }
      await sql`
        update events e set hash = decode(v.h, 'hex')
        from unnest(${rows.map((r) => r.position)}::bigint[], ${hashes}::text[]) as v(p, h)
        where e.global_position = v.p`.execute(trx);
      rechained += rows.length;
    }
    await sql`update event_log_head set hash = ${previous} where id`.execute(trx);
    return { sealed: inClear.length, renamed: renamed.length, rechained, headPosition: head.position, previousHeadHash: head.hash, headHash: previous.toString('hex') };
  });
}

/** The new id and metadata of each event of a legacy derived command: k-th event of its command by position. */
function renameEvents(derived: readonly Candidate[], how: LegacyMigration) {
  const nth = new Map<string, number>();
  return derived.map((c) => {
    const old = String(c.metadata['commandId']);
    const commandId = how.renameCommand(old);
    const k = nth.get(old) ?? 0;
    nth.set(old, k + 1);
    const metadata = { ...c.metadata, commandId, ...(c.metadata['causationId'] === old ? { causationId: commandId } : {}) };
    return { position: c.position, eventId: how.eventIdFor(commandId, k), metadata };
  });
}
