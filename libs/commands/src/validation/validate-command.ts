import { validateSync, type ValidationError } from 'class-validator';
import type {
  CloseEnterprise, CoverEnterprise, DefineArea, DissolveUnion, FoundEnterpriseUnion, FoundFederation, HoldCeremony,
  JoinUnion, LaunchCampaign, LeaveUnion, RecordOutreach, RegisterEnterprise, RelocateEnterprise, ReportHeadcount,
  TransferMembership, UncoverEnterprise, RetainMembership, ResumeMembership, PassMembershipUp, IssueMemberCard,
  ReplaceMemberCard, RevokeMemberCard,
} from '#domain';
import { COMMAND_DTOS, COMMAND_TYPES, type CommandType } from './command-dtos.js';

/** Fields every command may carry. */
export interface Envelope {
  commandId?: string;
  actor?: string;
}

/** A command of the public contract, validated. */
export type EngineCommand = Envelope &
  (
    | DefineArea | RegisterEnterprise | ReportHeadcount | RelocateEnterprise | CloseEnterprise | FoundEnterpriseUnion
    | FoundFederation | DissolveUnion | CoverEnterprise | UncoverEnterprise | JoinUnion | TransferMembership
    | LeaveUnion | LaunchCampaign | HoldCeremony | RecordOutreach
    | RetainMembership | ResumeMembership | PassMembershipUp | IssueMemberCard | ReplaceMemberCard | RevokeMemberCard
  );

/** A command refused before anything was decided: malformed (400). */
export class MalformedCommandError extends Error {
  override readonly name = 'MalformedCommandError';
  readonly status = 400;
  constructor(
    readonly code: 'MALFORMED_COMMAND' | 'UNKNOWN_COMMAND_TYPE' | 'INVALID_FIELDS',
    message: string,
  ) {
    super(message);
  }
}

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => (prefix ? `${prefix}.${m}` : m)),
    ...describe(e.children ?? [], `${prefix}${e.property}`),
  ]);
}

/** Checks a command's shape and formats; returns it typed, or throws MalformedCommandError. */
export function validateCommand(raw: unknown): EngineCommand {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new MalformedCommandError('MALFORMED_COMMAND', 'a command is a JSON object with a "type" and its fields');
  }
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string' || !(COMMAND_TYPES as string[]).includes(type)) {
    throw new MalformedCommandError(
      'UNKNOWN_COMMAND_TYPE',
      `unknown command type ${JSON.stringify(type)}; expected one of ${COMMAND_TYPES.join(', ')}`,
    );
  }
  const dto = Object.assign(new COMMAND_DTOS[type as CommandType](), raw);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  const problems = describe(errors);
  const command = dto as unknown as EngineCommand;
  if (command.type === 'LaunchCampaign' && problems.length === 0 && command.endsOn < command.startsOn) {
    problems.push(`endsOn (${command.endsOn}) must not be before startsOn (${command.startsOn})`);
  }
  if (problems.length) throw new MalformedCommandError('INVALID_FIELDS', `${type}: ${problems.join('; ')}`);
  return { ...command } as EngineCommand;
}
