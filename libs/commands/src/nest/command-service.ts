import { Injectable, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { describeFailure, type CommandFailure } from '../errors.js';
import { AcknowledgedPositions } from '../execution/acknowledged-positions.js';
import type { CommandRecorded, ExecuteOptions } from '../execution/command-executor.js';
import { validateCommand } from '../validation/validate-command.js';
import { MESSAGES } from './command-messages.js';

export type Submission =
  | { readonly ok: true; readonly result: CommandRecorded; readonly duplicate: boolean }
  | ({ readonly ok: false } & CommandFailure);

/**
 * Takes a raw command (parsed JSON) from any door — HTTP, the importer —
 * validates it, and sends it over the CommandBus. Never throws for a refused
 * command: the answer says why.
 */
@Injectable()
export class CommandService {
  constructor(
    private readonly bus: CommandBus,
    @Optional() private readonly acknowledged?: AcknowledgedPositions,
  ) {}

  async submit(raw: unknown, options: ExecuteOptions = {}): Promise<Submission> {
    try {
      const command = validateCommand(raw);
      const Message = MESSAGES[command.type] as new (c: typeof command, o: ExecuteOptions) => InstanceType<(typeof MESSAGES)[typeof command.type]>;
      const { result, duplicate } = await this.bus.execute(new Message(command, options));
      for (const e of result.events) this.acknowledged?.record(BigInt(e.position));
      return { ok: true, result, duplicate };
    } catch (error) {
      const failure = describeFailure(error);
      if (failure.status === 500) console.error(error);
      return { ok: false, ...failure };
    }
  }
}
