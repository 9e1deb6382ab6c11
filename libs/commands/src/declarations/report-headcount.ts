import * as d from '#domain';
import { ALL_ENTERPRISES, declareCommand, key } from '../declaration.js';
import { CommandDto, Headcount, IsCreditCode, IsIsoDate } from '../validation/fields.js';
import { onEnterprise } from './load.js';

class ReportHeadcountDto extends CommandDto {
  @IsCreditCode() creditCode!: string;
  @Headcount() headcount!: number;
  @IsIsoDate() occurredOn!: string;
}

export const reportHeadcount = declareCommand<d.ReportHeadcount>({
  type: 'ReportHeadcount',
  dto: ReportHeadcountDto,
  streams: (c) => [d.enterpriseStream(c.creditCode)],
  decide: onEnterprise(d.decideReportHeadcount),
  keys: (raw) => ({ writes: key('enterprise', raw['creditCode']), reads: [ALL_ENTERPRISES] }),
  subjects: (c) => [{ enterprise: c.creditCode }],
  personal: [],
});
