import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';

/** Exports (a whole list as a spreadsheet): four times the time of a query. */
const EXPORTS = /\/export$/;
/**
 * Commands are never cut off by the limit (a day): their answer is what tells
 * whether they were recorded, and their work is bounded by the array limit.
 */
const COMMANDS = /^\/api\/commands$/;
const A_DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A time limit per request (Fastify's handlerTimeout): a query not answered
 * within REQUEST_TIMEOUT_MS is answered 503 REQUEST_TIMEOUT with
 * Retry-After, instead of holding its client indefinitely; exports get four
 * times as long, commands are not cut off. Cooperative: a query still under
 * way when its client is answered finishes on its own, reading only.
 */
export function limitRequestTime(app: NestFastifyApplication, timeoutMs: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route: RouteOptions) => {
    if (EXPORTS.test(route.url)) route.handlerTimeout = timeoutMs * 4;
    if (COMMANDS.test(route.url)) route.handlerTimeout = A_DAY_MS;
    const handle = route.errorHandler;
    route.errorHandler = function (this: unknown, error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
      if (error.code !== 'FST_ERR_HANDLER_TIMEOUT') return handle ? handle.call(this as never, error, request, reply) : reply.send(error);
      return reply
        .code(503)
        .header('retry-after', '10')
        .send({ error: 'REQUEST_TIMEOUT', message: `the request was not answered within ${Math.round((route.handlerTimeout ?? timeoutMs) / 1000)} s: try again later, or ask for less` });
    };
  });
}
