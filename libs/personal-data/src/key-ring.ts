import { sql, type Kysely } from 'kysely';
import type { DB } from '#persistence';
import { newDataKey, type MasterKeys } from './master-key.js';

/** The ring's purpose for the HMAC key that turns an identity number into a person's stream key. */
export const PERSON_INDEX = 'person-index';

/**
 * The engine's person-index key: the HMAC key behind every person's stream
 * key and the importer's derived command ids. It is a data key kept in the
 * database wrapped by PERSON_ID_KEY (its master), so that PERSON_ID_KEY can
 * be rotated by rewrapping it, while the person streams it named, which are
 * in the immutable log, stay found.
 *
 * Made once, by the first process that needs it: random on a store that has
 * no person yet; on a store whose persons were keyed before the key ring
 * existed (the HMAC then used PERSON_ID_KEY itself), PERSON_ID_KEY's own
 * bytes, so that every existing person is still found.
 */
export async function personIndexKey(db: Kysely<DB>, masters: MasterKeys, configuredSecret: string): Promise<Buffer> {
  const stored = await readRing(db, PERSON_INDEX);
  if (stored) return masters.byFingerprint(stored.master).unwrap(stored.wrapped, PERSON_INDEX);
  const { rows } = await sql<{ any: number }>`select 1 as any from event_streams where stream_id like 'person-%' limit 1`.execute(db);
  const key = rows.length > 0 ? Buffer.from(configuredSecret, 'utf8') : newDataKey();
  await db
    .insertInto('key_ring')
    .values({ purpose: PERSON_INDEX, wrapped: masters.current.wrap(key, PERSON_INDEX), master: masters.current.fingerprint })
    .onConflict((oc) => oc.column('purpose').doNothing())
    .execute();
  // Another process may have made it first: the stored one is the key.
  const made = (await readRing(db, PERSON_INDEX))!;
  return masters.byFingerprint(made.master).unwrap(made.wrapped, PERSON_INDEX);
}

async function readRing(db: Kysely<DB>, purpose: string) {
  return db.selectFrom('key_ring').select(['wrapped', 'master']).where('purpose', '=', purpose).executeTakeFirst();
}
