import type { Readable } from 'node:stream';

/** The longest line an import reads: a command is a few hundred bytes; the largest (a drive naming 100 occupations) well under this. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** A line of a file: its text (UTF-8, without the line break), or that it was longer than the limit (its bytes skipped, never held). */
export type BoundedLine = { readonly bytes: number } & ({ readonly text: string } | { readonly tooLong: true });

/**
 * The lines of a stream in bounded memory: like `readline`, but a line longer
 * than `maxBytes` is not gathered — its bytes are skipped up to the next line
 * break and it is reported as too long, so a file with one huge line (by
 * mistake or by malice) costs no more memory than any other, and the lines
 * after it keep their numbers.
 */
export async function* boundedLines(input: Readable, maxBytes = MAX_LINE_BYTES): AsyncGenerator<BoundedLine> {
  let parts: Buffer[] = [];
  let held = 0;
  let skipped = 0;
  const finish = (end: Buffer): BoundedLine => {
    const bytes = held + skipped + end.length;
    const line: BoundedLine = skipped > 0 || bytes > maxBytes ? { bytes, tooLong: true } : { bytes, text: stripCr(Buffer.concat([...parts, end]).toString('utf8')) };
    parts = [];
    held = 0;
    skipped = 0;
    return line;
  };
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let from = 0;
    for (let at = chunk.indexOf(10, from); at !== -1; at = chunk.indexOf(10, from)) {
      yield finish(chunk.subarray(from, at));
      from = at + 1;
    }
    const rest = chunk.subarray(from);
    if (skipped > 0 || held + rest.length > maxBytes) {
      // Too long already: drop what was held and count the rest until the line ends.
      skipped += held + rest.length;
      parts = [];
      held = 0;
    } else if (rest.length > 0) {
      parts.push(Buffer.from(rest));
      held += rest.length;
    }
  }
  if (held + skipped > 0) yield finish(Buffer.alloc(0));
}

const stripCr = (text: string) => (text.endsWith('\r') ? text.slice(0, -1) : text);
