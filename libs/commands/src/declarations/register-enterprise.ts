import { IsBoolean, IsOptional } from 'class-validator';
import * as d from '#domain';
import { ALL_ENTERPRISES, declareCommand, key } from '../declaration.js';
import { CommandDto, Headcount, Id, IsCreditCode, IsIsoDate, Text } from '../validation/fields.js';
import { loadEnterprise } from './load.js';

class RegisterEnterpriseDto extends CommandDto {
  @IsCreditCode() creditCode!: string;
  @Text() name!: string;
  @Id() areaId!: string;
  @Headcount() headcount!: number;
  @IsOptional() @IsBoolean() newForm?: boolean;
  @IsIsoDate() occurredOn!: string;
}

export const registerEnterprise = declareCommand<d.RegisterEnterprise>({
  type: 'RegisterEnterprise',
  dto: RegisterEnterpriseDto,
  streams: (c) => [d.enterpriseStream(c.creditCode)],
  async decide(c, uow, { areas }) {
    const state = await loadEnterprise(uow, c.creditCode);
    uow.append(d.enterpriseStream(c.creditCode), d.decideRegister(c, state, (await areas.get(c.areaId)).defined));
  },
  keys: (raw) => ({ writes: key('enterprise', raw['creditCode']), reads: [...key('area', raw['areaId']), ALL_ENTERPRISES] }),
  subjects: (c) => [{ area: c.areaId }],
  personal: [],
});
