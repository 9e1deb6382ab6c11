import { createHash } from 'node:crypto';

/**
 * The id of the k-th event a command records, derived from the command's id:
 * the same command sent again yields the same ids, and the store records
 * nothing twice. Formatted as a UUID (version nibble 8: custom).
 */
export function eventIdFor(commandId: string, k: number): string {
  const h = createHash('sha256').update(`uce-command:${commandId}:${k}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
