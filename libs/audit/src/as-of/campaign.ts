import type { RecordedEvent } from '#event-store';
import * as d from '#domain';
import type { IsoDate } from '#domain';

/** A campaign at the end of a date, with the ceremonies and joins attributed to it. */
export interface CampaignAsOf {
  readonly kind: 'campaign';
  readonly campaignId: string;
  /** `notLaunched` only when nothing of it was known at `knownAt`. */
  readonly status: 'notLaunched' | 'planned' | 'running' | 'ended';
  readonly definition: Omit<d.CampaignLaunched['data'], 'campaignId'> | null;
  /** Ceremonies held for it on or before the date, with the joins at each. */
  readonly ceremonies: ReadonlyArray<{ readonly ceremonyId: string; readonly areaId: string; readonly occurredOn: IsoDate; readonly joins: number }>;
  /** Joins attributed to it (or made at one of its ceremonies) on or before the date. */
  readonly joins: {
    readonly total: number;
    readonly newForm: number;
    readonly atCeremonies: number;
    /** total ÷ targetJoins (null without a definition or a zero target). */
    readonly progress: number | null;
    readonly members: ReadonlyArray<{ readonly memberId: string; readonly unionId: string; readonly occurredOn: IsoDate; readonly ceremonyId: string | null; readonly occupation: string | null; readonly newForm: boolean }>;
  };
  readonly summary: string;
}

/** The campaign as of a date, from its state and the ceremonies and joins attributed to it dated on or before it. */
export function campaignAsOf(campaignId: string, state: d.CampaignState, related: readonly RecordedEvent[], asOf: IsoDate): CampaignAsOf {
  const ceremonies = related
    .filter((e) => e.type === 'CeremonyHeld')
    .map((e) => e.data as d.CeremonyHeld['data'])
    .map(({ ceremonyId, areaId, occurredOn }) => ({ ceremonyId, areaId, occurredOn }));
  const members = related
    .filter((e) => e.type === 'MemberJoined')
    .map((e) => e.data as d.MemberJoined['data'])
    .map(({ memberId, unionId, occurredOn, ceremonyId, occupation, newForm }) => ({ memberId, unionId, occurredOn, ceremonyId, occupation, newForm }));
  const joinsAt = (ceremonyId: string) => members.filter((m) => m.ceremonyId === ceremonyId).length;
  const definition = state.status === 'launched' ? (({ status: _s, campaignId: _c, ...rest }) => rest)(state) : null;
  const status = !definition ? 'notLaunched' : asOf < definition.startsOn ? 'planned' : asOf > definition.endsOn ? 'ended' : 'running';
  const progress = definition && definition.targetJoins > 0 ? members.length / definition.targetJoins : null;
  const summary = !definition
    ? `on ${asOf}: not launched`
    : `on ${asOf}: "${definition.name}" ${status} (${definition.startsOn} to ${definition.endsOn}, area ${definition.areaId}): ` +
      `${members.length} of ${definition.targetJoins} joins, ${ceremonies.length} ceremon${ceremonies.length === 1 ? 'y' : 'ies'}`;
  return {
    kind: 'campaign',
    campaignId,
    status,
    definition,
    ceremonies: ceremonies.map((c) => ({ ...c, joins: joinsAt(c.ceremonyId) })),
    joins: {
      total: members.length,
      newForm: members.filter((m) => m.newForm).length,
      atCeremonies: members.filter((m) => m.ceremonyId !== null).length,
      progress,
      members,
    },
    summary,
  };
}
