import { describePostgres } from '../../../test/support/databases.js';
import { creditCode, residentId } from '../../../libs/domain/test/spec-helpers.js';
import { startTestApi, type TestApi } from './support/api-client.js';

const E1 = creditCode(101); // 120 staff, own union
const E2 = creditCode(102); // 30 staff, new-form
const E3 = creditCode(103); // 10 staff, covered by the federation
const P1 = residentId(1);
const P2 = residentId(2);
const P3 = residentId(31);
const P4 = residentId(32);

/** Every command of the contract, valid, in an order where each can succeed. */
const VALID_COMMANDS = [
  { type: 'DefineArea', areaId: 'LG', kind: 'district', name: '龙岗区' },
  { type: 'DefineArea', areaId: 'BJ', kind: 'subdistrict', name: '布吉街道', parentId: 'LG' },
  { type: 'DefineArea', areaId: 'NK', kind: 'community', name: '南坑社区', parentId: 'BJ' },
  { type: 'DefineArea', areaId: 'NK-P', kind: 'park', name: '南坑工业园', parentId: 'NK' },
  { type: 'RegisterEnterprise', creditCode: E1, name: '大企业', areaId: 'NK', headcount: 120, occurredOn: '2020-01-01' },
  { type: 'RegisterEnterprise', creditCode: E2, name: '快递站', areaId: 'NK', headcount: 30, newForm: true, occurredOn: '2020-01-01' },
  { type: 'RegisterEnterprise', creditCode: E3, name: '小作坊', areaId: 'NK-P', headcount: 10, occurredOn: '2020-01-01' },
  { type: 'FoundFederation', unionId: 'F-NK', name: '南坑社区工联会', scope: 'regional', areaId: 'NK', occurredOn: '2020-02-01' },
  { type: 'FoundEnterpriseUnion', unionId: 'U-E1', creditCode: E1, occurredOn: '2020-03-01', actor: 'cadre-1' },
  { type: 'CoverEnterprise', federationId: 'F-NK', creditCode: E3, occurredOn: '2020-04-01' },
  { type: 'ReportHeadcount', creditCode: E2, headcount: 26, occurredOn: '2020-06-30' },
  { type: 'RelocateEnterprise', creditCode: E2, areaId: 'NK-P', occurredOn: '2020-07-01' },
  { type: 'RecordOutreach', creditCode: E2, step: 'visited', occurredOn: '2020-07-15' },
  { type: 'LaunchCampaign', campaignId: 'C1', name: '快递员入会月', areaId: 'BJ', targetJoins: 100, startsOn: '2020-08-01', endsOn: '2020-08-31', targetOccupations: ['快递员'] },
  { type: 'HoldCeremony', ceremonyId: 'K1', areaId: 'BJ', occurredOn: '2020-08-08', campaignId: 'C1' },
  { type: 'JoinUnion', memberId: 'M1', personId: P1, name: '王五', unionId: 'U-E1', occupation: '快递员', newForm: true, channel: 'ceremony', campaignId: 'C1', ceremonyId: 'K1', occurredOn: '2020-08-08' },
  { type: 'JoinUnion', memberId: 'M2', personId: P2, name: '赵六', unionId: 'F-NK', occurredOn: '2020-08-10' },
  { type: 'TransferMembership', memberId: 'M2', toUnionId: 'U-E1', occurredOn: '2020-09-01' },
  { type: 'LeaveUnion', memberId: 'M1', occurredOn: '2020-10-01', reason: 'left Shenzhen' },
  { type: 'UncoverEnterprise', federationId: 'F-NK', creditCode: E3, occurredOn: '2021-01-01' },
  { type: 'CloseEnterprise', creditCode: E3, occurredOn: '2021-02-01' },
  { type: 'DissolveUnion', unionId: 'F-NK', occurredOn: '2021-03-01' },
  // The membership lifecycle (docs/membership.md): retention, resumption, succession, cards.
  { type: 'FoundFederation', unionId: 'F-BJ', name: '布吉街道总工会', scope: 'regional', areaId: 'BJ', occurredOn: '2020-02-01' },
  { type: 'JoinUnion', memberId: 'M3', personId: P3, name: '孙七', unionId: 'U-E1', occurredOn: '2021-01-10' },
  { type: 'JoinUnion', memberId: 'M4', personId: P4, name: '周八', unionId: 'U-E1', occurredOn: '2021-01-10' },
  { type: 'RetainMembership', memberId: 'M3', reason: 'unemployed', heldByUnionId: 'F-BJ', occurredOn: '2021-02-01' },
  { type: 'RetainMembership', memberId: 'M4', reason: 'retired', occurredOn: '2021-02-01' },
  { type: 'IssueMemberCard', memberId: 'M4', cardNumber: 'SZ-000010', occurredOn: '2021-02-05' },
  { type: 'ResumeMembership', memberId: 'M3', unionId: 'U-E1', occurredOn: '2021-04-01' },
  { type: 'PassMembershipUp', memberId: 'M2', fromUnionId: 'U-E1', toUnionId: 'F-BJ', reason: 'unionDissolved', occurredOn: '2021-05-01' },
  { type: 'PassMembershipUp', memberId: 'M3', fromUnionId: 'U-E1', reason: 'enterpriseClosed', occurredOn: '2021-05-01' },
  { type: 'IssueMemberCard', memberId: 'M3', cardNumber: 'SZ-000001', occurredOn: '2021-05-02' },
  { type: 'ReplaceMemberCard', memberId: 'M3', newCardNumber: 'SZ-000002', reason: 'lost', occurredOn: '2021-06-01' },
  { type: 'RevokeMemberCard', memberId: 'M3', reason: 'misused', occurredOn: '2021-07-01' },
];

/** Malformed commands: 400 and the code. */
const MALFORMED: Array<[string, unknown, string]> = [
  ['not an object', 'RegisterEnterprise', 'MALFORMED_COMMAND'],
  ['null', null, 'MALFORMED_COMMAND'],
  ['no type', { creditCode: E1 }, 'UNKNOWN_COMMAND_TYPE'],
  ['an unknown type', { type: 'FoundParty' }, 'UNKNOWN_COMMAND_TYPE'],
  ['an unknown field', { type: 'CloseEnterprise', creditCode: E1, occurredOn: '2021-01-01', note: 'x' }, 'INVALID_FIELDS'],
  ['a missing field', { type: 'CloseEnterprise', creditCode: E1 }, 'INVALID_FIELDS'],
  ['a credit code with a wrong check character', { type: 'CloseEnterprise', creditCode: E1.slice(0, 17) + (E1.endsWith('0') ? '1' : '0'), occurredOn: '2021-01-01' }, 'INVALID_FIELDS'],
  ['an identity number with a wrong check digit', { type: 'JoinUnion', memberId: 'M9', personId: P1.slice(0, 17) + (P1.endsWith('0') ? '1' : '0'), name: 'x', unionId: 'U-E1', occurredOn: '2020-09-01' }, 'INVALID_FIELDS'],
  ['an identity number with an impossible birth date', { type: 'JoinUnion', memberId: 'M9', personId: residentId(3, '19900231'), name: 'x', unionId: 'U-E1', occurredOn: '2020-09-01' }, 'INVALID_FIELDS'],
  ['a date that does not exist', { type: 'ReportHeadcount', creditCode: E1, headcount: 5, occurredOn: '2021-02-29' }, 'INVALID_FIELDS'],
  ['a date in another format', { type: 'ReportHeadcount', creditCode: E1, headcount: 5, occurredOn: '01/03/2021' }, 'INVALID_FIELDS'],
  ['a negative headcount', { type: 'ReportHeadcount', creditCode: E1, headcount: -1, occurredOn: '2021-01-01' }, 'INVALID_FIELDS'],
  ['a fractional headcount', { type: 'ReportHeadcount', creditCode: E1, headcount: 2.5, occurredOn: '2021-01-01' }, 'INVALID_FIELDS'],
  ['an unknown area kind', { type: 'DefineArea', areaId: 'X', kind: 'village', name: 'x', parentId: 'LG' }, 'INVALID_FIELDS'],
  ['a non-district without parent', { type: 'DefineArea', areaId: 'X', kind: 'community', name: 'x' }, 'INVALID_FIELDS'],
  ['an unknown scope', { type: 'FoundFederation', unionId: 'F9', name: 'x', scope: 'global', areaId: 'LG', occurredOn: '2021-01-01' }, 'INVALID_FIELDS'],
  ['an unknown outreach step', { type: 'RecordOutreach', creditCode: E2, step: 'phoned', occurredOn: '2021-01-01' }, 'INVALID_FIELDS'],
  ['a campaign ending before it starts', { type: 'LaunchCampaign', campaignId: 'C9', name: 'x', areaId: 'BJ', targetJoins: 1, startsOn: '2021-02-01', endsOn: '2021-01-01' }, 'INVALID_FIELDS'],
  ['a card number too short', { type: 'IssueMemberCard', memberId: 'M3', cardNumber: 'A1', occurredOn: '2021-08-01' }, 'INVALID_FIELDS'],
  ['a card number with a space', { type: 'ReplaceMemberCard', memberId: 'M3', newCardNumber: 'SZ 000123', occurredOn: '2021-08-01' }, 'INVALID_FIELDS'],
  ['an id with a space', { type: 'DefineArea', areaId: 'L G', kind: 'district', name: 'x' }, 'INVALID_FIELDS'],
  ['an id with an invisible character', { type: 'DefineArea', areaId: 'LG\u200b2', kind: 'district', name: 'x' }, 'INVALID_FIELDS'],
  ['an id of 201 characters', { type: 'DefineArea', areaId: 'A'.repeat(201), kind: 'district', name: 'x' }, 'INVALID_FIELDS'],
  ['a name with a control character', { type: 'DefineArea', areaId: 'X', kind: 'district', name: '龙岗\u0007区' }, 'INVALID_FIELDS'],
  ['a name with a tab', { type: 'DefineArea', areaId: 'X', kind: 'district', name: '龙岗\t区' }, 'INVALID_FIELDS'],
  ['a free text with an escape character', { type: 'LeaveUnion', memberId: 'M2', reason: 'moved\u001b[31m', occurredOn: '2021-08-01' }, 'INVALID_FIELDS'],
  ['a target occupation of 501 characters', { type: 'LaunchCampaign', campaignId: 'C9', name: 'x', areaId: 'BJ', targetJoins: 1, startsOn: '2021-01-01', endsOn: '2021-02-01', targetOccupations: ['x'.repeat(501)] }, 'INVALID_FIELDS'],
  ['a target occupation with a line break', { type: 'LaunchCampaign', campaignId: 'C9', name: 'x', areaId: 'BJ', targetJoins: 1, startsOn: '2021-01-01', endsOn: '2021-02-01', targetOccupations: ['快递\n员'] }, 'INVALID_FIELDS'],
  ['a commandId with a control character', { type: 'CloseEnterprise', creditCode: E1, occurredOn: '2021-01-01', commandId: 'id\u0000x' }, 'INVALID_FIELDS'],
  ['a commandId with a line break', { type: 'CloseEnterprise', creditCode: E1, occurredOn: '2021-01-01', commandId: 'id\nx' }, 'INVALID_FIELDS'],
  ['an unknown retention reason', { type: 'RetainMembership', memberId: 'M2', reason: 'sick', occurredOn: '2021-08-01' }, 'INVALID_FIELDS'],
  ['an unknown succession reason', { type: 'PassMembershipUp', memberId: 'M2', fromUnionId: 'F-BJ', reason: 'merged', occurredOn: '2021-08-01' }, 'INVALID_FIELDS'],
  ['an unknown field on a lifecycle command', { type: 'ResumeMembership', memberId: 'M4', unionId: 'U-E1', occurredOn: '2021-08-01', toUnionId: 'U-E1' }, 'INVALID_FIELDS'],
  ['newForm that is not a boolean', { type: 'RegisterEnterprise', creditCode: creditCode(199), name: 'x', areaId: 'NK', headcount: 1, newForm: 'yes', occurredOn: '2021-01-01' }, 'INVALID_FIELDS'],
  // Text the record cannot hold (PostgreSQL keeps no NUL and no unpaired surrogate): malformed, not a database error.
  ['a NUL in a name', { type: 'JoinUnion', memberId: 'M9', personId: P1, name: '张\u0000三', unionId: 'U-E1', occurredOn: '2020-09-01' }, 'INVALID_FIELDS'],
  ['a NUL in an id', { type: 'DefineArea', areaId: 'X\u0000Y', kind: 'district', name: 'x' }, 'INVALID_FIELDS'],
  ['an unpaired surrogate in a name', { type: 'DefineArea', areaId: 'XY', kind: 'district', name: 'x\ud800y' }, 'INVALID_FIELDS'],
  ['a NUL in a list item', { type: 'LaunchCampaign', campaignId: 'K9', name: 'k', areaId: 'LG', targetJoins: 1, startsOn: '2021-01-01', endsOn: '2021-02-01', targetOccupations: ['快递员\u0000'] }, 'INVALID_FIELDS'],
];

/** Commands that break a rule of the domain (after VALID_COMMANDS): 422 and the code. */
const RULE_BREAKING: Array<[string, unknown, string]> = [
  ['an area defined twice', { type: 'DefineArea', areaId: 'LG', kind: 'district', name: 'x' }, 'AREA_ALREADY_DEFINED'],
  ['an area under an unknown parent', { type: 'DefineArea', areaId: 'X', kind: 'community', name: 'x', parentId: 'NOPE' }, 'UNKNOWN_AREA'],
  ['a community directly in a district', { type: 'DefineArea', areaId: 'X', kind: 'community', name: 'x', parentId: 'LG' }, 'AREA_HIERARCHY_VIOLATION'],
  ['an enterprise registered twice', { type: 'RegisterEnterprise', creditCode: E1, name: 'x', areaId: 'NK', headcount: 1, occurredOn: '2021-01-01' }, 'ENTERPRISE_ALREADY_REGISTERED'],
  ['an enterprise in an unknown area', { type: 'RegisterEnterprise', creditCode: creditCode(150), name: 'x', areaId: 'NOPE', headcount: 1, occurredOn: '2021-01-01' }, 'UNKNOWN_AREA'],
  ['a headcount of an unknown enterprise', { type: 'ReportHeadcount', creditCode: creditCode(151), headcount: 1, occurredOn: '2021-01-01' }, 'UNKNOWN_ENTERPRISE'],
  ['a headcount dated before registration', { type: 'ReportHeadcount', creditCode: E1, headcount: 1, occurredOn: '2019-12-31' }, 'DATE_BEFORE_REGISTRATION'],
  ['a headcount after closure', { type: 'ReportHeadcount', creditCode: E3, headcount: 1, occurredOn: '2021-06-01' }, 'ENTERPRISE_CLOSED'],
  ['a relocation to the area it is in', { type: 'RelocateEnterprise', creditCode: E1, areaId: 'NK', occurredOn: '2021-01-01' }, 'ENTERPRISE_ALREADY_IN_AREA'],
  ['a closure before recorded facts', { type: 'CloseEnterprise', creditCode: E2, occurredOn: '2020-07-10' }, 'ENTERPRISE_HAS_LATER_FACTS'],
  ['a second closure', { type: 'CloseEnterprise', creditCode: E3, occurredOn: '2021-05-01' }, 'ENTERPRISE_ALREADY_CLOSED'],
  ['a second own union', { type: 'FoundEnterpriseUnion', unionId: 'U-E1b', creditCode: E1, occurredOn: '2021-01-01' }, 'ENTERPRISE_ALREADY_HAS_UNION'],
  ['a union founded before its enterprise was registered', { type: 'FoundEnterpriseUnion', unionId: 'U-E2', creditCode: E2, occurredOn: '2019-06-01' }, 'DATE_BEFORE_REGISTRATION'],
  ['a union id in use', { type: 'FoundFederation', unionId: 'U-E1', name: 'x', scope: 'regional', areaId: 'NK', occurredOn: '2021-01-01' }, 'UNION_ALREADY_EXISTS'],
  ['a dissolved union dissolved again', { type: 'DissolveUnion', unionId: 'F-NK', occurredOn: '2021-06-01' }, 'UNION_ALREADY_DISSOLVED'],
  ['coverage by a dissolved federation', { type: 'CoverEnterprise', federationId: 'F-NK', creditCode: E2, occurredOn: '2021-06-01' }, 'UNION_NOT_ACTIVE'],
  ['coverage by an enterprise union', { type: 'CoverEnterprise', federationId: 'U-E1', creditCode: E2, occurredOn: '2021-01-01' }, 'NOT_A_FEDERATION'],
  ['a late coverage overlapping the one recorded', { type: 'CoverEnterprise', federationId: 'F-NK', creditCode: E3, occurredOn: '2020-06-01' }, 'ENTERPRISE_ALREADY_COVERED'],
  ['an uncover of an enterprise not covered', { type: 'UncoverEnterprise', federationId: 'F-NK', creditCode: E2, occurredOn: '2020-12-01' }, 'NOT_COVERED'],
  ['a join to an unknown union', { type: 'JoinUnion', memberId: 'M9', personId: residentId(9), name: 'x', unionId: 'NOPE', occurredOn: '2021-01-01' }, 'UNKNOWN_UNION'],
  ['a second membership of one person', { type: 'JoinUnion', memberId: 'M9', personId: P2, name: 'x', unionId: 'U-E1', occurredOn: '2021-01-01' }, 'PERSON_ALREADY_MEMBER'],
  ['a member id in use', { type: 'JoinUnion', memberId: 'M1', personId: residentId(9), name: 'x', unionId: 'U-E1', occurredOn: '2021-01-01' }, 'MEMBER_ALREADY_EXISTS'],
  ['a join outside its campaign', { type: 'JoinUnion', memberId: 'M9', personId: residentId(9), name: 'x', unionId: 'U-E1', campaignId: 'C1', occurredOn: '2021-01-01' }, 'DATE_OUTSIDE_CAMPAIGN'],
  ['a join at a ceremony on another day', { type: 'JoinUnion', memberId: 'M9', personId: residentId(9), name: 'x', unionId: 'U-E1', ceremonyId: 'K1', occurredOn: '2020-08-09' }, 'DATE_NOT_CEREMONY_DATE'],
  ['a join signed up in an unknown area', { type: 'JoinUnion', memberId: 'M9', personId: residentId(9), name: 'x', unionId: 'U-E1', areaId: 'NOPE', occurredOn: '2021-01-01' }, 'UNKNOWN_AREA'],
  ['a transfer of an unknown member', { type: 'TransferMembership', memberId: 'M404', toUnionId: 'U-E1', occurredOn: '2021-01-01' }, 'UNKNOWN_MEMBER'],
  ['a transfer after leaving', { type: 'TransferMembership', memberId: 'M1', toUnionId: 'U-E1', occurredOn: '2021-01-01' }, 'MEMBERSHIP_NOT_ACTIVE'],
  ['a transfer to the union already held', { type: 'TransferMembership', memberId: 'M2', toUnionId: 'U-E1', occurredOn: '2021-01-01' }, 'ALREADY_IN_UNION'],
  ['leaving before a later transfer', { type: 'LeaveUnion', memberId: 'M2', occurredOn: '2020-08-20' }, 'MEMBER_HAS_LATER_FACTS'],
  ['a campaign id in use', { type: 'LaunchCampaign', campaignId: 'C1', name: 'x', areaId: 'BJ', targetJoins: 1, startsOn: '2021-01-01', endsOn: '2021-01-31' }, 'CAMPAIGN_ALREADY_EXISTS'],
  ['a ceremony held by a district', { type: 'HoldCeremony', ceremonyId: 'K9', areaId: 'LG', occurredOn: '2021-01-01' }, 'CEREMONY_AREA_TOO_HIGH'],
  ['a ceremony for an unknown campaign', { type: 'HoldCeremony', ceremonyId: 'K9', areaId: 'BJ', occurredOn: '2021-01-01', campaignId: 'C404' }, 'UNKNOWN_CAMPAIGN'],
  ['a retention of a member who left', { type: 'RetainMembership', memberId: 'M1', reason: 'retired', occurredOn: '2021-01-01' }, 'MEMBERSHIP_NOT_ACTIVE'],
  ['a retention held by a dissolved union', { type: 'RetainMembership', memberId: 'M2', reason: 'unemployed', heldByUnionId: 'F-NK', occurredOn: '2021-06-01' }, 'UNION_NOT_ACTIVE'],
  ['a retention dated before a change of union', { type: 'RetainMembership', memberId: 'M2', reason: 'unemployed', occurredOn: '2021-04-01' }, 'MEMBER_HAS_LATER_FACTS'],
  ['a second retention', { type: 'RetainMembership', memberId: 'M4', reason: 'unemployed', occurredOn: '2021-03-01' }, 'MEMBERSHIP_ALREADY_RETAINED'],
  ['a transfer of a retained member', { type: 'TransferMembership', memberId: 'M4', toUnionId: 'F-BJ', occurredOn: '2021-03-01' }, 'MEMBERSHIP_RETAINED'],
  ['a resumption of a member not retained', { type: 'ResumeMembership', memberId: 'M2', unionId: 'U-E1', occurredOn: '2021-06-01' }, 'MEMBERSHIP_NOT_RETAINED'],
  ['a resumption dated before the retention', { type: 'ResumeMembership', memberId: 'M4', unionId: 'U-E1', occurredOn: '2021-01-15' }, 'DATE_BEFORE_RETENTION'],
  ['a resumption in a dissolved union', { type: 'ResumeMembership', memberId: 'M4', unionId: 'F-NK', occurredOn: '2021-06-01' }, 'UNION_NOT_ACTIVE'],
  ['a pass-up of a member no longer in the union', { type: 'PassMembershipUp', memberId: 'M2', fromUnionId: 'U-E1', toUnionId: 'F-BJ', reason: 'enterpriseClosed', occurredOn: '2021-06-01' }, 'MEMBERSHIP_NOT_IN_UNION'],
  ['a member flagged twice', { type: 'PassMembershipUp', memberId: 'M3', fromUnionId: 'U-E1', reason: 'enterpriseClosed', occurredOn: '2021-05-01' }, 'ALREADY_AWAITING_TRANSFER'],
  ['a pass-up to an enterprise union', { type: 'PassMembershipUp', memberId: 'M4', fromUnionId: 'U-E1', toUnionId: 'U-E1', reason: 'enterpriseClosed', occurredOn: '2021-03-01' }, 'NOT_A_FEDERATION'],
  ['a pass-up to a dissolved federation', { type: 'PassMembershipUp', memberId: 'M4', fromUnionId: 'U-E1', toUnionId: 'F-NK', reason: 'enterpriseClosed', occurredOn: '2021-06-01' }, 'UNION_NOT_ACTIVE'],
  ['a pass-up of an unknown member', { type: 'PassMembershipUp', memberId: 'M404', fromUnionId: 'U-E1', reason: 'enterpriseClosed', occurredOn: '2021-06-01' }, 'UNKNOWN_MEMBER'],
  ['a card number used before (revoked)', { type: 'IssueMemberCard', memberId: 'M3', cardNumber: 'SZ-000001', occurredOn: '2021-08-01' }, 'CARD_NUMBER_ALREADY_USED'],
  ['a card number used before, in other letter case', { type: 'IssueMemberCard', memberId: 'M2', cardNumber: 'sz-000002', occurredOn: '2021-08-01' }, 'CARD_NUMBER_ALREADY_USED'],
  ['a card for a member who left', { type: 'IssueMemberCard', memberId: 'M1', cardNumber: 'SZ-000020', occurredOn: '2021-08-01' }, 'MEMBERSHIP_NOT_ACTIVE'],
  ['a card for an unknown member', { type: 'IssueMemberCard', memberId: 'M404', cardNumber: 'SZ-000020', occurredOn: '2021-08-01' }, 'UNKNOWN_MEMBER'],
  ['a second valid card', { type: 'IssueMemberCard', memberId: 'M4', cardNumber: 'SZ-000011', occurredOn: '2021-08-01' }, 'CARD_ALREADY_ISSUED'],
  ['a replacement without a valid card', { type: 'ReplaceMemberCard', memberId: 'M3', newCardNumber: 'SZ-000020', occurredOn: '2021-08-01' }, 'NO_VALID_CARD'],
  ['a replacement by a used number', { type: 'ReplaceMemberCard', memberId: 'M4', newCardNumber: 'SZ-000001', occurredOn: '2021-08-01' }, 'CARD_NUMBER_ALREADY_USED'],
  ['a replacement dated before the card was issued', { type: 'ReplaceMemberCard', memberId: 'M4', newCardNumber: 'SZ-000020', occurredOn: '2021-02-01' }, 'CARD_HAS_LATER_FACTS'],
  ['a revocation without a valid card', { type: 'RevokeMemberCard', memberId: 'M3', occurredOn: '2021-08-01' }, 'NO_VALID_CARD'],
  ['outreach to an unknown enterprise', { type: 'RecordOutreach', creditCode: creditCode(152), step: 'visited', occurredOn: '2021-01-01' }, 'UNKNOWN_ENTERPRISE'],
];

function commandsSuite(backend: 'pglite' | 'postgres') {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(backend);
  });
  afterAll(() => api?.close());

  it('records every command of the contract, one at a time', async () => {
    for (const command of VALID_COMMANDS) {
      const { status, body } = await api.post('/api/commands', command);
      expect({ type: command.type, status }).toEqual({ type: command.type, status: 200 });
      expect(body).toMatchObject({ ok: true, type: command.type, commandId: expect.any(String) });
      expect(body.events.length).toBeGreaterThan(0);
    }
    expect(await api.eventCount()).toBeGreaterThanOrEqual(VALID_COMMANDS.length);
  });

  it('keeps the recorder, whom it was for and the command in each event metadata, and never the identity number nor, unsealed, the name', async () => {
    const union = await api.get('/api/health');
    expect(union.status).toBe(200);
    const { sql } = await import('kysely');
    const { DATABASE } = await import('#persistence/nest');
    const db = api.app.get(DATABASE).db;
    const rows = (await sql<{ metadata: any; data: any }>`select metadata, data from events where event_type = 'OwnUnionFounded'`.execute(db)).rows;
    // The recorder is the token's holder; the body's actor is kept as whom it was recorded for.
    expect(rows[0]!.metadata).toMatchObject({ actor: 'test admin', role: 'admin', tokenId: expect.any(String), onBehalfOf: 'cadre-1', commandType: 'FoundEnterpriseUnion', commandId: expect.any(String) });
    const all = (await sql<{ t: string }>`select data::text as t from events`.execute(db)).rows.map((r) => r.t).join('\n');
    expect(all).not.toContain(P1);
    // The name and the masked number are sealed with the person's key (docs/privacy.md): in the log only as ciphertext.
    expect(all).not.toContain(`${P1.slice(0, 6)}********${P1.slice(14)}`);
    expect(all).not.toContain('王五');
    const { body } = await api.get('/api/members/M1/history?asOf=2020-08-31');
    expect(body.state).toMatchObject({ name: '王五', personIdMasked: `${P1.slice(0, 6)}********${P1.slice(14)}` });
  });

  it.each(MALFORMED)('refuses %s with 400 and writes nothing', async (_, command, code) => {
    const before = await api.eventCount();
    const { status, body } = await api.post('/api/commands', command);
    expect({ status, error: body.error }).toEqual({ status: 400, error: code });
    expect(typeof body.message).toBe('string');
    expect(await api.eventCount()).toBe(before);
  });

  it('names the field a text or id is refused for, never its value', async () => {
    const { body } = await api.post('/api/commands', { type: 'DefineArea', areaId: 'L G', kind: 'district', name: '龙岗\u0007区' });
    expect(body.message).toContain('areaId must be 1–200 characters, without spaces or invisible characters');
    expect(body.message).toContain('name must not contain control characters');
    expect(body.message).not.toContain('龙岗');
  });

  it('refuses a body that is not JSON with 400', async () => {
    const { status, body } = await api.post('/api/commands', '{"type": "DefineArea",');
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'MALFORMED_COMMAND', message: expect.any(String) });
  });

  it.each(RULE_BREAKING)('refuses %s with 422 and writes nothing', async (_, command, code) => {
    const before = await api.eventCount();
    const { status, body } = await api.post('/api/commands', command);
    expect({ status, error: body.error }).toEqual({ status: 422, error: code });
    expect(typeof body.message).toBe('string');
    expect(await api.eventCount()).toBe(before);
  });

  it('answers a command sent again with the same commandId as the first time, recording nothing', async () => {
    const command = { type: 'ReportHeadcount', creditCode: E1, headcount: 130, occurredOn: '2021-06-30', commandId: 'report-E1-2021H1' };
    const first = await api.post('/api/commands', command);
    const before = await api.eventCount();
    const again = await api.post('/api/commands', command);
    expect(again).toEqual(first);
    expect(await api.eventCount()).toBe(before);
  });

  it('refuses a commandId reused for a different command with 409 COMMAND_ID_CONFLICT, alone or in an array, writing nothing', async () => {
    const first = { type: 'ReportHeadcount', creditCode: E1, headcount: 140, occurredOn: '2021-08-31', commandId: 'report-E1-2021-08' };
    expect((await api.post('/api/commands', first)).status).toBe(200);
    const before = await api.eventCount();
    // The same command, its fields in another order: a retry.
    const reordered = { occurredOn: '2021-08-31', commandId: 'report-E1-2021-08', headcount: 140, creditCode: E1, type: 'ReportHeadcount' };
    expect((await api.post('/api/commands', reordered)).status).toBe(200);
    const other = await api.post('/api/commands', { ...first, headcount: 141 });
    expect(other).toMatchObject({ status: 409, body: { error: 'COMMAND_ID_CONFLICT', message: expect.stringContaining('different command') } });
    const otherType = await api.post('/api/commands', { type: 'RecordOutreach', creditCode: E1, step: 'visited', occurredOn: '2021-08-31', commandId: 'report-E1-2021-08' });
    expect(otherType).toMatchObject({ status: 409, body: { error: 'COMMAND_ID_CONFLICT' } });
    const array = await api.post('/api/commands', [
      { type: 'ReportHeadcount', creditCode: E2, headcount: 28, occurredOn: '2021-08-31', commandId: 'array-id-1' },
      { type: 'ReportHeadcount', creditCode: E2, headcount: 29, occurredOn: '2021-08-31', commandId: 'array-id-1' },
      { ...first, headcount: 142 },
    ]);
    expect(array.body.map((r: { ok: boolean; error?: string }) => r.ok || r.error)).toEqual([true, 'COMMAND_ID_CONFLICT', 'COMMAND_ID_CONFLICT']);
    expect(await api.eventCount()).toBe(before + 1);
  });

  it('takes an array: one result per command, in order, each standing alone', async () => {
    const before = await api.eventCount();
    const { status, body } = await api.post('/api/commands', [
      { type: 'ReportHeadcount', creditCode: E1, headcount: 131, occurredOn: '2021-07-31' },
      { type: 'ReportHeadcount', creditCode: E1, headcount: 1, occurredOn: '2019-01-01' },
      { type: 'Nope' },
      { type: 'ReportHeadcount', creditCode: E2, headcount: 27, occurredOn: '2021-07-31' },
    ]);
    expect(status).toBe(200);
    expect(body.map((r: { ok: boolean; error?: string }) => r.ok || r.error)).toEqual([true, 'DATE_BEFORE_REGISTRATION', 'UNKNOWN_COMMAND_TYPE', true]);
    expect(body[1]).toEqual({ ok: false, error: 'DATE_BEFORE_REGISTRATION', message: expect.any(String) });
    expect(await api.eventCount()).toBe(before + 2);
  });

  it('lets exactly one of 50 concurrent joins of the same person through', async () => {
    const person = residentId(77, '19850615');
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api.post('/api/commands', { type: 'JoinUnion', memberId: `race-${i}`, personId: person, name: '骑手', unionId: 'U-E1', occurredOn: '2021-05-01' }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 200).map((a) => a.body.error)).toEqual(Array(49).fill('PERSON_ALREADY_MEMBER'));
  });

  it('keeps a card number on its own stream, named by a keyed hash of it: given once, retired when replaced, never reused, never in clear', async () => {
    const { sql } = await import('kysely');
    const { DATABASE } = await import('#persistence/nest');
    const { PERSONAL_DATA } = await import('#personal-data/nest');
    const db = api.app.get(DATABASE).db;
    const { personKeys } = api.app.get(PERSONAL_DATA);
    const streams = (await sql<{ stream_id: string; event_type: string }>`
      select stream_id, event_type from events where stream_id like 'card-%' order by global_position`.execute(db)).rows;
    for (const number of ['SZ-000001', 'SZ-000002']) {
      expect(streams.filter((r) => r.stream_id === `card-${personKeys.cardKeyOf(number)}`).map((r) => r.event_type)).toEqual(['CardNumberAssigned', 'CardNumberRetired']);
    }
    expect(streams.every((r) => /^card-[0-9a-f]{40}$/.test(r.stream_id))).toBe(true);
    const all = (await sql<{ t: string }>`select stream_id || ' ' || data::text as t from events`.execute(db)).rows.map((r) => r.t).join('\n');
    expect(all).not.toMatch(/SZ-00000[12]/i);
    const m3 = (await sql<{ event_type: string }>`select event_type from events where stream_id = 'member-M3' order by stream_revision`.execute(db)).rows;
    expect(m3.map((r) => r.event_type)).toEqual([
      'MemberJoined', 'MembershipRetained', 'MembershipResumed', 'MembershipAwaitingTransfer', 'MemberCardIssued', 'MemberCardReplaced', 'MemberCardRevoked',
    ]);
  });

  it('lets exactly one of 20 concurrent card issues of one number to different members through', async () => {
    for (let i = 0; i < 20; i++) {
      const { status } = await api.post('/api/commands', { type: 'JoinUnion', memberId: `card-race-${i}`, personId: residentId(100 + i, '19800101'), name: '会员', unionId: 'U-E1', occurredOn: '2021-05-01' });
      expect(status).toBe(200);
    }
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => api.post('/api/commands', { type: 'IssueMemberCard', memberId: `card-race-${i}`, cardNumber: 'SZ-RACE-01', occurredOn: '2021-06-01' })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 200).map((a) => a.body.error)).toEqual(Array(19).fill('CARD_NUMBER_ALREADY_USED'));
  });

  it('lets exactly one of 50 concurrent foundings of an own union for one enterprise through', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api.post('/api/commands', { type: 'FoundEnterpriseUnion', unionId: `U-E2-${i}`, creditCode: E2, occurredOn: '2021-05-01' }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 200).map((a) => a.body.error)).toEqual(Array(49).fill('ENTERPRISE_ALREADY_HAS_UNION'));
  });
}

describe('POST /api/commands [PGlite]', () => commandsSuite('pglite'));
describePostgres('POST /api/commands', () => commandsSuite('postgres'));
