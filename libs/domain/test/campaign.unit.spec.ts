import {
  decideHoldCeremony,
  decideLaunchCampaign,
  evolveCampaign,
  evolveCeremony,
  initialCampaignState,
  initialCeremonyState,
  requireCampaignOn,
  requireCeremonyOn,
} from '../src/index.js';
import { expectRefusal, given } from './spec-helpers.js';

const launch = { type: 'LaunchCampaign' as const, campaignId: 'C1', name: '货车司机集中入会', areaId: 'LH', targetJoins: 1700, startsOn: '2023-05-01', endsOn: '2023-05-15', targetOccupations: ['货车司机'] };
const launched = given(evolveCampaign, initialCampaignState, decideLaunchCampaign(launch, initialCampaignState, true));

describe('LaunchCampaign', () => {
  it('records a drive with its area, period, target and target occupations', () => {
    expect(decideLaunchCampaign(launch, initialCampaignState, true)).toEqual([
      {
        type: 'CampaignLaunched',
        data: { campaignId: 'C1', name: '货车司机集中入会', areaId: 'LH', targetJoins: 1700, startsOn: '2023-05-01', endsOn: '2023-05-15', targetOccupations: ['货车司机'] },
      },
    ]);
  });
  it('refuses a campaign id in use and an unknown area', () => {
    expectRefusal(() => decideLaunchCampaign(launch, launched, true), 'CAMPAIGN_ALREADY_EXISTS');
    expectRefusal(() => decideLaunchCampaign(launch, initialCampaignState, false), 'UNKNOWN_AREA');
  });
  it('a join or ceremony refers to it only within its period', () => {
    expect(() => requireCampaignOn(launched, 'C1', '2023-05-15')).not.toThrow();
    expectRefusal(() => requireCampaignOn(launched, 'C1', '2023-05-16'), 'DATE_OUTSIDE_CAMPAIGN');
    expectRefusal(() => requireCampaignOn(initialCampaignState, 'C9', '2023-05-02'), 'UNKNOWN_CAMPAIGN');
  });
});

describe('HoldCeremony', () => {
  const hold = { type: 'HoldCeremony' as const, ceremonyId: 'K1', areaId: 'BJ', occurredOn: '2023-05-01', campaignId: 'C1' };
  it('records a ceremony held by a subdistrict or an area below it', () => {
    expect(decideHoldCeremony(hold, initialCeremonyState, 'subdistrict', () => requireCampaignOn(launched, 'C1', hold.occurredOn))).toEqual([
      { type: 'CeremonyHeld', data: { ceremonyId: 'K1', areaId: 'BJ', campaignId: 'C1', occurredOn: '2023-05-01' } },
    ]);
    expect(decideHoldCeremony({ ...hold, campaignId: undefined }, initialCeremonyState, 'community')).toHaveLength(1);
  });
  it('refuses an id in use, an unknown area, a district, and a campaign not running that day', () => {
    const held = given(evolveCeremony, initialCeremonyState, decideHoldCeremony(hold, initialCeremonyState, 'subdistrict'));
    expectRefusal(() => decideHoldCeremony(hold, held, 'subdistrict'), 'CEREMONY_ALREADY_EXISTS');
    expectRefusal(() => decideHoldCeremony(hold, initialCeremonyState, undefined), 'UNKNOWN_AREA');
    expectRefusal(() => decideHoldCeremony(hold, initialCeremonyState, 'district'), 'CEREMONY_AREA_TOO_HIGH');
    expectRefusal(() => decideHoldCeremony({ ...hold, occurredOn: '2023-06-01' }, initialCeremonyState, 'subdistrict', () => requireCampaignOn(launched, 'C1', '2023-06-01')), 'DATE_OUTSIDE_CAMPAIGN');
  });
  it('a join attributed to a ceremony happens on its date', () => {
    const held = given(evolveCeremony, initialCeremonyState, decideHoldCeremony(hold, initialCeremonyState, 'subdistrict'));
    expect(() => requireCeremonyOn(held, 'K1', '2023-05-01')).not.toThrow();
    expectRefusal(() => requireCeremonyOn(held, 'K1', '2023-05-02'), 'DATE_NOT_CEREMONY_DATE');
    expectRefusal(() => requireCeremonyOn(initialCeremonyState, 'K9', '2023-05-02'), 'UNKNOWN_CEREMONY');
  });
});
