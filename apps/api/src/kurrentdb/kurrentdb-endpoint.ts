import { readFileSync } from 'node:fs';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EventStore } from '#event-store';
import { startKurrentEndpoint } from '#kurrentdb';
import type { EngineConfig } from '#persistence';
import { EVENT_STORE } from '#persistence/nest';
import { TokenLogAccess } from './log-access.js';

export const GRPC_SETTINGS = Symbol('GRPC_SETTINGS');

/** The KurrentDB-compatible gRPC endpoint over the engine's log, on GRPC_PORT (docs/kurrentdb.md). */
@Injectable()
export class KurrentEndpoint implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('KurrentDB endpoint');
  private running: Awaited<ReturnType<typeof startKurrentEndpoint>> | undefined;

  constructor(
    @Inject(GRPC_SETTINGS) private readonly settings: NonNullable<EngineConfig['grpc']>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly access: TokenLogAccess,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { host, port, tls } = this.settings;
    this.running = await startKurrentEndpoint({
      store: this.store,
      access: this.access,
      host,
      port,
      tls: tls === 'insecure' ? 'insecure' : { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) },
      logger: this.logger,
    });
    this.logger.log(`serving KurrentDB's gRPC protocol on ${host}:${this.running.port} (${tls === 'insecure' ? 'plain, GRPC_INSECURE=true' : 'TLS'})`);
  }

  /** The port it listens on (GRPC_PORT). */
  get port(): number | undefined {
    return this.running?.port;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.running?.close();
  }
}
