import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { TokenRegistry, TokenRefusal } from '#access';
import type { EngineConfig } from '#persistence';

/** Routes under /api anyone may call: readiness, and the API's own documentation (route patterns). */
const OPEN = /^\/api\/(health|docs)(?:[/-]|$)/;

/**
 * Whether a request needs a token: judged on the route it matched (its
 * pattern), never on the raw URL, which may spell the same route otherwise
 * (`/%61pi/tokens`). A request that matched no route is answered 404.
 */
const needsToken = (request: FastifyRequest): boolean => {
  const route = request.routeOptions.url;
  return route !== undefined && route.startsWith('/api/') && !OPEN.test(route);
};

const REFUSALS: Record<TokenRefusal, string> = {
  missing: 'a bearer token is required: Authorization: Bearer TOKEN (npm run cli -- token issue gives one)',
  malformed: 'the bearer token is not valid',
  unknown: 'the bearer token is not valid',
  expired: 'the token has expired: ask for a new one',
  revoked: 'the token was revoked',
};

/**
 * What every request meets before a route: security headers, CORS only for
 * the configured origins, authentication of the bearer token on every /api
 * route but health and the docs (401 otherwise; an address that fails too
 * often is refused for the rest of the minute with 429), and a request rate
 * per token.
 */
export async function secureHttp(app: NestFastifyApplication, config: EngineConfig, registry: TokenRegistry): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // No upgrade-insecure-requests: a federation's LAN may serve the API over plain HTTP behind its own gateway.
  await app.register(helmet as never, { contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null } } } as never);
  if (config.corsOrigins.length > 0) app.enableCors({ origin: [...config.corsOrigins], allowedHeaders: ['authorization', 'content-type'] });

  const failures = config.authFailuresPerMinute > 0 ? new RateLimiterMemory({ points: config.authFailuresPerMinute, duration: 60 }) : undefined;
  // Counted in this hook rather than by a Fastify plugin: an in-memory counter per token costs a few microseconds a request.
  const requests = config.requestsPerMinute > 0 ? new RateLimiterMemory({ points: config.requestsPerMinute, duration: 60 }) : undefined;
  fastify.decorateRequest('principal', null);
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!needsToken(request)) return;
    if (failures && ((await failures.get(request.ip))?.remainingPoints ?? 1) <= 0) {
      return reply.status(429).send({ error: 'TOO_MANY_FAILED_ATTEMPTS', message: 'too many failed authentications from this address: wait a minute' });
    }
    const header = request.headers.authorization;
    const presented = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const outcome = await registry.authenticate(presented);
    if (!('principal' in outcome)) {
      if (outcome.refused !== 'missing') await failures?.consume(request.ip).catch(() => undefined);
      return reply.status(401).header('www-authenticate', 'Bearer').send({ error: 'UNAUTHORIZED', message: REFUSALS[outcome.refused] });
    }
    request.principal = outcome.principal;
    const limited = await requests?.consume(`token:${outcome.principal.tokenId}`).then(
      () => undefined,
      (refusal: unknown) => (refusal instanceof RateLimiterRes ? refusal : undefined),
    );
    if (limited) {
      const seconds = Math.ceil(limited.msBeforeNext / 1000);
      return reply.status(429).header('retry-after', String(seconds)).send({ error: 'RATE_LIMITED', message: `too many requests for this token: try again in ${seconds} s` });
    }
  });
}
