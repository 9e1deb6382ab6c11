import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import postgres from 'postgres';

export interface Rate {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

const rate = (events: number, seconds: number): Rate => ({ events, seconds, eventsPerSecond: Math.round(events / Math.max(seconds, 1e-9)) });
const since = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;

/**
 * The machine's own limits for this workload, measured with the driver
 * alone (no engine code): COPY of `count` event-shaped rows into a table with
 * the same columns and indexes as the log, and a keyset read of them in pages
 * of 1,000 with the JSON decoded — what an import and a rebuild could reach
 * at best on this PostgreSQL.
 */
export async function measureCeilings(url: string, count: number): Promise<{ copy: Rate; read: Rate }> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(`drop table if exists ceiling_events`);
    await sql.unsafe(`
      create table ceiling_events (
        global_position bigint primary key, stream_id text not null, stream_revision bigint not null, event_id uuid not null unique,
        event_type text not null, data jsonb not null, metadata jsonb not null, occurred_on date, recorded_at timestamptz not null,
        schema_version integer not null, hash bytea not null, unique (stream_id, stream_revision))`);
    await sql.unsafe(`create index on ceiling_events (recorded_at, global_position)`);

    const metadata = JSON.stringify({ commandId: 'ceiling', commandType: 'ReportHeadcount', commandEventCount: 1, causationId: 'ceiling', correlationId: 'ceiling' });
    const hash = '\\\\x' + 'ab'.repeat(32);
    function* lines() {
      const now = new Date().toISOString();
      for (let i = 1; i <= count; i++) {
        const data = JSON.stringify({ creditCode: `91440307${String(i).padStart(10, '0')}`, headcount: i % 300, occurredOn: '2022-05-01' });
        yield `${i}\tenterprise-${i % 50_000}\t${Math.floor(i / 50_000)}\t${randomUUID()}\tHeadcountReported\t${data}\t${metadata}\t2022-05-01\t${now}\t1\t${hash}\n`;
      }
    }
    const t0 = process.hrtime.bigint();
    const writable = await sql.unsafe(`copy ceiling_events from stdin`).writable();
    await pipeline(Readable.from(lines(), { objectMode: false }), writable);
    const copy = rate(count, since(t0));
    // As a log that has been written and settled (what autovacuum does anyway): the read is not racing it.
    await sql.unsafe(`vacuum analyze ceiling_events`);

    const t1 = process.hrtime.bigint();
    let from = 0n;
    let read = 0;
    for (;;) {
      const rows = await sql.unsafe<Array<{ global_position: string; data: unknown }>>(
        `select global_position::text as global_position, stream_id, stream_revision, event_id, event_type, data, metadata, occurred_on, recorded_at
         from ceiling_events where global_position > $1::bigint order by ceiling_events.global_position limit 1000`,
        [from.toString()],
      );
      if (rows.length === 0) break;
      read += rows.length;
      from = BigInt(rows[rows.length - 1]!.global_position);
    }
    const readRate = rate(read, since(t1));
    await sql.unsafe(`drop table ceiling_events`);
    return { copy, read: readRate };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
