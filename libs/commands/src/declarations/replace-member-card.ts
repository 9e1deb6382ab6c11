import * as d from '#domain';
import { cardKey as cardOrderingKey, declareCommand, key } from '../declaration.js';
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
  streams: (c, { personKeys }) => [d.memberStream(c.memberId), ...d.cardStreamsOf(c.newCardNumber, personKeys.cardKeyOf(c.newCardNumber))],
  async decide(c, uow, { personKeys }) {
    const member = await loadMember(uow, c.memberId);
    const newCardKey = personKeys.cardKeyOf(c.newCardNumber);
    const [keyed, legacy] = d.cardStreamsOf(c.newCardNumber, newCardKey);
    const cards = [await loadCard(uow, keyed), await loadCard(uow, legacy)];
    const decided = d.decideReplaceCard(c, member, cards, newCardKey);
    await loadCard(uow, d.cardStream(decided.oldCardRef));
    uow.append(d.memberStream(c.memberId), decided.member);
    uow.append(keyed, decided.newCard);
    uow.append(d.cardStream(decided.oldCardRef), decided.oldCard);
  },
  keys: (raw) => ({ writes: [...key('member', raw['memberId']), ...cardOrderingKey(raw['newCardNumber'])], reads: [] }),
  subjects: (c) => [{ member: c.memberId }],
  // Sealed with the holder's key (docs/privacy.md).
  personal: ['newCardNumber'],
});
