import { Command } from '@nestjs/cqrs';
import type { BatchItem, BatchOutcome } from '../execution/batch-executor.js';
import type { Execution, ExecuteOptions } from '../execution/command-executor.js';
import type { CommandType } from '../validation/command-dtos.js';
import type { EngineCommand } from '../validation/validate-command.js';

/** A validated command of the contract, as a message on the Nest CommandBus. */
export abstract class EngineCommandMessage<T extends CommandType> extends Command<Execution> {
  constructor(
    readonly payload: Extract<EngineCommand, { type: T }>,
    readonly options: ExecuteOptions = {},
  ) {
    super();
  }
}

export class DefineAreaCommand extends EngineCommandMessage<'DefineArea'> {}
export class RegisterEnterpriseCommand extends EngineCommandMessage<'RegisterEnterprise'> {}
export class ReportHeadcountCommand extends EngineCommandMessage<'ReportHeadcount'> {}
export class RelocateEnterpriseCommand extends EngineCommandMessage<'RelocateEnterprise'> {}
export class CloseEnterpriseCommand extends EngineCommandMessage<'CloseEnterprise'> {}
export class FoundEnterpriseUnionCommand extends EngineCommandMessage<'FoundEnterpriseUnion'> {}
export class FoundFederationCommand extends EngineCommandMessage<'FoundFederation'> {}
export class DissolveUnionCommand extends EngineCommandMessage<'DissolveUnion'> {}
export class CoverEnterpriseCommand extends EngineCommandMessage<'CoverEnterprise'> {}
export class UncoverEnterpriseCommand extends EngineCommandMessage<'UncoverEnterprise'> {}
export class JoinUnionCommand extends EngineCommandMessage<'JoinUnion'> {}
export class TransferMembershipCommand extends EngineCommandMessage<'TransferMembership'> {}
export class LeaveUnionCommand extends EngineCommandMessage<'LeaveUnion'> {}
export class LaunchCampaignCommand extends EngineCommandMessage<'LaunchCampaign'> {}
export class HoldCeremonyCommand extends EngineCommandMessage<'HoldCeremony'> {}
export class RecordOutreachCommand extends EngineCommandMessage<'RecordOutreach'> {}
export class RetainMembershipCommand extends EngineCommandMessage<'RetainMembership'> {}
export class ResumeMembershipCommand extends EngineCommandMessage<'ResumeMembership'> {}
export class PassMembershipUpCommand extends EngineCommandMessage<'PassMembershipUp'> {}
export class IssueMemberCardCommand extends EngineCommandMessage<'IssueMemberCard'> {}
export class ReplaceMemberCardCommand extends EngineCommandMessage<'ReplaceMemberCard'> {}
export class RevokeMemberCardCommand extends EngineCommandMessage<'RevokeMemberCard'> {}

/** The message class of each command type. */
export const MESSAGES: { [T in CommandType]: new (payload: Extract<EngineCommand, { type: T }>, options?: ExecuteOptions) => EngineCommandMessage<T> } = {
  DefineArea: DefineAreaCommand,
  RegisterEnterprise: RegisterEnterpriseCommand,
  ReportHeadcount: ReportHeadcountCommand,
  RelocateEnterprise: RelocateEnterpriseCommand,
  CloseEnterprise: CloseEnterpriseCommand,
  FoundEnterpriseUnion: FoundEnterpriseUnionCommand,
  FoundFederation: FoundFederationCommand,
  DissolveUnion: DissolveUnionCommand,
  CoverEnterprise: CoverEnterpriseCommand,
  UncoverEnterprise: UncoverEnterpriseCommand,
  JoinUnion: JoinUnionCommand,
  TransferMembership: TransferMembershipCommand,
  LeaveUnion: LeaveUnionCommand,
  LaunchCampaign: LaunchCampaignCommand,
  HoldCeremony: HoldCeremonyCommand,
  RecordOutreach: RecordOutreachCommand,
  RetainMembership: RetainMembershipCommand,
  ResumeMembership: ResumeMembershipCommand,
  PassMembershipUp: PassMembershipUpCommand,
  IssueMemberCard: IssueMemberCardCommand,
  ReplaceMemberCard: ReplaceMemberCardCommand,
  RevokeMemberCard: RevokeMemberCardCommand,
};

/**
 * Batches of validated commands, each decided together and appended in one
 * statement (a group commit), the next decided while the previous is
 * appended. One answer per batch, up to the first that conflicted
 * (undefined: run it one by one, then send the batches after it again).
 */
export class RecordBatchCommand extends Command<Array<BatchOutcome[] | undefined>> {
  constructor(readonly batches: ReadonlyArray<readonly BatchItem[]>) {
    super();
  }
}
