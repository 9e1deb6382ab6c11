import * as d from '#domain';
import type { AreaDirectory } from '../execution/area-directory.js';
import type { PersonKeys } from '../execution/person-key.js';
import type { UnitOfWork } from '../execution/unit-of-work.js';
import type { CommandType } from '../validation/command-dtos.js';
import type { EngineCommand } from '../validation/validate-command.js';

/**
 * One handler per command of the contract: load the streams the decision
 * needs, call the pure decider, stage the events. No rule lives here — the
 * rules are in libs/domain; this is only which streams and which facts.
 */
export interface HandlerDeps {
  readonly areas: AreaDirectory;
  readonly personKeys: PersonKeys;
}

type Handler<C> = (command: C, uow: UnitOfWork, deps: HandlerDeps) => Promise<void>;
type Of<T extends CommandType> = Extract<EngineCommand, { type: T }>;

const loadEnterprise = (uow: UnitOfWork, creditCode: string) =>
  uow.load(d.enterpriseStream(creditCode), d.evolveEnterprise, d.initialEnterpriseState);
const loadUnion = (uow: UnitOfWork, unionId: string) => uow.load(d.unionStream(unionId), d.evolveUnion, d.initialUnionState);
const loadMember = (uow: UnitOfWork, memberId: string) => uow.load(d.memberStream(memberId), d.evolveMember, d.initialMemberState);
const loadCard = (uow: UnitOfWork, cardNumber: string) => uow.load(d.cardStream(cardNumber), d.evolveCard, d.initialCardState);

/** Loads the enterprise, decides with a pure enterprise decider, stages. */
function onEnterprise<C extends { creditCode: string }>(decide: (c: C, s: d.EnterpriseState) => d.EnterpriseEvent[]): Handler<C> {
  return async (c, uow) => {
    const stream = d.enterpriseStream(c.creditCode);
    uow.append(stream, decide(c, await loadEnterprise(uow, c.creditCode)));
  };
}

/** Dissolution dates of the federations named in the enterprise's coverage spells. */
async function federationEnds(uow: UnitOfWork, state: d.EnterpriseState): Promise<(id: string) => string | null> {
  const ends = new Map<string, string | null>();
  if (state.status === 'registered') {
    for (const id of new Set(state.coverages.map((s) => s.id))) {
      const union = await loadUnion(uow, id);
      ends.set(id, union.kind === 'none' ? null : union.dissolvedOn);
    }
  }
  return (id) => ends.get(id) ?? null;
}

export const HANDLERS: { [T in CommandType]: Handler<Of<T>> } = {
  async DefineArea(c, uow, { areas }) {
    const state = await uow.load(d.areaStream(c.areaId), d.evolveArea, d.initialAreaState);
    const parent = c.parentId ? await areas.get(c.parentId) : undefined;
    uow.append(d.areaStream(c.areaId), d.decideDefineArea(c, state, parent));
  },

  async RegisterEnterprise(c, uow, { areas }) {
    const state = await loadEnterprise(uow, c.creditCode);
    uow.append(d.enterpriseStream(c.creditCode), d.decideRegister(c, state, (await areas.get(c.areaId)).defined));
  },

  ReportHeadcount: onEnterprise(d.decideReportHeadcount),
  CloseEnterprise: onEnterprise(d.decideClose),
  RecordOutreach: onEnterprise(d.decideRecordOutreach),

  async RelocateEnterprise(c, uow, { areas }) {
    const state = await loadEnterprise(uow, c.creditCode);
    uow.append(d.enterpriseStream(c.creditCode), d.decideRelocate(c, state, (await areas.get(c.areaId)).defined));
  },

  async FoundEnterpriseUnion(c, uow) {
    const union = await loadUnion(uow, c.unionId);
    const unionEvents = d.decideFoundEnterpriseUnion(c, union);
    const enterprise = await loadEnterprise(uow, c.creditCode);
    uow.append(d.enterpriseStream(c.creditCode), d.decideFoundOwnUnion(c, enterprise));
    uow.append(d.unionStream(c.unionId), unionEvents);
  },

  async FoundFederation(c, uow, { areas }) {
    const union = await loadUnion(uow, c.unionId);
    uow.append(d.unionStream(c.unionId), d.decideFoundFederation(c, union, (await areas.get(c.areaId)).defined));
  },

  async DissolveUnion(c, uow) {
    const union = await loadUnion(uow, c.unionId);
    uow.append(d.unionStream(c.unionId), d.decideDissolveUnion(c, union));
    if (union.kind === 'enterprise') {
      await loadEnterprise(uow, union.creditCode);
      uow.append(d.enterpriseStream(union.creditCode), d.decideDissolveOwnUnion(union.creditCode, c.unionId, c.occurredOn));
    }
  },

  async CoverEnterprise(c, uow, { areas }) {
    const federation = d.requireActiveFederation(await loadUnion(uow, c.federationId), c.federationId, c.occurredOn);
    const enterprise = await loadEnterprise(uow, c.creditCode);
    const lineages = new Map<string, string[]>();
    if (enterprise.status === 'registered') {
      for (const { areaId } of enterprise.locations) lineages.set(areaId, await areas.lineage(areaId));
    }
    const dissolvedOn = await federationEnds(uow, enterprise);
    uow.append(
      d.enterpriseStream(c.creditCode),
      d.decideCover(c, enterprise, {
        federation,
        dissolvedOn,
        isWithin: (areaId, ancestorId) => (lineages.get(areaId) ?? []).includes(ancestorId),
      }),
    );
  },

  async UncoverEnterprise(c, uow) {
    const enterprise = await loadEnterprise(uow, c.creditCode);
    const dissolvedOn = await federationEnds(uow, enterprise);
    uow.append(d.enterpriseStream(c.creditCode), d.decideUncover(c, enterprise, { dissolvedOn }));
  },

  async JoinUnion(c, uow, { personKeys, areas }) {
    const personKey = personKeys.keyOf(c.personId);
    const member = await uow.load(d.memberStream(c.memberId), d.evolveMember, d.initialMemberState);
    const person = await uow.load(d.personStream(personKey), d.evolvePerson, d.initialPersonState);
    const union = await loadUnion(uow, c.unionId);
    const campaign = c.campaignId ? await uow.load(d.campaignStream(c.campaignId), d.evolveCampaign, d.initialCampaignState) : undefined;
    const ceremony = c.ceremonyId ? await uow.load(d.ceremonyStream(c.ceremonyId), d.evolveCeremony, d.initialCeremonyState) : undefined;
    const area = c.areaId ? await areas.get(c.areaId) : undefined;
    const decided = d.decideJoin(c, member, person, {
      personKey,
      personIdMasked: d.maskResidentId(c.personId),
      requireUnion: () => void d.requireActiveUnion(union, c.unionId, c.occurredOn),
      ...(campaign && { requireCampaign: () => d.requireCampaignOn(campaign, c.campaignId!, c.occurredOn) }),
      ...(ceremony && { requireCeremony: () => d.requireCeremonyOn(ceremony, c.ceremonyId!, c.occurredOn) }),
      ...(area && { requireArea: () => void (area.defined || d.refuse('UNKNOWN_AREA', `area "${c.areaId}" is not defined`)) }),
    });
    uow.append(d.memberStream(c.memberId), decided.member);
    uow.append(d.personStream(personKey), decided.person);
  },

  async TransferMembership(c, uow) {
    const member = await uow.load(d.memberStream(c.memberId), d.evolveMember, d.initialMemberState);
    const toUnion = await loadUnion(uow, c.toUnionId);
    uow.append(
      d.memberStream(c.memberId),
      d.decideTransfer(c, member, () => void d.requireActiveUnion(toUnion, c.toUnionId, c.occurredOn)),
    );
  },

  async LeaveUnion(c, uow) {
    const member = await uow.load(d.memberStream(c.memberId), d.evolveMember, d.initialMemberState);
    const decided = d.decideLeave(c, member);
    await uow.load(d.personStream(decided.personKey), d.evolvePerson, d.initialPersonState);
    uow.append(d.memberStream(c.memberId), decided.member);
    uow.append(d.personStream(decided.personKey), decided.person);
  },

  async RetainMembership(c, uow) {
    const member = await loadMember(uow, c.memberId);
    const heldBy = c.heldByUnionId === undefined ? undefined : await loadUnion(uow, c.heldByUnionId);
    uow.append(
      d.memberStream(c.memberId),
      d.decideRetain(c, member, heldBy ? { requireHeldBy: () => void d.requireActiveUnion(heldBy, c.heldByUnionId!, c.occurredOn) } : {}),
    );
  },

  async ResumeMembership(c, uow) {
    const member = await loadMember(uow, c.memberId);
    const union = await loadUnion(uow, c.unionId);
    uow.append(d.memberStream(c.memberId), d.decideResume(c, member, () => void d.requireActiveUnion(union, c.unionId, c.occurredOn)));
  },

  async PassMembershipUp(c, uow) {
    const member = await loadMember(uow, c.memberId);
    const federation = c.toUnionId === undefined ? undefined : await loadUnion(uow, c.toUnionId);
    uow.append(
      d.memberStream(c.memberId),
      d.decidePassUp(c, member, federation && (() => void d.requireActiveFederation(federation, c.toUnionId!, c.occurredOn))),
    );
  },

  async IssueMemberCard(c, uow) {
    const member = await loadMember(uow, c.memberId);
    const card = await loadCard(uow, c.cardNumber);
    const decided = d.decideIssueCard(c, member, card);
    uow.append(d.memberStream(c.memberId), decided.member);
    uow.append(d.cardStream(c.cardNumber), decided.card);
  },

  async ReplaceMemberCard(c, uow) {
    const member = await loadMember(uow, c.memberId);
    const card = await loadCard(uow, c.newCardNumber);
    const decided = d.decideReplaceCard(c, member, card);
    await loadCard(uow, decided.oldCardNumber);
    uow.append(d.memberStream(c.memberId), decided.member);
    uow.append(d.cardStream(c.newCardNumber), decided.newCard);
    uow.append(d.cardStream(decided.oldCardNumber), decided.oldCard);
  },

  async RevokeMemberCard(c, uow) {
    const member = await loadMember(uow, c.memberId);
    const decided = d.decideRevokeCard(c, member);
    await loadCard(uow, decided.cardNumber);
    uow.append(d.memberStream(c.memberId), decided.member);
    uow.append(d.cardStream(decided.cardNumber), decided.card);
  },

  async LaunchCampaign(c, uow, { areas }) {
    const state = await uow.load(d.campaignStream(c.campaignId), d.evolveCampaign, d.initialCampaignState);
    uow.append(d.campaignStream(c.campaignId), d.decideLaunchCampaign(c, state, (await areas.get(c.areaId)).defined));
  },

  async HoldCeremony(c, uow, { areas }) {
    const state = await uow.load(d.ceremonyStream(c.ceremonyId), d.evolveCeremony, d.initialCeremonyState);
    const area = await areas.get(c.areaId);
    const campaign = c.campaignId ? await uow.load(d.campaignStream(c.campaignId), d.evolveCampaign, d.initialCampaignState) : undefined;
    uow.append(
      d.ceremonyStream(c.ceremonyId),
      d.decideHoldCeremony(c, state, area.defined ? area.kind : undefined, campaign && (() => d.requireCampaignOn(campaign, c.campaignId!, c.occurredOn))),
    );
  },
};

/**
 * The streams each handler will load, known from the command alone, so the
 * executor can read them in one round trip before deciding. (A handler may
 * still load more — e.g. the enterprise of a dissolved union.)
 */
export function streamsToPrefetch(c: EngineCommand, deps: HandlerDeps): string[] {
  switch (c.type) {
    case 'DefineArea':
      return [d.areaStream(c.areaId)];
    case 'RegisterEnterprise':
    case 'ReportHeadcount':
    case 'RelocateEnterprise':
    case 'CloseEnterprise':
    case 'RecordOutreach':
      return [d.enterpriseStream(c.creditCode)];
    case 'FoundEnterpriseUnion':
      return [d.unionStream(c.unionId), d.enterpriseStream(c.creditCode)];
    case 'FoundFederation':
    case 'DissolveUnion':
      return [d.unionStream(c.unionId)];
    case 'CoverEnterprise':
    case 'UncoverEnterprise':
      return [d.enterpriseStream(c.creditCode), d.unionStream(c.federationId)];
    case 'JoinUnion':
      return [
        d.memberStream(c.memberId),
        d.personStream(deps.personKeys.keyOf(c.personId)),
        d.unionStream(c.unionId),
        ...(c.campaignId ? [d.campaignStream(c.campaignId)] : []),
        ...(c.ceremonyId ? [d.ceremonyStream(c.ceremonyId)] : []),
      ];
    case 'TransferMembership':
      return [d.memberStream(c.memberId), d.unionStream(c.toUnionId)];
    case 'LeaveUnion':
    case 'RevokeMemberCard':
      return [d.memberStream(c.memberId)];
    case 'RetainMembership':
      return [d.memberStream(c.memberId), ...(c.heldByUnionId === undefined ? [] : [d.unionStream(c.heldByUnionId)])];
    case 'ResumeMembership':
      return [d.memberStream(c.memberId), d.unionStream(c.unionId)];
    case 'PassMembershipUp':
      return [d.memberStream(c.memberId), ...(c.toUnionId === undefined ? [] : [d.unionStream(c.toUnionId)])];
    case 'IssueMemberCard':
      return [d.memberStream(c.memberId), d.cardStream(c.cardNumber)];
    case 'ReplaceMemberCard':
      return [d.memberStream(c.memberId), d.cardStream(c.newCardNumber)];
    case 'LaunchCampaign':
      return [d.campaignStream(c.campaignId)];
    case 'HoldCeremony':
      return [d.ceremonyStream(c.ceremonyId), ...(c.campaignId ? [d.campaignStream(c.campaignId)] : [])];
  }
}
