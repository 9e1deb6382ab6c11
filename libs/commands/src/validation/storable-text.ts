/**
 * Characters the record cannot hold: PostgreSQL keeps neither NUL in text or
 * jsonb, nor a UTF-16 surrogate without its pair (JSON allows both). Input
 * with them is malformed, refused before anything is decided — never a
 * database error after.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const isStorableText = (text: string): boolean => !UNSTORABLE.test(text);

/**
 * The names of the fields (of a flat record, as commands and query strings
 * are) whose text, or the text of an item of their list, cannot be stored;
 * the field name itself counts. Values are never named back: they may be
 * personal data.
 */
export function unstorableFields(record: Readonly<Record<string, unknown>>): string[] {
  const texts = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
  return Object.entries(record)
    .filter(([field, value]) => !isStorableText(field) || texts(value).some((t) => typeof t === 'string' && !isStorableText(t)))
    .map(([field]) => (isStorableText(field) ? field : JSON.stringify(field.replace(UNSTORABLE, '?'))));
}
