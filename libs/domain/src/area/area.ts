import { refuse } from '../shared/index.js';

/** The organisational hierarchy: district → subdistrict → community → park / commercial district → building. */
export const AREA_KINDS = ['district', 'subdistrict', 'community', 'park', 'building', 'commercial'] as const;
export type AreaKind = (typeof AREA_KINDS)[number];

/** Which kinds of area may contain which. */
const ALLOWED_PARENTS: Record<AreaKind, readonly AreaKind[]> = {
  district: [],
  subdistrict: ['district'],
  community: ['subdistrict'],
  park: ['community'],
  commercial: ['community'],
  building: ['community', 'park', 'commercial'],
};

export const areaStream = (areaId: string) => `area-${areaId}`;

export interface AreaDefined {
  type: 'AreaDefined';
  data: { areaId: string; kind: AreaKind; name: string; parentId: string | null };
}
export type AreaEvent = AreaDefined;

export type AreaState = { defined: false } | { defined: true; areaId: string; kind: AreaKind; name: string; parentId: string | null };
export const initialAreaState: AreaState = { defined: false };

export function evolveArea(state: AreaState, event: AreaEvent): AreaState {
  switch (event.type) {
    case 'AreaDefined':
      return { defined: true, ...event.data };
  }
}

export interface DefineArea {
  type: 'DefineArea';
  areaId: string;
  kind: AreaKind;
  name: string;
  parentId?: string;
}

/** Decides a DefineArea, given the area's own state and its parent's. */
export function decideDefineArea(command: DefineArea, state: AreaState, parent: AreaState | undefined): AreaEvent[] {
  if (state.defined) refuse('AREA_ALREADY_DEFINED', `area "${command.areaId}" is already defined`);
  if (command.kind === 'district') {
    if (command.parentId) refuse('AREA_HIERARCHY_VIOLATION', 'a district is the top of the hierarchy and has no parent');
  } else {
    if (!parent?.defined) refuse('UNKNOWN_AREA', `parent area "${command.parentId}" is not defined`);
    const parentKind = (parent as Extract<AreaState, { defined: true }>).kind;
    if (!ALLOWED_PARENTS[command.kind].includes(parentKind)) {
      refuse(
        'AREA_HIERARCHY_VIOLATION',
        `a ${command.kind} cannot sit in a ${parentKind} (allowed: ${ALLOWED_PARENTS[command.kind].join(', ')})`,
      );
    }
  }
  return [
    {
      type: 'AreaDefined',
      data: { areaId: command.areaId, kind: command.kind, name: command.name, parentId: command.parentId ?? null },
    },
  ];
}

/** Refuses unless the area is defined. */
export function requireDefinedArea(state: AreaState, areaId: string): void {
  if (!state.defined) refuse('UNKNOWN_AREA', `area "${areaId}" is not defined`);
}

/**
 * Whether an area is the given one or lies below it, knowing each area's
 * lineage (the area itself, then each area above it, nearest first).
 */
export const withinLineages =
  (lineages: ReadonlyMap<string, readonly string[]>) =>
  (areaId: string, ancestorId: string): boolean =>
    (lineages.get(areaId) ?? []).includes(ancestorId);
