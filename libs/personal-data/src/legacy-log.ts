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
  /** The key of a card number, which names its stream (PersonKeys.cardKeyOf). */
  readonly cardKeyOf: (cardNumber: string) => string;
  /** The id of a command's k-th event (the executors' rule). */
  readonly eventIdFor: (commandId: string, k: number) => string;
}

export interface LegacyReport {
  /** Events whose personal fields were sealed. */
  readonly sealed: number;
  /** Events given new ids (commands the importer named with an unkeyed digest). */
  readonly renamed: number;
  /** Card streams named by their number, renamed by its key. */
  readonly cardStreams: number;
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
  // What must change, read (and sealed: the vault writes keys) before the transaction holds the head.
  const inClearSql = sql.join(Object.entries(SEALED_FIELDS).map(([type, spec]) => sql`(event_type = ${type} and data ?| ${[...spec.fields]}::text[])`), sql` or `);
  const { rows: inClear } = await sql<Candidate>`
    select global_position::text as position, event_id::text as event_id, event_type, data, metadata from events
    where ${inClearSql} order by global_position`.execute(db);
  const sealed = await vault.sealAll(await withKeys(db, inClear, how));
  const { rows: derived } = await sql<Candidate>`
    select global_position::text as position, event_id::text as event_id, event_type, data, metadata from events
    where metadata->>'correlationId' like 'import:%' and metadata->>'commandId' ~ ${LEGACY_DERIVED_ID.source}
    order by global_position`.execute(db);
  const renamed = renameEvents(derived, how);

  return db.transaction().execute(async (trx) => {
    const head = (await sql<{ position: string; hash: string }>`
      select position::text as position, encode(hash, 'hex') as hash from event_log_head where id for update`.execute(trx)).rows[0]!;
    const unchanged = { sealed: 0, renamed: 0, cardStreams: 0, rechained: 0, headPosition: head.position, previousHeadHash: head.hash, headHash: head.hash };
    if (inClear.length === 0 && renamed.length === 0) return unchanged;

    // Card streams named by their number take the number's key as name (their events are among those in clear).
    const { rows: cardStreams } = await sql<{ stream_id: string }>`
      select stream_id from event_streams where stream_id like 'card-%' and stream_id !~ '^card-[0-9a-f]{40}$'`.execute(trx);
    for (const { stream_id } of cardStreams) {
      const renamedTo = `card-${how.cardKeyOf(stream_id.slice('card-'.length))}`;
      await sql`update events set stream_id = ${renamedTo} where stream_id = ${stream_id}`.execute(trx);
      await sql`update event_streams set stream_id = ${renamedTo} where stream_id = ${stream_id}`.execute(trx);
    }

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
    return { sealed: inClear.length, renamed: renamed.length, cardStreams: cardStreams.length, rechained, headPosition: head.position, previousHeadHash: head.hash, headHash: previous.toString('hex') };
  });
}

/**
 * The events in clear as the current ones are recorded: card events name the
 * holder (`personKey`, from the member's join) whose key seals the number, and
 * the card's key where the member's state needs it.
 */
async function withKeys(db: Kysely<DB>, inClear: readonly Candidate[], how: LegacyMigration): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  const memberIds = [...new Set(inClear.filter((c) => c.event_type !== 'MemberJoined').map((c) => String((c.data as Record<string, unknown>)['memberId'])))];
  const { rows } = memberIds.length
    ? await sql<{ member_id: string; person_key: string }>`
        select data->>'memberId' as member_id, data->>'personKey' as person_key from events
        where event_type = 'MemberJoined' and data->>'memberId' = any(${memberIds}::text[])`.execute(db)
    : { rows: [] };
  const personKeyOf = new Map(rows.map((r) => [r.member_id, r.person_key]));
  return inClear.map((c) => {
    const data = { ...(c.data as Record<string, unknown>) };
    if (c.event_type !== 'MemberJoined') data['personKey'] = personKeyOf.get(String(data['memberId']));
    if (c.event_type === 'MemberCardIssued') data['cardKey'] = how.cardKeyOf(String(data['cardNumber']));
    if (c.event_type === 'MemberCardReplaced') data['newCardKey'] = how.cardKeyOf(String(data['newCardNumber']));
    return { type: c.event_type, data };
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
