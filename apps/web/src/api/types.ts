/** The API's answers, as the dashboard reads them (docs/ and ../shared/CONTRACT.md define them). */
export type Band = '100+' | '25-99' | '<25';
export const BANDS: readonly Band[] = ['100+', '25-99', '<25'];
export type Read = 'figures' | 'work' | 'enterprises' | 'revisions' | 'histories' | 'access';
export type Role = 'admin' | 'federation' | 'campaign' | 'auditor' | 'viewer' | 'engine';

export interface Me {
  role: Role;
  areaId: string | null;
  holder: string;
  reads: Read[];
}

export interface Area {
  areaId: string;
  name: string;
  kind: string;
  parentId: string | null;
}

export interface Areas {
  area: Area | null;
  path: Area[];
  children: Area[];
}

export interface Figures {
  active: number;
  independent: number;
  federationCovered: number;
  organized: number;
  rate: number | null;
}

export interface Coverage {
  areaId: string;
  asOf: string;
  bands: Record<Band, Figures>;
  newForm: Figures;
  staff?: number;
  members: { total: number; newForm: number; rate?: number | null; [k: string]: unknown };
  knownAt?: string;
  freshness?: { position: string; caughtUp: boolean };
}
