import { createHmac, randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { eventIdFor } from '#commands';
import { anchorPrivateKey, chainHead, signAnchor, verifyChain, type EventStore } from '#event-store';
import { commandIdKey } from '#importer';
import { loadConfig, requireKeys } from '#persistence';
import { LEGACY_DERIVED_ID, masterKeys, migrateLegacyLog, openPersonalData, rotateMasterKeys } from '#personal-data';
import { readKeyFile, trustedAnchors } from './anchor.commands.js';
import { cliOperator } from '../operator.js';
import { withStore } from '../store-session.js';

/** Where operations on the log's keys and personal data are recorded (fingerprints, counts and hashes only). */
export const PERSONAL_DATA_OPERATIONS_STREAM = 'personal-data-operations';

/**
 * Operations on personal data outside the commands (docs/privacy.md):
 * `rotate-keys` rewraps every data key with new master keys;
 * `seal-personal-data` migrates a log recorded before personal fields were
 * sealed. Each is recorded in the log.
 */
export function registerPersonalDataCommands(program: Command): void {
  program
    .command('rotate-keys')
    .description("rewrap the store's keys with new master keys: set PERSON_ID_KEY / PERSONAL_DATA_KEY to the new ones and *_PREVIOUS to the old (docs/privacy.md)")
    .action(async () => {
      const config = loadConfig();
      requireKeys(config);
      if (config.previousKeys.personIdKey === undefined && config.previousKeys.personalDataKey === undefined) {
        throw new Error('nothing to rotate: set PERSON_ID_KEY_PREVIOUS and/or PERSONAL_DATA_KEY_PREVIOUS to the keys being replaced, and PERSON_ID_KEY / PERSONAL_DATA_KEY to the new ones');
      }
      await withStore(async ({ database, store }) => {
        const report = await rotateMasterKeys(database.db, masterKeys(config));
        await record(store, 'MasterKeysRotated', report);
        console.log(`PERSON_ID_KEY:     person-index key ${report.personIndex.rewrapped ? `rewrapped (${report.personIndex.from.join(', ')} → ${report.personIndex.to})` : `already wrapped by ${report.personIndex.to}`}`);
        console.log(`PERSONAL_DATA_KEY: ${report.personalData.rewrapped} person keys rewrapped${report.personalData.from.length ? ` (${report.personalData.from.join(', ')} → ${report.personalData.to})` : ''}`);
        console.log('every key is now wrapped by the new master keys: remove *_PREVIOUS from the configuration of every process, then destroy the old keys');
      });
    });

  program
    .command('seal-personal-data')
    .description("migrate a log recorded before personal data was sealed: seal its personal fields, key the importer's old derived ids, chain it again (docs/privacy.md); runs as the owner (MIGRATION_DATABASE_URL), with the API stopped")
    .option('--anchors <file>', 'check the anchors of this file first, then append a signed reseal statement and an anchor of the new head to it (needs ANCHOR_KEY_FILE)')
    .option('--public-key <file>', "the anchors' public key (default: ANCHOR_KEY_FILE's)")
    .action(async (opts: { anchors?: string; publicKey?: string }) => {
      const config = loadConfig();
      requireKeys(config);
      // A log rewritten in place: only the database's own. KurrentDB's log cannot be rewritten, and its copy must stay equal to it.
      if (config.eventStoreUrl !== undefined) throw new Error('seal-personal-data rewrites a log kept in the database; with EVENTSTORE_URL the log of record is in KurrentDB, which nobody may rewrite (docs/kurrentdb.md)');
      const signingKey = opts.anchors ? anchorPrivateKey(readKeyFile('ANCHOR_KEY_FILE', process.env['ANCHOR_KEY_FILE'])) : undefined;
      const signed = opts.anchors ? trustedAnchors(opts.anchors, opts.publicKey) : undefined;
      await withStore(async ({ database, store }) => {
        // Only a log that verifies (with its anchors) is migrated: the reseal statement vouches for what was checked here.
        const before = await verifyChain(database.db, { anchors: signed?.hashes ?? new Map() });
        if (!before.ok) throw new Error(`the log does not verify, so it is not migrated: ${before.failure!.message}`);
        const { vault, indexKey, personKeys } = await openPersonalData(database.db, config);
        const idKey = commandIdKey(indexKey);
        const report = await migrateLegacyLog(database.db, vault, {
          renameCommand: (commandId) => {
            const [, file, line, digest] = LEGACY_DERIVED_ID.exec(commandId)!;
            return `${file}:${line}:${createHmac('sha256', idKey).update(`legacy:${digest}`).digest('hex').slice(0, 32)}`;
          },
          eventIdFor,
          cardKeyOf: (cardNumber) => personKeys.cardKeyOf(cardNumber),
        });
        if (report.rechained === 0) {
          console.log('nothing to migrate: every personal field is sealed and no command id holds an unkeyed digest');
          return;
        }
        await record(store, 'LogMigrated', { purpose: 'personal data sealed', ...report });
        if (opts.anchors && signingKey) {
          const { rows } = await sql<{ at: string }>`select recorded_at as at from events where global_position = ${report.headPosition}::bigint`.execute(database.db);
          const reseal = signAnchor({ position: report.headPosition, hash: report.headHash, recordedAt: new Date(rows[0]!.at).toISOString() }, signingKey, new Date(), report.previousHeadHash);
          appendFileSync(opts.anchors, `${JSON.stringify(reseal)}\n${JSON.stringify(signAnchor(await chainHead(database.db), signingKey))}\n`);
        }
        const after = await verifyChain(database.db);
        if (!after.ok) throw new Error(`the migrated log does not verify: ${after.failure!.message}`);
        console.log(`sealed:    ${report.sealed} events' personal fields`);
        console.log(`renamed:   ${report.renamed} events of commands named with an unkeyed digest of their line, ${report.cardStreams} card streams named by their number`);
        console.log(`rechained: ${report.rechained} events, head ${report.headPosition} was ${report.previousHeadHash}, is ${report.headHash}`);
        if (opts.anchors) console.log(`anchor file: a signed reseal statement and an anchor of the new head appended to ${opts.anchors}`);
        console.log('the chain verifies; copies of the log made before (backups, replicas, exports) still hold the data in clear: replace them');
      }, { asOwner: true });
    });
}

/** An operation recorded in the log, by the operator who ran it. */
async function record(store: EventStore, type: string, data: object): Promise<void> {
  const operator = cliOperator();
  await store.append(PERSONAL_DATA_OPERATIONS_STREAM, [{ eventId: randomUUID(), type, data, metadata: { actor: operator.holder, role: operator.role } }], 'any');
}
