import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { keysOf, KeyLocks, type CommandKeys } from './command-keys.js';

/** How one command fared (the shape of CommandService.submit's answer). */
export type Outcome = { ok: true; duplicate: boolean } | { ok: false; error: string; message: string };

/** Groups per submitMany call: enough to keep deciding and appending overlapped, few enough to bound memory. */
export const GROUPS_PER_CALL = 8;

export interface ImportOptions {
  /** Where refused lines are written, one JSON object per line. */
  readonly reportPath: string;
  /** Commands in flight at once (default 8), when they are submitted one by one. */
  readonly concurrency?: number;
  /**
   * Submits many lines' commands at once, in file order, in groups of
   * `batchSize` (a group commit, each group decided while the one before is
   * appended: see CommandService.submitMany); calls go one after another, so
   * the file's order is kept throughout. Used instead of `submit` when given.
   */
  readonly submitMany?: (commands: ReadonlyArray<{ command: unknown; line: number }>, groupSize: number) => Promise<Outcome[]>;
  /** Lines per group with submitMany (default 500); each call passes up to GROUPS_PER_CALL groups. */
  readonly batchSize?: number;
  /** Called now and then with the progress so far. */
  readonly onProgress?: (progress: ImportProgress) => void;
}

export interface ImportProgress {
  readonly lines: number;
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly recorded: number;
  readonly refused: number;
  readonly duplicates: number;
}

export interface ImportSummary extends ImportProgress {
  readonly seconds: number;
  readonly commandsPerSecond: number;
  readonly reportPath: string;
}

/**
 * Streams an NDJSON file of commands into `submit`, line by line, in bounded
 * memory. Commands run up to `concurrency` at a time, but two that touch the
 * same enterprise, union, member, area… keep the file's order. A line without
 * a commandId gets one derived from the file's name, the line's number and
 * its content, so importing the same file again records nothing twice.
 */
export async function importNdjson(
  path: string,
  submit: (command: unknown, line: number) => Promise<Outcome>,
  options: ImportOptions,
): Promise<ImportSummary> {
  const started = process.hrtime.bigint();
  const totalBytes = statSync(path).size;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const report = createWriteStream(options.reportPath);
  const fileTag = basename(path);
  const locks = new KeyLocks();
  const inFlight = new Set<Promise<void>>();
  let lines = 0;
  let bytesRead = 0;
  let recorded = 0;
  let refused = 0;
  let duplicates = 0;
  let lastProgress = 0;
  const progress = (): ImportProgress => ({ lines, bytesRead, totalBytes, recorded, refused, duplicates });

  const refuse = (line: number, error: string, message: string) => {
    refused++;
    if (!report.write(`${JSON.stringify({ line, error, message })}\n`)) return new Promise<void>((r) => report.once('drain', r));
    return undefined;
  };

  const batchSize = Math.max(1, options.batchSize ?? 500);
  let group: Array<{ command: unknown; line: number }> = [];
  const flush = async () => {
    if (group.length === 0 || !options.submitMany) return;
    const sent = group;
    group = [];
    let outcomes: Outcome[];
    try {
      outcomes = await options.submitMany(sent, batchSize);
    } catch (error) {
      outcomes = sent.map(() => ({ ok: false, error: 'INTERNAL_ERROR', message: (error as Error).message }));
    }
    for (const [k, outcome] of outcomes.entries()) {
      if (outcome.ok) outcome.duplicate ? duplicates++ : recorded++;
      else await refuse(sent[k]!.line, outcome.error, outcome.message);
    }
  };

  const input = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const text of input) {
    lines++;
    bytesRead += Buffer.byteLength(text) + 1;
    const line = lines;
    if (text.trim() === '') continue;
    let command: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
      command = parsed as Record<string, unknown>;
    } catch (error) {
      await refuse(line, 'MALFORMED_COMMAND', `line ${line} is not a JSON object: ${(error as Error).message}`);
      continue;
    }
    if (command['commandId'] === undefined) {
      const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
      command = { ...command, commandId: `${fileTag}:${line}:${digest}` };
    }

    if (options.submitMany) {
      group.push({ command, line });
      if (group.length >= batchSize * GROUPS_PER_CALL) await flush();
      const now = Date.now();
      if (options.onProgress && now - lastProgress > 200) {
        lastProgress = now;
        options.onProgress(progress());
      }
      continue;
    }

    const keys: CommandKeys = keysOf(command);
    while (inFlight.size >= concurrency || !locks.canRun(keys)) await Promise.race(inFlight);
    locks.hold(keys);
    const task: Promise<void> = submit(command, line)
      .then(async (outcome) => {
        if (outcome.ok) outcome.duplicate ? duplicates++ : recorded++;
        else await refuse(line, outcome.error, outcome.message);
      })
      .catch(async (error: unknown) => {
        await refuse(line, 'INTERNAL_ERROR', (error as Error).message);
      })
      .finally(() => {
        locks.release(keys);
        inFlight.delete(task);
      });
    inFlight.add(task);

    const now = Date.now();
    if (options.onProgress && now - lastProgress > 200) {
      lastProgress = now;
      options.onProgress(progress());
    }
  }
  await flush();
  await Promise.all(inFlight);
  await new Promise<void>((resolve, reject) => report.end((error?: Error | null) => (error ? reject(error) : resolve())));
  options.onProgress?.(progress());
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    ...progress(),
    bytesRead: totalBytes,
    seconds,
    commandsPerSecond: Math.round((recorded + refused + duplicates) / seconds),
    reportPath: options.reportPath,
  };
}
