import { Command } from '@nestjs/cqrs';
import type { BatchItem, BatchOutcome } from '../execution/batch-executor.js';
import type { Execution, ExecuteOptions } from '../execution/command-executor.js';
import { COMMAND_TYPES, type CommandType, type EngineCommand } from '../registry.js';

/** A validated command of the contract, as a message on the Nest CommandBus. */
export abstract class EngineCommandMessage extends Command<Execution> {
  constructor(
    readonly payload: EngineCommand,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

type MessageClass = new (payload: EngineCommand, options: ExecuteOptions) => EngineCommandMessage;

/**
 * One message class per declared command (`JoinUnionCommand`…), made from the
 * declarations: the bus routes each to its own handler, so a handler,
 * interceptor or saga can be attached to one command type.
 */
export const MESSAGES: ReadonlyMap<CommandType, MessageClass> = new Map(
  COMMAND_TYPES.map((type) => {
    const Message = class extends EngineCommandMessage {};
    Object.defineProperty(Message, 'name', { value: `${type}Command` });
    return [type, Message] as const;
  }),
);

/** The bus message carrying a validated command. */
export function messageFor(command: EngineCommand, options: ExecuteOptions): EngineCommandMessage {
  return new (MESSAGES.get(command.type)!)(command, options);
}

/**
 * Batches of validated commands, each decided together and appended in one
 * statement (a group commit), the next decided while the previous is
 * appended. One answer per batch, up to the first that conflicted
 * (undefined: run it one by one, then send the batches after it again).
 */
export class RecordBatchCommand extends Command<Array<BatchOutcome[] | undefined>> {
  constructor(readonly batches: ReadonlyArray<readonly BatchItem[]>) {
    super();
  }
}
