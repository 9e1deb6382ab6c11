import * as d from '#domain';
import { ALL_ENTERPRISES, declareCommand, key } from '../declaration.js';
import { CommandDto, Id, IsIsoDate } from '../validation/fields.js';
import { loadEnterprise, loadUnion } from './load.js';

class DissolveUnionDto extends CommandDto {
  @Id() unionId!: string;
  @IsIsoDate() occurredOn!: string;
}

export const dissolveUnion = declareCommand<d.DissolveUnion>({
  type: 'DissolveUnion',
  dto: DissolveUnionDto,
  streams: (c) => [d.unionStream(c.unionId)],
  async decide(c, uow) {
    const union = await loadUnion(uow, c.unionId);
    uow.append(d.unionStream(c.unionId), d.decideDissolveUnion(c, union));
    if (union.kind === 'enterprise') {
      await loadEnterprise(uow, union.creditCode);
      uow.append(d.enterpriseStream(union.creditCode), d.decideDissolveOwnUnion(union.creditCode, c.unionId, c.occurredOn));
    }
  },
  // An enterprise's own union: its dissolution writes to the enterprise, which the command does not name.
  keys: (raw) => ({ writes: [...key('union', raw['unionId']), ALL_ENTERPRISES], reads: [] }),
  subjects: (c) => [{ union: c.unionId }],
  personal: [],
});
