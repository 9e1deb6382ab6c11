import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import postgres from 'postgres';
import { PGliteDialect } from './pglite-dialect.js';
import { PostgresJsDialect } from './postgres-js-dialect.js';
import { redactUrl, type EngineConfig } from './config.js';
import type { DB } from './schema/db.js';

export type StoreKind = 'postgres' | 'pglite';

/**
 * An open database: a Kysely instance over PostgreSQL (postgres.js) or the
 * embedded PGlite, and how to close it. Everything above this layer is the
 * same SQL on both.
 */
export interface Database {
  readonly db: Kysely<DB>;
  readonly kind: StoreKind;
  /** Where the data lives, for logs (password redacted). */
  readonly location: string;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { readonly databaseUrl: string; readonly maxConnections?: number }
  | { readonly dataDir: string }
  | { readonly inMemory: true };

export function describeTarget(target: DatabaseTarget): string {
  if ('databaseUrl' in target) return `PostgreSQL at ${redactUrl(target.databaseUrl)}`;
  if ('dataDir' in target) return `embedded PGlite in ${resolve(target.dataDir)}`;
  return 'embedded PGlite in memory';
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if ('databaseUrl' in target) return openPostgres(target.databaseUrl, target.maxConnections ?? 10);
  const dataDir = 'dataDir' in target ? resolve(target.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir === undefined ? {} : { dataDir });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    location: describeTarget(target),
    close: () => db.destroy(),
  };
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const client = postgres(url, {
    max,
    onnotice: () => undefined,
    // No JIT: the engine's statements are short key lookups and batches, and on tables without statistics
    // (a log just imported) the planner's cost estimates pass JIT's threshold and each statement spent ~50 ms
    // compiling what then ran in 3.
    connection: { application_name: 'union-coverage-engine', jit: 'off' },
  });
  const db = new Kysely<DB>({ dialect: new PostgresJsDialect(client) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new Error(`cannot reach ${describeTarget({ databaseUrl: url })}: ${(error as Error).message}`);
  }
  return {
    db,
    kind: 'postgres',
    location: describeTarget({ databaseUrl: url }),
    // Kysely's destroy ends the pool, giving running queries 5 s.
    close: () => db.destroy(),
  };
}

/** The database the configuration names: a PostgreSQL server, or the embedded store's folder. */
export function targetOf(config: EngineConfig): DatabaseTarget {
  return config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir };
}
