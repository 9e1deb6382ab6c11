import { createHash, randomFillSync } from 'node:crypto';

/** A UUID of version 7 (RFC 9562): 48 bits of Unix milliseconds first, then version, random bits and variant. */
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * The id of a command sent without one: a UUID version 7 (RFC 9562), whose
 * first 48 bits are the time in milliseconds and the other 74 random
 * (node:crypto). Ids made later sort later, and so do the ids of its events
 * (eventIdFor): the log's index of event ids then grows at its end, as the
 * log does, instead of at a random place in an index as large as the log.
 */
export function newCommandId(now = Date.now()): string {
  const bytes = randomFillSync(Buffer.alloc(16));
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The id of the k-th event a command records, derived from the command's id:
 * the same command sent again yields the same ids, and the store records
 * nothing twice. Formatted as a UUID (version nibble 8: custom) of SHA-256
 * bits; when the command's id is a UUID version 7 (as newCommandId makes
 * them), its first 48 bits are the command id's time, so that events recorded
 * later have ids that sort later (74 bits of the hash remain).
 */
export function eventIdFor(commandId: string, k: number): string {
  const h = createHash('sha256').update(`uce-command:${commandId}:${k}`).digest('hex');
  const time = UUID_V7.test(commandId) ? `${commandId.slice(0, 8)}${commandId.slice(9, 13)}`.toLowerCase() : h.slice(0, 12);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The ids a command's k-th event may have in the log: eventIdFor's, and for
 * a UUID v7 command id also the id given before such ids carried its time
 * (all hash), which a command recorded then still has — its retry must be
 * recognised. Nothing else gives event ids of that shape to v7 command ids.
 */
export function storedEventIdsFor(commandId: string, k: number): string[] {
  const id = eventIdFor(commandId, k);
  return UUID_V7.test(commandId) ? [id, legacyEventIdFor(commandId, k)] : [id];
}

/** The ids of a recorded command's events, k = 0…count-1, by the rule its first event's id shows. */
export function recordedEventIds(commandId: string, firstEventId: string, count: number): string[] {
  const rule = firstEventId.toLowerCase() === eventIdFor(commandId, 0) ? eventIdFor : legacyEventIdFor;
  return Array.from({ length: count }, (_, k) => rule(commandId, k));
}

function legacyEventIdFor(commandId: string, k: number): string {
  const h = createHash('sha256').update(`uce-command:${commandId}:${k}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
