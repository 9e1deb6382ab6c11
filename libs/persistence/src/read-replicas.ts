import { Kysely, sql, type CompiledQuery, type DatabaseConnection, type Driver, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryId, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import postgres from 'postgres';
import { ConfigError, redactUrl, type ReadReplicaSettings } from './config.js';
import type { Database } from './database.js';
import { PostgresFamilyDialect } from './dialect-support.js';
import { PostgresJsDialect } from './postgres-js-dialect.js';
import type { DB } from './schema/db.js';

/**
 * PostgreSQL read replicas (READ_DATABASE_URL) for the query routes: streaming
 * standbys of the primary, each a consistent earlier state of it (docs/scaling.md).
 *
 * A replica is `up`, `down` (it could not be reached: probed again every
 * `retryMs` until it answers) or `behind` (it could not reach a position a
 * reader needed in time: left out for `retryMs`). Reads go to the replicas
 * that are up, in turn. A statement a replica cannot run — it went down
 * during the answer, or the standby cancelled it to replay the primary's
 * changes, or it has not replayed the schema's latest migration yet — runs
 * on the primary instead, which is at least as far along, and so do the
 * answer's later statements (the replica may be short of what the primary
 * showed): the answer stays right, and says it came from the primary. With
 * `fallback: 'unavailable'` it is refused instead (ReplicaUnavailableError),
 * so that the primary never serves queries. A replica must be a copy of the
 * primary's database (databaseIdentity): one that is not is refused at
 * start, or never read when it answers later.
 */

export type ReplicaState = 'up' | 'down' | 'behind';

export interface ReplicaStatus {
  readonly server: string;
  readonly state: ReplicaState;
  readonly since: Date;
}

interface Logger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** No usable replica, and READ_REPLICA_FALLBACK=unavailable forbids the primary: answered 503 REPLICA_UNAVAILABLE. */
export class ReplicaUnavailableError extends Error {
  override readonly name = 'ReplicaUnavailableError';
  readonly code = 'REPLICA_UNAVAILABLE';
  constructor(message = 'no read replica can answer now, and this server does not answer queries from the primary: send the request again in a moment') {
    super(message);
  }
}

/** Errors that say the server cannot be reached or is going away: the connection's, not the statement's. */
const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
]);
/** SQLSTATEs of a server that cannot serve: shutting down, starting, crashed, out of connections, the database not (yet) there. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '57P04', '53300', '3D000']);

/** Whether an error means the server could not be reached (or is going away), as opposed to a fault of the statement. */
export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (CONNECTION_ERRORS.has(code) || code.startsWith('08') || UNAVAILABLE_STATES.has(code));
}

/** A standby cancelled the statement to replay the primary's changes (a recovery conflict): it is not down, the statement must run elsewhere. */
export function isRecoveryConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}

/**
 * The standby has not replayed the schema the statement needs yet (a table,
 * column or function the primary's latest migration made: during a deploy):
 * it is not down, the statement must run elsewhere. On the primary too, the
 * same statement fails as it would without replicas.
 */
export function isSchemaBehind(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '42P01' || code === '42703' || code === '42883';
}

/**
 * What makes a database the primary's own copy: the server's system
 * identifier, which a physical standby shares with its primary (and no other
 * server has), and the database's oid, the same on the standby and new
 * whenever a database is created.
 */
export async function databaseIdentity(db: Kysely<DB>): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    select (select system_identifier::text from pg_control_system()) || '/' || (select oid::text from pg_database where datname = current_database()) as id`.execute(db);
  return rows[0]!.id;
}

/** One answer read from a replica: its statements, and whether any of them had to run on the primary. */
export interface ReplicaReading {
  readonly db: Kysely<DB>;
  /** The server the answer came from: the replica's name, or `primary` once a statement ran there. */
  readonly server: string;
}

export class ReadReplica {
  private state: ReplicaState = 'up';
  private since = new Date();
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  /** It answered as another database since it last took reads (logged once). */
  private foreignReported = false;
  /** Statements to the replica, each one it cannot run sent to the primary. */
  private readonly failover: Kysely<DB>;

  constructor(
    /** `replica-1`, `replica-2`…: what answers and the health report call it (never its URL). */
    readonly server: string,
    /** Where it is, for logs (password redacted). */
    readonly location: string,
    /** The replica alone. */
    readonly direct: Kysely<DB>,
    primary: Kysely<DB>,
    /** The primary database's identity (databaseIdentity): a replica that answers with another is never read. */
    private readonly identity: string,
    private readonly settings: ReadReplicaSettings,
    private readonly logger: Logger | undefined,
  ) {
    this.failover = new Kysely<DB>({ dialect: new FailoverDialect(this, primary, settings.fallback) });
  }

  /** Whether it takes readers now. */
  get usable(): boolean {
    return this.state === 'up' && !this.closed;
  }

  /** Whether statements may be sent to it (a replica behind still serves the readers that found it far enough). */
  get reachable(): boolean {
    return this.state !== 'down' && !this.closed;
  }

  status(): ReplicaStatus {
    return { server: this.server, state: this.state, since: this.since };
  }

  /** A reader's view: its statements go to this replica, and to the primary for any it cannot run. */
  reading(): ReplicaReading {
    const tag = { server: this.server };
    return Object.assign(tag, { db: this.failover.withPlugin(new Tagged(tag)) });
  }

  /** It could not be reached: leave it out, and probe it until it answers. */
  markDown(error: unknown): void {
    if (this.closed || this.state === 'down') return;
    this.enter('down');
    const code = (error as { code?: unknown } | null)?.code;
    this.logger?.warn(`read replica ${this.server} (${this.location}) cannot be reached (${typeof code === 'string' ? code : 'error'}): the primary answers its reads until it is back`);
    this.scheduleProbe();
  }

  /** It could not reach a position a reader needed in time: leave it out for a while. */
  markBehind(): void {
    if (this.closed || this.state !== 'up') return;
    this.enter('behind');
    this.logger?.warn(`read replica ${this.server} is too far behind the primary: left out for ${this.settings.retryMs} ms`);
    this.retry = setTimeout(() => this.comeBack(), this.settings.retryMs).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.direct.destroy().catch(() => undefined);
  }

  private enter(state: ReplicaState): void {
    clearTimeout(this.retry);
    this.state = state;
    this.since = new Date();
  }

  private comeBack(): void {
    if (this.closed) return;
    this.foreignReported = false;
    this.enter('up');
    this.logger?.log(`read replica ${this.server} takes reads again`);
  }

  /** Whether it is the primary's database (one answering at its address could have been replaced by another). */
  async isCopy(): Promise<boolean> {
    return (await databaseIdentity(this.direct)) === this.identity;
  }

  /** Probed until it answers as the primary's copy (then it takes reads again). */
  private scheduleProbe(): void {
    this.retry = setTimeout(() => {
      this.isCopy().then(
        (copy) => {
          if (copy) return this.comeBack();
          // Said once while it stays so, not at every probe.
          if (!this.foreignReported) this.logger?.error(`read replica ${this.server} (${this.location}) is not a copy of DATABASE_URL's database (another server, or another database): it is not read`);
          this.foreignReported = true;
          if (!this.closed) this.scheduleProbe();
        },
        () => this.closed || this.scheduleProbe(),
      );
    }, this.settings.retryMs).unref();
  }
}

/** The replicas, taken in turn. */
export class ReadReplicas {
  private next = 0;

  constructor(
    readonly replicas: readonly ReadReplica[],
    readonly settings: ReadReplicaSettings,
  ) {}

  /** The next replica that takes readers, if any. */
  pick(): ReadReplica | undefined {
    for (let i = 0; i < this.replicas.length; i++) {
      const replica = this.replicas[(this.next + i) % this.replicas.length]!;
      if (replica.usable) {
        this.next = (this.next + i + 1) % this.replicas.length;
        return replica;
      }
    }
    return undefined;
  }

  status(): ReplicaStatus[] {
    return this.replicas.map((r) => r.status());
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.close()));
  }
}

/**
 * Opens a pool to each replica (the server starts whether or not they answer:
 * one that does not is left out and probed until it does).
 */
export async function openReadReplicas(settings: ReadReplicaSettings, primary: Database, logger?: Logger): Promise<ReadReplicas> {
  if (primary.kind !== 'postgres') throw new Error('read replicas serve a PostgreSQL primary (DATABASE_URL)');
  const identity = await databaseIdentity(primary.db);
  const replicas = settings.urls.map((url, i) => {
    const client = postgres(url, {
      max: settings.maxConnections ?? 10,
      connect_timeout: 2,
      onnotice: () => undefined,
      connection: { application_name: 'union-coverage-engine-reads', jit: 'off' },
    });
    const direct = new Kysely<DB>({ dialect: new PostgresJsDialect(client) });
    return new ReadReplica(`replica-${i + 1}`, redactUrl(url), direct, primary.db, identity, settings, logger);
  });
  const foreign = await Promise.all(
    replicas.map(async (replica) => {
      try {
        if (!(await replica.isCopy())) return replica;
        logger?.log(`read replica ${replica.server}: ${replica.location}`);
      } catch (error) {
        replica.markDown(error);
      }
      return undefined;
    }),
  );
  const refused = foreign.filter((r) => r !== undefined);
  if (refused.length) {
    await Promise.all(replicas.map((r) => r.close()));
    throw new ConfigError(
      `READ_DATABASE_URL: ${refused.map((r) => `${r.server} (${r.location})`).join(', ')} ${refused.length > 1 ? 'are not copies' : 'is not a copy'} of DATABASE_URL's database — ` +
        'a read replica must be a streaming standby of its server (pg_basebackup -R), read in the same database (docs/scaling.md)',
    );
  }
  return new ReadReplicas(replicas, settings);
}

/** Which reading each statement belongs to (a statement's QueryId is the same object from the plugin to the driver). */
const readingOf = new WeakMap<QueryId, { server: string }>();

/** Tags a reading's statements, so that the driver can say when one of them ran on the primary. */
class Tagged implements KyselyPlugin {
  constructor(private readonly reading: { server: string }) {}
  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    readingOf.set(queryId, this.reading);
    return node;
  }
  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}

class FailoverDialect extends PostgresFamilyDialect {
  constructor(
    private readonly replica: ReadReplica,
    private readonly primary: Kysely<DB>,
    private readonly fallback: ReadReplicaSettings['fallback'],
  ) {
    super();
  }
  createDriver(): Driver {
    const connection = new FailoverConnection(this.replica, this.primary, this.fallback);
    const noTransactions = async () => {
      throw new Error('reads on a replica are single statements: run transactions on the primary');
    };
    return {
      init: async () => undefined,
      acquireConnection: async () => connection,
      beginTransaction: noTransactions,
      commitTransaction: noTransactions,
      rollbackTransaction: noTransactions,
      releaseConnection: async () => undefined,
      // The pools are the replica's and the primary's, closed by their owners.
      destroy: async () => undefined,
    };
  }
}

/** Sends each statement to the replica while it is reachable; one it cannot run goes to the primary (or is refused). */
class FailoverConnection implements DatabaseConnection {
  constructor(
    private readonly replica: ReadReplica,
    private readonly primary: Kysely<DB>,
    private readonly fallback: ReadReplicaSettings['fallback'],
  ) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const reading = readingOf.get(compiled.queryId);
    // Once one statement of an answer ran on the primary, the rest run there too: the replica may be short of
    // what that statement saw (an answer whose checkpoints were read on the primary, its rows on a replica still
    // replaying, would count what the replica has not replayed as missing — an area not defined yet).
    if (this.replica.reachable && reading?.server !== 'primary') {
      try {
        return await this.replica.direct.executeQuery<R>(compiled);
      } catch (error) {
        if (isUnreachable(error)) this.replica.markDown(error);
        else if (!isRecoveryConflict(error) && !isSchemaBehind(error)) throw error;
      }
    }
    if (this.fallback === 'unavailable') throw new ReplicaUnavailableError();
    if (reading) reading.server = 'primary';
    return this.primary.executeQuery<R>(compiled);
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // Reads are answered whole (exports page by key); a stream would be cut short by a failover.
    yield await this.executeQuery<R>(compiled);
  }
}
