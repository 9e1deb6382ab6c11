import { Controller, Get, HttpException, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { mayRead, READS, type Principal } from '#domain';
import { Caller, Reads } from '../access/access.decorators.js';
import { positionParam } from '../organizing-coverage/query-params.js';
import { ReadAccess } from '../organizing-coverage/read-access.js';

interface AreaRow {
  areaId: string;
  name: string;
  kind: string;
  parentId: string | null;
}

/**
 * Who the caller is and what it may read: what an application shows after
 * logging in (its pages, its starting area). Never the token's secret.
 */
@ApiTags('access')
@Controller('access')
export class CallerController {
  @Reads('figures')
  @Get('me')
  @ApiOperation({ summary: "The caller's role, area and holder, and the reads its role allows (docs/access.md)" })
  me(@Caller() caller: Principal) {
    return { role: caller.role, areaId: caller.areaId, holder: caller.holder, reads: READS.filter((read) => mayRead(caller.role, read)) };
  }
}

/**
 * The area tree as the caller may see it: an area with its parent and its
 * sub-areas, for choosing an area and drilling down. Names of areas are
 * public (they name districts, subdistricts and communities, never people).
 */
@ApiTags('coverage')
@Controller('areas')
export class AreasController {
  constructor(private readonly access: ReadAccess) {}

  @Reads('figures')
  @Get()
  @ApiOperation({
    summary: 'An area and its sub-areas; without areaId, the widest areas the caller may see (its own, or every top-level area for an admin)',
    description: 'Also the path from the widest area the caller may see down to the area (breadcrumbs).',
  })
  @ApiQuery({ name: 'areaId', required: false })
  @ApiQuery({ name: 'position', required: false, description: 'wait until the read models have applied the log up to this position' })
  async areas(@Query() query: Record<string, unknown>, @Caller() caller: Principal) {
    const reading = await this.access.reading(positionParam(query['position']));
    const { db, freshness } = reading;
    const select = db.selectFrom('rm_areas').select(['area_id as areaId', 'name', 'kind', 'parent_id as parentId']).orderBy('area_id');
    if (query['areaId'] === undefined || query['areaId'] === '') {
      const roots: AreaRow[] = caller.areaId === null ? await select.where('parent_id', 'is', null).execute() : await select.where('area_id', '=', caller.areaId).execute();
      return { area: null, path: [], children: roots, freshness };
    }
    const areaId = await this.access.area(query['areaId'], caller, reading);
    const area = await select.where('area_id', '=', areaId).executeTakeFirst();
    if (!area) throw new HttpException({ error: 'UNKNOWN_AREA', message: `area "${areaId}" is not defined` }, 404);
    const children: AreaRow[] = await select.where('parent_id', '=', areaId).execute();
    // From the area up to the caller's own (or the top), then reversed: the way down.
    const path: AreaRow[] = [];
    for (let at: AreaRow | undefined = area; at; ) {
      path.unshift(at);
      if (at.areaId === caller.areaId || at.parentId === null) break;
      at = await select.where('area_id', '=', at.parentId).executeTakeFirst();
    }
    return { area, path, children, freshness };
  }
}
