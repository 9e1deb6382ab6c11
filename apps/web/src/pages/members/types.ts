/** GET /api/coverage/members (apps/api/src/organizing-coverage/coverage.controller.ts; libs/read-models membership-counts.ts). */
export interface MemberCounts {
  total: number;
  newForm: number;
}

export interface UnionMembership extends MemberCounts {
  unionId: string;
  kind: 'enterprise' | 'federation';
  name: string | null;
  creditCode: string | null;
  areaId: string;
}

export interface MembersPage {
  areaId: string;
  asOf: string;
  total: number;
  newForm: number;
  rate?: number | null;
  byUnionKind?: { enterprise: MemberCounts; federation: MemberCounts };
  retained?: MemberCounts & { byReason: Record<string, number> };
  byArea?: Array<{ areaId: string; name: string; kind: string } & MemberCounts>;
  unions: number;
  page: number;
  pageSize: number;
  items: UnionMembership[];
  nextCursor: string | null;
  freshness?: { position: string; caughtUp: boolean };
}
