import { IsInt, Max, Min } from 'class-validator';
import * as d from '#domain';
import { declareCommand, key } from '../declaration.js';
import { CommandDto, Id, IsIsoDate, Text, TextList } from '../validation/fields.js';
import { loadCampaign } from './load.js';

class LaunchCampaignDto extends CommandDto {
  @Id() campaignId!: string;
  @Text() name!: string;
  @Id() areaId!: string;
  @IsInt() @Min(0) @Max(100_000_000) targetJoins!: number;
  @IsIsoDate() startsOn!: string;
  @IsIsoDate() endsOn!: string;
  @TextList(100) targetOccupations?: string[];
}

export const launchCampaign = declareCommand<d.LaunchCampaign>({
  type: 'LaunchCampaign',
  dto: LaunchCampaignDto,
  check: (c) => (c.endsOn < c.startsOn ? [`endsOn (${c.endsOn}) must not be before startsOn (${c.startsOn})`] : []),
  streams: (c) => [d.campaignStream(c.campaignId)],
  async decide(c, uow, { areas }) {
    const state = await loadCampaign(uow, c.campaignId);
    uow.append(d.campaignStream(c.campaignId), d.decideLaunchCampaign(c, state, (await areas.get(c.areaId)).defined));
  },
  keys: (raw) => ({ writes: key('campaign', raw['campaignId']), reads: key('area', raw['areaId']) }),
  subjects: (c) => [{ area: c.areaId }],
  personal: [],
});
