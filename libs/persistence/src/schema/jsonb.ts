import { sql, type RawBuilder } from 'kysely';
import type { JsonbInput } from './db.js';

/** A jsonb value from JSON text, cast in SQL: how a jsonb column is written (see `Jsonb`). */
export function jsonb(text: string): RawBuilder<JsonbInput> {
  return sql<JsonbInput>`${text}::text::jsonb`;
}
