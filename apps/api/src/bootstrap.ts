import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { EngineConfig } from '#persistence';
import { AppModule } from './app.module.js';
import { ErrorsFilter } from './errors/errors.filter.js';
import { refuseUnstorableInput } from './errors/storable-input.js';
import { setUpOpenApi } from './openapi/openapi.js';

/** Builds the HTTP application (used by main.ts and by the e2e tests). */
export async function createApi(config: EngineConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), new FastifyAdapter({ bodyLimit: 32 * 1024 * 1024 }), {
    logger: process.env['NODE_ENV'] === 'test' ? ['error', 'warn'] : ['log', 'error', 'warn'],
  });
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new ErrorsFilter());
  refuseUnstorableInput(app.getHttpAdapter().getInstance());
  app.enableShutdownHooks();
  setUpOpenApi(app);
  await app.init();
  return app;
}
