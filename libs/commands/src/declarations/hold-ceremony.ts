import * as d from '#domain';
import { IsOptional } from 'class-validator';
import { declareCommand, key } from '../declaration.js';
import { CommandDto, Id, IsIsoDate } from '../validation/fields.js';
import { loadCampaign, loadCeremony } from './load.js';

class HoldCeremonyDto extends CommandDto {
  @Id() ceremonyId!: string;
  @Id() areaId!: string;
  @IsIsoDate() occurredOn!: string;
  @IsOptional() @Id() campaignId?: string;
}

export const holdCeremony = declareCommand<d.HoldCeremony>({
  type: 'HoldCeremony',
  dto: HoldCeremonyDto,
  streams: (c) => [d.ceremonyStream(c.ceremonyId), ...(c.campaignId ? [d.campaignStream(c.campaignId)] : [])],
  async decide(c, uow, { areas }) {
    const state = await loadCeremony(uow, c.ceremonyId);
    const area = await areas.get(c.areaId);
    const campaign = c.campaignId ? await loadCampaign(uow, c.campaignId) : undefined;
    uow.append(
      d.ceremonyStream(c.ceremonyId),
      d.decideHoldCeremony(c, state, area.defined ? area.kind : undefined, campaign && (() => d.requireCampaignOn(campaign, c.campaignId!, c.occurredOn))),
    );
  },
  keys: (raw) => ({ writes: key('ceremony', raw['ceremonyId']), reads: [...key('area', raw['areaId']), ...key('campaign', raw['campaignId'])] }),
  subjects: (c) => [{ area: c.areaId }, ...(c.campaignId ? [{ campaign: c.campaignId, orWider: true } as const] : [])],
  personal: [],
});
