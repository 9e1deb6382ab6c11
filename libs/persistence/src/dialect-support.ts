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
  type TransactionSettings,
} from 'kysely';

/** What every PostgreSQL dialect of the project shares; subclasses bring the driver. */
export abstract class PostgresFamilyDialect implements Dialect {
  abstract createDriver(): Driver;
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Savepoints, and the `begin` modes of Kysely's transaction settings, in plain SQL. */
export abstract class SavepointsBySql {
  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quote(name)}`));
  }
  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quote(name)}`));
  }
  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quote(name)}`));
  }
}

export function transactionModes(settings: TransactionSettings): string {
  return [
    ...(settings.isolationLevel ? [`isolation level ${settings.isolationLevel}`] : []),
    ...(settings.accessMode ? [settings.accessMode] : []),
  ].join(' ');
}
