import { sql } from 'kysely';
import { COLUMNS, createSchema, describeColumn } from '#persistence';
import {
  createPGliteTestDatabase,
  createPostgresTestDatabase,
  describePostgres,
  type TestDatabase,
} from '../../../test/support/databases.js';
import { catalogOf } from './catalog.js';

/**
 * The schema in libs/persistence/src/schema agrees with the migrations:
 * the type `DB` (through `COLUMNS`, proven equal to it at compile time)
 * describes exactly the tables and columns a migrated database has, and the
 * current definitions of tables, indexes, constraints and functions build
 * the same catalog as running every migration.
 */
const REFERENCE = 'schema_reference';

function schemaAgreesWithMigrations(open: () => Promise<TestDatabase>): void {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await open(); // migrated to the latest schema
    await sql.raw(`create schema ${REFERENCE}`).execute(database.db);
    await database.db.transaction().execute(async (trx) => {
      await sql.raw(`set local search_path to ${REFERENCE}`).execute(trx);
      await createSchema(trx);
    });
  });
  afterAll(() => database?.close());

  it('DB and COLUMNS name every table of a migrated database, and each column with its type, nullability and default', async () => {
    const { rows } = await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: 'YES' | 'NO'; column_default: string | null; identity_generation: string | null }>`
      select table_name, column_name, data_type, is_nullable, column_default, identity_generation from information_schema.columns
      where table_schema = 'public' and table_name not like 'schema_migrations%'
      order by table_name, ordinal_position`.execute(database.db);
    const migrated: Record<string, string[]> = {};
    for (const r of rows) {
      (migrated[r.table_name] ??= []).push(
        `${r.column_name} ${r.data_type}${r.is_nullable === 'NO' ? ' not null' : ''}${r.column_default === null ? '' : ` default ${r.column_default}`}${r.identity_generation ? ` identity ${r.identity_generation}` : ''}`,
      );
    }
    const described: Record<string, string[]> = {};
    for (const [table, columns] of Object.entries(COLUMNS)) {
      described[table] = Object.entries(columns).map(([name, text]) => {
        const c = describeColumn(text);
        return `${name} ${c.type}${c.nullable ? '' : ' not null'}${c.default === null ? '' : ` default ${c.default}`}${c.identity ? ` identity ${c.identity}` : ''}`;
      });
    }
    expect(described).toEqual(migrated);
  });

  it('the current definitions in schema/ build the catalog that running every migration builds', async () => {
    const [migrated, defined] = [await catalogOf(database.db, 'public'), await catalogOf(database.db, REFERENCE)];
    expect(migrated.relations.length).toBeGreaterThan(50);
    expect(migrated.functions).toHaveLength(7);
    expect(defined).toEqual(migrated);
    // The head of an empty log, as the hash-chain migration wrote it.
    const head = (schema: string) =>
      sql<{ line: string }>`select position::text || ' ' || encode(hash, 'hex') || ' ' || recorded_at::text as line from ${sql.table(`${schema}.event_log_head`)}`
        .execute(database.db)
        .then((r) => r.rows.map((x) => x.line));
    expect(await head(REFERENCE)).toEqual(await head('public'));
  });
}

describe('the schema and the migrations [PGlite]', () => {
  schemaAgreesWithMigrations(createPGliteTestDatabase);
});

describePostgres('the schema and the migrations', () => {
  schemaAgreesWithMigrations(createPostgresTestDatabase);
});
