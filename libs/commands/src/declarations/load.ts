import * as d from '#domain';
import type { UnitOfWork } from '../execution/unit-of-work.js';

/** Loading a stream folded into its state: what several declarations share. */
export const loadEnterprise = (uow: UnitOfWork, creditCode: string) =>
  uow.load(d.enterpriseStream(creditCode), d.evolveEnterprise, d.initialEnterpriseState);
export const loadUnion = (uow: UnitOfWork, unionId: string) => uow.load(d.unionStream(unionId), d.evolveUnion, d.initialUnionState);
export const loadMember = (uow: UnitOfWork, memberId: string) => uow.load(d.memberStream(memberId), d.evolveMember, d.initialMemberState);
/** A card number's stream, by name (d.cardStream, d.cardStreamsOf). */
export const loadCard = (uow: UnitOfWork, streamId: string) => uow.load(streamId, d.evolveCard, d.initialCardState);
export const loadCampaign = (uow: UnitOfWork, campaignId: string) =>
  uow.load(d.campaignStream(campaignId), d.evolveCampaign, d.initialCampaignState);
export const loadCeremony = (uow: UnitOfWork, ceremonyId: string) =>
  uow.load(d.ceremonyStream(ceremonyId), d.evolveCeremony, d.initialCeremonyState);

/** Dissolution dates of the federations named in the enterprise's coverage spells. */
export async function federationEnds(uow: UnitOfWork, state: d.EnterpriseState): Promise<(id: string) => string | null> {
  const ends = new Map<string, string | null>();
  if (state.status === 'registered') {
    for (const id of new Set(state.coverages.map((s) => s.id))) {
      const union = await loadUnion(uow, id);
      ends.set(id, union.kind === 'none' ? null : union.dissolvedOn);
    }
  }
  return (id) => ends.get(id) ?? null;
}

/** A decision about the enterprise alone: load it, decide with a pure enterprise decider, stage. */
export function onEnterprise<C extends { creditCode: string }>(decide: (c: C, s: d.EnterpriseState) => d.EnterpriseEvent[]) {
  return async (c: C, uow: UnitOfWork): Promise<void> => {
    uow.append(d.enterpriseStream(c.creditCode), decide(c, await loadEnterprise(uow, c.creditCode)));
  };
}
