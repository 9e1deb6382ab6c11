import * as d from '#domain';
import { ALL_ENTERPRISES, declareCommand, key, type RawCommand } from '../declaration.js';
import { CommandDto, Id, IsCreditCode, IsIsoDate } from '../validation/fields.js';
import { federationEnds, loadEnterprise, loadUnion } from './load.js';

export class CoverEnterpriseDto extends CommandDto {
  @Id() federationId!: string;
  @IsCreditCode() creditCode!: string;
  @IsIsoDate() occurredOn!: string;
}

/** Covering or uncovering reads the federation and writes the enterprise. */
export const coverageKeys = (raw: RawCommand) => ({
  writes: key('enterprise', raw['creditCode']),
  reads: [...key('union', raw['federationId']), ALL_ENTERPRISES],
});

export const coverEnterprise = declareCommand<d.CoverEnterprise>({
  type: 'CoverEnterprise',
  dto: CoverEnterpriseDto,
  streams: (c) => [d.enterpriseStream(c.creditCode), d.unionStream(c.federationId)],
  async decide(c, uow, { areas }) {
    const federation = d.requireActiveFederation(await loadUnion(uow, c.federationId), c.federationId, c.occurredOn);
    const enterprise = await loadEnterprise(uow, c.creditCode);
    const lineages = new Map<string, string[]>();
    if (enterprise.status === 'registered') {
      for (const { areaId } of enterprise.locations) lineages.set(areaId, await areas.lineage(areaId));
    }
    const dissolvedOn = await federationEnds(uow, enterprise);
    uow.append(d.enterpriseStream(c.creditCode), d.decideCover(c, enterprise, { federation, dissolvedOn, isWithin: d.withinLineages(lineages) }));
  },
  keys: coverageKeys,
  subjects: (c) => [{ enterprise: c.creditCode }],
  personal: [],
});
