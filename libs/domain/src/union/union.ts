import { refuse, type IsoDate } from '../shared/index.js';

/**
 * A union (工会): an enterprise's own union (单独建会) or a union federation
 * (工会联合会) that covers small enterprises. One stream per union.
 */
export const unionStream = (unionId: string) => `union-${unionId}`;

export const FEDERATION_SCOPES = ['regional', 'industry'] as const;
export type FederationScope = (typeof FEDERATION_SCOPES)[number];

export interface EnterpriseUnionFounded {
  type: 'EnterpriseUnionFounded';
  data: { unionId: string; creditCode: string; occurredOn: IsoDate };
}
export interface FederationFounded {
  type: 'FederationFounded';
  data: { unionId: string; name: string; scope: FederationScope; areaId: string; industry: string | null; occurredOn: IsoDate };
}
export interface UnionDissolved {
  type: 'UnionDissolved';
  data: { unionId: string; occurredOn: IsoDate };
}
export type UnionEvent = EnterpriseUnionFounded | FederationFounded | UnionDissolved;

interface Lifetime {
  unionId: string;
  foundedOn: IsoDate;
  dissolvedOn: IsoDate | null;
}
export type UnionState =
  | { kind: 'none' }
  | (Lifetime & { kind: 'enterprise'; creditCode: string })
  | (Lifetime & { kind: 'federation'; name: string; scope: FederationScope; areaId: string; industry: string | null });
export const initialUnionState: UnionState = { kind: 'none' };

export function evolveUnion(state: UnionState, event: UnionEvent): UnionState {
  switch (event.type) {
    case 'EnterpriseUnionFounded':
      return { kind: 'enterprise', unionId: event.data.unionId, creditCode: event.data.creditCode, foundedOn: event.data.occurredOn, dissolvedOn: null };
    case 'FederationFounded': {
      const { occurredOn, ...rest } = event.data;
      return { kind: 'federation', ...rest, foundedOn: occurredOn, dissolvedOn: null };
    }
    case 'UnionDissolved':
      return state.kind === 'none' ? state : { ...state, dissolvedOn: event.data.occurredOn };
  }
}

/** A union exists on a date when founded on or before it and not dissolved on or before it. */
export function unionActiveOn(state: UnionState, date: IsoDate): boolean {
  return state.kind !== 'none' && state.foundedOn <= date && (state.dissolvedOn === null || state.dissolvedOn > date);
}

/** Refuses unless the union exists on the date; returns it. */
export function requireActiveUnion(state: UnionState, unionId: string, date: IsoDate): Exclude<UnionState, { kind: 'none' }> {
  if (state.kind === 'none') return refuse('UNKNOWN_UNION', `union "${unionId}" does not exist`);
  if (state.foundedOn > date) refuse('UNION_NOT_ACTIVE', `union "${unionId}" was founded on ${state.foundedOn}, after ${date}`);
  if (state.dissolvedOn !== null && state.dissolvedOn <= date) {
    refuse('UNION_NOT_ACTIVE', `union "${unionId}" was dissolved on ${state.dissolvedOn}`);
  }
  return state;
}

export function requireActiveFederation(state: UnionState, unionId: string, date: IsoDate) {
  if (state.kind === 'enterprise') refuse('NOT_A_FEDERATION', `union "${unionId}" is an enterprise's own union, not a federation`);
  const union = requireActiveUnion(state, unionId, date);
  return union as Extract<UnionState, { kind: 'federation' }>;
}

export interface FoundEnterpriseUnionFacts {
  unionId: string;
  creditCode: string;
  occurredOn: IsoDate;
}
/** The union's side of an enterprise union's founding (the enterprise's side is in enterprise.ts). */
export function decideFoundEnterpriseUnion(c: FoundEnterpriseUnionFacts, state: UnionState): UnionEvent[] {
  if (state.kind !== 'none') refuse('UNION_ALREADY_EXISTS', `union "${c.unionId}" already exists`);
  return [{ type: 'EnterpriseUnionFounded', data: { unionId: c.unionId, creditCode: c.creditCode, occurredOn: c.occurredOn } }];
}

export interface FoundFederation {
  type: 'FoundFederation';
  unionId: string;
  name: string;
  scope: FederationScope;
  areaId: string;
  industry?: string;
  occurredOn: IsoDate;
}

export function decideFoundFederation(command: FoundFederation, state: UnionState, areaDefined: boolean): UnionEvent[] {
  if (state.kind !== 'none') refuse('UNION_ALREADY_EXISTS', `union "${command.unionId}" already exists`);
  if (!areaDefined) refuse('UNKNOWN_AREA', `area "${command.areaId}" is not defined`);
  return [
    {
      type: 'FederationFounded',
      data: {
        unionId: command.unionId,
        name: command.name,
        scope: command.scope,
        areaId: command.areaId,
        industry: command.industry ?? null,
        occurredOn: command.occurredOn,
      },
    },
  ];
}

export interface DissolveUnion {
  type: 'DissolveUnion';
  unionId: string;
  occurredOn: IsoDate;
}

export function decideDissolveUnion(command: DissolveUnion, state: UnionState): UnionEvent[] {
  if (state.kind === 'none') refuse('UNKNOWN_UNION', `union "${command.unionId}" does not exist`);
  const union = state as Exclude<UnionState, { kind: 'none' }>;
  if (union.dissolvedOn !== null) refuse('UNION_ALREADY_DISSOLVED', `union "${command.unionId}" was dissolved on ${union.dissolvedOn}`);
  if (command.occurredOn < union.foundedOn) {
    refuse('DATE_BEFORE_FOUNDING', `union "${command.unionId}" was founded on ${union.foundedOn}, after ${command.occurredOn}`);
  }
  return [{ type: 'UnionDissolved', data: { unionId: command.unionId, occurredOn: command.occurredOn } }];
}
