import * as d from '#domain';
import { declareCommand, key } from '../declaration.js';
import { CommandDto, Id, IsIsoDate } from '../validation/fields.js';
import { loadMember, loadUnion } from './load.js';

class TransferMembershipDto extends CommandDto {
  @Id() memberId!: string;
  @Id() toUnionId!: string;
  @IsIsoDate() occurredOn!: string;
}

export const transferMembership = declareCommand<d.TransferMembership>({
  type: 'TransferMembership',
  dto: TransferMembershipDto,
  streams: (c) => [d.memberStream(c.memberId), d.unionStream(c.toUnionId)],
  async decide(c, uow) {
    const member = await loadMember(uow, c.memberId);
    const toUnion = await loadUnion(uow, c.toUnionId);
    uow.append(d.memberStream(c.memberId), d.decideTransfer(c, member, () => void d.requireActiveUnion(toUnion, c.toUnionId, c.occurredOn)));
  },
  keys: (raw) => ({ writes: key('member', raw['memberId']), reads: key('union', raw['toUnionId']) }),
  subjects: (c) => [{ member: c.memberId }, { union: c.toUnionId }],
  personal: [],
});
