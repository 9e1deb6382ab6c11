import { Body, Controller, Get, HttpCode, HttpException, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { PersonalDataReads, TokenRegistry, TokenRequestError } from '#access';
import type { Principal } from '#domain';
import { dateParam, InvalidQuery, todayInChina } from '../organizing-coverage/query-params.js';
import { AdminOnly, Caller, Reads } from './access.decorators.js';
import { Scope } from './scope.js';

/**
 * Tokens (docs/access.md): an admin issues and revokes them; an admin or an
 * auditor lists them (an auditor those of its area). Every issue and
 * revocation is a fact on the `access-tokens` stream.
 */
@ApiTags('access')
@Controller('tokens')
export class TokensController {
  constructor(
    private readonly registry: TokenRegistry,
    private readonly scope: Scope,
  ) {}

  @Post()
  @HttpCode(201)
  @AdminOnly()
  @ApiOperation({ summary: 'Issue a token (admin): { role, areaId?, holder?, expiresInDays? }; the answer shows the token once' })
  issue(@Body() body: unknown, @Caller() caller: Principal) {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const expiresInDays = b['expiresInDays'];
    return refusals(() =>
      this.registry.issue(
        {
          role: String(b['role'] ?? ''),
          areaId: typeof b['areaId'] === 'string' ? b['areaId'] : null,
          holder: typeof b['holder'] === 'string' ? b['holder'] : null,
          ...(expiresInDays === undefined ? {} : { expiresInDays: typeof expiresInDays === 'number' ? expiresInDays : Number.NaN }),
        },
        caller,
      ),
    );
  }

  @Get()
  @Reads('access')
  @ApiOperation({ summary: 'The tokens (never their secrets): holder, role, area, issued, expires, revoked' })
  async list(@Caller() caller: Principal) {
    return { tokens: await this.registry.list((areaId) => this.scope.contains(caller, areaId)) };
  }

  @Post(':tokenId/revoke')
  @HttpCode(200)
  @AdminOnly()
  @ApiOperation({ summary: 'Revoke a token (admin): refused from the next request on' })
  revoke(@Param('tokenId') tokenId: string, @Body() body: unknown, @Caller() caller: Principal) {
    const reason = typeof (body as { reason?: unknown } | null)?.reason === 'string' ? (body as { reason: string }).reason : undefined;
    return refusals(() => this.registry.revoke(tokenId, caller, reason));
  }
}

/** Who read personal data, when, and whose (docs/access.md). */
@ApiTags('access')
@Controller('access')
export class PersonalDataReadsController {
  constructor(
    private readonly reads: PersonalDataReads,
    private readonly scope: Scope,
  ) {}

  @Get('reads')
  @Reads('access')
  @ApiOperation({ summary: 'Reads of personal data (member histories, campaign histories) from one day to another (China dates, at most 366 days)' })
  async list(@Query() query: Record<string, unknown>, @Caller() caller: Principal) {
    const to = dateParam(query['to'], 'to', todayInChina());
    const from = dateParam(query['from'], 'from', to);
    if (from > to) throw new InvalidQuery('from must not be after to');
    const reads = [];
    // An auditor sees the reads of what is in its area today.
    for (const read of await this.reads.list(from, to)) if (await this.scope.holds(caller, read.subject, todayInChina())) reads.push(read);
    return { from, to, reads };
  }
}

async function refusals<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TokenRequestError) throw new HttpException({ error: error.code, message: error.message }, error.code === 'UNKNOWN_TOKEN' ? 404 : 400);
    throw error;
  }
}
