import { Inject, type Type } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { BatchExecutor, BatchOutcome } from '../execution/batch-executor.js';
import type { CommandExecutor, Execution } from '../execution/command-executor.js';
import { MESSAGES, RecordBatchCommand, type EngineCommandMessage } from './command-messages.js';

export const COMMAND_EXECUTOR = Symbol('COMMAND_EXECUTOR');
export const BATCH_EXECUTOR = Symbol('BATCH_EXECUTOR');

/** Groups of commands, each decided together and appended in one statement, pipelined (see BatchExecutor). */
@CommandHandler(RecordBatchCommand)
export class RecordBatchHandler implements ICommandHandler<RecordBatchCommand, Array<BatchOutcome[] | undefined>> {
  constructor(@Inject(BATCH_EXECUTOR) private readonly batches: BatchExecutor) {}
  execute(message: RecordBatchCommand): Promise<Array<BatchOutcome[] | undefined>> {
    return this.batches.executeAll(message.batches);
  }
}

/**
 * The Nest side of a command: hand the message to the executor, which loads,
 * folds, decides (the command's declaration, calling libs/domain) and
 * appends. One handler class per declared command, registered from the
 * declarations.
 */
function handlerOf(Message: Type<EngineCommandMessage>, name: string): Type<ICommandHandler<EngineCommandMessage, Execution>> {
  class ExecutingHandler implements ICommandHandler<EngineCommandMessage, Execution> {
    constructor(@Inject(COMMAND_EXECUTOR) private readonly executor: CommandExecutor) {}
    execute(message: EngineCommandMessage): Promise<Execution> {
      return this.executor.execute(message.payload, message.options);
    }
  }
  Object.defineProperty(ExecutingHandler, 'name', { value: `${name}Handler` });
  CommandHandler(Message)(ExecutingHandler);
  return ExecutingHandler;
}

export const COMMAND_HANDLERS: Array<Type<unknown>> = [
  RecordBatchHandler,
  ...[...MESSAGES].map(([type, Message]) => handlerOf(Message, type)),
];
