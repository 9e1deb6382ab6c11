import * as d from '#domain';
import { cardKey, declareCommand, key } from '../declaration.js';
import { CardNumber, CommandDto, Id, IsIsoDate } from '../validation/fields.js';
import { loadCard, loadMember } from './load.js';

class IssueMemberCardDto extends CommandDto {
  @Id() memberId!: string;
  @CardNumber() cardNumber!: string;
  @IsIsoDate() occurredOn!: string;
}

export const issueMemberCard = declareCommand<d.IssueMemberCard>({
  type: 'IssueMemberCard',
  dto: IssueMemberCardDto,
  streams: (c) => [d.memberStream(c.memberId), d.cardStream(c.cardNumber)],
  async decide(c, uow) {
    const member = await loadMember(uow, c.memberId);
    const card = await loadCard(uow, c.cardNumber);
    const decided = d.decideIssueCard(c, member, card);
    uow.append(d.memberStream(c.memberId), decided.member);
    uow.append(d.cardStream(c.cardNumber), decided.card);
  },
  keys: (raw) => ({ writes: [...key('member', raw['memberId']), ...cardKey(raw['cardNumber'])], reads: [] }),
  subjects: (c) => [{ member: c.memberId }],
  // A card number finds its holder.
  personal: ['cardNumber'],
});
