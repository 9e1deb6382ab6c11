import type { Command } from 'commander';
import type { RecordedEvent } from '../../../../libs/event-store/src/index.js';
import { describeTarget, loadConfig, migrateToLatest, openDatabase, targetOf } from '../../../../libs/persistence/src/index.js';
import { withStore } from '../store-session.js';

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`expected a whole number, got "${value}"`);
  return Number(value);
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
    .action(async () => {
      const target = targetOf(loadConfig());
      const database = await openDatabase(target);
      try {
        const { applied, total } = await migrateToLatest(database.db);
        console.log(`${describeTarget(target)}: ${total} migrations, applied now: ${applied.join(', ') || 'none'}`);
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
    .description('what the store holds')
    .action(async () => {
      await withStore(async ({ database, store }) => {
        const head = await store.headPosition();
        const count = async (table: string) =>
          Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst())?.n ?? 0);
        console.log(`store:   ${database.location}`);
        console.log(`events:  ${await count('events')}`);
        console.log(`streams: ${await count('event_streams')}`);
        console.log(`head:    ${head}`);
      });
    });
}
