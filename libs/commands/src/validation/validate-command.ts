import { validateSync, type ValidationError } from 'class-validator';
import { COMMAND_TYPES, declarationOf, type EngineCommand } from '../registry.js';
import { unstorableFields } from './storable-text.js';

export type { Envelope, EngineCommand } from '../registry.js';

/** A command refused before anything was decided: malformed. */
export class MalformedCommandError extends Error {
  override readonly name = 'MalformedCommandError';
  constructor(
    readonly code: 'MALFORMED_COMMAND' | 'UNKNOWN_COMMAND_TYPE' | 'INVALID_FIELDS',
    message: string,
  ) {
    super(message);
  }
}

/** Names a JSON object may hold as its own fields that are the object's make-up in JavaScript. */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => (prefix ? `${prefix}.${m}` : m)),
    ...describe(e.children ?? [], `${prefix}${e.property}`),
  ]);
}

/** Every field some command declares personal: what a command of a type the contract does not know may still carry. */
const ANY_PERSONAL: readonly string[] = [...new Set(COMMAND_TYPES.flatMap((type) => declarationOf(type)!.personal))];

/** The texts a value holds (itself, or within an array or object, a few levels down), as a message could echo them. */
function textsIn(value: unknown, depth = 0): string[] {
  if (typeof value === 'string') return [value, JSON.stringify(value).slice(1, -1)];
  if (typeof value === 'number' || typeof value === 'bigint') return [String(value)];
  if (value === null || typeof value !== 'object' || depth >= 3) return [];
  return Object.values(value).slice(0, 100).flatMap((v) => textsIn(v, depth + 1));
}

/**
 * The message with every personal value of the command replaced by the
 * field's name: a value is echoed when it is wrong, and a person's number put
 * in another field (a spreadsheet's columns shifted) must not come back in a
 * refusal, an import report or a log (docs/privacy.md). A text of one
 * character finds nobody and is left, lest the message be garbled.
 */
function withoutPersonalData(message: string, raw: Record<string, unknown>, personal: readonly string[]): string {
  let scrubbed = message;
  for (const field of personal) {
    for (const text of textsIn(raw[field])) if (text.length > 1) scrubbed = scrubbed.split(text).join(`<${field}>`);
  }
  return scrubbed;
}

/** Checks a command's shape and formats against its declaration; returns it typed, or throws MalformedCommandError. */
export function validateCommand(raw: unknown): EngineCommand {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new MalformedCommandError('MALFORMED_COMMAND', 'a command is a JSON object with a "type" and its fields');
  }
  const type = (raw as { type?: unknown }).type;
  const declaration = typeof type === 'string' ? declarationOf(type) : undefined;
  if (!declaration) {
    const given = withoutPersonalData(JSON.stringify(type) ?? 'undefined', raw as Record<string, unknown>, ANY_PERSONAL);
    throw new MalformedCommandError('UNKNOWN_COMMAND_TYPE', `unknown command type ${given}; expected one of ${COMMAND_TYPES.join(', ')}`);
  }
  // Fields named as what an object is made of (`constructor`, `__proto__`) are no command's: copied, they would make the DTO another object.
  const fields = Object.entries(raw as Record<string, unknown>).filter(([field]) => !RESERVED.has(field));
  const dto = Object.assign(new declaration.dto(), Object.fromEntries(fields));
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  const problems = [
    ...Object.keys(raw).filter((field) => RESERVED.has(field)).map((field) => `property ${field} should not exist`),
    ...describe(errors),
    ...unstorableFields(raw as Record<string, unknown>).map((field) => `${field} must not contain a NUL character or an unpaired surrogate`),
  ];
  const command = dto as unknown as EngineCommand;
  if (problems.length === 0 && declaration.check) problems.push(...declaration.check(command));
  if (problems.length) {
    const message = `${declaration.type}: ${problems.join('; ')}`;
    throw new MalformedCommandError('INVALID_FIELDS', withoutPersonalData(message, raw as Record<string, unknown>, declaration.personal));
  }
  return { ...command } as EngineCommand;
}
