import type { Kysely } from 'kysely';
import { AreaDirectory, type HandlerDeps } from '#commands';
import type { EventStore } from '#event-store';
import type { DB } from '#persistence';
import { masterKeys, openPersonalData, PERSON_INDEX, type PersonalData } from '#personal-data';

/** The master keys tests run with (random-looking, two different secrets). */
export const TEST_KEYS = {
  personIdKey: 'test-person-id-key-Q7w2Lx9Rk4Vb8Nz1Hc6Tf3Jm5Pd0Ys',
  personalDataKey: 'test-personal-data-key-Zt4Gq8Wm1Xe6Rb3Kv9Ln2Hy7Cs5Fj0',
  previousKeys: {},
} as const;

/** One person-index key for every test store, so that two stores fed the same commands hold the same person streams. */
const TEST_INDEX_KEY = Buffer.from('test-person-index-key-0123456789abcdef', 'utf8');

/** The store's keys opened with the test master keys (the test person-index key set first on a new store). */
export async function testPersonalData(db: Kysely<DB>): Promise<PersonalData> {
  const { personIndex } = masterKeys(TEST_KEYS);
  await db
    .insertInto('key_ring')
    .values({ purpose: PERSON_INDEX, wrapped: personIndex.current.wrap(TEST_INDEX_KEY, PERSON_INDEX), master: personIndex.current.fingerprint })
    .onConflict((oc) => oc.column('purpose').doNothing())
    .execute();
  return openPersonalData(db, TEST_KEYS);
}

/** What the executors need, on a test store: its areas, its person index and its vault. */
export async function testDeps(db: Kysely<DB>, store: EventStore): Promise<HandlerDeps> {
  const { personKeys, vault } = await testPersonalData(db);
  return { areas: new AreaDirectory(store), personKeys, vault };
}
