import { Controller, Get, HttpException, Inject, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { PersonalDataReads } from '#access';
import { loadHistory, UnknownEntityError, withoutPerson, type EntityHistory, type EntityKind, type HistoryEntry } from '#audit';
import type { Principal } from '#domain';
import type { EventStore } from '#event-store';
import { EVENT_STORE } from '#persistence/nest';
import type { PersonalData } from '#personal-data';
import { PERSONAL_DATA } from '#personal-data/nest';
import { Caller, Reads } from '../access/access.decorators.js';
import { forbidden } from '../access/access.guard.js';
import { Scope } from '../access/scope.js';
import { dateParam, instantParam, todayInChina } from '../organizing-coverage/query-params.js';
import { Documented } from './history.openapi.js';

/**
 * An entity's history for auditors: every event of its stream with who
 * recorded it, when and by which command, and the entity as it stood at the
 * end of `asOf` — as the engine knew it at `knownAt` when given. The work is
 * in libs/audit (shared with the CLI's `history`); this reads the query and
 * applies access (docs/access.md): the entity must be in the caller's area
 * on `asOf`; a campaign's joins show the person only where the union joined
 * is in the caller's area (and, to a campaign team, only the joins it
 * recorded); a campaign team reads the histories of members it signed up; reading a
 * member's or a campaign's history is recorded as a read of personal data.
 */
@ApiTags('history')
@Controller()
export class HistoryController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalData,
    private readonly scope: Scope,
    private readonly reads: PersonalDataReads,
  ) {}

  @Get('enterprises/:creditCode/history')
  @Documented('enterprise', 'creditCode', 'the unified social credit code', 'registration, headcounts, relocations, own union, federation coverage, outreach, closure')
  @Reads('histories')
  enterprise(@Param('creditCode') creditCode: string, @Query() query: Record<string, unknown>, @Caller() caller: Principal) {
    return this.history('enterprise', creditCode, query, caller);
  }

  @Get('members/:memberId/history')
  @Documented('member', 'memberId', 'the member id', 'joining, transfers, leaving')
  @Reads('histories')
  member(@Param('memberId') memberId: string, @Query() query: Record<string, unknown>, @Caller() caller: Principal) {
    return this.history('member', memberId, query, caller);
  }

  @Get('unions/:unionId/history')
  @Documented('union', 'unionId', 'the union id (an enterprise union or a federation)', 'founding and dissolution')
  @Reads('histories')
  union(@Param('unionId') unionId: string, @Query() query: Record<string, unknown>, @Caller() caller: Principal) {
    return this.history('union', unionId, query, caller);
  }

  @Get('campaigns/:campaignId/history')
  @Documented(
    'campaign',
    'campaignId',
    'the campaign id',
    'the launch; `related` adds the ceremonies held for it and the joins attributed to it (found by reading the log from the launch on)',
  )
  @Reads('histories')
  campaign(@Param('campaignId') campaignId: string, @Query() query: Record<string, unknown>, @Caller() caller: Principal) {
    return this.history('campaign', campaignId, query, caller);
  }

  private async history(kind: EntityKind, id: string, query: Record<string, unknown>, caller: Principal) {
    const asOf = dateParam(query['asOf'], 'asOf', todayInChina());
    const knownAt = knownAtParam(query['knownAt']);
    await this.scope.subject(caller, { [kind]: id } as Record<EntityKind, string>, asOf);
    if (caller.role === 'campaign') await this.campaignTeamMay(kind, id, caller);
    let history: EntityHistory;
    try {
      history = await loadHistory(this.store, this.personalData.vault, kind, id, { asOf, knownAt });
    } catch (error) {
      if (error instanceof UnknownEntityError) throw new HttpException({ error: error.code, message: error.message }, 404);
      throw error;
    }
    if (kind === 'member' || kind === 'campaign') await this.reads.record(caller, 'history', { [kind]: id } as { member: string });
    if (caller.role === 'admin' || !history.related) return history;
    const related: HistoryEntry[] = [];
    for (const entry of history.related) related.push((await this.mayName(entry, caller)) ? entry : withoutPerson(entry));
    return { ...history, related };
  }

  /**
   * Whether a join credited to a campaign may show the person to the caller:
   * the union joined must be in the caller's area on the day (a district's
   * drive gathers joins from every subdistrict), and a campaign team sees
   * the names only of the joins it recorded.
   */
  private async mayName(entry: HistoryEntry, caller: Principal): Promise<boolean> {
    if (entry.type !== 'MemberJoined') return true;
    if (caller.role === 'campaign' && entry.tokenId !== caller.tokenId) return false;
    const { unionId } = entry.data as { unionId: string };
    return this.scope.holds(caller, { union: unionId }, entry.occurredOn ?? todayInChina());
  }

  /** A campaign team reads campaigns' histories, and a member's only if it recorded the joining. */
  private async campaignTeamMay(kind: EntityKind, id: string, caller: Principal): Promise<void> {
    if (kind === 'campaign') return;
    if (kind === 'member' && (await this.scope.joinRecordedWith(id)) === caller.tokenId) return;
    throw forbidden(kind === 'member' ? 'a campaign token reads the histories of the members it signed up, and no other' : `a campaign token may not read ${kind} histories`);
  }
}

function knownAtParam(value: unknown): Date | undefined {
  const literal = instantParam(value, 'knownAt');
  return literal === undefined ? undefined : new Date(literal);
}
