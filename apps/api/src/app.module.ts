import { createPublicKey } from 'node:crypto';
import { resolve } from 'node:path';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TokenRegistry } from '#access';
import { AccessModule } from '#access/nest';
import type { Database, EngineConfig } from '#persistence';
import { DATABASE, PersistenceModule } from '#persistence/nest';
import { CommandsModule } from '#commands/nest';
import { PersonalDataModule } from '#personal-data/nest';
import { ReadModelsModule } from '#read-models/nest';
import { CommandsController } from './commands/commands.controller.js';
import { CoverageController } from './organizing-coverage/coverage.controller.js';
import { HealthController } from './health/health.controller.js';
import { ReadAccess } from './organizing-coverage/read-access.js';
import { ORGANIZING_CONTROLLERS } from './organizing-work/organizing.controllers.js';
import { HistoryController } from './history/history.controller.js';
import { AccessGuard } from './access/access.guard.js';
import { ANCHOR_FILE_NAME, AnchorWriter, readAnchorKey } from './audit/anchor-writer.js';
import { ANCHOR_FILE, type AnchorFile } from './audit/last-anchor.js';
import { ChainController } from './audit/chain.controller.js';
import { Scope } from './access/scope.js';
import { PersonalDataReadsController, TokensController } from './access/tokens.controller.js';
import { AreasController, CallerController } from './areas/areas.controller.js';
import { GRPC_SETTINGS, KurrentEndpoint } from './kurrentdb/kurrentdb-endpoint.js';
import { TokenLogAccess } from './kurrentdb/log-access.js';

@Module({})
export class AppModule {
  static forRoot(config: EngineConfig): DynamicModule {
    const anchorKey = config.anchors ? readAnchorKey(config.anchors.keyFile) : undefined;
    const anchorFile: AnchorFile = config.anchors ? { file: resolve(config.anchors.dir, ANCHOR_FILE_NAME), publicKey: createPublicKey(anchorKey!) } : null;
    return {
      module: AppModule,
      imports: [
        PersistenceModule.forRoot(config),
        PersonalDataModule.forRoot(config),
        CommandsModule.forRoot(),
        ReadModelsModule.forRoot({ runProjections: config.projections === 'inline' }),
        AccessModule.forRoot(),
      ],
      controllers: [
        HealthController,
        CommandsController,
        CoverageController,
        HistoryController,
        ...ORGANIZING_CONTROLLERS,
        TokensController,
        PersonalDataReadsController,
        ChainController,
        CallerController,
        AreasController,
      ],
      providers: [
        ReadAccess,
        Scope,
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: ANCHOR_FILE, useValue: anchorFile },
        ...(config.grpc
          ? [
              { provide: TokenLogAccess, inject: [TokenRegistry, Scope], useFactory: (tokens: TokenRegistry, scope: Scope) => new TokenLogAccess(tokens, scope, config.authFailuresPerMinute) },
              { provide: GRPC_SETTINGS, useValue: config.grpc },
              KurrentEndpoint,
            ]
          : []),
        ...(config.anchors ? [{ provide: AnchorWriter, inject: [DATABASE], useFactory: (database: Database) => new AnchorWriter(database, config.anchors!, anchorKey!) }] : []),
      ],
    };
  }
}
