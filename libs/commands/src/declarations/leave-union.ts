import * as d from '#domain';
import { ALL_PERSONS, declareCommand, key } from '../declaration.js';
import { CommandDto, Id, IsIsoDate, OptionalText } from '../validation/fields.js';
import { loadMember } from './load.js';

class LeaveUnionDto extends CommandDto {
  @Id() memberId!: string;
  @IsIsoDate() occurredOn!: string;
  @OptionalText() reason?: string;
}

export const leaveUnion = declareCommand<d.LeaveUnion>({
  type: 'LeaveUnion',
  dto: LeaveUnionDto,
  streams: (c) => [d.memberStream(c.memberId)],
  async decide(c, uow) {
    const member = await loadMember(uow, c.memberId);
    const decided = d.decideLeave(c, member);
    await uow.load(d.personStream(decided.personKey), d.evolvePerson, d.initialPersonState);
    uow.append(d.memberStream(c.memberId), decided.member);
    uow.append(d.personStream(decided.personKey), decided.person);
  },
  // It frees a person whose id the command does not carry.
  keys: (raw) => ({ writes: [...key('member', raw['memberId']), ALL_PERSONS], reads: [] }),
  subjects: (c) => [{ member: c.memberId }],
  personal: [],
});
