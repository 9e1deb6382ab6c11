import * as d from '#domain';
import { declareCommand } from '../declaration.js';
import { CoverEnterpriseDto, coverageKeys } from './cover-enterprise.js';
import { federationEnds, loadEnterprise } from './load.js';

class UncoverEnterpriseDto extends CoverEnterpriseDto {}

export const uncoverEnterprise = declareCommand<d.UncoverEnterprise>({
  type: 'UncoverEnterprise',
  dto: UncoverEnterpriseDto,
  streams: (c) => [d.enterpriseStream(c.creditCode), d.unionStream(c.federationId)],
  async decide(c, uow) {
    const enterprise = await loadEnterprise(uow, c.creditCode);
    const dissolvedOn = await federationEnds(uow, enterprise);
    uow.append(d.enterpriseStream(c.creditCode), d.decideUncover(c, enterprise, { dissolvedOn }));
  },
  keys: coverageKeys,
  subjects: (c) => [{ enterprise: c.creditCode }],
  personal: [],
});
