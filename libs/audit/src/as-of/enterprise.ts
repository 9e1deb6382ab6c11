import * as d from '#domain';
import type { Band, IsoDate } from '#domain';

/** An enterprise at the end of a date, counted exactly as the coverage figures count it (the domain's `countedOn`). */
export interface EnterpriseAsOf {
  readonly kind: 'enterprise';
  readonly creditCode: string;
  /** Registered on or before the date. */
  readonly registered: boolean;
  readonly name: string | null;
  readonly newForm: boolean | null;
  readonly registeredOn: IsoDate | null;
  readonly closed: boolean;
  readonly closedOn: IsoDate | null;
  /** Registered and not closed on or before the date: counted by the coverage figures. */
  readonly active: boolean;
  readonly areaId: string | null;
  readonly headcount: number | null;
  readonly band: Band | null;
  /** Its own union in force on the date. */
  readonly ownUnion: { readonly unionId: string; readonly foundedOn: IsoDate } | null;
  /** The federation covering it on the date (a coverage not ended by an uncover, the federation's dissolution or the closure). */
  readonly federationCoverage: { readonly federationId: string; readonly since: IsoDate } | null;
  /** As the coverage figures count it; null when not active. */
  readonly organizing: d.CoverageStatus | null;
  readonly summary: string;
}

/**
 * The enterprise as of a date, from its state folded from the events dated on
 * or before it and the states of the federations that covered it (their
 * dissolutions end the coverage; see libs/domain/src/enterprise/coverage-status.ts).
 */
export function enterpriseAsOf(
  creditCode: string,
  state: d.EnterpriseState,
  federations: ReadonlyMap<string, d.UnionState>,
  asOf: IsoDate,
): EnterpriseAsOf {
  if (state.status !== 'registered') {
    return {
      kind: 'enterprise',
      creditCode,
      registered: false,
      name: null,
      newForm: null,
      registeredOn: null,
      closed: false,
      closedOn: null,
      active: false,
      areaId: null,
      headcount: null,
      band: null,
      ownUnion: null,
      federationCoverage: null,
      organizing: null,
      summary: `on ${asOf}: not registered yet`,
    };
  }
  const dissolvedOn: d.FederationDissolvedOn = (id) => {
    const federation = federations.get(id);
    return federation === undefined || federation.kind === 'none' ? null : federation.dissolvedOn;
  };
  const counted = d.countedOn(state, asOf, dissolvedOn);
  const active = counted !== null;
  const closed = state.closedOn !== null && state.closedOn <= asOf;
  const headcount = d.headcountOn(state, asOf) ?? null;
  const areaId = d.areaOn(state, asOf) ?? null;
  const own = active ? d.ownUnionOn(state, asOf) : undefined;
  // Shown even beside an own union (which is what counts then).
  const covering = active ? d.coverageOn(state, asOf, dissolvedOn) : undefined;
  const band = headcount === null ? null : d.bandOf(headcount);
  const where = `${state.name}, ${headcount ?? '?'} staff (${band ?? '?'}) in ${areaId ?? '?'}`;
  const summary = closed
    ? `on ${asOf}: closed since ${state.closedOn} (registered ${state.registeredOn}); last known: ${where}`
    : `on ${asOf}: active since ${state.registeredOn}: ${where}; ` +
      (own
        ? `own union ${own.id} since ${own.from}`
        : covering
          ? `covered by federation ${covering.id} since ${covering.from}`
          : 'no union, not covered') +
      (own && covering ? ` (also covered by federation ${covering.id})` : '');
  return {
    kind: 'enterprise',
    creditCode,
    registered: true,
    name: state.name,
    newForm: state.newForm,
    registeredOn: state.registeredOn,
    closed,
    closedOn: closed ? state.closedOn : null,
    active,
    areaId,
    headcount,
    band,
    ownUnion: own ? { unionId: own.id, foundedOn: own.from } : null,
    federationCoverage: covering ? { federationId: covering.id, since: covering.from } : null,
    organizing: counted?.status ?? null,
    summary,
  };
}
