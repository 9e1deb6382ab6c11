import { Module, type DynamicModule } from '@nestjs/common';
import type { EngineConfig } from '../../../libs/persistence/src/index.js';
import { PersistenceModule } from '../../../libs/persistence/src/index.js';
import { HealthController } from './health/health.controller.js';

@Module({})
export class AppModule {
  static forRoot(config: EngineConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PersistenceModule.forRoot(config)],
      controllers: [HealthController],
    };
  }
}
