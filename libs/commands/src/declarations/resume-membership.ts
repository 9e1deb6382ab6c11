import * as d from '#domain';
import { declareCommand, key } from '../declaration.js';
import { CommandDto, Id, IsIsoDate } from '../validation/fields.js';
import { loadMember, loadUnion } from './load.js';

class ResumeMembershipDto extends CommandDto {
  @Id() memberId!: string;
  @Id() unionId!: string;
  @IsIsoDate() occurredOn!: string;
}

export const resumeMembership = declareCommand<d.ResumeMembership>({
  type: 'ResumeMembership',
  dto: ResumeMembershipDto,
  streams: (c) => [d.memberStream(c.memberId), d.unionStream(c.unionId)],
  async decide(c, uow) {
    const member = await loadMember(uow, c.memberId);
    const union = await loadUnion(uow, c.unionId);
    uow.append(d.memberStream(c.memberId), d.decideResume(c, member, () => void d.requireActiveUnion(union, c.unionId, c.occurredOn)));
  },
  keys: (raw) => ({ writes: key('member', raw['memberId']), reads: key('union', raw['unionId']) }),
  subjects: (c) => [{ member: c.memberId }, { union: c.unionId }],
  personal: [],
});
