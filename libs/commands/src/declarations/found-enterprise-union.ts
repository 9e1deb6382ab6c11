import * as d from '#domain';
import { ALL_ENTERPRISES, declareCommand, key } from '../declaration.js';
import { CommandDto, Id, IsCreditCode, IsIsoDate } from '../validation/fields.js';
import { loadEnterprise, loadUnion } from './load.js';

class FoundEnterpriseUnionDto extends CommandDto {
  @Id() unionId!: string;
  @IsCreditCode() creditCode!: string;
  @IsIsoDate() occurredOn!: string;
}

export const foundEnterpriseUnion = declareCommand<d.FoundEnterpriseUnion>({
  type: 'FoundEnterpriseUnion',
  dto: FoundEnterpriseUnionDto,
  streams: (c) => [d.unionStream(c.unionId), d.enterpriseStream(c.creditCode)],
  async decide(c, uow) {
    const union = await loadUnion(uow, c.unionId);
    const unionEvents = d.decideFoundEnterpriseUnion(c, union);
    const enterprise = await loadEnterprise(uow, c.creditCode);
    uow.append(d.enterpriseStream(c.creditCode), d.decideFoundOwnUnion(c, enterprise));
    uow.append(d.unionStream(c.unionId), unionEvents);
  },
  keys: (raw) => ({ writes: [...key('union', raw['unionId']), ...key('enterprise', raw['creditCode'])], reads: [ALL_ENTERPRISES] }),
  subjects: (c) => [{ enterprise: c.creditCode }],
  personal: [],
});
