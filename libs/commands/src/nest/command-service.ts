import { Injectable, Logger, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { logLine, stackFrames } from '#logging';
import { describeFailure, ShuttingDownError, type CommandFailure } from '../errors.js';
import { AcknowledgedPositions } from '../execution/acknowledged-positions.js';
import type { BatchOutcome } from '../execution/batch-executor.js';
import type { CommandRecorded, Execution, ExecuteOptions } from '../execution/command-executor.js';
import { validateCommand, type EngineCommand } from '../validation/validate-command.js';
import { messageFor, RecordBatchCommand } from './command-messages.js';

export type Submission =
  | { readonly ok: true; readonly result: CommandRecorded; readonly duplicate: boolean }
  | ({ readonly ok: false } & CommandFailure);

/** Commands decided together at most (one append statement). */
export const MAX_BATCH = 500;

/**
 * Commands one request may carry (POST /api/commands with an array): a
 * district's mass-joining ceremony of a few thousand sign-ups fits; more is
 * refused with 413 TOO_MANY_COMMANDS (an import file has no such limit).
 */
export const MAX_COMMANDS_PER_REQUEST = 10_000;

/** Commands validated between two yields to the event loop: a large array never holds up other requests for long. */
const VALIDATION_SLICE = 200;

/** Groups recorded (pipelined) between two looks at whether the server is stopping: at most 2,000 commands in hand when it is told to. */
const GROUPS_BETWEEN_STOPS = 4;

interface Waiting {
  readonly command: EngineCommand;
  readonly options: ExecuteOptions;
  readonly resolve: (s: Submission) => void;
}

/**
 * Takes raw commands (parsed JSON) from any door — HTTP, the importer —
 * validates them, and records them over the CommandBus. Never throws for a
 * refused command: the answer says why.
 *
 * Group commit: commands arriving while a group is being recorded wait and
 * go together in the next group — decided one after the other in arrival
 * order, appended in one statement (RecordBatchCommand). Each is decided and
 * answered alone, exactly as if sent by itself; the log's single writer lock
 * and commit flush are paid once per group instead of once per command. If
 * the group's append conflicts with another writer, its commands are
 * recorded one by one instead.
 */
@Injectable()
export class CommandService {
  private readonly logger = new Logger('Commands');
  private readonly queue: Waiting[] = [];
  private draining = false;
  private stopping = false;

  constructor(
    private readonly bus: CommandBus,
    @Optional() private readonly acknowledged?: AcknowledgedPositions,
  ) {}

  /**
   * The server is stopping (docs/operations.md): what is being
   * appended is finished and answered; whatever has not begun — commands
   * waiting for a group, the rest of an array — is answered SHUTTING_DOWN,
   * unrecorded. Nothing acknowledged is lost: an answer is sent only after
   * its commit.
   */
  stop(): void {
    this.stopping = true;
    for (const waiting of this.queue.splice(0)) waiting.resolve(this.failure(new ShuttingDownError()));
  }

  /** One command: validated now, then recorded with whatever arrived meanwhile. */
  async submit(raw: unknown, options: ExecuteOptions): Promise<Submission> {
    if (this.stopping) return this.failure(new ShuttingDownError());
    let command: EngineCommand;
    try {
      command = validateCommand(raw);
    } catch (error) {
      return this.failure(error);
    }
    return new Promise<Submission>((resolve) => {
      this.queue.push({ command, options, resolve });
      if (!this.draining) void this.drain();
    });
  }

  /**
   * Several commands in their order, each standing or falling alone (a later
   * one may rely on an earlier one): recorded in groups of up to `groupSize`
   * (at most MAX_BATCH), each group decided while the one before is appended.
   */
  async submitMany(raws: readonly unknown[], options: ExecuteOptions, groupSize = MAX_BATCH): Promise<Submission[]> {
    const answers: Array<Submission | undefined> = [];
    const valid: Array<{ index: number; command: EngineCommand }> = [];
    for (const [index, raw] of raws.entries()) {
      // Validation is synchronous work: other requests get their turn between slices.
      if (index > 0 && index % VALIDATION_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
      try {
        valid.push({ index, command: validateCommand(raw) });
        answers.push(undefined);
      } catch (error) {
        answers.push(this.failure(error));
      }
    }
    const size = Math.max(1, Math.min(groupSize, MAX_BATCH));
    const groups: Array<typeof valid> = [];
    for (let i = 0; i < valid.length; i += size) groups.push(valid.slice(i, i + size));
    const recorded = await this.recordAll(groups.map((group) => group.map((g) => ({ command: g.command, options }))));
    groups.forEach((group, n) => group.forEach((g, k) => (answers[g.index] = recorded[n]![k])));
    return answers as Submission[];
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, MAX_BATCH);
        const recorded = await this.record(group).catch((error: unknown) => group.map(() => this.failure(error)));
        group.forEach((w, k) => w.resolve(recorded[k]!));
      }
    } finally {
      this.draining = false;
    }
  }

  /** A group in one append; one by one when it conflicts, or when it is a single command. */
  private async record(group: ReadonlyArray<{ command: EngineCommand; options: ExecuteOptions }>): Promise<Submission[]> {
    return (await this.recordAll([group]))[0]!;
  }

  /** Groups in order, pipelined, each in one append; a group that conflicts (or a lone command) one by one. */
  private async recordAll(groups: ReadonlyArray<ReadonlyArray<{ command: EngineCommand; options: ExecuteOptions }>>): Promise<Submission[][]> {
    const answers: Submission[][] = [];
    while (answers.length < groups.length) {
      // A turn for everything else waiting (other requests, a signal): the embedded store's work runs in this thread.
      if (answers.length > 0) await new Promise((resolve) => setImmediate(resolve));
      if (this.stopping) {
        for (const group of groups.slice(answers.length)) answers.push(group.map(() => this.failure(new ShuttingDownError())));
        break;
      }
      const rest = groups.slice(answers.length, answers.length + GROUPS_BETWEEN_STOPS);
      const results: Array<BatchOutcome[] | undefined> =
        rest.length > 1 || rest[0]!.length > 1 ? await this.bus.execute(new RecordBatchCommand(rest)) : [undefined];
      for (const outcomes of results) {
        const group = groups[answers.length]!;
        if (outcomes) {
          answers.push(outcomes.map((o) => (o.ok ? this.recorded(o.execution) : this.failure(o.error))));
          continue;
        }
        const one: Submission[] = [];
        for (const { command, options } of group) one.push(await this.one(command, options));
        answers.push(one);
      }
    }
    return answers;
  }

  private async one(command: EngineCommand, options: ExecuteOptions): Promise<Submission> {
    try {
      return this.recorded(await this.bus.execute(messageFor(command, options)));
    } catch (error) {
      return this.failure(error);
    }
  }

  private recorded({ result, duplicate }: Execution): Submission {
    for (const e of result.events) this.acknowledged?.record(BigInt(e.position));
    return { ok: true, result, duplicate };
  }

  private failure(error: unknown): Submission {
    const failure = describeFailure(error);
    // Never the error itself: a database error carries the command's data (names, identity numbers).
    if (failure.kind === 'internal') this.logger.error(logLine(error), stackFrames(error));
    return { ok: false, ...failure };
  }
}
