export { MasterKey, MasterKeys, WrongMasterKeyError } from './master-key.js';
export { personIndexKey, PERSON_INDEX } from './key-ring.js';
export { PersonalDataVault, type EventLike, type PersonalDataState } from './vault.js';
export { SEALED_FIELDS, isSealedType, type SealedBox } from './sealed-fields.js';
export { rotateMasterKeys, type RotationReport } from './rotation.js';
export { openPersonalData, masterKeys, type PersonalData } from './open-keys.js';
export { PersonKeys } from './person-keys.js';
export { migrateLegacyLog, LEGACY_DERIVED_ID, type LegacyMigration, type LegacyReport } from './legacy-log.js';
