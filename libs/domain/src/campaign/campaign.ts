import { refuse, type IsoDate } from '../shared/index.js';
import type { AreaKind } from '../area/area.js';

/** Joining drives (集中入会行动) and mass-joining ceremonies (集中入会仪式). */
export const campaignStream = (campaignId: string) => `campaign-${campaignId}`;
export const ceremonyStream = (ceremonyId: string) => `ceremony-${ceremonyId}`;

export type CampaignLaunched = {
  type: 'CampaignLaunched';
  data: { campaignId: string; name: string; areaId: string; targetJoins: number; startsOn: IsoDate; endsOn: IsoDate; targetOccupations: string[] };
};
export type CampaignEvent = CampaignLaunched;
export type CampaignState = { status: 'none' } | ({ status: 'launched' } & CampaignLaunched['data']);
export const initialCampaignState: CampaignState = { status: 'none' };
export const evolveCampaign = (_: CampaignState, e: CampaignEvent): CampaignState => ({ status: 'launched', ...e.data });

export interface LaunchCampaign {
  type: 'LaunchCampaign';
  campaignId: string;
  name: string;
  areaId: string;
  targetJoins: number;
  startsOn: IsoDate;
  endsOn: IsoDate;
  targetOccupations?: string[];
}
export function decideLaunchCampaign(c: LaunchCampaign, state: CampaignState, areaDefined: boolean): CampaignEvent[] {
  if (state.status !== 'none') refuse('CAMPAIGN_ALREADY_EXISTS', `campaign "${c.campaignId}" already exists`);
  if (!areaDefined) refuse('UNKNOWN_AREA', `area "${c.areaId}" is not defined`);
  const { campaignId, name, areaId, targetJoins, startsOn, endsOn } = c;
  return [{ type: 'CampaignLaunched', data: { campaignId, name, areaId, targetJoins, startsOn, endsOn, targetOccupations: c.targetOccupations ?? [] } }];
}

/** Refuses unless the campaign exists and runs on the date. */
export function requireCampaignOn(state: CampaignState, campaignId: string, date: IsoDate): void {
  if (state.status !== 'launched') return refuse('UNKNOWN_CAMPAIGN', `campaign "${campaignId}" does not exist`);
  if (date < state.startsOn || date > state.endsOn) {
    refuse('DATE_OUTSIDE_CAMPAIGN', `campaign "${campaignId}" runs from ${state.startsOn} to ${state.endsOn}, not on ${date}`);
  }
}

export type CeremonyHeld = { type: 'CeremonyHeld'; data: { ceremonyId: string; areaId: string; campaignId: string | null; occurredOn: IsoDate } };
export type CeremonyEvent = CeremonyHeld;
export type CeremonyState = { status: 'none' } | ({ status: 'held' } & CeremonyHeld['data']);
export const initialCeremonyState: CeremonyState = { status: 'none' };
export const evolveCeremony = (_: CeremonyState, e: CeremonyEvent): CeremonyState => ({ status: 'held', ...e.data });

export interface HoldCeremony {
  type: 'HoldCeremony';
  ceremonyId: string;
  areaId: string;
  occurredOn: IsoDate;
  campaignId?: string;
}
export function decideHoldCeremony(
  c: HoldCeremony,
  state: CeremonyState,
  areaKind: AreaKind | undefined,
  requireCampaign?: () => void,
): CeremonyEvent[] {
  if (state.status !== 'none') refuse('CEREMONY_ALREADY_EXISTS', `ceremony "${c.ceremonyId}" already exists`);
  if (!areaKind) refuse('UNKNOWN_AREA', `area "${c.areaId}" is not defined`);
  if (areaKind === 'district') refuse('CEREMONY_AREA_TOO_HIGH', 'a ceremony is held by a subdistrict or an area below it, not a district');
  requireCampaign?.();
  return [{ type: 'CeremonyHeld', data: { ceremonyId: c.ceremonyId, areaId: c.areaId, campaignId: c.campaignId ?? null, occurredOn: c.occurredOn } }];
}

/** A join attributed to a ceremony happens at it: on its date. */
export function requireCeremonyOn(state: CeremonyState, ceremonyId: string, date: IsoDate): void {
  if (state.status !== 'held') return refuse('UNKNOWN_CEREMONY', `ceremony "${ceremonyId}" does not exist`);
  if (state.occurredOn !== date) refuse('DATE_NOT_CEREMONY_DATE', `ceremony "${ceremonyId}" was held on ${state.occurredOn}, not ${date}`);
}
