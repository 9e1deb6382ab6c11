import { sql, type Kysely } from 'kysely';
import type { DB } from '#persistence';

const ROWS_PER_STATEMENT = 5000;

/**
 * Buffered inserts for writing a read model in one pass: rows are sent a few
 * thousand at a time as one `insert … select * from unnest(…)` statement per
 * table (one array parameter per column, whatever the number of rows), which
 * both PostgreSQL and PGlite take without COPY. Column types are read from the
 * catalogue once, so the table found by the search_path (a rebuild's scratch
 * schema) is the one written.
 */
export class BulkWriter {
  private readonly buffers = new Map<string, Record<string, unknown>[]>();
  private readonly types = new Map<string, Map<string, string>>();
  /** Statements sent and not yet answered: the caller goes on folding while the database inserts. */
  private inFlight: Promise<void>[] = [];
  written = 0;

  constructor(private readonly db: Kysely<DB>) {}

  async add(table: string, row: Record<string, unknown>): Promise<void> {
    const buffer = this.buffers.get(table) ?? [];
    buffer.push(row);
    this.buffers.set(table, buffer);
    if (buffer.length >= ROWS_PER_STATEMENT) await this.flushTable(table);
  }

  async addAll(table: string, rows: Iterable<Record<string, unknown>>): Promise<void> {
    for (const row of rows) await this.add(table, row);
  }

  /** Sends what is buffered and waits until every statement has been answered. */
  async flush(): Promise<void> {
    for (const table of this.buffers.keys()) await this.flushTable(table);
    const pending = this.inFlight;
    this.inFlight = [];
    await Promise.all(pending);
  }

  private async columnTypes(table: string): Promise<Map<string, string>> {
    const known = this.types.get(table);
    if (known) return known;
    const { rows } = await sql<{ name: string; type: string }>`
      select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute
      where attrelid = ${table}::regclass and attnum > 0 and not attisdropped`.execute(this.db);
    const types = new Map(rows.map((r) => [r.name, r.type]));
    this.types.set(table, types);
    return types;
  }

  private async flushTable(table: string): Promise<void> {
    const rows = this.buffers.get(table);
    if (!rows?.length) return;
    this.buffers.set(table, []);
    const types = await this.columnTypes(table);
    const columns = Object.keys(rows[0]!);
    const arrays = columns.map((column) => {
      const type = types.get(column);
      if (!type) throw new Error(`${table} has no column ${column}`);
      const values = rows.map((r) => {
        const v = r[column];
        return v === null || v === undefined ? null : String(v);
      });
      return sql`${values}::text[]::${sql.raw(type)}[]`;
    });
    const insert = sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
              select * from unnest(${sql.join(arrays)})`.execute(this.db);
    const done = insert.then(() => void (this.written += rows.length));
    done.catch(() => undefined); // awaited below or by flush(); never reported as unhandled meanwhile
    this.inFlight.push(done);
    while (this.inFlight.length > 2) await this.inFlight.shift();
  }
}
