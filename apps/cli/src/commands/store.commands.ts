import type { Command } from 'commander';
import { sql } from 'kysely';
import { recordChainVerification, verifyChain, type ChainReport, type RecordedEvent } from '#event-store';
import type { CopyComparison } from '#kurrentdb';
import { describeTarget, loadConfig, migrateDatabase, openDatabase, redactUrl, targetOf } from '#persistence';
import { compareWithReplay, projectionStatus, type ProjectionComparison, type ProjectionStatus } from '#projections';
import { ALL_PROJECTIONS } from '#read-models';
import { trustedAnchors } from './anchor.commands.js';
import { cliOperator } from '../operator.js';
import { progressBar } from '../progress.js';
import { withStore } from '../store-session.js';

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`expected a whole number, got "${value}"`);
  return Number(value);
}

function parseAnchor(value: string, previous: Map<string, string> = new Map()): Map<string, string> {
  const match = /^(\d+):([0-9a-fA-F]{64})$/.exec(value);
  if (!match) throw new Error(`expected POSITION:HASH (a whole number, a colon, 64 hex digits), got "${value}"`);
  return new Map([...previous, [BigInt(match[1]!).toString(), match[2]!.toLowerCase()]]);
}

function parsePostgresUrl(value: string): string {
  if (!/^postgres(ql)?:\/\//.test(value)) throw new Error('expected a postgres:// or postgresql:// URL');
  return value;
}

function parsePosition(value: string): bigint {
  if (!/^\d+$/.test(value)) throw new Error(`expected a global position (a whole number), got "${value}"`);
  return BigInt(value);
}

/** One event as a terminal line (or a JSON line with --json). */
export function formatEvent(e: RecordedEvent, json: boolean): string {
  if (json) {
    return JSON.stringify({ ...e, globalPosition: e.globalPosition.toString(), recordedAt: e.recordedAt.toISOString() });
  }
  const who = e.metadata.actor ? ` by ${e.metadata.actor}` : '';
  return [
    `#${e.streamRevision}`.padEnd(6),
    `@${e.globalPosition}`.padEnd(18),
    (e.occurredOn ?? '—').padEnd(11),
    e.recordedAt.toISOString(),
    `${e.type}${who}`,
    JSON.stringify(e.data),
  ].join('  ');
}

export function registerStoreCommands(program: Command): void {
  program
    .command('migrate')
    .description('bring the database schema up to date (also done at every start)')
    .option(
      '--owner-url <url>',
      "the schema owner's postgres:// URL (default: MIGRATION_DATABASE_URL): migrate through it and grant DATABASE_URL's role what the application needs (docs/database-roles.md)",
      parsePostgresUrl,
    )
    .action(async (opts: { ownerUrl?: string }) => {
      const config = loadConfig();
      const target = targetOf(config);
      const ownerUrl = opts.ownerUrl ?? config.migrationDatabaseUrl;
      const database = await openDatabase(target);
      try {
        const { applied, total, grantedTo } = await migrateDatabase(database, ownerUrl);
        console.log(`${describeTarget(target)}: ${total} migrations, applied now: ${applied.join(', ') || 'none'}`);
        if (grantedTo && ownerUrl) {
          console.log(`migrated as ${redactUrl(ownerUrl)}; the role ${grantedTo} may read the log and append to it, not rewrite it`);
        }
      } finally {
        await database.close();
      }
    });

  program
    .command('replay')
    .description("replay one stream's history, event by event, in order")
    .argument('<streamId>', 'the stream, e.g. enterprise-91440300MA5DC6QX9X')
    .option('--from <revision>', 'start at this revision', parseCount)
    .option('--max <count>', 'at most this many events', parseCount)
    .option('--json', 'one JSON object per line')
    .action(async (streamId: string, opts: { from?: number; max?: number; json?: boolean }) => {
      await withStore(
        async ({ store }) => {
          const events = await store.readStream(streamId, { fromRevision: opts.from, maxCount: opts.max });
          if (events.length === 0 && !opts.json) console.error(`stream "${streamId}" has no events`);
          if (!opts.json && events.length) console.log('rev     position            occurredOn   recordedAt                type / data');
          for (const e of events) console.log(formatEvent(e, Boolean(opts.json)));
        },
        { quiet: opts.json },
      );
    });

  program
    .command('read-all')
    .description('read the whole log in global order')
    .option('--from <position>', 'start at this global position (inclusive)', parsePosition)
    .option('--max <count>', 'at most this many events', parseCount, 100)
    .option('--json', 'one JSON object per line')
    .action(async (opts: { from?: bigint; max: number; json?: boolean }) => {
      await withStore(
        async ({ store }) => {
          const events = await store.readAll({ fromPosition: opts.from, maxCount: opts.max });
          for (const e of events) console.log(`${e.streamId}  ${formatEvent(e, Boolean(opts.json))}`);
        },
        { quiet: opts.json },
      );
    });

  program
    .command('status')
    .description('what the store holds, and where each projection stands: its checkpoint, its lag, and why it fails if it does')
    .option('--json', 'print it as JSON')
    .action(async (opts: { json?: boolean }) => {
      const failing = await withStore(
        async ({ database, store }) => {
          const head = await store.headPosition();
          const count = async (table: 'events' | 'event_streams') =>
            Number((await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(database.db)).rows[0]?.n ?? 0);
          const names = [...new Set([...ALL_PROJECTIONS.map((p) => p.name), ...(await projectionStatus(database.db, head)).map((p) => p.name)])];
          const projections = await projectionStatus(database.db, head, names);
          if (opts.json) {
            const json = (_: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
            console.log(JSON.stringify({ store: database.location, events: await count('events'), streams: await count('event_streams'), head, projections }, json, 2));
          } else {
            console.log(`store:   ${database.location}`);
            console.log(`events:  ${await count('events')}`);
            console.log(`streams: ${await count('event_streams')}`);
            console.log(`head:    ${head}`);
            console.log('projections:');
            projections.forEach(printProjection);
          }
          return projections.some((p) => p.failure);
        },
        { quiet: opts.json },
      );
      if (failing) process.exitCode = 2;
    });

  program
    .command('verify')
    .description('walk the whole log and check its hash chain: report the first event whose content, order or presence no longer matches, and the head hash')
    .option('--anchor <position:hash>', 'a head written down earlier (repeatable): the hash at that position must be unchanged', parseAnchor)
    .option('--anchors <file>', 'an anchor file (npm run cli -- anchor): every anchor signed by the trusted key, and its head still in the log')
    .option('--public-key <file>', "with --anchors: the anchor key's public key (PEM); default: ANCHOR_KEY_FILE's")
    .option('--projections', 'also rebuild every read model in a scratch schema and compare it with the live one, row for row')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { anchor?: Map<string, string>; anchors?: string; publicKey?: string; projections?: boolean; json?: boolean }) => {
      const signed = opts.anchors ? trustedAnchors(opts.anchors, opts.publicKey) : undefined;
      for (const [position, hash] of opts.anchor ?? []) {
        if (signed?.hashes.has(position) && signed.hashes.get(position) !== hash) throw new Error(`--anchor ${position} and the anchor file disagree on the hash at that position`);
      }
      const anchors = new Map([...(signed?.hashes ?? []), ...(opts.anchor ?? [])]);
      const failed = await withStore(
        async ({ database, compareWithSource }) => {
          const bar = progressBar('checking the hash chain', 'events');
          const chain = await verifyChain(database.db, { anchors, onProgress: (done, total) => bar.update(done, total) });
          bar.stop();
          await recordVerification(database.db, chain, anchors.size);
          // With the log in KurrentDB, the chain above is the copy's: it must also hold what KurrentDB holds, event for event.
          let source: CopyComparison | undefined;
          if (compareWithSource) {
            const compared = progressBar("comparing the copy with KurrentDB's log", 'events');
            source = await compareWithSource({ onProgress: (done, total) => compared.update(done, total) });
            compared.stop();
          }
          const projections: ProjectionComparison[] = [];
          for (const projection of opts.projections ? ALL_PROJECTIONS : []) {
            const replay = progressBar(`replaying ${projection.name}`, 'events');
            projections.push(await compareWithReplay(database.db, projection, { onProgress: (p) => replay.update(p.applied, p.total, p.eventsPerSecond) }));
            replay.stop();
          }
          if (opts.json) {
            const json = (_: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
            console.log(JSON.stringify({ chain, ...(source ? { kurrentdb: source } : {}), ...(opts.projections ? { projections } : {}) }, json, 2));
          } else {
            printChainReport(chain);
            if (source) printSourceComparison(source);
            const from = chain.failure?.kind === 'anchor' ? signed?.origin.get(chain.failure.position) : undefined;
            if (from) console.log(`  the anchor that no longer holds: ${from}`);
            if (chain.ok && signed) console.log(`anchors: ${signed.hashes.size} signed head${signed.hashes.size === 1 ? '' : 's'} checked, all still in the log`);
            projections.forEach(printComparison);
          }
          return !chain.ok || source?.ok === false || projections.some((p) => !p.identical);
        },
        { quiet: opts.json },
      );
      if (failed) process.exitCode = 1;
    });
}

/**
 * Records what the run reported about the chain (GET /api/chain shows the
 * last one; docs/audit.md). A store that cannot take it (a read-only
 * standby, a role without the right) gets a warning: the run's outcome and
 * exit status stand.
 */
async function recordVerification(db: Parameters<typeof recordChainVerification>[0], chain: ChainReport, anchorsChecked: number): Promise<void> {
  try {
    await recordChainVerification(db, chain, { verifiedBy: cliOperator().holder, anchorsChecked });
  } catch (error) {
    console.error(`warning: the outcome of this run could not be recorded in chain_verifications (${error instanceof Error ? error.message : String(error)}); the check itself stands`);
  }
}

function printSourceComparison(source: CopyComparison): void {
  if (source.ok) {
    console.log(`kurrentdb: the copy holds what KurrentDB's log holds, ${source.checked} events compared one by one`);
    return;
  }
  const f = source.failure!;
  console.log(`kurrentdb: the copy and KurrentDB's log disagree after ${source.checked} events: at ${f.position === null ? 'the end of the copy' : `position ${f.position}`}${f.eventId ? `, event ${f.eventId}` : ''}: ${f.reason}`);
}

function printProjection(p: ProjectionStatus): void {
  const lag = p.lag === 0n ? 'caught up' : `${p.lag} behind`;
  console.log(`  ${p.name.padEnd(24)} at ${String(p.position).padStart(10)}  ${lag}`);
  const f = p.failure;
  if (f) {
    console.log(`    FAILING since ${f.since.toISOString()} (${f.attempts} attempts), at the batch after ${f.position}; next attempt at ${f.retryAt.toISOString()}`);
    console.log(`    ${f.error}: ${f.message}`);
  }
}

function printChainReport(chain: ChainReport): void {
  if (chain.ok) {
    console.log(`log: OK — ${chain.events} events chained, none altered, removed or reordered`);
  } else {
    console.log(`log: FAILED after ${chain.events} good events`);
    console.log(`  ${chain.failure!.message}`);
  }
  if (chain.ok) {
    console.log(`head: position ${chain.headPosition}, hash ${chain.headHash}`);
    console.log(`  (write it down; check later with: verify --anchor ${chain.headPosition}:${chain.headHash})`);
  } else {
    console.log(`head as recorded (not to be trusted while the chain fails): position ${chain.headPosition}, hash ${chain.headHash}`);
  }
}

function printComparison(c: ProjectionComparison): void {
  console.log(`read model ${c.projection}: ${c.identical ? 'OK — identical to a replay of the log' : 'DIFFERS from a replay of the log'} at position ${c.position} (${c.seconds.toFixed(1)} s)`);
  for (const t of c.tables) {
    const verdict = t.missingFromLive === 0 && t.extraInLive === 0 ? 'same' : `${t.missingFromLive} rows missing, ${t.extraInLive} rows extra`;
    console.log(`  ${t.table.padEnd(28)} live ${String(t.liveRows).padStart(9)}  replay ${String(t.rebuiltRows).padStart(9)}  ${verdict}`);
    for (const row of t.examples.missingFromLive) console.log(`    missing: ${row}`);
    for (const row of t.examples.extraInLive) console.log(`    extra:   ${row}`);
  }
}
