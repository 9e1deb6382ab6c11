import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { loadConfig, requireKeys } from '#persistence';
import { masterKeys, rotateMasterKeys } from '#personal-data';
import { cliOperator } from '../operator.js';
import { withStore } from '../store-session.js';

/** The stream where rotations of the master keys are recorded (fingerprints and counts only). */
export const KEY_ROTATIONS_STREAM = 'key-rotations';

/**
 * `rotate-keys` (docs/privacy.md): with the new master keys in PERSON_ID_KEY
 * / PERSONAL_DATA_KEY and the ones they replace in *_PREVIOUS, rewraps every
 * data key the previous ones wrapped, and records the rotation in the log.
 */
export function registerKeyCommands(program: Command): void {
  program
    .command('rotate-keys')
    .description('rewrap the store\'s keys with new master keys: set PERSON_ID_KEY / PERSONAL_DATA_KEY to the new ones and *_PREVIOUS to the old (docs/privacy.md)')
    .action(async () => {
      const config = loadConfig();
      requireKeys(config);
      if (config.previousKeys.personIdKey === undefined && config.previousKeys.personalDataKey === undefined) {
        throw new Error('nothing to rotate: set PERSON_ID_KEY_PREVIOUS and/or PERSONAL_DATA_KEY_PREVIOUS to the keys being replaced, and PERSON_ID_KEY / PERSONAL_DATA_KEY to the new ones');
      }
      await withStore(async ({ database, store }) => {
        const report = await rotateMasterKeys(database.db, masterKeys(config));
        const operator = cliOperator();
        await store.append(
          KEY_ROTATIONS_STREAM,
          [{ eventId: randomUUID(), type: 'MasterKeysRotated', data: report, metadata: { actor: operator.holder, role: operator.role } }],
          'any',
        );
        console.log(`PERSON_ID_KEY:     person-index key ${report.personIndex.rewrapped ? `rewrapped (${report.personIndex.from.join(', ')} → ${report.personIndex.to})` : `already wrapped by ${report.personIndex.to}`}`);
        console.log(`PERSONAL_DATA_KEY: ${report.personalData.rewrapped} person keys rewrapped${report.personalData.from.length ? ` (${report.personalData.from.join(', ')} → ${report.personalData.to})` : ''}`);
        console.log('every key is now wrapped by the new master keys: remove *_PREVIOUS from the configuration of every process, then destroy the old keys');
      });
    });
}
