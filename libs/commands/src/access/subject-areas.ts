import * as d from '#domain';
import type { Subject } from '../declaration.js';

/** Loads a stream folded into its state (a unit of work's `load`, or a plain read for queries). */
export type StateLoader = <S, E extends { type: string; data: object }>(streamId: string, evolve: (state: S, event: E) => S, initial: S) => Promise<S>;

/** What finding a subject's area needs: the streams, and the area tree. */
export interface SubjectSources {
  readonly load: StateLoader;
  readonly areas: { lineage(areaId: string): Promise<string[]>; get(areaId: string): Promise<d.AreaState> };
}

/**
 * The area a subject is in on a date, as docs/access.md states it: an
 * enterprise where it is located on that date (before its registration:
 * where it registered); a union where its enterprise is, or a federation's
 * own area; a member where the union it belongs to on that date is (before
 * it joined: its first union); a campaign or a ceremony where it was
 * launched or held; an area itself. Undefined when the subject does not
 * exist (the command is then refused by the domain for it).
 */
export async function areaOfSubject(subject: Subject, date: string, src: SubjectSources): Promise<string | undefined> {
  if ('area' in subject) return (await src.areas.get(subject.area)).defined ? subject.area : undefined;
  if ('enterprise' in subject) return enterpriseArea(subject.enterprise, date, src);
  if ('union' in subject) return unionArea(subject.union, date, src);
  if ('member' in subject) {
    const member = await src.load(d.memberStream(subject.member), d.evolveMember, d.initialMemberState);
    if (member.status === 'none') return undefined;
    return unionArea(d.unionOn(member, date) ?? member.unions[0]!.unionId, date, src);
  }
  if ('campaign' in subject) {
    const campaign = await src.load(d.campaignStream(subject.campaign), d.evolveCampaign, d.initialCampaignState);
    return campaign.status === 'none' ? undefined : campaign.areaId;
  }
  const ceremony = await src.load(d.ceremonyStream(subject.ceremony), d.evolveCeremony, d.initialCeremonyState);
  return ceremony.status === 'none' ? undefined : ceremony.areaId;
}

async function enterpriseArea(creditCode: string, date: string, src: SubjectSources): Promise<string | undefined> {
  const enterprise = await src.load(d.enterpriseStream(creditCode), d.evolveEnterprise, d.initialEnterpriseState);
  if (enterprise.status === 'unknown') return undefined;
  return d.areaOn(enterprise, date) ?? enterprise.locations[0]!.areaId;
}

async function unionArea(unionId: string, date: string, src: SubjectSources): Promise<string | undefined> {
  const union = await src.load(d.unionStream(unionId), d.evolveUnion, d.initialUnionState);
  if (union.kind === 'none') return undefined;
  return union.kind === 'federation' ? union.areaId : enterpriseArea(union.creditCode, date, src);
}

/** A subject in words, for a refusal: its kind and id, nothing it holds. */
export function describeSubject(subject: Subject): string {
  const [kind, id] = Object.entries(subject)[0] as [string, string];
  return `${kind} "${id}"`;
}
