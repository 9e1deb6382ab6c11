import { Controller, Get, Inject } from '@nestjs/common';
import { type Database } from '#persistence';
import { DATABASE } from '#persistence/nest';
import type { ProjectionRunner, ProjectionStatus } from '#projections';
import { PROJECTION_RUNNER } from '#read-models/nest';
import { Public } from '../access/access.decorators.js';

/**
 * Liveness and readiness in one: the server only listens once the store is
 * open and migrated, so an answer here means commands can be taken. Always
 * 200 while the store answers: a projection that lags, or even fails, does
 * not stop commands from being recorded or queries from being answered
 * (with `freshness.caughtUp: false`). A failing projection — in this
 * process or in a worker, as recorded in projection_failures — turns
 * `status` to `degraded` and is described under `projections`: what to
 * alert on.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  @Get()
  @Public()
  async health() {
    const { head, projections } = await this.runner.status();
    return {
      status: projections.some((p) => p.failure) ? 'degraded' : 'ok',
      store: this.database.kind,
      headPosition: head.toString(),
      projections: projections.map(describe),
    };
  }
}

function describe(p: ProjectionStatus) {
  return {
    name: p.name,
    position: p.position.toString(),
    lag: p.lag.toString(),
    ...(p.failure
      ? {
          failing: {
            error: p.failure.error,
            message: p.failure.message,
            since: p.failure.since.toISOString(),
            attempts: p.failure.attempts,
            nextRetryAt: p.failure.retryAt.toISOString(),
          },
        }
      : {}),
  };
}
