import { HttpException, Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { AcknowledgedPositions } from '#commands';
import { chainHead } from '#event-store';
import { ReplicaUnavailableError, type Database, type DB, type ReadReplicas, type ReplicaReading } from '#persistence';
import { DATABASE, READ_REPLICAS } from '#persistence/nest';
import type { ProjectionRunner } from '#projections';
import { areaExists, type Knowledge } from '#read-models';
import { PROJECTION_RUNNER } from '#read-models/nest';
import type { Principal } from '#domain';
import { Scope } from '../access/scope.js';
import { requiredText } from './query-params.js';

/** How long a query waits for the read models to catch up with what was acknowledged. */
const FRESHNESS_WAIT_MS = 2000;

/**
 * How long a server's checkpoints, once read, answer for it: a query needing
 * no later position uses them without reading them again. Checkpoints only
 * move forward (a rebuild swaps in tables folded further), so a position seen
 * is always one the read models have reached; reading them once per request
 * cost a statement — a round trip and a socket write on each side — as much
 * as many answers themselves.
 */
const CHECKPOINTS_FRESH_FOR_MS = 100;

/**
 * How fresh an answer is: the log position the read models it was read from
 * had reached, whether that covers what the client needs, and — with read
 * replicas — which server answered.
 */
export interface Freshness {
  readonly position: string;
  readonly caughtUp: boolean;
  /** With READ_DATABASE_URL: `replica-N`, or `primary` (also when a replica failed during the answer and the primary finished it). */
  readonly server?: string;
}

/** Where one answer reads, and how fresh that is. */
export interface Reading {
  readonly db: Kysely<DB>;
  readonly freshness: Freshness;
  /** The server, for what it caches per server. */
  readonly server: string;
}

/**
 * What every read endpoint needs: the database to read (a read replica when
 * there are some, else the primary), freshness (read-your-writes: wait for
 * what this server acknowledged, or for the `position` the client names) and
 * the area check.
 */
@Injectable()
export class ReadAccess {
  /** Areas known defined, per server: an area, once defined, stays defined. */
  private readonly defined = new Set<string>();
  /** Per server: the lowest checkpoint of the read models last read there, and when. */
  private readonly reached = new Map<string, { position: bigint; at: number }>();

  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    private readonly acknowledged: AcknowledgedPositions,
    readonly scope: Scope,
    @Inject(READ_REPLICAS) private readonly replicas: ReadReplicas | null,
  ) {}

  /** The primary: for what must see the whole log as recorded (the head, the position known at an instant). */
  get primary(): Kysely<DB> {
    return this.database.db;
  }

  /**
   * Where to read an answer that needs the read models up to what was
   * acknowledged or requested, waiting for them up to 2 s. A requested
   * position the log has not reached is refused at once (400
   * POSITION_BEYOND_LOG) rather than waited for.
   *
   * With read replicas: the next replica that is up, once it has replayed the
   * read models that far (waiting up to READ_REPLICA_WAIT_MS). One that
   * cannot in that time while the primary has is left out for a while, and
   * the primary answers — or, with READ_REPLICA_FALLBACK=unavailable, 503
   * REPLICA_UNAVAILABLE. A replica as far along as the primary answers even
   * when both are short of the position (caughtUp: false), as the primary would.
   */
  async reading(requested: bigint): Promise<Reading> {
    const wanted = await this.wanted(requested);
    const deadline = Date.now() + FRESHNESS_WAIT_MS;
    if (this.replicas) {
      const replica = this.replicas.pick();
      if (replica) {
        const view = replica.reading();
        const { position, caughtUp } = await this.checkpoints(replica.server, wanted, Math.min(this.replicas.settings.waitMs, FRESHNESS_WAIT_MS), view);
        if (caughtUp) return fromReplica(view, position, true);
        if (view.server !== 'primary') {
          const onPrimary = await this.runner.waitFor(wanted, 0);
          if (onPrimary.position <= position) return fromReplica(view, position, false);
          replica.markBehind();
        }
      }
      if (this.replicas.settings.fallback === 'unavailable') throw new ReplicaUnavailableError();
    }
    const { position, caughtUp } = await this.checkpoints('primary', wanted, Math.max(0, deadline - Date.now()), { db: this.database.db, server: 'primary' });
    return { db: this.database.db, server: 'primary', freshness: { position: position.toString(), caughtUp, ...(this.replicas && { server: 'primary' }) } };
  }

  /**
   * How far the server's read models are, waiting up to `timeoutMs` for
   * `wanted` (runner.waitFor, on `view.db`) — unless they were seen that far
   * within the last CHECKPOINTS_FRESH_FOR_MS. What is read is remembered for
   * the server, unless a statement of it failed over to the primary.
   */
  private async checkpoints(server: string, wanted: bigint, timeoutMs: number, view: { readonly db: Kysely<DB>; readonly server: string }) {
    const seen = this.reached.get(server);
    if (seen && seen.position >= wanted && Date.now() - seen.at < CHECKPOINTS_FRESH_FOR_MS) return { position: seen.position, caughtUp: true };
    const reached = await this.runner.waitFor(wanted, timeoutMs, view.db);
    if (view.server === server && (!seen || reached.position >= seen.position)) this.reached.set(server, { position: reached.position, at: Date.now() });
    return reached;
  }

  /** The position an answer must reflect: what this server acknowledged, or what the client asks for if that is later. */
  private async wanted(requested: bigint): Promise<bigint> {
    if (requested <= this.acknowledged.latest) return this.acknowledged.latest;
    const head = BigInt((await chainHead(this.database.db)).position);
    if (requested > head) {
      throw new HttpException({ error: 'POSITION_BEYOND_LOG', message: `position ${requested} is beyond the log, which ends at ${head}: pass a position from a command's answer` }, 400);
    }
    return requested;
  }

  /**
   * The `areaId` parameter of a defined area (as known then, with knowledge)
   * in the caller's area: else 400, 403 FORBIDDEN (outside the caller's
   * area, whether defined or not), 404 UNKNOWN_AREA.
   */
  async area(value: unknown, caller: Principal, reading: Reading, knowledge?: Knowledge): Promise<string> {
    const areaId = requiredText(value, 'areaId');
    await this.scope.area(caller, areaId);
    // An area, once defined, stays defined: what is known now needs one look per area, process and server.
    const key = `${reading.server}\u0000${areaId}`;
    if (knowledge === undefined && this.defined.has(key)) return areaId;
    if (!(await areaExists(reading.db, areaId, knowledge))) {
      const when = knowledge ? ' at that time' : '';
      throw new HttpException({ error: 'UNKNOWN_AREA', message: `area "${areaId}" is not defined${when}` }, 404);
    }
    if (knowledge === undefined) this.defined.add(key);
    return areaId;
  }
}

/** An answer read on a replica: its `server` says `primary` once a statement of it had to run there. */
function fromReplica(view: ReplicaReading, position: bigint, caughtUp: boolean): Reading {
  return {
    db: view.db,
    get server() {
      return view.server;
    },
    freshness: {
      position: position.toString(),
      caughtUp,
      get server() {
        return view.server;
      },
    },
  };
}
