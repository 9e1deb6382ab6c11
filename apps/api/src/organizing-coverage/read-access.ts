import { HttpException, Inject, Injectable } from '@nestjs/common';
import { AcknowledgedPositions } from '#commands';
import { chainHead } from '#event-store';
import { type Database } from '#persistence';
import { DATABASE } from '#persistence/nest';
import type { ProjectionRunner } from '#projections';
import { areaExists, type Knowledge } from '#read-models';
import { PROJECTION_RUNNER } from '#read-models/nest';
import type { Principal } from '#domain';
import { Scope } from '../access/scope.js';
import { requiredText } from './query-params.js';

/** How long a query waits for the read models to catch up with what was acknowledged. */
const FRESHNESS_WAIT_MS = 2000;

/**
 * What every read endpoint needs: the read models' database, freshness
 * (read-your-writes: wait for what this server acknowledged, or for the
 * `position` the client names) and the area check.
 */
@Injectable()
export class ReadAccess {
  private readonly defined = new Set<string>();

  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    private readonly acknowledged: AcknowledgedPositions,
    readonly scope: Scope,
  ) {}

  get db() {
    return this.database.db;
  }

  /**
   * Waits (up to 2 s) until the read models have applied the log up to what
   * was acknowledged or requested. A requested position the log has not
   * reached is refused at once (400 POSITION_BEYOND_LOG) rather than waited for.
   */
  async fresh(requested: bigint): Promise<{ position: string; caughtUp: boolean }> {
    if (requested > this.acknowledged.latest) {
      const head = BigInt((await chainHead(this.database.db)).position);
      if (requested > head) {
        throw new HttpException({ error: 'POSITION_BEYOND_LOG', message: `position ${requested} is beyond the log, which ends at ${head}: pass a position from a command's answer` }, 400);
      }
    }
    const wanted = requested > this.acknowledged.latest ? requested : this.acknowledged.latest;
    const { position, caughtUp } = await this.runner.waitFor(wanted, FRESHNESS_WAIT_MS);
    return { position: position.toString(), caughtUp };
  }

  /**
   * The `areaId` parameter of a defined area (as known then, with knowledge)
   * in the caller's area: else 400, 403 FORBIDDEN (outside the caller's
   * area, whether defined or not), 404 UNKNOWN_AREA.
   */
  async area(value: unknown, caller: Principal, knowledge?: Knowledge): Promise<string> {
    const areaId = requiredText(value, 'areaId');
    await this.scope.area(caller, areaId);
    // An area, once defined, stays defined: what is known now needs one look per area and process.
    if (knowledge === undefined && this.defined.has(areaId)) return areaId;
    if (!(await areaExists(this.database.db, areaId, knowledge))) {
      const when = knowledge ? ' at that time' : '';
      throw new HttpException({ error: 'UNKNOWN_AREA', message: `area "${areaId}" is not defined${when}` }, 404);
    }
    if (knowledge === undefined) this.defined.add(areaId);
    return areaId;
  }
}
