import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { EventStore } from '#event-store';
import { EVENT_STORE } from '#persistence/nest';
import type { PersonalData } from '#personal-data';
import { PERSONAL_DATA } from '#personal-data/nest';
import { AcknowledgedPositions } from '../execution/acknowledged-positions.js';
import { AreaDirectory } from '../execution/area-directory.js';
import { BatchExecutor } from '../execution/batch-executor.js';
import { CommandExecutor } from '../execution/command-executor.js';
import type { HandlerDeps } from '../declaration.js';
import { BATCH_EXECUTOR, COMMAND_EXECUTOR, COMMAND_HANDLERS } from './command-handlers.js';
import { CommandService } from './command-service.js';

/** What handlers need besides the streams (the area directory, the person-id key); also what policies run commands with. */
export const HANDLER_DEPS = Symbol('HANDLER_DEPS');

/**
 * Every command of the contract on the CommandBus, and the CommandService
 * that feeds it. Global, so that other modules (the policies run by the
 * projection runner) get the same handler dependencies.
 */
@Module({})
export class CommandsModule {
  static forRoot(): DynamicModule {
    return {
      module: CommandsModule,
      global: true,
      imports: [CqrsModule.forRoot()],
      providers: [
        {
          provide: HANDLER_DEPS,
          inject: [EVENT_STORE, PERSONAL_DATA],
          useFactory: (store: EventStore, { personKeys, vault }: PersonalData): HandlerDeps => ({ areas: new AreaDirectory(store), personKeys, vault }),
        },
        {
          provide: COMMAND_EXECUTOR,
          inject: [EVENT_STORE, HANDLER_DEPS],
          useFactory: (store: EventStore, deps: HandlerDeps) => new CommandExecutor(store, deps),
        },
        {
          provide: BATCH_EXECUTOR,
          inject: [EVENT_STORE, HANDLER_DEPS],
          useFactory: (store: EventStore, deps: HandlerDeps) => new BatchExecutor(store, deps),
        },
        ...COMMAND_HANDLERS,
        AcknowledgedPositions,
        CommandService,
      ],
      exports: [CommandService, AcknowledgedPositions, HANDLER_DEPS],
    };
  }
}
