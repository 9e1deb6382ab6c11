import { sql, type Kysely } from 'kysely';
import type { DB } from '#persistence';
import { PERSON_INDEX } from './key-ring.js';
import type { MasterKeys } from './master-key.js';
import { keyContext } from './vault.js';

export interface RotationReport {
  /** Fingerprints of the master keys, before and after (either may be the same: nothing to do). */
  readonly personIndex: { readonly from: string[]; readonly to: string; readonly rewrapped: number };
  readonly personalData: { readonly from: string[]; readonly to: string; readonly rewrapped: number };
}

/** Person keys rewrapped per transaction: a rotation of millions goes in steps, each leaving every key readable. */
const STEP = 2000;

/**
 * Rewraps every data key wrapped by a previous master key with the current
 * one: the person-index key (PERSON_ID_KEY) and every person's key
 * (PERSONAL_DATA_KEY). The data keys themselves, and so the log, do not
 * change. Runs in steps; each key is readable throughout (by the previous
 * master before its step, the current one after), so the engine may run
 * meanwhile with both keys configured, and an interrupted rotation is
 * finished by running it again.
 */
export async function rotateMasterKeys(db: Kysely<DB>, masters: { personIndex: MasterKeys; personalData: MasterKeys }): Promise<RotationReport> {
  const indexFrom: string[] = [];
  let indexRewrapped = 0;
  const ring = await db.selectFrom('key_ring').select(['purpose', 'wrapped', 'master']).where('purpose', '=', PERSON_INDEX).executeTakeFirst();
  if (ring && ring.master !== masters.personIndex.current.fingerprint) {
    const key = masters.personIndex.byFingerprint(ring.master).unwrap(ring.wrapped, PERSON_INDEX);
    await db
      .updateTable('key_ring')
      .set({ wrapped: masters.personIndex.current.wrap(key, PERSON_INDEX), master: masters.personIndex.current.fingerprint, rewrapped_at: sql`now()` })
      .where('purpose', '=', PERSON_INDEX)
      .where('master', '=', ring.master)
      .execute();
    indexFrom.push(ring.master);
    indexRewrapped = 1;
  }

  const current = masters.personalData.current;
  const dataFrom = new Set<string>();
  let rewrapped = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await db
      .selectFrom('personal_data_keys')
      .select(['key_id', 'wrapped', 'master'])
      .where('master', '<>', current.fingerprint)
      .where('key_id', '>', after)
      .orderBy('key_id')
      .limit(STEP)
      .execute();
    if (rows.length === 0) break;
    await db.transaction().execute(async (trx) => {
      for (const r of rows) {
        const key = masters.personalData.byFingerprint(r.master).unwrap(r.wrapped, keyContext(r.key_id));
        await trx
          .updateTable('personal_data_keys')
          .set({ wrapped: current.wrap(key, keyContext(r.key_id)), master: current.fingerprint })
          .where('key_id', '=', r.key_id)
          .where('master', '=', r.master)
          .execute();
        dataFrom.add(r.master);
      }
    });
    rewrapped += rows.length;
    after = rows[rows.length - 1]!.key_id;
  }
  return {
    personIndex: { from: indexFrom, to: masters.personIndex.current.fingerprint, rewrapped: indexRewrapped },
    personalData: { from: [...dataFrom], to: current.fingerprint, rewrapped },
  };
}
