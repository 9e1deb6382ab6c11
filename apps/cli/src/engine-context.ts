import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandsModule } from '#commands/nest';
import { PersonalDataModule } from '#personal-data/nest';
import { loadConfig, requireKeys, type EngineConfig } from '#persistence';
import { PersistenceModule } from '#persistence/nest';

/** The same providers as the API, without HTTP: the store and the command bus. */
@Module({})
class EngineModule {
  static forRoot(config: EngineConfig): DynamicModule {
    return { module: EngineModule, imports: [PersistenceModule.forRoot(config), PersonalDataModule.forRoot(config), CommandsModule.forRoot()] };
  }
}

export async function withEngine<T>(work: (context: INestApplicationContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  requireKeys(config);
  const context = await NestFactory.createApplicationContext(EngineModule.forRoot(config), { logger: ['error', 'warn'] });
  try {
    return await work(context);
  } finally {
    await context.close();
  }
}
