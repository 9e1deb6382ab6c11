import { Logger, Module, type DynamicModule } from '@nestjs/common';
import type { EngineConfig } from '#persistence';
import { DATABASE } from '#persistence/nest';
import type { Database } from '#persistence';
import { openPersonalData, type PersonalData } from '../open-keys.js';

/** Injection token: the engine's keys (PersonalData: the person index, the vault). */
export const PERSONAL_DATA = Symbol('PERSONAL_DATA');

/**
 * Opens the store's keys with the configured master keys before anything
 * records or reads a person; start-up fails, naming the setting, when a
 * master key does not open what the store holds.
 */
@Module({})
export class PersonalDataModule {
  static forRoot(config: EngineConfig): DynamicModule {
    return {
      module: PersonalDataModule,
      global: true,
      providers: [
        {
          provide: PERSONAL_DATA,
          inject: [DATABASE],
          useFactory: async (database: Database): Promise<PersonalData> => {
            const logger = new Logger('PersonalData');
            for (const [setting, development] of [
              ['PERSON_ID_KEY', config.personIdKeyIsDevelopmentKey],
              ['PERSONAL_DATA_KEY', config.personalDataKeyIsDevelopmentKey],
            ] as const) {
              if (development) logger.warn(`${setting} is not set: using the development key (set a secret one in production)`);
            }
            return openPersonalData(database.db, config);
          },
        },
      ],
      exports: [PERSONAL_DATA],
    };
  }
}
