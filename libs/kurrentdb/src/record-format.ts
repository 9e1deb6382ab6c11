import type { EventMetadata } from '#event-store';

/**
 * How an event of the engine's log travels as a KurrentDB record, both ways
 * (the endpoint serves records in this form; the adapter writes and reads
 * them): the data is JSON (`application/json`); the record's custom metadata
 * is a JSON object holding the event's metadata, with its business date and
 * its data's schema version under two reserved keys. On the v2 protocol a
 * record's properties are a map of strings, so every metadata value is a
 * string there: the values that are not (numbers, flags, objects) travel
 * together as one JSON text under a third reserved key, and are read back
 * as they were.
 */
export const JSON_CONTENT_TYPE = 'application/json';

/** The reserved metadata key for the business date (YYYY-MM-DD). */
export const OCCURRED_ON_KEY = '$occurredOn';
/** The reserved metadata key for the version of the data's shape (absent: 1). */
export const SCHEMA_VERSION_KEY = '$schemaVersion';
/** The reserved v2 property holding, as JSON, the metadata values that are not strings. */
export const JSON_VALUES_KEY = '$json';

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

/** The same as a map of strings (v2 record properties). */
export function recordProperties(event: Parameters<typeof recordMetadata>[0]): Record<string, string> {
  const properties: Record<string, string> = {};
  const other: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(recordMetadata(event))) {
    if (typeof value === 'string') properties[key] = value;
    else other[key] = value;
  }
  if (Object.keys(other).length > 0) properties[JSON_VALUES_KEY] = JSON.stringify(other);
  return properties;
}

/**
 * The event's fields from a record's custom metadata (a parsed JSON value,
 * or undefined when the record had none). Metadata that is not a JSON
 * object is kept whole under `$value`, so nothing a writer sent is lost.
 */
export function fieldsOfRecord(custom: unknown): RecordFields {
  if (custom === undefined || custom === null) return { metadata: {}, occurredOn: null, schemaVersion: 1 };
  if (typeof custom !== 'object' || Array.isArray(custom)) return { metadata: { $value: custom }, occurredOn: null, schemaVersion: 1 };
  const { [OCCURRED_ON_KEY]: occurredOn, [SCHEMA_VERSION_KEY]: schemaVersion, [JSON_VALUES_KEY]: json, ...rest } = custom as Record<string, unknown>;
  const metadata = { ...rest, ...jsonValues(json) };
  // Kept as sent: the store refuses a business date or a version that is not one (INVALID_APPEND).
  return { metadata, occurredOn: typeof occurredOn === 'string' ? occurredOn : null, schemaVersion: schemaVersion === undefined ? 1 : Number(schemaVersion) };
}

/** The values a v2 record carried as JSON (nothing when absent or not a JSON object, which is then kept as sent). */
function jsonValues(json: unknown): Record<string, unknown> {
  if (json === undefined) return {};
  try {
    const parsed: unknown = typeof json === 'string' ? JSON.parse(json) : undefined;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Not JSON: kept under its key below.
  }
  return { [JSON_VALUES_KEY]: json };
}
