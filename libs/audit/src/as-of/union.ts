import * as d from '#domain';
import type { IsoDate } from '#domain';

/** A union (an enterprise's own, or a federation) at the end of a date. */
export interface UnionAsOf {
  readonly kind: 'union';
  readonly unionId: string;
  readonly status: 'notFounded' | 'active' | 'dissolved';
  readonly unionKind: 'enterprise' | 'federation' | null;
  readonly foundedOn: IsoDate | null;
  readonly dissolvedOn: IsoDate | null;
  /** Enterprise union: its enterprise. */
  readonly creditCode?: string;
  /** Federation: its name, scope, area and industry. */
  readonly name?: string;
  readonly scope?: string;
  readonly areaId?: string;
  readonly industry?: string | null;
  readonly summary: string;
}

/** The union as of a date, from its state folded from the events dated on or before it. */
export function unionAsOf(unionId: string, state: d.UnionState, asOf: IsoDate): UnionAsOf {
  if (state.kind === 'none') {
    return { kind: 'union', unionId, status: 'notFounded', unionKind: null, foundedOn: null, dissolvedOn: null, summary: `on ${asOf}: not founded yet` };
  }
  const dissolved = state.dissolvedOn !== null && state.dissolvedOn <= asOf;
  const what = state.kind === 'enterprise' ? `own union of enterprise ${state.creditCode}` : `federation "${state.name}" (${state.scope}, area ${state.areaId})`;
  const details =
    state.kind === 'enterprise'
      ? { creditCode: state.creditCode }
      : { name: state.name, scope: state.scope, areaId: state.areaId, industry: state.industry };
  return {
    kind: 'union',
    unionId,
    status: dissolved ? 'dissolved' : 'active',
    unionKind: state.kind,
    foundedOn: state.foundedOn,
    dissolvedOn: dissolved ? state.dissolvedOn : null,
    ...details,
    summary: `on ${asOf}: ${what}, founded ${state.foundedOn}${dissolved ? `, dissolved ${state.dissolvedOn}` : ', active'}`,
  };
}
