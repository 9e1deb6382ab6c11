import { once } from 'node:events';
import type { Command } from 'commander';
import { generateDistrict } from '#simulation';

const count = (name: string) => (value: string) => {
  if (!/^\d+$/.test(value)) throw new Error(`${name} must be a whole number, got "${value}"`);
  return Number(value);
};

export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('write a synthetic district history as NDJSON commands to standard output')
    .option('--enterprises <n>', 'enterprises', count('--enterprises'), 1000)
    .option('--workers <n>', 'workers who join', count('--workers'), 5000)
    .option('--years <n>', 'years of history', count('--years'), 4)
    .option('--seed <n>', 'random seed (same seed, same file)', count('--seed'), 1)
    .action(async (opts: { enterprises: number; workers: number; years: number; seed: number }) => {
      let lines = 0;
      for (const command of generateDistrict(opts)) {
        if (!process.stdout.write(`${JSON.stringify(command)}\n`)) await once(process.stdout, 'drain');
        lines++;
      }
      console.error(`generated ${lines} commands`);
    });
}
