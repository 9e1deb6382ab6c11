import { IsIn, IsOptional } from 'class-validator';
import * as d from '#domain';
import { declareCommand, key } from '../declaration.js';
import { CommandDto, Id, IsIsoDate } from '../validation/fields.js';
import { loadMember, loadUnion } from './load.js';

class PassMembershipUpDto extends CommandDto {
  @Id() memberId!: string;
  @Id() fromUnionId!: string;
  @IsOptional() @Id() toUnionId?: string;
  @IsIn(d.SUCCESSION_REASONS) reason!: string;
  @IsIsoDate() occurredOn!: string;
}

/** Issued by the membership-succession policy (libs/policies) when an enterprise closes or its union is dissolved. */
export const passMembershipUp = declareCommand<d.PassMembershipUp>({
  type: 'PassMembershipUp',
  dto: PassMembershipUpDto,
  streams: (c) => [d.memberStream(c.memberId), ...(c.toUnionId === undefined ? [] : [d.unionStream(c.toUnionId)])],
  async decide(c, uow) {
    const member = await loadMember(uow, c.memberId);
    const federation = c.toUnionId === undefined ? undefined : await loadUnion(uow, c.toUnionId);
    uow.append(
      d.memberStream(c.memberId),
      d.decidePassUp(c, member, federation && (() => void d.requireActiveFederation(federation, c.toUnionId!, c.occurredOn))),
    );
  },
  keys: (raw) => ({ writes: key('member', raw['memberId']), reads: [...key('union', raw['fromUnionId']), ...key('union', raw['toUnionId'])] }),
  subjects: (c) => [{ member: c.memberId }, ...(c.toUnionId === undefined ? [] : [{ union: c.toUnionId }])],
  personal: [],
});
