import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandService } from '#commands/nest';

/** How long a stopping server may take to finish what it holds before it exits anyway (docs/operations.md). */
export const SHUTDOWN_BOUND_MS = 10_000;

const stopping = new WeakSet<object>();

/**
 * While the server stops, a new request is answered 503 SHUTTING_DOWN (with
 * Retry-After), never half-served; and every answer closes its connection, so
 * that a keep-alive connection whose request finishes after the listener
 * closed does not hold the server open.
 */
export function refuseWhileStopping(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (_request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (stopping.has(app)) void reply.header('connection', 'close');
    return payload;
  });
  fastify.addHook('onRequest', async (_request: FastifyRequest, reply: FastifyReply) => {
    if (!stopping.has(app)) return;
    await reply
      .code(503)
      .header('retry-after', '10')
      .header('connection', 'close')
      .send({ error: 'SHUTTING_DOWN', message: 'the server is stopping: send the request again in a moment' });
  });
}

/**
 * On SIGTERM (or SIGINT): no new request is taken; the commands being
 * appended are finished and answered, whatever has not begun is answered
 * SHUTTING_DOWN unrecorded (CommandService.stop); then the server closes —
 * projections stop at a checkpoint, the store closes. Past SHUTDOWN_BOUND_MS
 * it exits anyway: an answer is only ever sent after its commit, so nothing
 * acknowledged can be lost, only unanswered (a retry with the same commandId
 * is recognised).
 */
export async function stopGracefully(app: NestFastifyApplication, signal: string): Promise<void> {
  const logger = new Logger('Api');
  logger.log(`${signal}: taking no new requests, finishing what is in hand (at most ${SHUTDOWN_BOUND_MS / 1000} s)`);
  setTimeout(() => {
    logger.error(`not stopped within ${SHUTDOWN_BOUND_MS / 1000} s: exiting`);
    process.exit(1);
  }, SHUTDOWN_BOUND_MS).unref();
  stopping.add(app);
  app.get(CommandService).stop();
  await app.close();
  logger.log('stopped');
  process.exit(0);
}
