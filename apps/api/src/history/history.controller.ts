import { Controller, Get, HttpException, Inject, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { loadHistory, UnknownEntityError, type EntityKind } from '#audit';
import type { EventStore } from '#event-store';
import { EVENT_STORE } from '#persistence/nest';
import { dateParam, instantParam, todayInChina } from '../organizing-coverage/query-params.js';
import { Documented } from './history.openapi.js';

/**
 * An entity's history for auditors: every event of its stream with who
 * recorded it, when and by which command, and the entity as it stood at the
 * end of `asOf` — as the engine knew it at `knownAt` when given. The work is
 * in libs/audit (shared with the CLI's `history`); this only reads the query.
 */
@ApiTags('history')
@Controller()
export class HistoryController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('enterprises/:creditCode/history')
  @Documented('enterprise', 'creditCode', 'the unified social credit code', 'registration, headcounts, relocations, own union, federation coverage, outreach, closure')
  enterprise(@Param('creditCode') creditCode: string, @Query() query: Record<string, unknown>) {
    return this.history('enterprise', creditCode, query);
  }

  @Get('members/:memberId/history')
  @Documented('member', 'memberId', 'the member id', 'joining, transfers, leaving')
  member(@Param('memberId') memberId: string, @Query() query: Record<string, unknown>) {
    return this.history('member', memberId, query);
  }

  @Get('unions/:unionId/history')
  @Documented('union', 'unionId', 'the union id (an enterprise union or a federation)', 'founding and dissolution')
  union(@Param('unionId') unionId: string, @Query() query: Record<string, unknown>) {
    return this.history('union', unionId, query);
  }

  @Get('campaigns/:campaignId/history')
  @Documented(
    'campaign',
    'campaignId',
    'the campaign id',
    'the launch; `related` adds the ceremonies held for it and the joins attributed to it (found by reading the log from the launch on)',
  )
  campaign(@Param('campaignId') campaignId: string, @Query() query: Record<string, unknown>) {
    return this.history('campaign', campaignId, query);
  }

  private async history(kind: EntityKind, id: string, query: Record<string, unknown>) {
    const asOf = dateParam(query['asOf'], 'asOf', todayInChina());
    const knownAt = knownAtParam(query['knownAt']);
    try {
      return await loadHistory(this.store, kind, id, { asOf, knownAt });
    } catch (error) {
      if (error instanceof UnknownEntityError) throw new HttpException({ error: error.code, message: error.message }, 404);
      throw error;
    }
  }
}

function knownAtParam(value: unknown): Date | undefined {
  const literal = instantParam(value, 'knownAt');
  return literal === undefined ? undefined : new Date(literal);
}
