import { IsIn, IsOptional } from 'class-validator';
import * as d from '#domain';
import { declareCommand, key } from '../declaration.js';
import { CommandDto, Id, IsIsoDate } from '../validation/fields.js';
import { loadMember, loadUnion } from './load.js';

class RetainMembershipDto extends CommandDto {
  @Id() memberId!: string;
  @IsIn(d.RETENTION_REASONS) reason!: string;
  @IsIsoDate() occurredOn!: string;
  @IsOptional() @Id() heldByUnionId?: string;
}

export const retainMembership = declareCommand<d.RetainMembership>({
  type: 'RetainMembership',
  dto: RetainMembershipDto,
  streams: (c) => [d.memberStream(c.memberId), ...(c.heldByUnionId === undefined ? [] : [d.unionStream(c.heldByUnionId)])],
  async decide(c, uow) {
    const member = await loadMember(uow, c.memberId);
    const heldBy = c.heldByUnionId === undefined ? undefined : await loadUnion(uow, c.heldByUnionId);
    uow.append(
      d.memberStream(c.memberId),
      d.decideRetain(c, member, heldBy ? { requireHeldBy: () => void d.requireActiveUnion(heldBy, c.heldByUnionId!, c.occurredOn) } : {}),
    );
  },
  keys: (raw) => ({ writes: key('member', raw['memberId']), reads: key('union', raw['heldByUnionId']) }),
  subjects: (c) => [{ member: c.memberId }, ...(c.heldByUnionId === undefined ? [] : [{ union: c.heldByUnionId }])],
  personal: [],
});
