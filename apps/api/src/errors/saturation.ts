import underPressure from '@fastify/under-pressure';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EngineConfig } from '#persistence';

/**
 * Health answers whatever the load: a load balancer that saw 503 there would
 * take a server out of rotation for being busy, and could no longer tell a
 * busy server from a dead one (route patterns, as http-security judges them).
 */
const HEALTH = /^\/api\/health(?:[/-]|$)/;
const API = /^\/api(?:\/|$)/;

/** Saturation passes in moments: a client may try again in a second. */
const RETRY_AFTER_SECONDS = '1';

function refuse(reply: FastifyReply): FastifyReply {
  return reply
    .code(503)
    .header('retry-after', RETRY_AFTER_SECONDS)
    .send({ error: 'SERVER_BUSY', message: 'the server is handling as many requests as it can: send the request again in a moment' });
}

/**
 * Whether a request is bounded: every /api route but health, judged on the
 * route it matched (never the raw URL, which may spell it otherwise). One that
 * matched no route is answered 404 at once, and holds nothing.
 */
function bounded(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return route !== undefined && API.test(route) && !HEALTH.test(route);
}

/**
 * A saturated server answers 503 SERVER_BUSY with Retry-After at once,
 * instead of queueing without bound behind what it already holds: when
 * MAX_REQUESTS_IN_FLIGHT /api requests are being handled, or, on PostgreSQL,
 * when the event loop has fallen MAX_EVENT_LOOP_DELAY_MS behind on average
 * over a second (@fastify/under-pressure). Refused in an onRequest hook — after
 * authentication, so a request without a valid token takes no place; before
 * the body is read or any handler runs. A place is given back when its answer
 * has been sent or when its connection closes, whichever comes first, so a
 * client that goes away cannot leak one.
 */
export async function refuseWhenSaturated(app: NestFastifyApplication, config: EngineConfig): Promise<void> {
  // Not on the embedded store: its queries run on the event loop, for seconds at a time in a large append, so the
  // delay there measures the database's work, not saturation (watched, it refused queries sent during such an append).
  if (config.maxEventLoopDelayMs > 0 && config.databaseUrl !== undefined) {
    await app.register(underPressure, {
      maxEventLoopDelay: config.maxEventLoopDelayMs,
      // Coded like every other refusal (its own would be an uncoded error); a request left unanswered here (health) goes on.
      pressureHandler: (request, reply) => {
        if (bounded(request)) refuse(reply);
      },
    });
  }
  const fastify = app.getHttpAdapter().getInstance();
  let inFlight = 0;
  const places = new WeakMap<FastifyRequest, () => void>();
  const bodyTimers = new WeakMap<FastifyRequest, NodeJS.Timeout>();
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!bounded(request)) return;
    if (inFlight >= config.maxRequestsInFlight) return refuse(reply);
    const socket = request.raw.socket;
    // Its client is already gone (while it was being authenticated): no close will come to give its place back.
    if (socket.destroyed) return;
    inFlight += 1;
    const release = () => {
      if (!places.delete(request)) return;
      inFlight -= 1;
      clearTimeout(bodyTimers.get(request));
      socket.removeListener('close', release);
    };
    places.set(request, release);
    socket.once('close', release);
    bodyTimers.set(request, setTimeout(() => bodyTooSlow(reply, config.bodyTimeoutMs), config.bodyTimeoutMs).unref());
  });
  // The body is in (parsed, or there was none): the handler's own time limit applies from here (request-time.ts).
  fastify.addHook('preValidation', async (request: FastifyRequest) => {
    clearTimeout(bodyTimers.get(request));
  });
  fastify.addHook('onResponse', async (request: FastifyRequest) => {
    places.get(request)?.();
  });
}

/**
 * A body that has not arrived within BODY_TIMEOUT_MS: answered 408
 * BODY_TIMEOUT on the socket (nothing of it was read into a command, nothing
 * recorded) and the connection closed, which gives the place back.
 */
function bodyTooSlow(reply: FastifyReply, ms: number): void {
  const raw = reply.raw;
  const socket = raw.socket;
  if (raw.headersSent || !socket || socket.destroyed) {
    socket?.destroy();
    return;
  }
  const body = JSON.stringify({ error: 'BODY_TIMEOUT', message: `the request body did not arrive within ${ms / 1000} s: send it again, smaller or faster` });
  raw.writeHead(408, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  raw.end(body, () => socket.destroy());
}
