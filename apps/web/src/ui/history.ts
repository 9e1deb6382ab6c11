import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client';

/** An entity's history as GET /api/{enterprises|members|unions|campaigns}/:id/history answers it (libs/audit). */
export type EntityKind = 'enterprise' | 'member' | 'union' | 'campaign';
export const ENTITY_KINDS: readonly EntityKind[] = ['enterprise', 'member', 'union', 'campaign'];

export interface HistoryEntry {
  streamId?: string;
  position: string;
  revision: number;
  type: string;
  occurredOn: string | null;
  recordedAt: string;
  actor: string | null;
  tokenId?: string;
  onBehalfOf?: string;
  commandId: string | null;
  commandType: string | null;
  late: boolean;
  countsAsOf: boolean;
  summary: string;
  data: unknown;
}

export interface EntityHistory {
  kind: EntityKind;
  id: string;
  streamId: string;
  asOf: string;
  knownAt: string | null;
  events: HistoryEntry[];
  related?: HistoryEntry[];
  state: { kind: EntityKind; summary: string; [field: string]: unknown };
}

const PATHS: Record<EntityKind, string> = { enterprise: 'enterprises', member: 'members', union: 'unions', campaign: 'campaigns' };

export function useHistory(kind: EntityKind, id: string | undefined, asOf: string, knownAt?: string) {
  return useQuery({
    queryKey: ['history', kind, id, asOf, knownAt ?? null],
    queryFn: () => get<EntityHistory>(`/api/${PATHS[kind]}/${encodeURIComponent(id!)}/history`, { asOf, knownAt }),
    enabled: Boolean(id),
  });
}
