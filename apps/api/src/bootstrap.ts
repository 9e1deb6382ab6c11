import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from '@nestjs/common';
import { serveAdminChannel, TokenRegistry } from '#access';
import { requireKeys, type EngineConfig } from '#persistence';
import { secureHttp } from './access/http-security.js';
import { AppModule } from './app.module.js';
import { ErrorsFilter } from './errors/errors.filter.js';
import { refuseUnstorableInput } from './errors/storable-input.js';
import { setUpOpenApi } from './openapi/openapi.js';
import { refuseWhileStopping } from './shutdown.js';

/**
 * The largest request body: 10,000 commands of an array (MAX_COMMANDS_PER_REQUEST)
 * fit with room; parsing it holds the event loop for tens of milliseconds at
 * most. A larger body is refused while it arrives, unparsed (413).
 */
export const BODY_LIMIT_BYTES = 10 * 1024 * 1024;

/** Builds the HTTP application (used by main.ts and by the e2e tests). */
export async function createApi(config: EngineConfig): Promise<NestFastifyApplication> {
  requireKeys(config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }), {
    logger: process.env['NODE_ENV'] === 'test' ? ['error', 'warn'] : ['log', 'error', 'warn'],
    // A provider that cannot start (a bad setting) rejects here, for main.ts to name it, instead of exiting the process.
    abortOnError: false,
  });
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new ErrorsFilter());
  const registry = app.get(TokenRegistry);
  await secureHttp(app, config, registry);
  refuseUnstorableInput(app.getHttpAdapter().getInstance());
  // Signals are handled by main.ts (stopGracefully); tests close the application themselves.
  refuseWhileStopping(app);
  setUpOpenApi(app);
  await app.init();
  if (config.databaseUrl === undefined) await openAdminChannel(app, config.dataDir, registry);
  return app;
}

/** The CLI's token commands reach this server through DATA_DIR while it holds the embedded store (libs/access). */
async function openAdminChannel(app: NestFastifyApplication, dataDir: string, registry: TokenRegistry): Promise<void> {
  const channel = await serveAdminChannel(dataDir, registry);
  if ('unavailable' in channel) {
    new Logger('Access').warn(`${channel.unavailable}: stop the API to run the CLI's token commands`);
    return;
  }
  app.getHttpAdapter().getInstance().addHook('onClose', async () => {
    await new Promise<void>((done) => channel.server.close(() => done()));
  });
}
