import type { CommandDeclaration } from './declaration.js';
import { DECLARATIONS } from './declarations/index.js';

type Declared = (typeof DECLARATIONS)[number];

/** The name of a command of the contract. */
export type CommandType = Declared['type'];

/** Fields every command may carry. */
export interface Envelope {
  commandId?: string;
  actor?: string;
}

type CommandOf<D> = D extends CommandDeclaration<string, infer C> ? C : never;

/** A command of the public contract, validated. */
export type EngineCommand = Envelope & CommandOf<Declared>;

export const COMMAND_TYPES: readonly CommandType[] = DECLARATIONS.map((d) => d.type);

const BY_TYPE = new Map<string, CommandDeclaration<string, EngineCommand>>(
  DECLARATIONS.map((d) => [d.type, d as unknown as CommandDeclaration<string, EngineCommand>]),
);

/** The declaration of a command type, or undefined for a name the contract does not know. */
export function declarationOf(type: string): CommandDeclaration<string, EngineCommand> | undefined {
  return BY_TYPE.get(type);
}

/** The declaration of a validated command. */
export function declarationFor(command: EngineCommand): CommandDeclaration<string, EngineCommand> {
  return BY_TYPE.get(command.type)!;
}
