import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '#persistence';

/** The hash the first event chains on. */
export const GENESIS_HASH = Buffer.alloc(32);

/** An event's stored content, as text, exactly as the hash covers it. */
export interface ChainedEventRow {
  readonly position: string;
  readonly eventId: string;
  readonly streamId: string;
  readonly streamRevision: string;
  readonly type: string;
  /** jsonb text of data and metadata (PostgreSQL's canonical rendering). */
  readonly data: string;
  readonly metadata: string;
  readonly occurredOn: string | null;
  /** Recorded time in microseconds since the Unix epoch. */
  readonly recordedMicros: string;
  readonly schemaVersion: number;
}

/**
 * sha256(previous || fields), each field as `<utf-8 byte length>:<text>;`.
 * The same definition as the `event_hash` SQL function that chains events at
 * append time (migration 1764000000000-hash-chain); written again here so
 * that the check does not trust the database's own code.
 */
export function chainHash(previous: Buffer, e: ChainedEventRow): Buffer {
  const fields = [
    e.position,
    e.eventId,
    e.streamId,
    e.streamRevision,
    e.type,
    e.data,
    e.metadata,
    e.occurredOn ?? '',
    e.recordedMicros,
    String(e.schemaVersion),
  ];
  const text = fields.map((f) => `${Buffer.byteLength(f, 'utf8')}:${f};`).join('');
  return createHash('sha256').update(previous).update(text, 'utf8').digest();
}

/** The log's head as the head row holds it: the last position, its chain hash (hex) and when it was recorded. */
export async function chainHead(db: Kysely<DB>): Promise<{ position: string; hash: string; recordedAt: string | null }> {
  const head = await db.selectFrom('event_log_head').select(['position', 'hash', 'recorded_at']).executeTakeFirst();
  if (!head) return { position: '0', hash: GENESIS_HASH.toString('hex'), recordedAt: null };
  return { position: String(head.position), hash: Buffer.from(head.hash).toString('hex'), recordedAt: new Date(head.recorded_at).toISOString() };
}

export type ChainFailure =
  | { kind: 'missing'; position: string; nextPresent: string | null; message: string }
  | { kind: 'mismatch'; position: string; eventId: string; streamId: string; streamRevision: string; type: string; message: string }
  | { kind: 'anchor'; position: string; expected: string; actual: string | null; message: string }
  | { kind: 'head'; position: string; message: string };

export interface ChainReport {
  readonly ok: boolean;
  /** Events checked. */
  readonly events: number;
  /** The head the check ran up to: write these two down to check later. */
  readonly headPosition: string;
  readonly headHash: string;
  readonly failure?: ChainFailure;
}

export interface VerifyChainOptions {
  /** Hashes written down earlier: position → hex hash; each must still match. */
  readonly anchors?: ReadonlyMap<string, string>;
  readonly batchSize?: number;
  readonly onProgress?: (checked: number, total: number) => void;
}

interface Row {
  position: string;
  event_id: string;
  stream_id: string;
  stream_revision: string;
  event_type: string;
  data: string;
  metadata: string;
  occurred_on: string | null;
  recorded_us: string;
  schema_version: number;
  hash: string;
}

/**
 * Walks the log in global order up to its head (as it stands when the walk
 * starts) and recomputes the chain: reports the first event whose content or
 * place no longer matches its hash, the first missing position, and a head
 * that does not match the last event (events removed at the end).
 */
export async function verifyChain(db: Kysely<DB>, options: VerifyChainOptions = {}): Promise<ChainReport> {
  const head = (
    await sql<{ position: string; hash: string }>`
      select position::text as position, encode(hash, 'hex') as hash from event_log_head`.execute(db)
  ).rows[0];
  if (!head) {
    const failure = { kind: 'head', position: '0', message: 'the log has no head row (event_log_head): it cannot be checked' } as const;
    return { ok: false, events: 0, headPosition: '0', headHash: '', failure };
  }
  const headPosition = BigInt(head.position);
  const anchors = new Map(options.anchors ?? []);
  const batchSize = options.batchSize ?? 5000;
  const total = Number((await sql<{ n: string }>`select count(*)::text as n from events where global_position <= ${head.position}::bigint`.execute(db)).rows[0]?.n ?? 0);
  const report = (events: number, failure?: ChainFailure): ChainReport => ({
    ok: failure === undefined,
    events,
    headPosition: head.position,
    headHash: head.hash,
    ...(failure ? { failure } : {}),
  });

  let previous: Buffer = GENESIS_HASH;
  let expected = 1n;
  let checked = 0;
  for (;;) {
    const { rows } = await sql<Row>`
      select global_position::text as position, event_id::text as event_id, stream_id, stream_revision::text as stream_revision,
             event_type, data::text as data, metadata::text as metadata, to_char(occurred_on, 'YYYY-MM-DD') as occurred_on,
             ((extract(epoch from recorded_at) * 1000000)::bigint)::text as recorded_us, schema_version, encode(hash, 'hex') as hash
      from events
      where global_position >= ${expected.toString()}::bigint and global_position <= ${head.position}::bigint
      order by events.global_position
      limit ${batchSize}`.execute(db);
    if (rows.length === 0) break;
    for (const r of rows) {
      const position = BigInt(r.position);
      if (position !== expected) {
        const gap = position - 1n === expected ? `position ${expected} is` : `positions ${expected}–${position - 1n} are`;
        return report(checked, {
          kind: 'missing',
          position: expected.toString(),
          nextPresent: r.position,
          message: `${gap} missing: events were removed from the log (the next event present is at ${r.position})`,
        });
      }
      const recomputed = chainHash(previous, {
        position: r.position,
        eventId: r.event_id,
        streamId: r.stream_id,
        streamRevision: r.stream_revision,
        type: r.event_type,
        data: r.data,
        metadata: r.metadata,
        occurredOn: r.occurred_on,
        recordedMicros: r.recorded_us,
        schemaVersion: r.schema_version,
      });
      if (recomputed.toString('hex') !== r.hash) {
        return report(checked, {
          kind: 'mismatch',
          position: r.position,
          eventId: r.event_id,
          streamId: r.stream_id,
          streamRevision: r.stream_revision,
          type: r.event_type,
          message:
            `event ${r.event_id} (${r.event_type}, ${r.stream_id} revision ${r.stream_revision}) at position ${r.position} ` +
            `does not match its hash: its content, or its place in the log, was changed`,
        });
      }
      const anchored = anchors.get(r.position);
      if (anchored !== undefined) {
        anchors.delete(r.position);
        if (anchored.toLowerCase() !== r.hash) {
          return report(checked, {
            kind: 'anchor',
            position: r.position,
            expected: anchored,
            actual: r.hash,
            message: `the hash at position ${r.position} is ${r.hash}, not ${anchored} as written down: the log up to there was rewritten`,
          });
        }
      }
      previous = recomputed;
      expected = position + 1n;
      checked++;
    }
    options.onProgress?.(checked, total);
  }

  if (expected - 1n !== headPosition) {
    return report(checked, {
      kind: 'head',
      position: head.position,
      message: `the log ends at position ${expected - 1n} but its head records ${head.position}: events at the end were removed`,
    });
  }
  if (previous.toString('hex') !== head.hash && headPosition > 0n) {
    return report(checked, { kind: 'head', position: head.position, message: `the head's hash does not match the last event's` });
  }
  for (const [position, hash] of anchors) {
    return report(checked, {
      kind: 'anchor',
      position,
      expected: hash,
      actual: null,
      message: `position ${position} was written down with hash ${hash}, but the log does not reach it any more`,
    });
  }
  return report(checked);
}
