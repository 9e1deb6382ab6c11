/** The API's answers the campaigns pages read (docs/campaigns.md §3–4). */

export interface CampaignListItem {
  campaignId: string;
  name: string;
  areaId: string;
  targetJoins: number;
  startsOn: string;
  endsOn: string;
}

export interface CampaignList {
  areaId: string;
  campaigns: CampaignListItem[];
}

/** Joins and, of them, those who have left since (as of the date). */
export interface JoinCount {
  joined: number;
  left: number;
}

export interface CampaignProgress {
  campaignId: string;
  name: string;
  areaId: string;
  startsOn: string;
  endsOn: string;
  asOf: string;
  target: number;
  joined: number;
  stillMembers: number;
  left: number;
  progress: number | null;
  remaining: number;
  targetOccupations: Array<{ asWritten: string; group: string | null }>;
  bySubdistrict: Array<{ areaId: string | null; name: string | null } & JoinCount>;
  byOccupation: Array<{ group: string; zh: string; en: string; targeted: boolean } & JoinCount>;
  unmappedOccupations: Array<{ asWritten: string } & JoinCount>;
  byChannel: Array<{ channel: string | null } & JoinCount>;
  byCeremony: Array<{ ceremonyId: string | null; heldOn: string | null; areaId: string | null } & JoinCount>;
  byWeek: Array<{ week: string; startsOn: string } & JoinCount>;
  leftMembers: Array<{ memberId: string; joinedOn: string; leftOn: string; occupation: string | null }>;
}

export interface CeremonyHeld {
  ceremonyId: string;
  heldOn: string;
  areaId: string;
  campaignId: string | null;
  joins: number;
}

export interface CeremonyCompliance {
  areaId: string;
  year: number;
  minimum: number;
  subdistricts: Array<{ areaId: string; name: string; ceremonies: CeremonyHeld[]; compliant: boolean }>;
  compliant: number;
  missing: Array<{ areaId: string; name: string; held: number }>;
}
