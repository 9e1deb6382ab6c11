import { IsBoolean, IsOptional } from 'class-validator';
import * as d from '#domain';
import { ALL_PERSONS, declareCommand, key, type Subject } from '../declaration.js';
import { CommandDto, Id, IsIsoDate, IsResidentId, OptionalText, Text } from '../validation/fields.js';
import { loadCampaign, loadCeremony, loadUnion } from './load.js';

class JoinUnionDto extends CommandDto {
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

export const joinUnion = declareCommand<d.JoinUnion>({
  type: 'JoinUnion',
  dto: JoinUnionDto,
  streams: (c, { personKeys }) => [
    d.memberStream(c.memberId),
    d.personStream(personKeys.keyOf(c.personId)),
    d.unionStream(c.unionId),
    ...(c.campaignId ? [d.campaignStream(c.campaignId)] : []),
    ...(c.ceremonyId ? [d.ceremonyStream(c.ceremonyId)] : []),
  ],
  async decide(c, uow, { personKeys, areas }) {
    const personKey = personKeys.keyOf(c.personId);
    const member = await uow.load(d.memberStream(c.memberId), d.evolveMember, d.initialMemberState);
    const person = await uow.load(d.personStream(personKey), d.evolvePerson, d.initialPersonState);
    const union = await loadUnion(uow, c.unionId);
    const campaign = c.campaignId ? await loadCampaign(uow, c.campaignId) : undefined;
    const ceremony = c.ceremonyId ? await loadCeremony(uow, c.ceremonyId) : undefined;
    const area = c.areaId ? await areas.get(c.areaId) : undefined;
    const decided = d.decideJoin(c, member, person, {
      personKey,
      personIdMasked: d.maskResidentId(c.personId),
      requireUnion: () => void d.requireActiveUnion(union, c.unionId, c.occurredOn),
      ...(campaign && { requireCampaign: () => d.requireCampaignOn(campaign, c.campaignId!, c.occurredOn) }),
      ...(ceremony && { requireCeremony: () => d.requireCeremonyOn(ceremony, c.ceremonyId!, c.occurredOn) }),
      ...(area && { requireArea: () => d.requireDefinedArea(area, c.areaId!) }),
    });
    uow.append(d.memberStream(c.memberId), decided.member);
    uow.append(d.personStream(personKey), decided.person);
  },
  keys: (raw) => ({
    writes: [...key('member', raw['memberId']), ...key('person', raw['personId'])],
    reads: [...key('union', raw['unionId']), ...key('campaign', raw['campaignId']), ...key('ceremony', raw['ceremonyId']), ...key('area', raw['areaId']), ALL_PERSONS],
  }),
  subjects: (c) => [
    { union: c.unionId },
    ...(c.areaId ? [{ area: c.areaId } satisfies Subject] : []),
    ...(c.campaignId ? [{ campaign: c.campaignId, orWider: true } as const] : []),
    ...(c.ceremonyId ? [{ ceremony: c.ceremonyId, orWider: true } as const] : []),
  ],
  personal: ['personId', 'name'],
});
