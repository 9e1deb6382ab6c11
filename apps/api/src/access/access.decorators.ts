import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal, Read } from '#domain';

/**
 * What a route lets through, declared on it (docs/access.md): open to all
 * (health), recording commands (judged command by command), reading at some
 * level of detail, or admin only. A route that declares nothing is refused
 * to everyone (the guard fails closed).
 */
export type RouteAccess = { kind: 'public' } | { kind: 'records' } | { kind: 'reads'; read: Read } | { kind: 'admin' };

export const ROUTE_ACCESS = 'uce:route-access';

export const Public = () => SetMetadata(ROUTE_ACCESS, { kind: 'public' } satisfies RouteAccess);
export const Records = () => SetMetadata(ROUTE_ACCESS, { kind: 'records' } satisfies RouteAccess);
export const Reads = (read: Read) => SetMetadata(ROUTE_ACCESS, { kind: 'reads', read } satisfies RouteAccess);
export const AdminOnly = () => SetMetadata(ROUTE_ACCESS, { kind: 'admin' } satisfies RouteAccess);

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, once the bearer token was accepted (authentication.ts). */
    principal: Principal | null;
  }
}

/** The authenticated caller of the request. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
  // The guard lets no request without a principal reach a handler that asks for one.
  if (!principal) throw new Error('no authenticated caller on a route that needs one');
  return principal;
});
