import { HttpException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { mayRead } from '#domain';
import { ROUTE_ACCESS, type RouteAccess } from './access.decorators.js';

export const forbidden = (message: string) => new HttpException({ error: 'FORBIDDEN', message }, 403);

/**
 * The role part of access, per route, from what the route declares; the
 * area part is judged by each route on what it reads (scope.ts) and by the
 * executors for commands. Fails closed: a route that declares nothing is
 * refused.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [context.getHandler(), context.getClass()]);
    if (access?.kind === 'public') return true;
    const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
    // Authentication (authentication.ts) answered 401 before any route without a principal could get here.
    if (!principal) throw new HttpException({ error: 'UNAUTHORIZED', message: 'a bearer token is required' }, 401);
    if (!access) throw forbidden('this route has no access rule: nobody may call it');
    switch (access.kind) {
      case 'admin':
        if (principal.role !== 'admin') throw forbidden('only an admin token may do this');
        return true;
      case 'records':
        if (principal.role === 'auditor' || principal.role === 'viewer' || principal.role === 'engine') throw forbidden(`a ${principal.role} token records nothing`);
        return true;
      case 'reads':
        if (!mayRead(principal.role, access.read)) throw forbidden(`a ${principal.role} token may not read this (${access.read}; see docs/access.md)`);
        return true;
    }
  }
}
