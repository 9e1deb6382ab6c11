import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '#persistence';
import { newDataKey, open, seal, type MasterKeys } from './master-key.js';
import { SEALED_FIELDS, type SealedBox } from './sealed-fields.js';

/** An event as the executors stage it or the readers read it: its type and data. */
export interface EventLike {
  readonly type: string;
  readonly data: unknown;
}

/** An event's data as fields (every event's data is a JSON object). */
const fields = (e: EventLike): Readonly<Record<string, unknown>> => e.data as Record<string, unknown>;

/** What a reader finds in an event's personal fields once opened. */
export type PersonalDataState = 'clear' | 'opened' | 'erased';

/** The key row of a person, unwrapped. */
interface PersonKey {
  readonly keyId: string;
  readonly key: Buffer;
}

/** Rows per statement when keys are fetched or made for a batch. */
const CHUNK = 5000;

/**
 * Seals and opens the personal fields of events (SEALED_FIELDS) with one
 * key per person, kept in `personal_data_keys` wrapped by PERSONAL_DATA_KEY;
 * erasing a person deletes their key. The log only ever holds the sealed
 * boxes, so the hash chain covers ciphertext and still verifies after an
 * erasure. Nothing is cached: a key destroyed by another process opens
 * nothing here from that moment.
 */
export class PersonalDataVault {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly masters: MasterKeys,
  ) {}

  /**
   * The events with their personal fields sealed (the others as they are):
   * the persons' keys are fetched, and made for persons who have none, in
   * one round trip or two for the whole batch.
   */
  async sealAll<E extends EventLike>(events: readonly E[]): Promise<E[]> {
    const persons = new Set<string>();
    for (const e of events) if (toSeal(e)) persons.add(String(fields(e)[SEALED_FIELDS[e.type]!.person]));
    if (persons.size === 0) return [...events];
    const keys = await this.keysOf([...persons]);
    return events.map((e) => {
      if (!toSeal(e)) return e;
      const spec = SEALED_FIELDS[e.type]!;
      const data = fields(e);
      const { keyId, key } = keys.get(String(data[spec.person]))!;
      const personal = Object.fromEntries(spec.fields.filter((f) => f in data).map((f) => [f, data[f]]));
      const rest = Object.fromEntries(Object.entries(data).filter(([f]) => !spec.fields.includes(f)));
      const box = seal(key, Buffer.from(JSON.stringify(personal), 'utf8'), boxContext(e.type, data[spec.subject], keyId));
      const sealed: SealedBox = { key: keyId, box: box.toString('base64') };
      return { ...e, data: { ...rest, sealed } };
    });
  }

  /**
   * The events with their personal fields opened: back in the data as they
   * were recorded, or `null` when the person was erased (their key is
   * gone); `personalData` says which. Events recorded in clear before
   * sealing existed read as they are ('clear').
   */
  async openAll<E extends EventLike>(events: readonly E[]): Promise<Array<E & { readonly personalData?: PersonalDataState }>> {
    const ids = new Set<string>();
    for (const e of events) {
      const sealed = fields(e)['sealed'];
      if (SEALED_FIELDS[e.type] && isBox(sealed)) ids.add(sealed.key);
    }
    const keys = ids.size ? await this.keysById([...ids]) : new Map<string, Buffer>();
    return events.map((e) => {
      const spec = SEALED_FIELDS[e.type];
      if (!spec) return e;
      const { sealed, ...rest } = fields(e);
      if (!isBox(sealed)) return { ...e, personalData: 'clear' as const };
      const key = keys.get(sealed.key);
      if (!key) return { ...e, data: { ...rest, ...Object.fromEntries(spec.fields.map((f) => [f, null])) }, personalData: 'erased' as const };
      const personal = JSON.parse(open(key, Buffer.from(sealed.box, 'base64'), boxContext(e.type, rest[spec.subject], sealed.key)).toString('utf8')) as Record<string, unknown>;
      return { ...e, data: { ...rest, ...personal }, personalData: 'opened' as const };
    });
  }

  /** Destroys every key of the person (their keyed stream key): what was sealed with them no longer opens. Returns how many. */
  async erase(personKey: string): Promise<number> {
    const result = await this.db.deleteFrom('personal_data_keys').where('person_key', '=', personKey).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Of these streams, those whose stored events hold personal fields in clear (recorded before sealing: docs/privacy.md, old logs). */
  async streamsInClear(streamIds: readonly string[]): Promise<string[]> {
    if (streamIds.length === 0) return [];
    const inClear = sql.join(Object.entries(SEALED_FIELDS).map(([type, spec]) => sql`(event_type = ${type} and data ?| ${[...spec.fields]}::text[])`), sql` or `);
    const { rows } = await sql<{ stream_id: string }>`
      select distinct stream_id from events where stream_id = any(${streamIds}::text[]) and (${inClear})`.execute(this.db);
    return rows.map((r) => r.stream_id);
  }

  /** The key of each person, made (random, wrapped) for those who have none. */
  private async keysOf(persons: readonly string[]): Promise<Map<string, PersonKey>> {
    const found = await this.fetch('person_key', persons);
    const missing = persons.filter((p) => !found.has(p));
    for (let i = 0; i < missing.length; i += CHUNK) {
      const rows = missing.slice(i, i + CHUNK).map((person) => {
        const keyId = randomUUID();
        return { key_id: keyId, person_key: person, wrapped: this.masters.current.wrap(newDataKey(), keyContext(keyId)), master: this.masters.current.fingerprint };
      });
      await this.db.insertInto('personal_data_keys').values(rows).onConflict((oc) => oc.column('person_key').doNothing()).execute();
    }
    // Another writer may have made some of them first: the stored ones are the keys.
    if (missing.length) for (const [person, key] of await this.fetch('person_key', missing)) found.set(person, key);
    return found;
  }

  private async keysById(keyIds: readonly string[]): Promise<Map<string, Buffer>> {
    const byPerson = await this.fetch('key_id', keyIds);
    return new Map([...byPerson.values()].map((k) => [k.keyId, k.key]));
  }

  /** Key rows by person or by key id, unwrapped, keyed by person. */
  private async fetch(column: 'person_key' | 'key_id', values: readonly string[]): Promise<Map<string, PersonKey>> {
    const keys = new Map<string, PersonKey>();
    for (let i = 0; i < values.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('personal_data_keys')
        .select(['key_id', 'person_key', 'wrapped', 'master'])
        .where(column, 'in', values.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) {
        keys.set(r.person_key, { keyId: r.key_id, key: this.masters.byFingerprint(r.master).unwrap(r.wrapped, keyContext(r.key_id)) });
      }
    }
    return keys;
  }
}

/** What a person's key is wrapped for: its id (a wrapped key moved to another row does not open). */
export const keyContext = (keyId: string): string => `personal-data-key:${keyId}`;
/** Whether an event holds personal fields in clear (of SEALED_FIELDS, those present): to be sealed. */
const toSeal = (e: EventLike): boolean => {
  const spec = SEALED_FIELDS[e.type];
  return spec !== undefined && spec.fields.some((f) => f in fields(e));
};
/** What a sealed box is bound to: the event type, its subject (the member) and the key. */
const boxContext = (type: string, subject: unknown, keyId: string): string => `${type}:${String(subject)}:${keyId}`;

const isBox = (value: unknown): value is SealedBox =>
  typeof value === 'object' && value !== null && typeof (value as SealedBox).key === 'string' && typeof (value as SealedBox).box === 'string';
