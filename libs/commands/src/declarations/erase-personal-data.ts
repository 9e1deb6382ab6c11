import { IsIn, IsOptional } from 'class-validator';
import * as d from '#domain';
import { ALL_PERSONS, declareCommand, key } from '../declaration.js';
import { CommandDto, Id, IsIsoDate, IsResidentId, OptionalText } from '../validation/fields.js';
import { loadMember } from './load.js';

class ErasePersonalDataDto extends CommandDto {
  @IsOptional() @Id() memberId?: string;
  @IsOptional() @IsResidentId() personId?: string;
  @IsIn(d.ERASURE_BASES) legalBasis!: string;
  @OptionalText() reference?: string;
  @IsIsoDate() occurredOn!: string;
}

/**
 * Erasure (admin only, docs/privacy.md): finds the person — by one of their
 * memberships or by their identity number — and every membership they held,
 * then destroys the person's key and records a PersonalDataErased fact on
 * each membership. The one decision with an effect outside the log: the key
 * is destroyed once the erasure is decided, before its facts are appended,
 * so a failure in between leaves the person erased and sending the command
 * again records the facts (destroying nothing twice).
 */
export const erasePersonalData = declareCommand<d.ErasePersonalData>({
  type: 'ErasePersonalData',
  dto: ErasePersonalDataDto,
  check: (c) => ((c.memberId === undefined) === (c.personId === undefined) ? ['give either memberId or personId, not both'] : []),
  streams: (c, { personKeys }) => (c.memberId !== undefined ? [d.memberStream(c.memberId)] : [d.personStream(personKeys.keyOf(c.personId!))]),
  async decide(c, uow, { personKeys, vault }) {
    const named = c.memberId !== undefined ? await loadMember(uow, c.memberId) : undefined;
    const personKey = named ? (named.status === 'member' ? named.personKey : undefined) : personKeys.keyOf(c.personId!);
    const person = personKey ? await uow.load(d.personStream(personKey), d.evolvePerson, d.initialPersonState) : d.initialPersonState;
    const memberIds = [...new Set([...(c.memberId !== undefined ? [c.memberId] : []), ...person.spells.map((s) => s.memberId)])];
    // Joins recorded before sealing hold the name in clear in the log: erasure cannot remove it (docs/privacy.md, old logs).
    const inClear = new Set(await vault.streamsInClear(memberIds.map(d.memberStream)));
    const members = [];
    for (const memberId of memberIds) {
      members.push({ memberId, state: await loadMember(uow, memberId), recordedInClear: inClear.has(d.memberStream(memberId)) });
    }
    const decided = d.decideErasure(c, members);
    await vault.erase(personKey!);
    for (const { memberId, events } of decided) uow.append(d.memberStream(memberId), events);
  },
  keys: (raw) => ({ writes: [...key('member', raw['memberId']), ...key('person', raw['personId']), ALL_PERSONS], reads: [] }),
  // Admin only (roles.ts): an admin's scope is the whole store.
  subjects: (c) => (c.memberId !== undefined ? [{ member: c.memberId }] : []),
  personal: ['personId'],
  destroysKeys: true,
});
