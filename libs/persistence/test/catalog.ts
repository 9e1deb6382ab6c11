import { sql, type Kysely } from 'kysely';
import type { DB } from '#persistence';

/**
 * Everything the catalog says about the tables of one schema — relations,
 * columns in order (type, not null, default), constraints, indexes,
 * functions, triggers — as sorted lines of text with the schema's own name
 * taken out, so that two schemas can be compared with `toEqual`. `tables`
 * limits it to those tables (and their indexes; no functions); by default,
 * everything but the migrator's own tables.
 */
export async function catalogOf(db: Kysely<DB>, schema: string, tables?: readonly string[]) {
  const strip = (text: string) => text.split(`${schema}.`).join('<schema>.');
  const only = (column: string) =>
    tables === undefined
      ? sql`${sql.raw(column)} not like 'schema_migrations%'`
      : sql`${sql.raw(column)} = any(${[...tables]}::text[])`;
  const lines = async (query: ReturnType<typeof sql<{ line: string }>>) => (await query.execute(db)).rows.map((r) => strip(r.line)).sort();
  return {
    relations: await lines(sql`
      select c.relname || ' ' || c.relkind::text as line from pg_class c
      where c.relnamespace = ${schema}::regnamespace
        and ${only("coalesce((select t.relname from pg_index i join pg_class t on t.oid = i.indrelid where i.indexrelid = c.oid), c.relname)")}`),
    columns: await lines(sql`
      select c.relname || ' #' || row_number() over (partition by c.relname order by a.attnum) || ' ' || a.attname || ' '
             || format_type(a.atttypid, a.atttypmod) || case when a.attnotnull then ' not null' else '' end
             || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') as line
      from pg_attribute a join pg_class c on c.oid = a.attrelid
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where c.relnamespace = ${schema}::regnamespace and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped and ${only('c.relname')}`),
    constraints: await lines(sql`
      select t.relname || ' ' || c.conname || ' ' || c.contype::text || ' ' || pg_get_constraintdef(c.oid) as line
      from pg_constraint c join pg_class t on t.oid = c.conrelid
      where c.connamespace = ${schema}::regnamespace and ${only('t.relname')}`),
    indexes: await lines(sql`
      select indexname || ' ' || indexdef as line from pg_indexes where schemaname = ${schema} and ${only('tablename')}`),
    functions:
      tables === undefined
        ? await lines(sql`select pg_get_functiondef(p.oid) as line from pg_proc p where p.pronamespace = ${schema}::regnamespace`)
        : [],
    triggers: await lines(sql`
      select t.tgname || ' ' || pg_get_triggerdef(t.oid) as line from pg_trigger t join pg_class c on c.oid = t.tgrelid
      where c.relnamespace = ${schema}::regnamespace and not t.tgisinternal and ${only('c.relname')}`),
  };
}
