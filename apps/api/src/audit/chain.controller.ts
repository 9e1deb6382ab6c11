import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Database } from '#persistence';
import { DATABASE } from '#persistence/nest';
import { Reads } from '../access/access.decorators.js';

/**
 * The hash chain's head, for auditors (docs/audit.md): the position and hash
 * of the last event. Written down (an anchor), it lets `npm run cli --
 * verify --anchor POSITION:HASH` prove later that nothing up to it changed.
 * Verifying the whole chain reads the whole log: it is the CLI's job, not a
 * request's.
 */
@ApiTags('audit')
@Controller('chain')
export class ChainController {
  constructor(@Inject(DATABASE) private readonly database: Database) {}

  @Get()
  @Reads('access')
  @ApiOperation({ summary: "The hash chain's head (position, hash, when), to write down as an anchor for `verify`" })
  async head() {
    const head = await this.database.db.selectFrom('event_log_head').select(['position', 'hash', 'recorded_at']).executeTakeFirst();
    const position = head ? String(head.position) : '0';
    const hash = head ? Buffer.from(head.hash).toString('hex') : '0'.repeat(64);
    return {
      headPosition: position,
      headHash: hash,
      recordedAt: head ? new Date(head.recorded_at).toISOString() : null,
      anchor: `${position}:${hash}`,
      verify: `npm run cli -- verify --anchor ${position}:${hash}`,
    };
  }
}
