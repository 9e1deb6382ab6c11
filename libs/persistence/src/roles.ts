import { sql, type Kysely } from 'kysely';
import type { DB } from './schema/db.js';

/** The log: the application's role reads it, and writes it only through the appends. */
const LOG_TABLES = ['events', 'event_streams', 'event_log_head'];
/** The migrator's bookkeeping: the application's role reads which migrations ran, to tell whether the schema is current. */
const MIGRATION_TABLES = ['schema_migrations', 'schema_migrations_lock'];
/** The functions the application's role may call to append (SECURITY DEFINER: they run as their owner). */
const APPEND_FUNCTIONS = ['append_to_stream', 'append_multiple', 'append_batch'];

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const inPublic = (names: readonly string[]) => names.map((n) => `public.${ident(n)}`).join(', ');

/**
 * Run by the schema's owner after migrating, on every migration (a table a
 * migration adds is the owner's until given away): lets `role`, the one the
 * API and CLI connect as, read the log and append to it through the append
 * functions, but not update, delete or truncate it, nor replace its
 * functions (docs/database-roles.md). Every other table of the schema (read
 * models, checkpoints, the policies' tables, keys) becomes the role's own,
 * since a rebuild drops a read model's tables and moves new ones in; the
 * role may create schemas (a rebuild's scratch schemas) and tables in
 * `public`. Giving it a table needs the owner to be a member of it
 * (`grant <role> to <owner>`).
 *
 * Idempotent. Refuses a role that would keep a way to rewrite the log: a
 * superuser, the owner itself, or a role that is (or is a member of) the
 * owner of the database, of `public`, of the log's or the migrator's tables,
 * or of a function or operator in `public` — one there that matched a call
 * better than a built-in one would run as whoever calls it, the owner
 * migrating included. Returns the tables given to the role now.
 */
export async function grantApplicationRole(db: Kysely<DB>, role: string): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    // Nothing the application's role may have created in public is looked up here.
    await sql`set local search_path = pg_catalog, pg_temp`.execute(trx);
    // Two API instances starting together would otherwise grant at once, and PostgreSQL refuses concurrent changes of one ACL.
    await sql`select pg_advisory_xact_lock(hashtext('union-coverage-engine: grantApplicationRole'))`.execute(trx);
    const { rows } = await sql<{ owner: string; database: string; superuser: boolean | null }>`
      select current_user::text as owner, current_database()::text as database,
             (select rolsuper from pg_roles where rolname = ${role}) as superuser`.execute(trx);
    const { owner, database, superuser } = rows[0]!;
    if (superuser === null) throw new Error(`the application's role "${role}" does not exist`);
    if (superuser || role === owner) {
      throw new Error(
        `the application's role "${role}" is ${superuser ? 'a superuser' : 'the schema\'s owner'}: it could rewrite the log; connect the application as a role of its own (docs/database-roles.md)`,
      );
    }
    const logTables = [...LOG_TABLES, ...MIGRATION_TABLES];
    const { rows: held } = await sql<{ what: string }>`
      select o.what from (
        select 'the database' as what, d.datdba as owner from pg_database d where d.datname = current_database()
        union all select 'the schema public', n.nspowner from pg_namespace n where n.nspname = 'public'
        union all select 'table ' || c.oid::regclass::text, c.relowner from pg_class c
          where c.relnamespace = 'public'::regnamespace and c.relname = any(${logTables}::text[])
        union all select 'function ' || p.oid::regprocedure::text, p.proowner from pg_proc p where p.pronamespace = 'public'::regnamespace
        union all select 'operator ' || o.oid::regoperator::text, o.oprowner from pg_operator o where o.oprnamespace = 'public'::regnamespace
      ) o where pg_has_role(${role}, o.owner, 'MEMBER') order by 1`.execute(trx);
    if (held.length) {
      throw new Error(
        `the application's role "${role}" owns, or is a member of the role owning, ${held.map((h) => h.what).join(', ')}: ` +
          'it could rewrite the log; give these to the migration role, or drop what it created (docs/database-roles.md)',
      );
    }

    const q = ident(role);
    const { rows: functions } = await sql<{ name: string; signature: string }>`
      select p.proname::text as name, p.oid::regprocedure::text as signature from pg_proc p
      where p.pronamespace = 'public'::regnamespace order by 2`.execute(trx);
    const appends = functions.filter((f) => APPEND_FUNCTIONS.includes(f.name));
    for (const statement of [
      `grant connect, create on database ${ident(database)} to ${q}`,
      `grant usage, create on schema public to ${q}`,
      `revoke all on table ${inPublic(logTables)} from ${q}`,
      `grant select on table ${inPublic([...LOG_TABLES, 'schema_migrations'])} to ${q}`,
      `revoke all on function ${functions.map((f) => f.signature).join(', ')} from ${q}`,
      `grant execute on function ${appends.map((f) => f.signature).join(', ')} to ${q}`,
    ]) {
      await sql.raw(statement).execute(trx);
    }

    const { rows: given } = await sql<{ name: string }>`
      select c.oid::regclass::text as name from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
        and c.relname <> all(${logTables}::text[]) and c.relowner <> (select oid from pg_roles where rolname = ${role})
      order by 1`.execute(trx);
    for (const { name } of given) {
      try {
        await sql.raw(`alter table ${name} owner to ${q}`).execute(trx);
      } catch (error) {
        if ((error as { code?: string }).code !== '42501') throw error;
        throw new Error(`${(error as Error).message}: to give the read models' tables to "${role}", its owner must be a member of it (grant ${q} to ${ident(owner)})`);
      }
    }
    return given.map((g) => g.name);
  });
}
