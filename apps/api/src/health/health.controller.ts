import { Controller, Get, Inject } from '@nestjs/common';
import { type Database } from '#persistence';
import { DATABASE } from '#persistence/nest';
import { EVENT_STORE } from '#persistence/nest';
import type { EventStore } from '#event-store';

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
