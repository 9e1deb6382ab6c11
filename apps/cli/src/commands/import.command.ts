import { existsSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { CommandService, type Submission } from '#commands/nest';
import { commandIdKey, importConcurrently, importInGroups, type ImportProgress, type Outcome } from '#importer';
import type { PersonalData } from '#personal-data';
import { PERSONAL_DATA } from '#personal-data/nest';
import { withEngine } from '../engine-context.js';
import { cliOperator } from '../operator.js';

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('record the commands of an NDJSON file (one command per line), as POST /api/commands would')
    .argument('<file>', 'the .ndjson file')
    .option('--report <file>', 'where refused lines are written (default: <file>.refused.ndjson)')
    .option('--batch-size <n>', 'lines decided together and appended in one statement (group commit), in file order', (v) => Number.parseInt(v, 10))
    .option('--concurrency <n>', 'record one by one instead, this many at a time (dependent lines keep file order)', (v) => Number.parseInt(v, 10))
    .action(async (file: string, opts: { report?: string; concurrency?: number; batchSize?: number }) => {
      if (!existsSync(file)) throw new Error(`no such file: ${file}`);
      const mode = importMode(opts);
      const reportPath = opts.report ?? `${file}.refused.ndjson`;
      const onProgress = progressReporter();
      const summary = await withEngine(async (engine) => {
        const commands = engine.get(CommandService);
        // Derived command ids are keyed with the store's person-index key: the same file, the same ids, across key rotations.
        const idKey = commandIdKey(engine.get<PersonalData>(PERSONAL_DATA).indexKey);
        const options = { principal: cliOperator(), correlationId: `import:${file}` };
        const outcome = (s: Submission): Outcome => (s.ok ? { ok: true, duplicate: s.duplicate } : { ok: false, error: s.error, message: s.message });
        return mode.kind === 'groups'
          ? importInGroups(file, async (group, size) => (await commands.submitMany(group.map((g) => g.command), options, size)).map(outcome), {
              reportPath,
              onProgress,
              idKey,
              groupSize: mode.groupSize,
            })
          : importConcurrently(file, async (command) => outcome(await commands.submit(command, options)), {
              reportPath,
              onProgress,
              idKey,
              concurrency: mode.concurrency,
            });
      });
      onProgress.stop();
      console.log(`lines:              ${summary.lines}`);
      console.log(`recorded:           ${summary.recorded}`);
      console.log(`refused:            ${summary.refused}${summary.refused ? `  (line numbers and reasons in ${summary.reportPath})` : ''}`);
      console.log(`duplicates skipped: ${summary.duplicates}`);
      console.log(`time:               ${summary.seconds.toFixed(1)} s, ${summary.commandsPerSecond} commands/s, peak memory ${mb(process.resourceUsage().maxRSS * 1024)}`);
    });
}

/**
 * Groups of --batch-size lines (default 500) in file order; or, with
 * --concurrency N (or --batch-size 1), one by one, N at a time.
 */
function importMode(opts: { concurrency?: number; batchSize?: number }) {
  const { concurrency, batchSize } = opts;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) throw new Error('--concurrency must be a positive integer');
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000)) {
    throw new Error('--batch-size must be an integer from 1 to 5000');
  }
  if (concurrency !== undefined && batchSize !== undefined && batchSize > 1) {
    throw new Error('--concurrency records one by one: it cannot go with --batch-size above 1');
  }
  if (concurrency !== undefined || batchSize === 1) return { kind: 'oneByOne', concurrency: concurrency ?? 8 } as const;
  return { kind: 'groups', groupSize: batchSize ?? 500 } as const;
}

/** A progress bar on a terminal, a line every 5 s otherwise. */
function progressReporter() {
  const started = Date.now();
  const rate = (p: ImportProgress) => Math.round((p.recorded + p.refused + p.duplicates) / Math.max(0.001, (Date.now() - started) / 1000));
  const tty = Boolean(process.stderr.isTTY);
  const bar = new SingleBar({
    format: 'importing [{bar}] {percentage}% | {lines} lines | {rate} cmd/s | recorded {recorded} | refused {refused} | duplicates {duplicates} | ETA {eta_formatted}',
    stream: process.stderr,
    hideCursor: true,
    etaBuffer: 50,
  });
  let lastLog = 0;
  const report = (p: ImportProgress) => {
    const payload = { lines: p.lines, rate: rate(p), recorded: p.recorded, refused: p.refused, duplicates: p.duplicates };
    if (tty) {
      if (!bar.isActive) bar.start(p.totalBytes, 0, payload);
      bar.update(p.bytesRead, payload);
    } else if (Date.now() - lastLog > 5000) {
      lastLog = Date.now();
      console.error(`${Math.floor((100 * p.bytesRead) / Math.max(1, p.totalBytes))}% ${p.lines} lines, ${payload.rate} cmd/s, recorded ${p.recorded}, refused ${p.refused}, duplicates ${p.duplicates}`);
    }
  };
  return Object.assign(report, { stop: () => bar.isActive && bar.stop() });
}
