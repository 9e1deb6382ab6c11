import { commandLines } from './command-lines.js';
import { keysOf, KeyLocks, type CommandKeys } from './command-keys.js';
import { ImportTally, type ImportReporting, type ImportSummary, type Outcome } from './import-tally.js';

/** A submission that failed unexpectedly: its message is not written to the report (it could hold anything). */
const INTERNAL_ERROR: Outcome = { ok: false, error: 'INTERNAL_ERROR', message: 'the command could not be processed; nothing was recorded' };

/** Groups per submitMany call: enough to keep deciding and appending overlapped, few enough to bound memory. */
export const GROUPS_PER_CALL = 8;

/** Records many commands at once, in their order, in groups of `groupSize` (see CommandService.submitMany). */
export type SubmitMany = (commands: ReadonlyArray<{ command: unknown; line: number }>, groupSize: number) => Promise<Outcome[]>;

export interface GroupedImportOptions extends ImportReporting {
  /** Lines per group (default 500); each call passes up to GROUPS_PER_CALL groups. */
  readonly groupSize?: number;
}

/**
 * The default import: the file's commands in groups, in the file's order
 * throughout — each group decided together and appended in one statement (a
 * group commit), the next decided while the one before is appended. Calls
 * go one after another.
 */
export async function importInGroups(path: string, submitMany: SubmitMany, options: GroupedImportOptions): Promise<ImportSummary> {
  const tally = new ImportTally(path, options);
  const groupSize = Math.max(1, options.groupSize ?? 500);
  let pending: Array<{ command: unknown; line: number }> = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const sent = pending;
    pending = [];
    const outcomes = await submitMany(sent, groupSize).catch(() => sent.map((): Outcome => INTERNAL_ERROR));
    for (const [k, outcome] of outcomes.entries()) await tally.count(sent[k]!.line, outcome);
  };
  for await (const read of commandLines(path, options.idKey)) {
    if ('malformed' in read) await tally.refuse(read.line, 'MALFORMED_COMMAND', read.malformed);
    else if ('command' in read) {
      pending.push({ command: read.command, line: read.line });
      if (pending.length >= groupSize * GROUPS_PER_CALL) await flush();
    }
    tally.read(read.line, read.bytesRead);
  }
  await flush();
  return tally.finish();
}

export interface ConcurrentImportOptions extends ImportReporting {
  /** Commands in flight at once (default 8). */
  readonly concurrency?: number;
}

/**
 * Commands one by one, up to `concurrency` at a time, but two that touch the
 * same enterprise, union, member, area… (their declarations' keys) keep the
 * file's order.
 */
export async function importConcurrently(
  path: string,
  submit: (command: unknown, line: number) => Promise<Outcome>,
  options: ConcurrentImportOptions,
): Promise<ImportSummary> {
  const tally = new ImportTally(path, options);
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const locks = new KeyLocks();
  const inFlight = new Set<Promise<void>>();
  for await (const read of commandLines(path, options.idKey)) {
    tally.read(read.line, read.bytesRead);
    if ('malformed' in read) await tally.refuse(read.line, 'MALFORMED_COMMAND', read.malformed);
    if (!('command' in read)) continue;
    const keys: CommandKeys = keysOf(read.command);
    while (inFlight.size >= concurrency || !locks.canRun(keys)) await Promise.race(inFlight);
    locks.hold(keys);
    const task: Promise<void> = submit(read.command, read.line)
      .then((outcome) => tally.count(read.line, outcome))
      .catch(() => tally.count(read.line, INTERNAL_ERROR))
      .finally(() => {
        locks.release(keys);
        inFlight.delete(task);
      });
    inFlight.add(task);
  }
  await Promise.all(inFlight);
  return tally.finish();
}
