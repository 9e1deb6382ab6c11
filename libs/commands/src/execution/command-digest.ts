import type { RecordedEvent } from '#event-store';
import type { PersonKeys } from '#personal-data';
import { CommandIdConflictError } from '../access/authorize.js';
import type { EngineCommand } from '../validation/validate-command.js';

/**
 * The digest of what a command says (its type and fields; not its id, nor
 * the `actor` it was sent on behalf of), keyed (PersonKeys.digest) and
 * independent of the order of its fields: kept in its events' metadata, so
 * that a command sent again is told from another command reusing its id.
 */
export function commandDigest(command: EngineCommand, keys: PersonKeys): string {
  const { commandId: _id, actor: _actor, ...content } = command;
  return keys.digest('command', canonicalJson(content));
}

/**
 * A commandId already recorded is answered as a retry only if the command is
 * the same: another command reusing the id is a conflict (409). Commands
 * recorded before digests were kept (no `commandDigest`) are taken as the same.
 */
export function requireSameCommand(first: Pick<RecordedEvent, 'metadata'>, digest: string): void {
  const stored = first.metadata['commandDigest'];
  if (stored !== undefined && stored !== digest) {
    throw new CommandIdConflictError('this commandId was already used for a different command: choose another id');
  }
}

/** JSON with every object's keys in order: the same value, the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
