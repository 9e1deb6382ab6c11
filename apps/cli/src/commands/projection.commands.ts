import type { Command } from 'commander';
import { ProjectionRunner, rebuildProjection, type RunnerLogger } from '#projections';
import { ALL_PROJECTIONS } from '#read-models';
import { openPersonalData } from '#personal-data';
import { loadConfig, requireKeys } from '#persistence';
import { createPolicies } from '#policies';
import { progressBar } from '../progress.js';
import { withStore } from '../store-session.js';

const stamp = () => new Date().toISOString();

/** The worker's log lines, on stderr. */
const consoleLogger: RunnerLogger = {
  log: (message) => console.error(`${stamp()} ${message}`),
  warn: (message) => console.error(`${stamp()} WARNING ${message}`),
  error: (message, stack) => console.error(`${stamp()} ERROR ${message}${stack ? `\n${stack}` : ''}`),
};

function projectionsNamed(name: string | undefined) {
  if (name === undefined) return ALL_PROJECTIONS;
  const found = ALL_PROJECTIONS.filter((p) => p.name === name);
  if (!found.length) throw new Error(`unknown projection "${name}"; known: ${ALL_PROJECTIONS.map((p) => p.name).join(', ')}`);
  return found;
}

export function registerProjectionCommands(program: Command): void {
  program
    .command('rebuild')
    .description('recompute read models from the whole log into fresh tables, then swap them in (queries go on meanwhile)')
    .argument('[projection]', `one of: ${ALL_PROJECTIONS.map((p) => p.name).join(', ')} (default: all)`)
    .action(async (name: string | undefined) => {
      const projections = projectionsNamed(name);
      await withStore(async ({ database }) => {
        for (const projection of projections) {
          const bar = progressBar(`rebuilding ${projection.name}`, 'events');
          const result = await rebuildProjection(database.db, projection, {
            onProgress: (p) => bar.update(p.applied, p.total, p.eventsPerSecond),
          });
          bar.stop();
          console.log(
            `${projection.name}: rebuilt from ${result.events} events in ${result.seconds.toFixed(1)} s (${Math.round(result.events / Math.max(result.seconds, 0.001))} events/s), now at position ${result.position}`,
          );
        }
      });
    });

  program
    .command('project')
    .description('run the projections as a separate worker (start the API with PROJECTIONS=worker); stops on Ctrl-C / SIGTERM')
    .action(async () => {
      const config = loadConfig();
      requireKeys(config);
      await withStore(async ({ database, store, recordIn }) => {
        const batchSize = Number(process.env['PROJECTION_BATCH_SIZE'] ?? 1000);
        if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('PROJECTION_BATCH_SIZE must be a positive integer');
        // The read models and the policies (which record commands, e.g. membership succession); rebuild and verify replay only the former.
        const all = [...ALL_PROJECTIONS, ...createPolicies({ ...(await openPersonalData(database.db, config)), ...(recordIn && { recordIn }) })];
        // A failing projection is retried with backoff while the others go on; its failure is recorded
        // (projection_failures) for `status` and the API's health answer. A first catch-up is folded, with a warning.
        const runner = new ProjectionRunner(database.db, store, all, { batchSize, logger: consoleLogger, foldFirstCatchUp: true });
        runner.start();
        console.error(`projecting ${all.map((p) => p.name).join(', ')}; Ctrl-C to stop`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await runner.stop();
        console.error(`stopped at position ${await runner.position()}`);
      });
    });
}
