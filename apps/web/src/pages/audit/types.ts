import type { Band, Coverage } from '../../api/types';

/** GET /api/coverage/revisions (libs/read-models/src/organizing-coverage/coverage-revisions.ts). */
export interface Counts {
  active: number;
  independent: number;
  federationCovered: number;
  organized: number;
}

export interface CoverageDelta {
  bands: Record<Band, Counts>;
  newForm: Counts;
  staff: number;
  members: { total: number; newForm: number };
}

export interface EnterpriseCount {
  band: Band;
  status: 'unorganized' | 'independent' | 'federationCovered';
  newForm: boolean;
  headcount: number;
}

export type Change =
  | { kind: 'enterprise'; creditCode: string; before: EnterpriseCount | null; after: EnterpriseCount | null }
  | { kind: 'member'; memberId: string; before: { newForm: boolean } | null; after: { newForm: boolean } | null };

export interface Revision {
  position: string;
  recordedAt: string;
  type: string;
  streamId: string;
  occurredOn: string | null;
  actor: string | null;
  commandId: string | null;
  commandType: string | null;
  changes: Change[];
  delta: CoverageDelta;
}

export interface RevisionsPage {
  knownAt: string;
  areaId: string;
  asOf: string;
  knownAtPosition: string;
  currentPosition: string;
  before: Coverage;
  after: Coverage;
  difference: CoverageDelta;
  revisions: Revision[];
  pageSize: number;
  nextCursor: string | null;
}

/** GET /api/chain (apps/api/src/audit/chain.controller.ts, docs/audit.md "The chain's state"). */
export interface Chain {
  headPosition: string;
  headHash: string;
  recordedAt: string | null;
  anchor: string;
  verify: string;
  anchorsConfigured: boolean;
  lastAnchor: null | {
    file: string;
    position: string | null;
    hash: string | null;
    signedAt: string | null;
    headRecordedAt: string | null;
    signatureValid: boolean;
    problem: string | null;
  };
  eventsSinceLastAnchor: number | null;
  lastVerify: null | {
    verifiedAt: string;
    verifiedBy: string;
    ok: boolean;
    eventsChecked: number;
    headPosition: string | null;
    headHash: string | null;
    anchorsChecked: number;
    failure: string | null;
  };
  eventsSinceLastVerify: number | null;
}

/** The coverage answer with `knownAt` echoed (GET /api/coverage?knownAt=…). */
export type CoverageKnown = Coverage & { knownAt?: { at: string; position: string } | string };
