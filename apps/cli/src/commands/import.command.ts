import { existsSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { CommandService, type Submission } from '#commands/nest';
import { importNdjson, type ImportProgress, type Outcome } from '#importer';
import { withEngine } from '../engine-context.js';

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('record the commands of an NDJSON file (one command per line), as POST /api/commands would')
    .argument('<file>', 'the .ndjson file')
    .option('--report <file>', 'where refused lines are written (default: <file>.refused.ndjson)')
    .option('--batch-size <n>', 'lines decided together and appended in one statement (group commit); 1: one by one', (v) => Number.parseInt(v, 10), 500)
    .option('--concurrency <n>', 'with --batch-size 1: commands in flight at once', (v) => Number.parseInt(v, 10), 8)
    .action(async (file: string, opts: { report?: string; concurrency: number; batchSize: number }) => {
      if (!existsSync(file)) throw new Error(`no such file: ${file}`);
      if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) throw new Error('--concurrency must be a positive integer');
      if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1 || opts.batchSize > 5000) throw new Error('--batch-size must be an integer from 1 to 5000');
      const reportPath = opts.report ?? `${file}.refused.ndjson`;
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
      const onProgress = (p: ImportProgress) => {
        const payload = { lines: p.lines, rate: rate(p), recorded: p.recorded, refused: p.refused, duplicates: p.duplicates };
        if (tty) {
          if (!bar.isActive) bar.start(p.totalBytes, 0, payload);
          bar.update(p.bytesRead, payload);
        } else if (Date.now() - lastLog > 5000) {
          lastLog = Date.now();
          console.error(`${Math.floor((100 * p.bytesRead) / Math.max(1, p.totalBytes))}% ${p.lines} lines, ${payload.rate} cmd/s, recorded ${p.recorded}, refused ${p.refused}, duplicates ${p.duplicates}`);
        }
      };

      const summary = await withEngine(async (engine) => {
        const commands = engine.get(CommandService);
        const options = { correlationId: `import:${file}` };
        const outcome = (s: Submission): Outcome => (s.ok ? { ok: true, duplicate: s.duplicate } : { ok: false, error: s.error, message: s.message });
        return importNdjson(file, async (command) => outcome(await commands.submit(command, options)), {
          reportPath,
          concurrency: opts.concurrency,
          onProgress,
          ...(opts.batchSize > 1 && {
            batchSize: opts.batchSize,
            submitMany: async (group, groupSize) => (await commands.submitMany(group.map((g) => g.command), options, groupSize)).map(outcome),
          }),
        });
      });
      if (bar.isActive) bar.stop();
      console.log(`lines:              ${summary.lines}`);
      console.log(`recorded:           ${summary.recorded}`);
      console.log(`refused:            ${summary.refused}${summary.refused ? `  (line numbers and reasons in ${summary.reportPath})` : ''}`);
      console.log(`duplicates skipped: ${summary.duplicates}`);
      console.log(`time:               ${summary.seconds.toFixed(1)} s, ${summary.commandsPerSecond} commands/s, peak memory ${mb(process.resourceUsage().maxRSS * 1024)}`);
    });
}
