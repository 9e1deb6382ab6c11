import * as d from '#domain';
import { ALL_ENTERPRISES, declareCommand, key } from '../declaration.js';
import { CommandDto, IsCreditCode, IsIsoDate } from '../validation/fields.js';
import { onEnterprise } from './load.js';

class CloseEnterpriseDto extends CommandDto {
  @IsCreditCode() creditCode!: string;
  @IsIsoDate() occurredOn!: string;
}

export const closeEnterprise = declareCommand<d.CloseEnterprise>({
  type: 'CloseEnterprise',
  dto: CloseEnterpriseDto,
  streams: (c) => [d.enterpriseStream(c.creditCode)],
  decide: onEnterprise(d.decideClose),
  keys: (raw) => ({ writes: key('enterprise', raw['creditCode']), reads: [ALL_ENTERPRISES] }),
  subjects: (c) => [{ enterprise: c.creditCode }],
  personal: [],
});
