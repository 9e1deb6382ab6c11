import type postgres from 'postgres';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

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
export class PostgresJsDialect implements Dialect {
  constructor(private readonly sql: Sql) {}

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PostgresJsDriver(this.sql);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

class PostgresJsDriver implements Driver {
  constructor(private readonly sql: Sql) {}

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
  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint "${name.replace(/"/g, '""')}"`));
  }
  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint "${name.replace(/"/g, '""')}"`));
  }
  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint "${name.replace(/"/g, '""')}"`));
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
    const modes = [
      ...(settings.isolationLevel ? [`isolation level ${settings.isolationLevel}`] : []),
      ...(settings.accessMode ? [settings.accessMode] : []),
    ].join(' ');
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
