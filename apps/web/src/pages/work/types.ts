import type { Band } from '../../api/types';

/** The API's answers the work list reads (docs/campaigns.md §5–6, GET /api/coverage/enterprises). */

/** Where an enterprise stands on the "three in place" (三到位) checklist; `none`: not visited yet. */
export type Step = 'none' | 'visited' | 'policyExplained' | 'measuresDrawnUp';
export const STEPS: readonly Step[] = ['none', 'visited', 'policyExplained', 'measuresDrawnUp'];

export interface EnterpriseItem {
  creditCode: string;
  name: string;
  areaId: string;
  headcount: number;
  band: Band;
  newForm: boolean;
  status: string;
  unionId: string | null;
  federationId: string | null;
  registeredOn: string;
  /** The furthest outreach step reached by the date, and since when. */
  outreachStep: Step;
  outreachSince: string | null;
}

export interface EnterprisePage {
  areaId: string;
  asOf: string;
  total: number;
  pageSize: number;
  items: EnterpriseItem[];
  nextCursor: string | null;
}

export interface Funnel {
  areaId: string;
  asOf: string;
  total: number;
  stages: Array<{ step: Step; count: number; daysAtStep: { median: number; mean: number; max: number } | null }>;
  bySubdistrict: Array<{ areaId: string | null; name: string | null; total: number } & Record<Step, number>>;
}

export interface Candidate {
  creditCode: string;
  name: string;
  areaId: string;
  subdistrictId: string | null;
  subdistrictName: string | null;
  headcount: number;
  band: Band;
  newForm: boolean;
  step: Step;
  stepSince: string | null;
  daysAtStep: number | null;
}

interface GapFigures {
  active: number;
  organized: number;
  rate: number | null;
  needed: number;
}

export interface SubdistrictGap extends GapFigures {
  areaId: string | null;
  name: string | null;
  unorganized: number;
  candidates: Candidate[];
}

export interface Gap extends GapFigures {
  areaId: string;
  asOf: string;
  band: Band;
  target: number;
  subdistricts: SubdistrictGap[];
}
