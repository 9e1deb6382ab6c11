import type { EventMetadata } from '#event-store';

/**
 * How an event of the engine's log travels as a KurrentDB record, both ways
 * (the endpoint serves records in this form; the adapter writes and reads
 * them): the data is JSON (`application/json`); the record's custom metadata
 * is a JSON object holding the event's metadata, with its business date and
 * its data's schema version under two reserved keys. On the v2 protocol a
 * record's properties are a map of strings, so every metadata value is a
 * string there (the engine records only strings).
 */
export const JSON_CONTENT_TYPE = 'application/json';

/** The reserved metadata key for the business date (YYYY-MM-DD). */
export const OCCURRED_ON_KEY = '$occurredOn';
/** The reserved metadata key for the version of the data's shape (absent: 1). */
export const SCHEMA_VERSION_KEY = '$schemaVersion';

export interface RecordFields {
  readonly metadata: EventMetadata;
  readonly occurredOn: string | null;
  readonly schemaVersion: number;
}

/** The custom metadata of the record of an event. */
export function recordMetadata(event: { readonly metadata?: EventMetadata; readonly occurredOn?: string | null; readonly schemaVersion?: number }): Record<string, unknown> {
  return {
    ...(event.metadata ?? {}),
    ...(event.occurredOn ? { [OCCURRED_ON_KEY]: event.occurredOn } : {}),
    ...(event.schemaVersion !== undefined && event.schemaVersion !== 1 ? { [SCHEMA_VERSION_KEY]: String(event.schemaVersion) } : {}),
  };
}

/** The same as a map of strings (v2 record properties); undefined names the first key whose value is not a string. */
export function recordProperties(event: Parameters<typeof recordMetadata>[0]): { properties: Record<string, string> } | { notAString: string } {
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(recordMetadata(event))) {
    if (typeof value !== 'string') return { notAString: key };
    properties[key] = value;
  }
  return { properties };
}

/**
 * The event's fields from a record's custom metadata (a parsed JSON value,
 * or undefined when the record had none). Metadata that is not a JSON
 * object is kept whole under `$value`, so nothing a writer sent is lost.
 */
export function fieldsOfRecord(custom: unknown): RecordFields {
  if (custom === undefined || custom === null) return { metadata: {}, occurredOn: null, schemaVersion: 1 };
  if (typeof custom !== 'object' || Array.isArray(custom)) return { metadata: { $value: custom }, occurredOn: null, schemaVersion: 1 };
  const { [OCCURRED_ON_KEY]: occurredOn, [SCHEMA_VERSION_KEY]: schemaVersion, ...metadata } = custom as Record<string, unknown>;
  // Kept as sent: the store refuses a business date or a version that is not one (INVALID_APPEND).
  return { metadata, occurredOn: typeof occurredOn === 'string' ? occurredOn : null, schemaVersion: schemaVersion === undefined ? 1 : Number(schemaVersion) };
}
