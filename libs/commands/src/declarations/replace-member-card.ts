import * as d from '#domain';
import { cardKey, declareCommand, key } from '../declaration.js';
import { CardNumber, CommandDto, Id, IsIsoDate, OptionalText } from '../validation/fields.js';
import { loadCard, loadMember } from './load.js';

class ReplaceMemberCardDto extends CommandDto {
  @Id() memberId!: string;
  @CardNumber() newCardNumber!: string;
  @IsIsoDate() occurredOn!: string;
  @OptionalText() reason?: string;
}

export const replaceMemberCard = declareCommand<d.ReplaceMemberCard>({
  type: 'ReplaceMemberCard',
  dto: ReplaceMemberCardDto,
  streams: (c) => [d.memberStream(c.memberId), d.cardStream(c.newCardNumber)],
  async decide(c, uow) {
    const member = await loadMember(uow, c.memberId);
    const card = await loadCard(uow, c.newCardNumber);
    const decided = d.decideReplaceCard(c, member, card);
    await loadCard(uow, decided.oldCardNumber);
    uow.append(d.memberStream(c.memberId), decided.member);
    uow.append(d.cardStream(c.newCardNumber), decided.newCard);
    uow.append(d.cardStream(decided.oldCardNumber), decided.oldCard);
  },
  keys: (raw) => ({ writes: [...key('member', raw['memberId']), ...cardKey(raw['newCardNumber'])], reads: [] }),
  subjects: (c) => [{ member: c.memberId }],
  personal: ['newCardNumber'],
});
