import * as d from '#domain';
import { cardKey as cardOrderingKey, declareCommand, key } from '../declaration.js';
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
  streams: (c, { personKeys }) => [d.memberStream(c.memberId), ...d.cardStreamsOf(c.cardNumber, personKeys.cardKeyOf(c.cardNumber))],
  async decide(c, uow, { personKeys }) {
    const member = await loadMember(uow, c.memberId);
    const cardKey = personKeys.cardKeyOf(c.cardNumber);
    const [keyed, legacy] = d.cardStreamsOf(c.cardNumber, cardKey);
    const cards = [await loadCard(uow, keyed), await loadCard(uow, legacy)];
    const decided = d.decideIssueCard(c, member, cards, cardKey);
    uow.append(d.memberStream(c.memberId), decided.member);
    uow.append(keyed, decided.card);
  },
  keys: (raw) => ({ writes: [...key('member', raw['memberId']), ...cardOrderingKey(raw['cardNumber'])], reads: [] }),
  subjects: (c) => [{ member: c.memberId }],
  // A card number finds its holder: sealed with the holder's key (docs/privacy.md).
  personal: ['cardNumber'],
});
