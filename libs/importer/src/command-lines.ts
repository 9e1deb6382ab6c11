import { createHmac, hkdfSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { boundedLines, MAX_LINE_BYTES } from './bounded-lines.js';

/** One line of an NDJSON file of commands: its number and command, or why it is not one. */
export type CommandLine = { readonly line: number; readonly bytesRead: number } & (
  | { readonly command: Record<string, unknown> }
  | { readonly malformed: string }
  | { readonly blank: true }
);

/**
 * The key that derived command ids are made with, from the store's
 * person-index key (libs/personal-data: it survives rotations of
 * PERSON_ID_KEY, so a file imported again is still recognised). A line holds a full identity number: an unkeyed digest of
 * it, kept in every event's metadata and shown by the histories, would give
 * the number back to anyone who tries the few billion candidates; a keyed
 * one gives nothing without the secret.
 */
export function commandIdKey(secret: string | Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'uce', 'import command ids', 32));
}

/**
 * The commands of an NDJSON file, line by line, in bounded memory (a line
 * longer than MAX_LINE_BYTES is refused unread: bounded-lines.ts). A line
 * without a commandId gets one derived from the file's name, the line's
 * number and a keyed digest of its content (`commandIdKey`), so importing the
 * same file again, with the same secret, records nothing twice.
 */
export async function* commandLines(path: string, idKey: Buffer): AsyncGenerator<CommandLine> {
  const fileTag = basename(path);
  let line = 0;
  let bytesRead = 0;
  for await (const read of boundedLines(createReadStream(path))) {
    line++;
    bytesRead += read.bytes + 1;
    if ('tooLong' in read) {
      yield { line, bytesRead, malformed: `line ${line} is longer than ${MAX_LINE_BYTES / 1024 / 1024} MB: not a command` };
      continue;
    }
    const { text } = read;
    if (text.trim() === '') {
      yield { line, bytesRead, blank: true };
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      yield { line, bytesRead, malformed: `line ${line} is not a JSON object: ${whereNotJson(error)}` };
      continue;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      yield { line, bytesRead, malformed: `line ${line} is not a JSON object: it is JSON, but ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : `a ${typeof parsed}`}` };
      continue;
    }
    let command = parsed as Record<string, unknown>;
    if (command['commandId'] === undefined) {
      const digest = createHmac('sha256', idKey).update(text).digest('hex').slice(0, 32);
      command = { ...command, commandId: `${fileTag}:${line}:${digest}` };
    }
    yield { line, bytesRead, command };
  }
}

/**
 * Where a line stops being JSON, without a word of it: the parser's own
 * message quotes the line (`Unexpected token '张', "张三丰 440307"... is not
 * valid JSON`), and a refused line's message goes into the import report,
 * which must never hold a name or an identity number (docs/privacy.md).
 */
function whereNotJson(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const at = /at position (\d+)/.exec(message)?.[1];
  if (at !== undefined) return `invalid JSON at character ${Number(at) + 1}`;
  if (/end of (JSON|data) input/i.test(message)) return 'the JSON ends too early';
  return 'invalid JSON';
}
