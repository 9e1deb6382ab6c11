import { Controller, Get, HttpException, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import type { Principal } from '#domain';
import { Caller, Reads } from '../access/access.decorators.js';
import { campaignProgress, campaignsIn, ceremonyCompliance, outreachFunnel, targetGap } from '#read-models';
import { bandParam, dateParam, intParam, InvalidQuery, positionParam, todayInChina } from '../organizing-coverage/query-params.js';
import { ReadAccess } from '../organizing-coverage/read-access.js';

const asOfQuery = ApiQuery({ name: 'asOf', required: false, description: 'YYYY-MM-DD, end of that day (default: today in China)' });
const areaQuery = ApiQuery({ name: 'areaId', required: true, description: 'the area (and everything below it)' });
const positionQuery = ApiQuery({ name: 'position', required: false, description: 'wait until the read models have applied the log up to this position' });

/** A joining drive's progress against its target. */
@Controller('campaigns')
export class CampaignProgressController {
  constructor(private readonly access: ReadAccess) {}

  @Reads('figures')
  @Get()
  @ApiOperation({ summary: 'The joining drives launched in an area or below it, the latest first: id, name, area, target, dates' })
  @areaQuery
  @positionQuery
  async list(@Query() query: Record<string, unknown>, @Caller() caller: Principal) {
    const reading = await this.access.reading(positionParam(query['position']));
    const { db, freshness } = reading;
    const areaId = await this.access.area(query['areaId'], caller, reading);
    return { areaId, campaigns: await campaignsIn(db, areaId), freshness };
  }

  @Reads('figures')
  @Get(':campaignId/progress')
  @ApiOperation({
    summary: 'A joining drive: joins against target, by subdistrict, occupation group, channel, ceremony and week',
    description:
      'Joins attributed to the campaign (by campaignId, or at a ceremony held for it) up to asOf; members who joined and have left since are counted apart. ' +
      'Occupations are mapped to groups through the alias table (docs/campaigns.md); unknown ones are listed as written.',
  })
  @asOfQuery
  @positionQuery
  async progress(@Param('campaignId') campaignId: string, @Query() query: Record<string, unknown>, @Caller() caller: Principal) {
    const asOf = dateParam(query['asOf'], 'asOf', todayInChina());
    const reading = await this.access.reading(positionParam(query['position']));
    const { db, freshness } = reading;
    await this.access.scope.subject(caller, { campaign: campaignId }, asOf);
    const progress = await campaignProgress(db, campaignId, asOf);
    if (!progress) throw new HttpException({ error: 'UNKNOWN_CAMPAIGN', message: `campaign "${campaignId}" does not exist` }, 404);
    return { ...progress, freshness };
  }
}

/** Which subdistricts held their mass-joining ceremonies. */
@Controller('ceremonies')
export class CeremonyComplianceController {
  constructor(private readonly access: ReadAccess) {}

  @Reads('figures')
  @Get('compliance')
  @ApiOperation({
    summary: 'Ceremonies held in a year by each subdistrict under an area, and the subdistricts that held none',
    description: 'The Longgang rule for 2023: every subdistrict holds at least one mass-joining ceremony (minimum=1).',
  })
  @areaQuery
  @ApiQuery({ name: 'year', required: false, description: 'the year (default: this year in China)' })
  @ApiQuery({ name: 'minimum', required: false, description: 'ceremonies each subdistrict must hold (default 1)' })
  @positionQuery
  async compliance(@Query() query: Record<string, unknown>, @Caller() caller: Principal) {
    const year = intParam(query['year'], 'year', Number(todayInChina().slice(0, 4)), 1949, 9999);
    const minimum = intParam(query['minimum'], 'minimum', 1, 1, 1000);
    const reading = await this.access.reading(positionParam(query['position']));
    const { db, freshness } = reading;
    const areaId = await this.access.area(query['areaId'], caller, reading);
    const answer = await ceremonyCompliance(db, areaId, year, minimum);
    if (answer.subdistricts.length === 0) {
      throw new InvalidQuery(`area "${areaId}" has no subdistrict at or under it: ask for a district or a subdistrict`);
    }
    return { ...answer, freshness };
  }
}

/** The "three in place" outreach funnel. */
@Controller('outreach')
export class OutreachFunnelController {
  constructor(private readonly access: ReadAccess) {}

  @Reads('figures')
  @Get('funnel')
  @ApiOperation({
    summary: 'Unorganized active enterprises of 25+ staff at each outreach step, and how long they have stayed there',
    description: 'Steps: none (not visited), visited, policyExplained, measuresDrawnUp — the furthest reached by asOf.',
  })
  @areaQuery
  @asOfQuery
  @positionQuery
  async funnel(@Query() query: Record<string, unknown>, @Caller() caller: Principal) {
    const asOf = dateParam(query['asOf'], 'asOf', todayInChina());
    const reading = await this.access.reading(positionParam(query['position']));
    const { db, freshness } = reading;
    const areaId = await this.access.area(query['areaId'], caller, reading);
    return { ...(await outreachFunnel(db, areaId, asOf)), freshness };
  }
}

/** How far an area is from a target rate, and which enterprises would close the gap. */
@Controller('coverage')
export class TargetGapController {
  constructor(private readonly access: ReadAccess) {}

  @Reads('work')
  @Get('gap')
  @ApiOperation({
    summary: 'How many more enterprises each subdistrict must organize to reach a target rate, and which ones',
    description: 'Per subdistrict: needed = max(0, ⌈target × active⌉ − organized), and the needed largest unorganized enterprises with their outreach step.',
  })
  @areaQuery
  @asOfQuery
  @ApiQuery({ name: 'band', required: false, description: '100+, 25-99 (default) or <25' })
  @ApiQuery({ name: 'target', required: false, description: 'the target rate, a number in (0, 1] (default 0.95)' })
  @positionQuery
  async gap(@Query() query: Record<string, unknown>, @Caller() caller: Principal) {
    const asOf = dateParam(query['asOf'], 'asOf', todayInChina());
    const band = bandParam(query['band']) ?? '25-99';
    const target = targetParam(query['target']);
    const reading = await this.access.reading(positionParam(query['position']));
    const { db, freshness } = reading;
    const areaId = await this.access.area(query['areaId'], caller, reading);
    return { ...(await targetGap(db, areaId, asOf, band, target)), freshness };
  }
}

function targetParam(value: unknown): number {
  if (value === undefined || value === '') return 0.95;
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(String(value)) || !(n > 0 && n <= 1)) throw new InvalidQuery(`target must be a rate in (0, 1], such as 0.95, got ${JSON.stringify(value)}`);
  return n;
}

export const ORGANIZING_CONTROLLERS = [CampaignProgressController, CeremonyComplianceController, OutreachFunnelController, TargetGapController];
