import { Module, type DynamicModule } from '@nestjs/common';
import type { HandlerDeps } from '#commands';
import { HANDLER_DEPS } from '#commands/nest';
import type { EventStore } from '#event-store';
import { EVENT_STORE } from '#persistence/nest';
import { PersonalDataReads } from '../personal-data-reads.js';
import { TokenRegistry } from '../token-registry.js';

/** The token registry and the log of personal-data reads, over the engine's store. */
@Module({})
export class AccessModule {
  static forRoot(): DynamicModule {
    return {
      module: AccessModule,
      providers: [
        { provide: TokenRegistry, inject: [EVENT_STORE, HANDLER_DEPS], useFactory: (store: EventStore, deps: HandlerDeps) => new TokenRegistry(store, deps.areas) },
        { provide: PersonalDataReads, inject: [EVENT_STORE], useFactory: (store: EventStore) => new PersonalDataReads(store) },
      ],
      exports: [TokenRegistry, PersonalDataReads],
    };
  }
}
