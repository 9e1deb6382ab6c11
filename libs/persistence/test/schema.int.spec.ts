import { sql, type Kysely } from 'kysely';
import { COLUMNS, createSchema, describeColumn, type DB } from '#persistence';
import {
  createPGliteTestDatabase,
  createPostgresTestDatabase,
  describePostgres,
  type TestDatabase,
} from '../../../test/support/databases.js';

/**
 * The schema in libs/persistence/src/schema agrees with the migrations:
 * the type `DB` (through `COLUMNS`, proven equal to it at compile time)
 * describes exactly the tables and columns a migrated database has, and the
 * current definitions of tables, indexes, constraints and functions build
 * the same catalog as running every migration.
 */
const REFERENCE = 'schema_reference';

/** Everything the catalog says about one schema, as comparable text (the schema's own name taken out). */
async function catalogOf(db: Kysely<DB>, schema: string) {
  const strip = (text: string) => text.split(`${schema}.`).join('<schema>.');
  const lines = async (query: ReturnType<typeof sql<{ line: string }>>) =>
    (await query.execute(db)).rows.map((r) => strip(r.line)).sort();
  return {
    relations: await lines(sql`
      select c.relname || ' ' || c.relkind::text as line from pg_class c
      where c.relnamespace = ${schema}::regnamespace and c.relname not like 'schema_migrations%'`),
    columns: await lines(sql`
      select c.relname || ' #' || row_number() over (partition by c.relname order by a.attnum) || ' ' || a.attname || ' '
             || format_type(a.atttypid, a.atttypmod) || case when a.attnotnull then ' not null' else '' end
             || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') as line
      from pg_attribute a join pg_class c on c.oid = a.attrelid
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where c.relnamespace = ${schema}::regnamespace and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
        and c.relname not like 'schema_migrations%'`),
    constraints: await lines(sql`
      select t.relname || ' ' || c.conname || ' ' || c.contype::text || ' ' || pg_get_constraintdef(c.oid) as line
      from pg_constraint c join pg_class t on t.oid = c.conrelid
      where c.connamespace = ${schema}::regnamespace and t.relname not like 'schema_migrations%'`),
    indexes: await lines(sql`
      select indexname || ' ' || indexdef as line from pg_indexes
      where schemaname = ${schema} and tablename not like 'schema_migrations%'`),
    functions: await lines(sql`
      select pg_get_functiondef(p.oid) as line from pg_proc p where p.pronamespace = ${schema}::regnamespace`),
    triggers: await lines(sql`
      select t.tgname || ' ' || pg_get_triggerdef(t.oid) as line from pg_trigger t join pg_class c on c.oid = t.tgrelid
      where c.relnamespace = ${schema}::regnamespace and not t.tgisinternal`),
    head: await lines(sql`
      select position::text || ' ' || encode(hash, 'hex') || ' ' || recorded_at::text as line from ${sql.table(`${schema}.event_log_head`)}`),
  };
}

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
    const { rows } = await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: 'YES' | 'NO'; column_default: string | null }>`
      select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns
      where table_schema = 'public' and table_name not like 'schema_migrations%'
      order by table_name, ordinal_position`.execute(database.db);
    const migrated: Record<string, string[]> = {};
    for (const r of rows) {
      (migrated[r.table_name] ??= []).push(
        `${r.column_name} ${r.data_type}${r.is_nullable === 'NO' ? ' not null' : ''}${r.column_default === null ? '' : ` default ${r.column_default}`}`,
      );
    }
    const described: Record<string, string[]> = {};
    for (const [table, columns] of Object.entries(COLUMNS)) {
      described[table] = Object.entries(columns).map(([name, text]) => {
        const c = describeColumn(text);
        return `${name} ${c.type}${c.nullable ? '' : ' not null'}${c.default === null ? '' : ` default ${c.default}`}`;
      });
    }
    expect(described).toEqual(migrated);
  });

  it('the current definitions in schema/ build the catalog that running every migration builds', async () => {
    const [migrated, defined] = [await catalogOf(database.db, 'public'), await catalogOf(database.db, REFERENCE)];
    expect(migrated.relations.length).toBeGreaterThan(50);
    expect(migrated.functions).toHaveLength(7);
    expect(defined).toEqual(migrated);
  });
}

describe('the schema and the migrations [PGlite]', () => {
  schemaAgreesWithMigrations(createPGliteTestDatabase);
});

describePostgres('the schema and the migrations', () => {
  schemaAgreesWithMigrations(createPostgresTestDatabase);
});
