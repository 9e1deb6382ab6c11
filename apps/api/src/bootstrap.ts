import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
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
import { limitRequestTime } from './errors/request-time.js';
import { refuseWhenSaturated } from './errors/saturation.js';
import { serveDashboard } from './dashboard/serve-dashboard.js';

/**
 * The largest request body: 10,000 commands of an array (MAX_COMMANDS_PER_REQUEST)
 * fit with room; parsing it holds the event loop for tens of milliseconds at
 * most. A larger body is refused while it arrives, unparsed (413).
 */
export const BODY_LIMIT_BYTES = 10 * 1024 * 1024;

/** Builds the HTTP application (used by main.ts and by the e2e tests). */
export async function createApi(config: EngineConfig): Promise<NestFastifyApplication> {
  requireKeys(config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), new FastifyAdapter({
      bodyLimit: BODY_LIMIT_BYTES,
      // A request not answered in time gets 503 REQUEST_TIMEOUT (docs/operations.md); longer work gets longer (limitRequestTime).
      handlerTimeout: config.requestTimeoutMs,
      // Ids may be 200 characters (docs/domain.md); percent-encoded, one may take 12.
      maxParamLength: 2_400,
      // What Fastify refuses before any route or hook (a URL that is not UTF-8 once decoded…) is coded like every other answer.
      frameworkErrors: (error: Error, _request: FastifyRequest, reply: FastifyReply) => {
        void reply.status(400).send({ error: 'MALFORMED_REQUEST', message: `the request cannot be read: ${error.message}` });
      },
      // Refused by Node's HTTP parser itself (a request line or headers over 16 KB, a malformed request): a coded answer on the socket.
      clientErrorHandler: (error, socket) => {
        if (!socket.writable) return;
        const tooLarge = (error as { code?: string }).code === 'HPE_HEADER_OVERFLOW';
        const body = JSON.stringify(
          tooLarge
            ? { error: 'HEADERS_TOO_LARGE', message: 'the request line and headers must stay under 16 KB: send long values in a body' }
            : { error: 'MALFORMED_REQUEST', message: 'the request is not valid HTTP' },
        );
        socket.end(
          `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\ncontent-type: application/json; charset=utf-8\r\n` +
            `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
        );
      },
    }), {
    logger: process.env['NODE_ENV'] === 'test' ? ['error', 'warn'] : ['log', 'error', 'warn'],
    // A provider that cannot start (a bad setting) rejects here, for main.ts to name it, instead of exiting the process.
    abortOnError: false,
  });
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new ErrorsFilter());
  const registry = app.get(TokenRegistry);
  await secureHttp(app, config, registry);
  refuseUnstorableInput(app.getHttpAdapter().getInstance());
  limitRequestTime(app, config.requestTimeoutMs);
  await refuseWhenSaturated(app, config);
  // Signals are handled by main.ts (stopGracefully); tests close the application themselves.
  refuseWhileStopping(app);
  setUpOpenApi(app);
  await serveDashboard(app);
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
