import type { GeneratedCommand } from '#simulation';

/**
 * What the demo's campaigns need to know of the generated district, read off
 * its commands as they go by: the areas, the federations, and each
 * enterprise's place, dates, size and whether it is organized. Only
 * non-personal facts are kept.
 */
export interface Area {
  readonly areaId: string;
  readonly name: string;
}

export interface Subdistrict extends Area {
  readonly communities: Area[];
}

export interface EnterpriseFacts {
  readonly creditCode: string;
  areaId: string;
  readonly registeredOn: string;
  closedOn: string | null;
  /** The latest headcount written (by date). */
  headcount: number;
  /** The date of the latest headcount written (registration or report). */
  headcountOn: string;
  relocated: boolean;
  ownUnion: boolean;
  covered: boolean;
  outreach: boolean;
}

export class DistrictFacts {
  readonly subdistricts: Subdistrict[] = [];
  readonly enterprises = new Map<string, EnterpriseFacts>();
  readonly federations = new Map<string, string>();
  industryFederations: string[] = [];
  private readonly byId = new Map<string, Subdistrict>();

  observe(c: GeneratedCommand): void {
    const s = (field: string) => c[field] as string;
    const e = typeof c['creditCode'] === 'string' ? this.enterprises.get(s('creditCode')) : undefined;
    switch (c.type) {
      case 'DefineArea':
        if (c['kind'] === 'subdistrict') {
          const sd: Subdistrict = { areaId: s('areaId'), name: s('name'), communities: [] };
          this.subdistricts.push(sd);
          this.byId.set(sd.areaId, sd);
        } else if (c['kind'] === 'community') this.byId.get(s('parentId'))?.communities.push({ areaId: s('areaId'), name: s('name') });
        return;
      case 'FoundFederation':
        if (c['scope'] === 'regional') this.federations.set(s('areaId'), s('unionId'));
        else this.industryFederations.push(s('unionId'));
        return;
      case 'RegisterEnterprise':
        this.enterprises.set(s('creditCode'), {
          creditCode: s('creditCode'),
          areaId: s('areaId'),
          registeredOn: s('occurredOn'),
          closedOn: null,
          headcount: c['headcount'] as number,
          headcountOn: s('occurredOn'),
          relocated: false,
          ownUnion: false,
          covered: false,
          outreach: false,
        });
        return;
      case 'ReportHeadcount':
        if (e && s('occurredOn') >= e.headcountOn) {
          e.headcount = c['headcount'] as number;
          e.headcountOn = s('occurredOn');
        }
        return;
      case 'RelocateEnterprise':
        if (e) {
          e.areaId = s('areaId');
          e.relocated = true;
        }
        return;
      case 'CloseEnterprise':
        if (e) e.closedOn = s('occurredOn');
        return;
      case 'FoundEnterpriseUnion':
        if (e) e.ownUnion = true;
        return;
      case 'CoverEnterprise':
        if (e) e.covered = true;
        return;
      case 'RecordOutreach':
        if (e) e.outreach = true;
        return;
      default:
        return;
    }
  }

  subdistrictOf(areaId: string): Subdistrict | undefined {
    return this.subdistricts.find((sd) => areaId === sd.areaId || areaId.startsWith(`${sd.areaId}-`));
  }

  /** The regional federation of a community (the areas below a community have none of their own). */
  federationOf(communityId: string): string {
    const federation = this.federations.get(communityId);
    if (!federation) throw new Error(`no federation for community ${communityId}`);
    return federation;
  }
}
