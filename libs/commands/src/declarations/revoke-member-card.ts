import * as d from '#domain';
import { declareCommand, key } from '../declaration.js';
import { CommandDto, Id, IsIsoDate, OptionalText } from '../validation/fields.js';
import { loadCard, loadMember } from './load.js';

class RevokeMemberCardDto extends CommandDto {
  @Id() memberId!: string;
  @IsIsoDate() occurredOn!: string;
  @OptionalText() reason?: string;
}

export const revokeMemberCard = declareCommand<d.RevokeMemberCard>({
  type: 'RevokeMemberCard',
  dto: RevokeMemberCardDto,
  streams: (c) => [d.memberStream(c.memberId)],
  async decide(c, uow) {
    const member = await loadMember(uow, c.memberId);
    const decided = d.decideRevokeCard(c, member);
    await loadCard(uow, d.cardStream(decided.cardRef));
    uow.append(d.memberStream(c.memberId), decided.member);
    uow.append(d.cardStream(decided.cardRef), decided.card);
  },
  // The number revoked is the member's own card: only this member's commands touch its stream.
  keys: (raw) => ({ writes: key('member', raw['memberId']), reads: [] }),
  subjects: (c) => [{ member: c.memberId }],
  personal: [],
});
