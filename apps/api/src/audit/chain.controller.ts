import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { chainHead, lastChainVerification } from '#event-store';
import { type Database } from '#persistence';
import { DATABASE } from '#persistence/nest';
import { Reads } from '../access/access.decorators.js';
import { ANCHOR_FILE, readLastAnchor, type AnchorFile } from './last-anchor.js';

/** Events appended after `position` up to the head (positions are dense). */
const eventsSince = (head: string, position: string | null): number | null => (position === null ? null : Number(BigInt(head) - BigInt(position)));

/**
 * The state of the hash chain, for auditors (docs/audit.md): the position
 * and hash of the last event — written down (an anchor), it lets `npm run
 * cli -- verify --anchor POSITION:HASH` prove later that nothing up to it
 * changed — beside the last signed anchor the API wrote (ANCHOR_DIR, its
 * signature checked with the API's key) and what the last `cli verify` run
 * reported. Verifying the whole chain reads the whole log: it is the CLI's
 * job, not a request's; its recorded outcome proves nothing by itself.
 */
@ApiTags('audit')
@Controller('chain')
export class ChainController {
  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(ANCHOR_FILE) private readonly anchors: AnchorFile,
  ) {}

  @Get()
  @Reads('access')
  @ApiOperation({
    summary:
      "The hash chain's state: its head (position, hash, when) to write down as an anchor for `verify`; the last signed anchor the API wrote " +
      '(ANCHOR_DIR, its signature checked; null, anchorsConfigured false, when the API writes none); what the last `cli verify` run reported (a record, not a proof)',
  })
  async state() {
    const { position, hash, recordedAt } = await chainHead(this.database.db);
    const [lastAnchor, lastVerify] = await Promise.all([this.anchors ? readLastAnchor(this.anchors) : null, lastChainVerification(this.database.db)]);
    return {
      headPosition: position,
      headHash: hash,
      recordedAt,
      anchor: `${position}:${hash}`,
      verify: `npm run cli -- verify --anchor ${position}:${hash}`,
      anchorsConfigured: this.anchors !== null,
      lastAnchor,
      eventsSinceLastAnchor: eventsSince(position, lastAnchor?.position ?? null),
      lastVerify,
      eventsSinceLastVerify: eventsSince(position, lastVerify?.headPosition ?? null),
    };
  }
}
