import { Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Database } from '#persistence';
import { DATABASE, OPENED_STORE } from '#persistence/nest';
import type { OpenedEventStore } from '#kurrentdb';
import { ProjectionRunner } from '#projections';
import { type HandlerDeps } from '#commands';
import { HANDLER_DEPS } from '#commands/nest';
import { createPolicies } from '#policies';
import { ALL_PROJECTIONS } from '../all-projections.js';

export const PROJECTION_RUNNER = Symbol('PROJECTION_RUNNER');

export interface ReadModelsOptions {
  /** Run the projections in this process (default), or leave them to a worker (`npm run cli -- project`). */
  readonly runProjections: boolean;
}

/** The projection runner, started with the application unless a separate worker runs it. */
@Module({})
export class ReadModelsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Projections');

  constructor(
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject('READ_MODELS_OPTIONS') private readonly options: ReadModelsOptions,
  ) {}

  static forRoot(options: ReadModelsOptions): DynamicModule {
    return {
      module: ReadModelsModule,
      providers: [
        { provide: 'READ_MODELS_OPTIONS', useValue: options },
        {
          provide: PROJECTION_RUNNER,
          // The policies (libs/policies) run beside the read models; they stay out of ALL_PROJECTIONS, which rebuild and verify replay.
          inject: [DATABASE, OPENED_STORE, HANDLER_DEPS],
          useFactory: ({ db }: Database, { store, mirror }: OpenedEventStore, deps: HandlerDeps) =>
            new ProjectionRunner(db, store, [...ALL_PROJECTIONS, ...createPolicies({ ...deps, ...(mirror && { recordIn: store }) })], {
              // Failures (redacted, retried with backoff while the others go on), recoveries, and a first catch-up folded.
              logger: new Logger('Projections'),
              foldFirstCatchUp: true,
            }),
        },
      ],
      exports: [PROJECTION_RUNNER],
    };
  }

  onApplicationBootstrap(): void {
    if (this.options.runProjections) {
      this.runner.start();
      this.logger.log(`running ${ALL_PROJECTIONS.map((p) => p.name).join(', ')} and the policies in this process`);
    } else {
      this.logger.log('projections run in a separate worker (PROJECTIONS=worker)');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
