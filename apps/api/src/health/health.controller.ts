import { Controller, Get, Inject } from '@nestjs/common';
import { type Database, type ReadReplicas } from '#persistence';
import type { OpenedEventStore } from '#kurrentdb';
import { DATABASE, OPENED_STORE, READ_REPLICAS } from '#persistence/nest';
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
 * alert on. So does, with the log in KurrentDB, the engine's copy of it
 * stopping (`kurrentdb.stopped`: the two logs disagree), and a read replica
 * that cannot be reached (`replicas`: each `up`, `down` or `behind`).
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(OPENED_STORE) private readonly opened: OpenedEventStore,
    @Inject(READ_REPLICAS) private readonly replicas: ReadReplicas | null,
  ) {}

  @Get()
  @Public()
  async health() {
    const { head, projections } = await this.runner.status();
    // With the log in KurrentDB: how far the engine's copy has come, and whether it stopped (why: in the logs; this
    // answer is public, and names neither the server nor a stream). docs/kurrentdb.md.
    const mirror = this.opened.mirror?.status();
    const kurrentdb = mirror && { copiedUpTo: mirror.copiedUpTo, stopped: mirror.stopped !== null };
    // The read replicas by name (never their addresses): a replica down is degraded — its reads fall on the primary.
    const replicas = this.replicas?.status().map(({ server, state, since }) => ({ server, state, since: since.toISOString() }));
    return {
      status: projections.some((p) => p.failure) || kurrentdb?.stopped || replicas?.some((r) => r.state === 'down') ? 'degraded' : 'ok',
      store: this.database.kind,
      headPosition: head.toString(),
      ...(kurrentdb && { kurrentdb }),
      ...(replicas && { replicas }),
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
