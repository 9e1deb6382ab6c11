import type { AreaDirectory } from './execution/area-directory.js';
import type { PersonalDataVault, PersonKeys } from '#personal-data';
import type { UnitOfWork } from './execution/unit-of-work.js';
import type { CommandDto } from './validation/fields.js';

/**
 * What deciding a command may consult besides its streams: the areas, the
 * key that finds a person's stream, and the vault that seals personal
 * fields before they are appended (and destroys a person's key on erasure).
 */
export interface HandlerDeps {
  readonly areas: AreaDirectory;
  readonly personKeys: PersonKeys;
  readonly vault: PersonalDataVault;
}

/**
 * What a command writes and reads, as keys, so that the importer can run
 * commands in parallel without reordering two that depend on each other: two
 * commands conflict when one writes a key the other reads or writes.
 */
export interface CommandKeys {
  readonly writes: readonly string[];
  readonly reads: readonly string[];
}

/**
 * What a command acts on: the entities from which the area it acts in is
 * found (an enterprise's location on the command's date, a union's
 * enterprise or federation area, a member's union…), each of which must lie
 * in the recorder's area (docs/access.md). A campaign or ceremony a command
 * only credits (a join made for a drive) may instead be `orWider`: of an area
 * that contains the recorder's (the district's drive), never a sibling's.
 */
export type Subject =
  | { readonly area: string }
  | { readonly enterprise: string }
  | { readonly union: string }
  | { readonly member: string }
  | { readonly campaign: string; readonly orWider?: true }
  | { readonly ceremony: string; readonly orWider?: true };

/** A field of a command as it arrived (not yet validated), for the importer's keys. */
export type RawCommand = Readonly<Record<string, unknown>>;

/**
 * Everything about one command of the public contract, in one place: its
 * name, its payload schema (a class-validator DTO: the 400s, and the OpenAPI
 * schema), the streams its decision reads (fetched in one round trip before
 * deciding), the decision itself (load → pure decider → stage), the keys the
 * importer orders it by, what it acts on, and which of its fields are
 * personal data. The HTTP door, the importer, the executors and the Nest
 * CommandBus are generic over these declarations.
 */
export interface CommandDeclaration<T extends string = string, C extends { type: T } = { type: T }> {
  readonly type: T;
  readonly dto: new () => CommandDto;
  /** Checks across fields, once each field is well formed: problems, or none. */
  readonly check?: (command: C) => string[];
  /** The streams the decision is known to load, from the command alone (it may still load more). */
  readonly streams: (command: C, deps: HandlerDeps) => string[];
  /** Loads what the rule needs, calls the pure decider, stages its events. No rule lives here. */
  readonly decide: (command: C, uow: UnitOfWork, deps: HandlerDeps) => Promise<void>;
  /** The importer's ordering keys, from the raw line (it may be malformed: then it will be refused). */
  readonly keys: (raw: RawCommand) => CommandKeys;
  /** What the command acts on (for access scopes). */
  readonly subjects: (command: C) => Subject[];
  /** Fields that identify a person: never logged, never echoed in an error, never in a URL. */
  readonly personal: ReadonlyArray<Exclude<keyof C, 'type'> & string>;
  /**
   * The decision destroys persons' keys (erasure): in a batch, what the
   * commands before it staged is sealed first, with the keys it destroys.
   */
  readonly destroysKeys?: true;
}

/** Declares a command; the type parameter is the domain's command type (libs/domain). */
export function declareCommand<C extends { type: string }>(declaration: CommandDeclaration<C['type'], C>): CommandDeclaration<C['type'], C> {
  return declaration;
}

/** Key builders over a raw command: `key('enterprise', raw.creditCode)` is `enterprise:<code>`, or nothing if absent. */
export function key(prefix: string, value: unknown): string[] {
  return typeof value === 'string' ? [`${prefix}:${value}`] : [];
}

/**
 * Leaving frees a person whose id the command does not carry: it conflicts with every join.
 */
export const ALL_PERSONS = 'person:*';

/**
 * Dissolving an enterprise's own union writes to an enterprise the command
 * does not name (dissolve U1, then found U2 for the same enterprise must stay
 * in that order): it conflicts with every command on an enterprise.
 */
export const ALL_ENTERPRISES = 'enterprise:*';

/** Card numbers are unique regardless of case (see cardStream in libs/domain). */
export const cardKey = (value: unknown): string[] => (typeof value === 'string' ? [`card:${value.toUpperCase()}`] : []);
