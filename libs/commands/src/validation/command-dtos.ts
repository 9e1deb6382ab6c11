import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { AREA_KINDS, FEDERATION_SCOPES, OUTREACH_STEPS, RETENTION_REASONS, SUCCESSION_REASONS } from '#domain';
import { IsCreditCode, IsIsoDate, IsResidentId } from './validators.js';

/**
 * One DTO per command of the public contract (../shared/CONTRACT.md): the
 * shape and the formats. Whether the command is allowed is the domain's to
 * decide; these only refuse what is malformed (HTTP 400).
 */
const Id = () => (target: object, key: string) => {
  IsString()(target, key);
  IsNotEmpty()(target, key);
  MaxLength(200)(target, key);
};
const Text = () => (target: object, key: string) => {
  IsString()(target, key);
  IsNotEmpty()(target, key);
  MaxLength(500)(target, key);
};
const OptionalText = () => (target: object, key: string) => {
  IsOptional()(target, key);
  IsString()(target, key);
  MaxLength(500)(target, key);
};
const Headcount = () => (target: object, key: string) => {
  IsInt()(target, key);
  Min(0)(target, key);
  Max(10_000_000)(target, key);
};

export abstract class CommandDto {
  @IsString() type!: string;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) commandId?: string;
  @IsOptional() @IsString() @MaxLength(200) actor?: string;
}

export class DefineAreaDto extends CommandDto {
  @Id() areaId!: string;
  @IsIn(AREA_KINDS) kind!: string;
  @Text() name!: string;
  @ValidateIf((o: DefineAreaDto) => o.kind !== 'district' || o.parentId !== undefined) @Id() parentId?: string;
}

export class RegisterEnterpriseDto extends CommandDto {
  @IsCreditCode() creditCode!: string;
  @Text() name!: string;
  @Id() areaId!: string;
  @Headcount() headcount!: number;
  @IsOptional() @IsBoolean() newForm?: boolean;
  @IsIsoDate() occurredOn!: string;
}

export class ReportHeadcountDto extends CommandDto {
  @IsCreditCode() creditCode!: string;
  @Headcount() headcount!: number;
  @IsIsoDate() occurredOn!: string;
}

export class RelocateEnterpriseDto extends CommandDto {
  @IsCreditCode() creditCode!: string;
  @Id() areaId!: string;
  @IsIsoDate() occurredOn!: string;
}

export class CloseEnterpriseDto extends CommandDto {
  @IsCreditCode() creditCode!: string;
  @IsIsoDate() occurredOn!: string;
}

export class FoundEnterpriseUnionDto extends CommandDto {
  @Id() unionId!: string;
  @IsCreditCode() creditCode!: string;
  @IsIsoDate() occurredOn!: string;
}

export class FoundFederationDto extends CommandDto {
  @Id() unionId!: string;
  @Text() name!: string;
  @IsIn(FEDERATION_SCOPES) scope!: string;
  @Id() areaId!: string;
  @OptionalText() industry?: string;
  @IsIsoDate() occurredOn!: string;
}

export class DissolveUnionDto extends CommandDto {
  @Id() unionId!: string;
  @IsIsoDate() occurredOn!: string;
}

export class CoverEnterpriseDto extends CommandDto {
  @Id() federationId!: string;
  @IsCreditCode() creditCode!: string;
  @IsIsoDate() occurredOn!: string;
}

export class UncoverEnterpriseDto extends CoverEnterpriseDto {}

export class JoinUnionDto extends CommandDto {
  @Id() memberId!: string;
  @IsResidentId() personId!: string;
  @Text() name!: string;
  @Id() unionId!: string;
  @OptionalText() occupation?: string;
  @IsOptional() @IsBoolean() newForm?: boolean;
  @OptionalText() channel?: string;
  @IsOptional() @Id() campaignId?: string;
  @IsOptional() @Id() ceremonyId?: string;
  /** Where the worker was signed up (the outreach's subdistrict, community or site), when not at a ceremony. */
  @IsOptional() @Id() areaId?: string;
  @IsIsoDate() occurredOn!: string;
}

export class TransferMembershipDto extends CommandDto {
  @Id() memberId!: string;
  @Id() toUnionId!: string;
  @IsIsoDate() occurredOn!: string;
}

export class LeaveUnionDto extends CommandDto {
  @Id() memberId!: string;
  @IsIsoDate() occurredOn!: string;
  @OptionalText() reason?: string;
}

/** Card numbers: 6–32 letters, digits or hyphens, printed on the card. */
export const CARD_NUMBER = /^[0-9A-Za-z-]{6,32}$/;
const CardNumber = () => (target: object, key: string) => {
  IsString()(target, key);
  Matches(CARD_NUMBER, { message: `${key} must be 6–32 letters, digits or hyphens` })(target, key);
};

export class RetainMembershipDto extends CommandDto {
  @Id() memberId!: string;
  @IsIn(RETENTION_REASONS) reason!: string;
  @IsIsoDate() occurredOn!: string;
  @IsOptional() @Id() heldByUnionId?: string;
}

export class ResumeMembershipDto extends CommandDto {
  @Id() memberId!: string;
  @Id() unionId!: string;
  @IsIsoDate() occurredOn!: string;
}

export class PassMembershipUpDto extends CommandDto {
  @Id() memberId!: string;
  @Id() fromUnionId!: string;
  @IsOptional() @Id() toUnionId?: string;
  @IsIn(SUCCESSION_REASONS) reason!: string;
  @IsIsoDate() occurredOn!: string;
}

export class IssueMemberCardDto extends CommandDto {
  @Id() memberId!: string;
  @CardNumber() cardNumber!: string;
  @IsIsoDate() occurredOn!: string;
}

export class ReplaceMemberCardDto extends CommandDto {
  @Id() memberId!: string;
  @CardNumber() newCardNumber!: string;
  @IsIsoDate() occurredOn!: string;
  @OptionalText() reason?: string;
}

export class RevokeMemberCardDto extends CommandDto {
  @Id() memberId!: string;
  @IsIsoDate() occurredOn!: string;
  @OptionalText() reason?: string;
}

export class LaunchCampaignDto extends CommandDto {
  @Id() campaignId!: string;
  @Text() name!: string;
  @Id() areaId!: string;
  @IsInt() @Min(0) @Max(100_000_000) targetJoins!: number;
  @IsIsoDate() startsOn!: string;
  @IsIsoDate() endsOn!: string;
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @IsNotEmpty({ each: true }) targetOccupations?: string[];
}

export class HoldCeremonyDto extends CommandDto {
  @Id() ceremonyId!: string;
  @Id() areaId!: string;
  @IsIsoDate() occurredOn!: string;
  @IsOptional() @Id() campaignId?: string;
}

export class RecordOutreachDto extends CommandDto {
  @IsCreditCode() creditCode!: string;
  @IsIn(OUTREACH_STEPS) step!: string;
  @IsIsoDate() occurredOn!: string;
}

/** Every command type of the contract, and its DTO. */
export const COMMAND_DTOS = {
  DefineArea: DefineAreaDto,
  RegisterEnterprise: RegisterEnterpriseDto,
  ReportHeadcount: ReportHeadcountDto,
  RelocateEnterprise: RelocateEnterpriseDto,
  CloseEnterprise: CloseEnterpriseDto,
  FoundEnterpriseUnion: FoundEnterpriseUnionDto,
  FoundFederation: FoundFederationDto,
  DissolveUnion: DissolveUnionDto,
  CoverEnterprise: CoverEnterpriseDto,
  UncoverEnterprise: UncoverEnterpriseDto,
  JoinUnion: JoinUnionDto,
  TransferMembership: TransferMembershipDto,
  LeaveUnion: LeaveUnionDto,
  RetainMembership: RetainMembershipDto,
  ResumeMembership: ResumeMembershipDto,
  PassMembershipUp: PassMembershipUpDto,
  IssueMemberCard: IssueMemberCardDto,
  ReplaceMemberCard: ReplaceMemberCardDto,
  RevokeMemberCard: RevokeMemberCardDto,
  LaunchCampaign: LaunchCampaignDto,
  HoldCeremony: HoldCeremonyDto,
  RecordOutreach: RecordOutreachDto,
} as const;

export type CommandType = keyof typeof COMMAND_DTOS;
export const COMMAND_TYPES = Object.keys(COMMAND_DTOS) as CommandType[];
