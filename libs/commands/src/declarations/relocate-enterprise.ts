import * as d from '#domain';
import { ALL_ENTERPRISES, declareCommand, key } from '../declaration.js';
import { CommandDto, Id, IsCreditCode, IsIsoDate } from '../validation/fields.js';
import { loadEnterprise } from './load.js';

class RelocateEnterpriseDto extends CommandDto {
  @IsCreditCode() creditCode!: string;
  @Id() areaId!: string;
  @IsIsoDate() occurredOn!: string;
}

export const relocateEnterprise = declareCommand<d.RelocateEnterprise>({
  type: 'RelocateEnterprise',
  dto: RelocateEnterpriseDto,
  streams: (c) => [d.enterpriseStream(c.creditCode)],
  async decide(c, uow, { areas }) {
    const state = await loadEnterprise(uow, c.creditCode);
    uow.append(d.enterpriseStream(c.creditCode), d.decideRelocate(c, state, (await areas.get(c.areaId)).defined));
  },
  keys: (raw) => ({ writes: key('enterprise', raw['creditCode']), reads: [...key('area', raw['areaId']), ALL_ENTERPRISES] }),
  // Where it leaves and where it goes.
  subjects: (c) => [{ enterprise: c.creditCode }, { area: c.areaId }],
  personal: [],
});
