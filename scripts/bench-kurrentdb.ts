/**
 * The KurrentDB benchmark alone (`npm run bench` runs it too, on the appends
 * of the generated district's first events):
 *
 *   npm run bench:kurrentdb -- [--events 20000] [--concurrency 8] [--out results.json]
 *
 * Append, read and subscription throughput of the engine's log in process,
 * through its KurrentDB endpoint with the official client (TLS), and of the
 * engine running on KurrentDB through that endpoint — the same appends each
 * time: single-event headcount reports over 2,000 enterprise streams. Needs
 * DATABASE_URL (a server where it may create and drop databases) or the
 * local default.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchKurrentDb, kurrentDbRows } from './bench/kurrentdb.js';
import type { PeerAppend } from './bench/peer-emmett.js';

const { values: args } = parseArgs({ options: { events: { type: 'string', default: '20000' }, concurrency: { type: 'string', default: '8' }, out: { type: 'string' } } });

function headcountReports(count: number): PeerAppend[] {
  return Array.from({ length: count }, (_, i) => {
    const creditCode = `91440300${String(i % 2000).padStart(10, '0')}`;
    return { streamId: `enterprise-${creditCode}`, events: [{ type: 'HeadcountReported', data: { creditCode, headcount: 20 + (i % 300), occurredOn: '2025-06-30' }, metadata: { actor: 'bench' } }] };
  });
}

async function main(): Promise<void> {
  const appends = headcountReports(Number(args.events));
  const result = await benchKurrentDb(appends, Number(args.concurrency), `${process.pid}`);
  const rows = [['', 'the store, in process', 'the endpoint, official client (TLS)', 'the engine on KurrentDB (the endpoint)'], ...kurrentDbRows(result)];
  console.log(rows.map((cols, i) => `| ${cols.join(' | ')} |${i === 0 ? `\n|${cols.map(() => ' --- ').join('|')}|` : ''}`).join('\n'));
  if (args.out) writeFileSync(args.out, JSON.stringify({ when: new Date().toISOString(), node: process.version, ...result }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
