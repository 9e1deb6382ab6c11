import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { chainHead } from '#event-store';
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
    const { position, hash, recordedAt } = await chainHead(this.database.db);
    return { headPosition: position, headHash: hash, recordedAt, anchor: `${position}:${hash}`, verify: `npm run cli -- verify --anchor ${position}:${hash}` };
  }
}
