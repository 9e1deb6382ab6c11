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

/** Checks a command's shape and formats against its declaration; returns it typed, or throws MalformedCommandError. */
export function validateCommand(raw: unknown): EngineCommand {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new MalformedCommandError('MALFORMED_COMMAND', 'a command is a JSON object with a "type" and its fields');
  }
  const type = (raw as { type?: unknown }).type;
  const declaration = typeof type === 'string' ? declarationOf(type) : undefined;
  if (!declaration) {
    throw new MalformedCommandError(
      'UNKNOWN_COMMAND_TYPE',
      `unknown command type ${JSON.stringify(type)}; expected one of ${COMMAND_TYPES.join(', ')}`,
    );
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
  if (problems.length) throw new MalformedCommandError('INVALID_FIELDS', `${declaration.type}: ${problems.join('; ')}`);
  return { ...command } as EngineCommand;
}
