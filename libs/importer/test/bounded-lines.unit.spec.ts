import { Readable } from 'node:stream';
import fc from 'fast-check';
import { boundedLines } from '../src/bounded-lines.js';

const linesOf = async (chunks: readonly Buffer[], max: number) => {
  const out: Array<string | 'TOO LONG'> = [];
  for await (const l of boundedLines(Readable.from(chunks), max)) out.push('tooLong' in l ? 'TOO LONG' : l.text);
  return out;
};

describe('reading an import file line by line in bounded memory', () => {
  it('splits lines as a text editor does (LF or CRLF, a last line without a break), whatever the chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => !/[\r\n]/.test(s)), { minLength: 1, maxLength: 20 }), fc.boolean(), fc.integer({ min: 1, max: 7 }), async (lines, crlf, size) => {
        const bytes = Buffer.from(lines.join(crlf ? '\r\n' : '\n'), 'utf8');
        const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
        // As readline: a break ends a line; text after the last break is a last line.
        const expected = lines.at(-1) === '' ? lines.slice(0, -1) : lines;
        expect(await linesOf(chunks, 1000)).toEqual(expected);
      }),
    );
  });

  it('reports a line longer than the limit without holding it, and keeps counting the lines after it', async () => {
    const long = 'x'.repeat(5000);
    const bytes = Buffer.from(`short\n${long}\nafter\n${long}`, 'utf8');
    const chunks = Array.from({ length: Math.ceil(bytes.length / 64) }, (_, i) => bytes.subarray(i * 64, (i + 1) * 64));
    expect(await linesOf(chunks, 100)).toEqual(['short', 'TOO LONG', 'after', 'TOO LONG']);
    expect(await linesOf([Buffer.from(`${'y'.repeat(100)}\n${'z'.repeat(101)}\n`)], 100)).toEqual(['y'.repeat(100), 'TOO LONG']);
  });
});
