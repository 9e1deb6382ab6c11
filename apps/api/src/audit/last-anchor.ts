import { open } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import { anchorProblem, type SignedAnchor } from '#event-store';

/** The anchor file the API writes (ANCHOR_DIR/anchors.ndjson) and the public key of ANCHOR_KEY_FILE; null when the API writes no anchors. */
export const ANCHOR_FILE = Symbol('ANCHOR_FILE');
export type AnchorFile = { readonly file: string; readonly publicKey: KeyObject } | null;

/** The last anchor of the file, as GET /api/chain answers it. */
export interface LastAnchor {
  readonly file: string;
  /** null only when the last line is not an anchor at all (`problem` says why). */
  readonly position: string | null;
  readonly hash: string | null;
  readonly signedAt: string | null;
  readonly headRecordedAt: string | null;
  /** Its signature holds under the API's key (ANCHOR_KEY_FILE). */
  readonly signatureValid: boolean;
  /** Why it cannot be trusted (malformed, another key, altered), or null. */
  readonly problem: string | null;
}

/** Enough of the file's end to hold its last line: an anchor is about 300 bytes. */
const TAIL_BYTES = 16 * 1024;

/**
 * The last line of the anchor file, read from its end (the file grows
 * forever; only its tail is read), checked with the key's public half; null
 * if there is no file yet or it holds no line.
 */
export async function readLastAnchor({ file, publicKey }: NonNullable<AnchorFile>): Promise<LastAnchor | null> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return null;
    throw error;
  }
  let tail: string;
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    tail = buffer.toString('utf8');
  } finally {
    await handle.close();
  }
  const lines = tail.split('\n').filter((line) => line.trim() !== '');
  // A line cut by the start of the tail is not the last one unless it is the only one: then it is too long to be an anchor.
  const line = lines.at(-1);
  if (line === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { file, position: null, hash: null, signedAt: null, headRecordedAt: null, signatureValid: false, problem: 'the last line is not JSON' };
  }
  const problem = anchorProblem(value, publicKey) ?? null;
  const a = (typeof value === 'object' && value !== null ? value : {}) as Partial<SignedAnchor>;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    file,
    position: text(a.position),
    hash: text(a.hash),
    signedAt: text(a.signedAt),
    headRecordedAt: text(a.headRecordedAt),
    signatureValid: problem === null,
    problem,
  };
}
