import { Controller, Get, Inject } from '@nestjs/common';
import { DATABASE, type Database } from '../../../../libs/persistence/src/index.js';
import { EVENT_STORE } from '../../../../libs/persistence/src/index.js';
import type { EventStore } from '../../../../libs/event-store/src/index.js';

/**
 * Liveness and readiness in one: the server only listens once the store is
 * open and migrated, so an answer here means commands can be taken.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  async health() {
    const head = await this.store.headPosition();
    return { status: 'ok', store: this.database.kind, headPosition: head.toString() };
  }
}
