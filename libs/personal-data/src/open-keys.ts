import type { Kysely } from 'kysely';
import type { DB, EngineConfig } from '#persistence';
import { personIndexKey } from './key-ring.js';
import { MasterKey, MasterKeys } from './master-key.js';
import { PersonKeys } from './person-keys.js';
import { PersonalDataVault } from './vault.js';

/** What the engine needs of its keys to record and read persons. */
export interface PersonalData {
  /** The person-index key: persons' stream keys, and (derived) the importer's command ids. */
  readonly indexKey: Buffer;
  readonly personKeys: PersonKeys;
  readonly vault: PersonalDataVault;
  readonly masters: { readonly personIndex: MasterKeys; readonly personalData: MasterKeys };
}

type KeySettings = Pick<EngineConfig, 'personIdKey' | 'personalDataKey' | 'previousKeys'>;

/** The master keys from configuration: current and, during a rotation, previous. */
export function masterKeys(config: KeySettings): PersonalData['masters'] {
  const { previousKeys: previous } = config;
  return {
    personIndex: new MasterKeys(
      new MasterKey(config.personIdKey, 'person-index', 'PERSON_ID_KEY'),
      previous.personIdKey === undefined ? undefined : new MasterKey(previous.personIdKey, 'person-index', 'PERSON_ID_KEY'),
    ),
    personalData: new MasterKeys(
      new MasterKey(config.personalDataKey, 'personal-data', 'PERSONAL_DATA_KEY'),
      previous.personalDataKey === undefined ? undefined : new MasterKey(previous.personalDataKey, 'personal-data', 'PERSONAL_DATA_KEY'),
    ),
  };
}

/**
 * Opens the store's keys with the configured master keys, at start-up:
 * refuses (WrongMasterKeyError, naming the setting) when a configured key
 * does not open what the store holds, rather than sealing new data with a
 * key that cannot open the old.
 */
export async function openPersonalData(db: Kysely<DB>, config: KeySettings): Promise<PersonalData> {
  const masters = masterKeys(config);
  const indexKey = await personIndexKey(db, masters.personIndex, config.personIdKey);
  const wrappers = await db.selectFrom('personal_data_keys').select('master').distinct().execute();
  for (const { master } of wrappers) masters.personalData.byFingerprint(master);
  return { indexKey, personKeys: new PersonKeys(indexKey), vault: new PersonalDataVault(db, masters.personalData), masters };
}
