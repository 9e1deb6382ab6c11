import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { BatchExecutor, BatchOutcome } from '../execution/batch-executor.js';
import type { CommandExecutor, Execution } from '../execution/command-executor.js';
import type { CommandType } from '../validation/command-dtos.js';
import * as m from './command-messages.js';

export const COMMAND_EXECUTOR = Symbol('COMMAND_EXECUTOR');
export const BATCH_EXECUTOR = Symbol('BATCH_EXECUTOR');

/** Groups of commands, each decided together and appended in one statement, pipelined (see BatchExecutor). */
@CommandHandler(m.RecordBatchCommand)
export class RecordBatchHandler implements ICommandHandler<m.RecordBatchCommand, Array<BatchOutcome[] | undefined>> {
  constructor(@Inject(BATCH_EXECUTOR) private readonly batches: BatchExecutor) {}
  execute(message: m.RecordBatchCommand): Promise<Array<BatchOutcome[] | undefined>> {
    return this.batches.executeAll(message.batches);
  }
}

/**
 * The Nest side of every command handler: hand the message to the executor,
 * which loads, folds, decides (libs/domain) and appends. What differs per
 * command — which streams, which decider — is in handlers/handlers.ts.
 */
abstract class ExecutingHandler<T extends CommandType> implements ICommandHandler<m.EngineCommandMessage<T>, Execution> {
  constructor(@Inject(COMMAND_EXECUTOR) private readonly executor: CommandExecutor) {}
  execute(message: m.EngineCommandMessage<T>): Promise<Execution> {
    return this.executor.execute(message.payload, message.options);
  }
}

@CommandHandler(m.DefineAreaCommand) export class DefineAreaHandler extends ExecutingHandler<'DefineArea'> {}
@CommandHandler(m.RegisterEnterpriseCommand) export class RegisterEnterpriseHandler extends ExecutingHandler<'RegisterEnterprise'> {}
@CommandHandler(m.ReportHeadcountCommand) export class ReportHeadcountHandler extends ExecutingHandler<'ReportHeadcount'> {}
@CommandHandler(m.RelocateEnterpriseCommand) export class RelocateEnterpriseHandler extends ExecutingHandler<'RelocateEnterprise'> {}
@CommandHandler(m.CloseEnterpriseCommand) export class CloseEnterpriseHandler extends ExecutingHandler<'CloseEnterprise'> {}
@CommandHandler(m.FoundEnterpriseUnionCommand) export class FoundEnterpriseUnionHandler extends ExecutingHandler<'FoundEnterpriseUnion'> {}
@CommandHandler(m.FoundFederationCommand) export class FoundFederationHandler extends ExecutingHandler<'FoundFederation'> {}
@CommandHandler(m.DissolveUnionCommand) export class DissolveUnionHandler extends ExecutingHandler<'DissolveUnion'> {}
@CommandHandler(m.CoverEnterpriseCommand) export class CoverEnterpriseHandler extends ExecutingHandler<'CoverEnterprise'> {}
@CommandHandler(m.UncoverEnterpriseCommand) export class UncoverEnterpriseHandler extends ExecutingHandler<'UncoverEnterprise'> {}
@CommandHandler(m.JoinUnionCommand) export class JoinUnionHandler extends ExecutingHandler<'JoinUnion'> {}
@CommandHandler(m.TransferMembershipCommand) export class TransferMembershipHandler extends ExecutingHandler<'TransferMembership'> {}
@CommandHandler(m.LeaveUnionCommand) export class LeaveUnionHandler extends ExecutingHandler<'LeaveUnion'> {}
@CommandHandler(m.LaunchCampaignCommand) export class LaunchCampaignHandler extends ExecutingHandler<'LaunchCampaign'> {}
@CommandHandler(m.HoldCeremonyCommand) export class HoldCeremonyHandler extends ExecutingHandler<'HoldCeremony'> {}
@CommandHandler(m.RecordOutreachCommand) export class RecordOutreachHandler extends ExecutingHandler<'RecordOutreach'> {}
@CommandHandler(m.RetainMembershipCommand) export class RetainMembershipHandler extends ExecutingHandler<'RetainMembership'> {}
@CommandHandler(m.ResumeMembershipCommand) export class ResumeMembershipHandler extends ExecutingHandler<'ResumeMembership'> {}
@CommandHandler(m.PassMembershipUpCommand) export class PassMembershipUpHandler extends ExecutingHandler<'PassMembershipUp'> {}
@CommandHandler(m.IssueMemberCardCommand) export class IssueMemberCardHandler extends ExecutingHandler<'IssueMemberCard'> {}
@CommandHandler(m.ReplaceMemberCardCommand) export class ReplaceMemberCardHandler extends ExecutingHandler<'ReplaceMemberCard'> {}
@CommandHandler(m.RevokeMemberCardCommand) export class RevokeMemberCardHandler extends ExecutingHandler<'RevokeMemberCard'> {}

export const COMMAND_HANDLERS = [
  RecordBatchHandler,
  DefineAreaHandler, RegisterEnterpriseHandler, ReportHeadcountHandler, RelocateEnterpriseHandler, CloseEnterpriseHandler,
  FoundEnterpriseUnionHandler, FoundFederationHandler, DissolveUnionHandler, CoverEnterpriseHandler, UncoverEnterpriseHandler,
  JoinUnionHandler, TransferMembershipHandler, LeaveUnionHandler, LaunchCampaignHandler, HoldCeremonyHandler, RecordOutreachHandler,
  RetainMembershipHandler, ResumeMembershipHandler, PassMembershipUpHandler, IssueMemberCardHandler, ReplaceMemberCardHandler,
  RevokeMemberCardHandler,
];
