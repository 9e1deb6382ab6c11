import type { ColumnType, SelectType } from 'kysely';
import type { COLUMNS } from './columns.js';

/*
 * The database as TypeScript sees it: `DB`, every table (the Kysely
 * migration tables excepted) column by column, derived from `COLUMNS`
 * (columns.ts: the description the schema test compares with a migrated
 * database). `Kysely<DB>` checks every query built with the builder against
 * it, and `sql<Row>` templates take their row types from it
 * (`TextRow<DB['rm_areas']>`, `Pick<…>`). The DDL itself is in the *.sql.ts
 * files beside this one (see docs/schema.md).
 */

/**
 * `bigint` (positions, revisions): postgres.js returns it as a string, PGlite
 * as a number, so read it as `::text` (or `String(…)`) where the value
 * matters, and write it as a decimal string.
 */
export type Int8 = ColumnType<string | number, string, string>;

/** `date`: both drivers return a Date (midnight UTC); read `::text` for 'YYYY-MM-DD'. Written as 'YYYY-MM-DD'. */
export type DateColumn = ColumnType<Date, string, string>;

/** `timestamptz`: returned as a Date; written as a Date or an ISO text. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;

/**
 * What only `jsonb(text)` (jsonb.ts) produces: jsonb is written from JSON
 * text cast in SQL, never bound as a string (postgres.js, seeing a jsonb
 * parameter, would encode the string once more).
 */
export interface JsonbInput {
  readonly __jsonbFromText: true;
}

/** `jsonb`: returned parsed; written with `jsonb(text)` (jsonb.ts). */
export type Jsonb = ColumnType<unknown, JsonbInput, JsonbInput>;

/** `bytea`: a Buffer (postgres.js) or a Uint8Array (PGlite). */
export type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

/**
 * A column with a default: optional on insert. (Kysely's `Generated<T>`
 * does not unwrap a `ColumnType` such as `Int8`: selecting the column would
 * give the wrapper's type.)
 */
export type Default<C> = [C] extends [ColumnType<infer S, infer I, infer U>] ? ColumnType<S, I | undefined, U> : ColumnType<C, C | undefined, C>;

// ---------------------------------------------------------------- the tables

/** The TypeScript column type of an SQL type. */
type TsType<T extends string> = T extends 'bigint'
  ? Int8
  : T extends 'numeric'
    ? string
  : T extends 'integer'
    ? number
    : T extends 'text' | 'uuid'
      ? string
      : T extends 'boolean'
        ? boolean
        : T extends 'date'
          ? DateColumn
          : T extends 'timestamp with time zone'
            ? Timestamp
            : T extends 'jsonb'
              ? Jsonb
              : T extends 'bytea'
                ? Bytes
                : { readonly unknownSqlType: T };

/** An identity column the database numbers itself (`generated always as identity`): read, never written. */
export type GeneratedAlways<C> = [C] extends [ColumnType<infer S, unknown, unknown>] ? ColumnType<S, never, never> : ColumnType<C, never, never>;

type ColumnFrom<S> = S extends `${infer T} not null generated always as identity`
  ? GeneratedAlways<TsType<T>>
  : S extends `${infer T} not null default ${string}`
  ? Default<TsType<T>>
  : S extends `${infer T} not null`
    ? TsType<T>
    : S extends `${string} default ${string}`
      ? { readonly unsupported: 'a nullable column with a default' }
      : S extends string
        ? TsType<S> | null
        : never;

/** Every table of the engine's schema (`public`, or a rebuild's scratch schema on the search_path). */
export type DB = {
  [T in keyof typeof COLUMNS]: { -readonly [C in keyof (typeof COLUMNS)[T]]: ColumnFrom<(typeof COLUMNS)[T][C]> };
};

/** A table's name. */
export type TableName = keyof DB;

/**
 * A row of a table as the engine reads it in SQL: `bigint`, `date` and
 * `timestamptz` columns selected `::text` (strings, the same on both
 * drivers), the others as the driver returns them. `Pick` the columns a
 * query selects: `sql<Pick<TextRow<RmEnterpriseLocationsTable>, 'area_id' | 'valid_from'>>`.
 */
export type TextRow<Table> = { [K in keyof Table]: AsText<Table[K]> };
type AsText<C> = C extends ColumnType<infer S, unknown, unknown> ? ([S] extends [Date] ? string : IsInt8<S> extends true ? string : S) : SelectType<C>;
type IsInt8<S> = [S] extends [string | number] ? ([string | number] extends [S] ? true : false) : false;
