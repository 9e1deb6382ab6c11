import { IsIn } from 'class-validator';
import * as d from '#domain';
import { declareCommand, key } from '../declaration.js';
import { CommandDto, Id, IsIsoDate, OptionalText, Text } from '../validation/fields.js';
import { loadUnion } from './load.js';

class FoundFederationDto extends CommandDto {
  @Id() unionId!: string;
  @Text() name!: string;
  @IsIn(d.FEDERATION_SCOPES) scope!: string;
  @Id() areaId!: string;
  @OptionalText() industry?: string;
  @IsIsoDate() occurredOn!: string;
}

export const foundFederation = declareCommand<d.FoundFederation>({
  type: 'FoundFederation',
  dto: FoundFederationDto,
  streams: (c) => [d.unionStream(c.unionId)],
  async decide(c, uow, { areas }) {
    const union = await loadUnion(uow, c.unionId);
    uow.append(d.unionStream(c.unionId), d.decideFoundFederation(c, union, (await areas.get(c.areaId)).defined));
  },
  keys: (raw) => ({ writes: key('union', raw['unionId']), reads: key('area', raw['areaId']) }),
  subjects: (c) => [{ area: c.areaId }],
  personal: [],
});
