import { IsIn } from 'class-validator';
import * as d from '#domain';
import { ALL_ENTERPRISES, declareCommand, key } from '../declaration.js';
import { CommandDto, IsCreditCode, IsIsoDate } from '../validation/fields.js';
import { onEnterprise } from './load.js';

class RecordOutreachDto extends CommandDto {
  @IsCreditCode() creditCode!: string;
  @IsIn(d.OUTREACH_STEPS) step!: string;
  @IsIsoDate() occurredOn!: string;
}

export const recordOutreach = declareCommand<d.RecordOutreach>({
  type: 'RecordOutreach',
  dto: RecordOutreachDto,
  streams: (c) => [d.enterpriseStream(c.creditCode)],
  decide: onEnterprise(d.decideRecordOutreach),
  keys: (raw) => ({ writes: key('enterprise', raw['creditCode']), reads: [ALL_ENTERPRISES] }),
  subjects: (c) => [{ enterprise: c.creditCode }],
  personal: [],
});
