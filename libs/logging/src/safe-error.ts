import { DomainError } from '#domain';

/**
 * What may go to a log, or be stored or shown, of an error. Logs are kept
 * and read by operators: no name, identity number or other personal data may
 * reach them (a database error quotes the value it choked on; postgres.js
 * errors also carry the statement's data in their fields, so an error is
 * never logged whole).
 */
const MAX_MESSAGE = 300;

/**
 * What may be stored and shown of an error. A DomainError's message is
 * written by the domain for its users and names no person: kept whole. Any
 * other error (the database's, a bug's) may quote the value it choked on —
 * a name, an identity number — so its message is kept with quoted values
 * other than lower-case SQL identifiers, runs of Chinese characters, and
 * words of six or more characters with a digit (identity numbers, credit
 * codes, phone numbers) replaced by `…`, and key details `(k)=(v)` dropped.
 * The raw error is never logged.
 */
export function describeError(error: unknown): { error: string; message: string } {
  if (error instanceof DomainError) return { error: `DomainError ${error.code}`, message: error.message.slice(0, MAX_MESSAGE) };
  if (!(error instanceof Error)) return { error: typeof error, message: '(thrown value is not an Error)' };
  const code = (error as { code?: unknown }).code;
  // A class name, if it has a telling one (bundles minify some: PGlite's database error is a "Z").
  const named = [error.name, error.constructor?.name].find((n) => n && n !== 'Error' && /^[A-Z][A-Za-z0-9]{2,}$/.test(n));
  const kind = named ?? (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? 'DatabaseError' : 'Error');
  return { error: typeof code === 'string' || typeof code === 'number' ? `${kind} ${code}` : kind, message: redact(error.message) };
}

export function redact(message: string): string {
  return message
    .replace(/\([^()]*\)=\([^()]*\)/g, '(…)=(…)')
    .replace(/(["'])(.*?)\1/g, (quoted, q: string, inner: string) => (/^[a-z_][a-z0-9_$.]*$/.test(inner) ? quoted : `${q}…${q}`))
    .replace(/\p{Script=Han}+/gu, '…')
    .replace(/[\p{L}\p{N}_-]*\d[\p{L}\p{N}_-]*/gu, (word) => (word.length >= 6 ? '…' : word))
    .slice(0, MAX_MESSAGE);
}

/** The stack's frames without its message (which the log shows redacted), for a log. */
export function stackFrames(error: unknown): string | undefined {
  const stack = error instanceof Error ? error.stack : undefined;
  return stack?.split('\n').filter((line) => /^\s+at /.test(line)).join('\n') || undefined;
}

/** One line for a log: the error's kind and its redacted message (the stack's frames go beside it: stackFrames). */
export function logLine(error: unknown): string {
  const { error: kind, message } = describeError(error);
  return `${kind}: ${message}`;
}
