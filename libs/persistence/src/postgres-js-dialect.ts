import type postgres from 'postgres';
import type { CompiledQuery, DatabaseConnection, Driver, QueryResult, TransactionSettings } from 'kysely';
import { PostgresFamilyDialect, SavepointsBySql, transactionModes } from './dialect-support.js';

type Sql = postgres.Sql;
type TransactionSql = postgres.TransactionSql;

/**
 * A Kysely dialect over postgres.js that sends queries to the pool as it is
 * meant to be used: plain queries straight to `sql.unsafe`, transactions
 * through `sql.begin`. (kysely-postgres-js reserves a connection for every
 * single query; under a long import that churn made postgres.js's connection
 * queues grow — most CPU went to `Queue.remove` — and finally left a
 * connection that never ended.)
 */
export class PostgresJsDialect extends PostgresFamilyDialect {
  constructor(private readonly sql: Sql) {
    super();
  }
  createDriver(): Driver {
    return new PostgresJsDriver(this.sql);
  }
}

class PostgresJsDriver extends SavepointsBySql implements Driver {
  constructor(private readonly sql: Sql) {
    super();
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PostgresJsConnection(this.sql);
  }
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await (connection as PostgresJsConnection).begin(settings);
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PostgresJsConnection).end(true);
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PostgresJsConnection).end(false);
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}

/** Thrown into sql.begin's callback to make it roll back. */
const ROLLBACK = Symbol('rollback');

class PostgresJsConnection implements DatabaseConnection {
  private tx: TransactionSql | undefined;
  private finish: { resolve: () => void; reject: (reason: unknown) => void } | undefined;
  private done: Promise<unknown> | undefined;

  constructor(private readonly sql: Sql) {}

  async begin(settings: TransactionSettings): Promise<void> {
    const modes = transactionModes(settings);
    let started!: (tx: TransactionSql) => void;
    const ready = new Promise<TransactionSql>((resolve) => (started = resolve));
    this.done = this.sql.begin(modes, (tx) => {
      started(tx);
      return new Promise<void>((resolve, reject) => (this.finish = { resolve, reject }));
    });
    this.tx = await Promise.race([
      ready,
      this.done.then(() => Promise.reject(new Error('the transaction ended before it began'))),
    ]);
  }

  async end(commit: boolean): Promise<void> {
    const { finish, done } = this;
    this.tx = undefined;
    this.finish = undefined;
    this.done = undefined;
    if (!finish || !done) return;
    if (commit) {
      finish.resolve();
      await done;
    } else {
      finish.reject(ROLLBACK);
      await done.catch((error: unknown) => {
        if (error !== ROLLBACK) throw error;
      });
    }
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const target = this.tx ?? this.sql;
    const result = await target.unsafe(compiled.sql, compiled.parameters as never[]);
    const rows = [...result] as R[];
    return ['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(result.command)
      ? { rows, numAffectedRows: BigInt(result.count) }
      : { rows };
  }

  async *streamQuery<R>(compiled: CompiledQuery, chunkSize = 1000): AsyncIterableIterator<QueryResult<R>> {
    const target = this.tx ?? this.sql;
    for await (const rows of target.unsafe(compiled.sql, compiled.parameters as never[]).cursor(chunkSize)) {
      yield { rows: rows as R[] };
    }
  }
}
