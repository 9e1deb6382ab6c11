import { inScope, mayRecord, type Principal } from '#domain';
import type { Subject } from '../declaration.js';
import { areaOfSubject, describeSubject, type SubjectSources } from './subject-areas.js';

/**
 * The caller may not do this: its role does not record such commands or
 * read such things, or what it names is outside its area. Says which rule,
 * never what lies outside the caller's area.
 */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
  readonly code = 'FORBIDDEN';
}

/** A commandId already used by another recorder, or for another command: not answered with that command's record. */
export class CommandIdConflictError extends Error {
  override readonly name = 'CommandIdConflictError';
  readonly code = 'COMMAND_ID_CONFLICT';
}

/** Whether every subject is in the principal's area on the date; `unresolved` when one does not exist (yet). */
export async function subjectsInScope(
  principal: Principal,
  subjects: readonly Subject[],
  date: string,
  src: SubjectSources,
): Promise<{ inScope: boolean; unresolved: boolean; outside?: Subject }> {
  let unresolved = false;
  for (const subject of subjects) {
    const areaId = await areaOfSubject(subject, date, src);
    // An area that is not defined cannot be shown to be inside anyone's area.
    if (areaId === undefined && !('area' in subject)) {
      unresolved = true;
      continue;
    }
    if (areaId === undefined) return { inScope: false, unresolved, outside: subject };
    if (inScope(principal, await src.areas.lineage(areaId))) continue;
    // A wider drive: the subject's area holds the principal's.
    const wider = 'orWider' in subject && subject.orWider === true && principal.areaId !== null && (await src.areas.lineage(principal.areaId)).includes(areaId);
    if (!wider) return { inScope: false, unresolved, outside: subject };
  }
  return { inScope: true, unresolved };
}

/**
 * May the principal record this command? Its role must record such
 * commands, and everything the command acts on (its declaration's subjects)
 * must be in the principal's area on the command's date. A subject that
 * does not exist is left to the domain, which refuses the command for it
 * (`unresolved`: the executor makes sure the command then writes nothing).
 */
export async function authorizeCommand(
  principal: Principal,
  command: { type: string; occurredOn?: string },
  subjects: readonly Subject[],
  src: SubjectSources,
): Promise<{ unresolved: boolean }> {
  if (!mayRecord(principal.role, command.type)) {
    throw new ForbiddenError(`a ${principal.role} token may not record ${command.type} (docs/access.md lists what each role records)`);
  }
  if (principal.role === 'admin') return { unresolved: false };
  const date = command.occurredOn ?? new Date().toISOString().slice(0, 10);
  const answer = await subjectsInScope(principal, subjects, date, src);
  if (!answer.inScope) throw new ForbiddenError(`${describeSubject(answer.outside!)} is not within your area "${principal.areaId}" on ${date}`);
  return answer;
}
