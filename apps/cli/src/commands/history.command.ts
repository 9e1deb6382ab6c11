import { InvalidArgumentError, type Command } from 'commander';
import {
  ENTITY_KINDS,
  isEntityKind,
  loadHistory,
  UnknownEntityError,
  type EntityHistory,
  type HistoryEntry,
} from '#audit';
import { isIsoDate, parseInstant, todayInChina } from '#domain';
import { loadConfig, requireKeys } from '#persistence';
import { openPersonalData } from '#personal-data';
import { withStore } from '../store-session.js';

function parseDate(value: string): string {
  if (!isIsoDate(value)) throw new InvalidArgumentError(`expected a calendar date YYYY-MM-DD, got "${value}"`);
  return value;
}

function parseKnownAt(value: string): Date {
  const instant = parseInstant(value);
  if (!instant) {
    throw new InvalidArgumentError(`expected an ISO 8601 timestamp such as 2024-05-01T10:00:00Z (without a zone: China time; a bare date: the end of that day in China), got "${value}"`);
  }
  return instant.date;
}

/** Columns a string takes in a terminal: CJK and full-width characters take two. */
function displayWidth(value: string): number {
  let width = 0;
  for (const ch of value) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return width;
}
const pad = (value: string, width: number) => value + ' '.repeat(Math.max(0, width - displayWidth(value)));

/** The recorder (and whom the command said it was for), and the command. */
const who = (e: HistoryEntry) => [`${e.actor ?? '—'}${e.onBehalfOf ? ` for ${e.onBehalfOf}` : ''}`, e.commandType ?? ''].filter(Boolean).join(' / ');

/** The history as aligned lines: one event a line, then the state. */
export function formatHistory(h: EntityHistory): string {
  const lines: string[] = [];
  const known = h.knownAt ? `, as known at ${h.knownAt}` : '';
  lines.push(`${h.kind} ${h.id} — stream ${h.streamId}, ${h.events.length} event${h.events.length === 1 ? '' : 's'}${known}`);
  const table = (entries: readonly HistoryEntry[], withStream: boolean) => {
    const rows = entries.map((e) => [
      e.position,
      e.recordedAt,
      `${e.occurredOn ?? '—'}${e.late ? '*' : ''}${e.countsAsOf ? '' : '>'}`,
      ...(withStream ? [e.streamId ?? ''] : []),
      e.type,
      who(e),
      e.summary,
    ]);
    const header = ['pos', 'recorded (UTC)', 'date', ...(withStream ? ['stream'] : []), 'type', 'by / command', 'what'];
    const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => displayWidth(r[i]!))));
    const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]!))).join('  ');
    lines.push(line(header), ...rows.map(line));
  };
  if (h.events.length) table(h.events, false);
  if (h.related) {
    lines.push('', `ceremonies and joins attributed to it (${h.related.length}):`);
    if (h.related.length) table(h.related, true);
  }
  const marks = [...h.events, ...(h.related ?? [])];
  const legend = [
    marks.some((e) => e.late) ? '* late: recorded after a fact dated later' : '',
    marks.some((e) => !e.countsAsOf) ? `> dated after ${h.asOf}: not in the state below` : '',
  ].filter(Boolean);
  if (legend.length) lines.push(legend.join('; '));
  lines.push('', `state at the end of ${h.asOf}${known}:`, `  ${h.state.summary}`);
  for (const [key, value] of Object.entries(h.state)) {
    if (key === 'kind' || key === 'summary') continue;
    lines.push(`  ${key.padEnd(20)}${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  return lines.join('\n');
}

export function registerHistoryCommand(program: Command): void {
  program
    .command('history')
    .description("an entity's history for auditors: every event with who recorded it, when, by which command; then its state as of a date")
    .argument('<kind>', ENTITY_KINDS.join(' | '))
    .argument('<id>', 'credit code, member id, union id or campaign id')
    .option('--as-of <date>', 'the state at the end of this date, YYYY-MM-DD (default: today in China)', parseDate)
    .option('--known-at <timestamp>', 'only what was recorded at or before this instant (ISO 8601 with Z or an offset)', parseKnownAt)
    .option('--json', 'the same JSON as GET /api/<kind>s/<id>/history')
    .action(async (kind: string, id: string, opts: { asOf?: string; knownAt?: Date; json?: boolean }) => {
      if (!isEntityKind(kind)) throw new Error(`kind must be one of ${ENTITY_KINDS.join(', ')}, got "${kind}"`);
      await withStore(
        async ({ database, store }) => {
          const config = loadConfig();
          requireKeys(config);
          const { vault } = await openPersonalData(database.db, config);
          try {
            const history = await loadHistory(store, vault, kind, id, { asOf: opts.asOf ?? todayInChina(), knownAt: opts.knownAt });
            console.log(opts.json ? JSON.stringify(history, null, 2) : formatHistory(history));
          } catch (error) {
            if (error instanceof UnknownEntityError) throw new Error(`${error.code}: ${error.message}`);
            throw error;
          }
        },
        { quiet: opts.json },
      );
    });
}
