import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { EventStore } from '../../../event-store/src/index.js';
import { EVENT_STORE, type EngineConfig } from '../../../persistence/src/index.js';
import { AcknowledgedPositions } from '../execution/acknowledged-positions.js';
import { AreaDirectory } from '../execution/area-directory.js';
import { CommandExecutor } from '../execution/command-executor.js';
import { PersonKeys } from '../execution/person-key.js';
import { COMMAND_EXECUTOR, COMMAND_HANDLERS } from './command-handlers.js';
import { CommandService } from './command-service.js';

/** Every command of the contract on the CommandBus, and the CommandService that feeds it. */
@Module({})
export class CommandsModule {
  static forRoot(config: EngineConfig): DynamicModule {
    return {
      module: CommandsModule,
      imports: [CqrsModule.forRoot()],
      providers: [
        {
          provide: COMMAND_EXECUTOR,
          inject: [EVENT_STORE],
          useFactory: (store: EventStore) => {
            if (config.personIdKeyIsDevelopmentKey) {
              new Logger('Commands').warn('PERSON_ID_KEY is not set: using the development key (set a secret one in production)');
            }
            return new CommandExecutor(store, { areas: new AreaDirectory(store), personKeys: new PersonKeys(config.personIdKey) });
          },
        },
        ...COMMAND_HANDLERS,
        AcknowledgedPositions,
        CommandService,
      ],
      exports: [CommandService, AcknowledgedPositions],
    };
  }
}
