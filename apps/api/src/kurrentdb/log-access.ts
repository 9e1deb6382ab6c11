import { RateLimiterMemory } from 'rate-limiter-flexible';
import { TokenRegistry } from '#access';
import type { Subject } from '#commands';
import { isDomainStream, mayRead, type Principal } from '#domain';
import type { LogAccess, LogCaller, LogCredentials } from '#kurrentdb';
import { Scope } from '../access/scope.js';

/** The domain's streams that name a subject with an area (docs/access.md), by prefix. */
const SUBJECTS: ReadonlyArray<[prefix: string, subject: (id: string) => Subject]> = [
  ['area-', (area) => ({ area })],
  ['enterprise-', (enterprise) => ({ enterprise })],
  ['union-', (union) => ({ union })],
  ['member-', (member) => ({ member })],
  ['campaign-', (campaign) => ({ campaign })],
  ['ceremony-', (ceremony) => ({ ceremony })],
];

/**
 * Access through the KurrentDB endpoint, on the HTTP API's tokens and
 * scope (docs/kurrentdb.md):
 * - the password of the basic credentials is an API token (the name is the
 *   caller's to choose: the token says who it is);
 * - reading the log raw shows what histories and revisions show, so it is
 *   for the roles that read both — admin (everything), federation and
 *   auditor (the streams of subjects in their area today: areas,
 *   enterprises, unions, members, drives, ceremonies; not persons, cards,
 *   access records nor streams outside the domain) — and for an engine
 *   sharing the log (everything);
 * - appending is for an admin, to streams outside the domain's own (facts
 *   are recorded by the commands, which enforce the rules), and for an
 *   engine sharing the log, which records its own commands' events;
 * - an address that fails to authenticate AUTH_FAILURES_PER_MINUTE times is
 *   refused for the rest of the minute, as on the HTTP API.
 */
export class TokenLogAccess implements LogAccess {
  /** Failed authentications per address, as on the HTTP API (AUTH_FAILURES_PER_MINUTE; none: not limited). */
  private readonly failures: RateLimiterMemory | undefined;

  constructor(
    private readonly tokens: TokenRegistry,
    private readonly scope: Scope,
    failuresPerMinute: number,
  ) {
    this.failures = failuresPerMinute > 0 ? new RateLimiterMemory({ points: failuresPerMinute, duration: 60 }) : undefined;
  }

  async authenticate(credentials: LogCredentials | undefined, peer: string): Promise<LogCaller | undefined> {
    if (this.failures && ((await this.failures.get(peer))?.remainingPoints ?? 1) <= 0) return undefined;
    const answer = await this.tokens.authenticate(credentials?.password);
    if ('principal' in answer) return this.callerOf(answer.principal);
    if (answer.refused !== 'missing') await this.failures?.consume(peer).catch(() => undefined);
    return undefined;
  }

  private callerOf(principal: Principal): LogCaller {
    const everything = principal.role === 'admin' || principal.role === 'engine';
    return {
      reads: everything || (mayRead(principal.role, 'histories') && mayRead(principal.role, 'revisions')),
      canSee: async (streamId) => everything || this.inArea(principal, streamId),
      appendRefusal: (streamId) => appendRefusal(principal, streamId),
    };
  }

  private async inArea(principal: Principal, streamId: string): Promise<boolean> {
    const match = SUBJECTS.find(([prefix]) => streamId.startsWith(prefix));
    if (!match) return false;
    const [prefix, subject] = match;
    return this.scope.holds(principal, subject(streamId.slice(prefix.length)), new Date().toISOString().slice(0, 10));
  }
}

function appendRefusal(principal: Principal, streamId: string): string | undefined {
  if (streamId.startsWith('$')) return `"${streamId.slice(0, 100)}" is a system stream: KurrentDB's own`;
  if (principal.role === 'engine') return undefined;
  if (principal.role !== 'admin') return `a ${principal.role} token appends nothing through this endpoint: record facts with the commands (POST /api/commands)`;
  if (isDomainStream(streamId)) return `stream "${streamId.slice(0, 100)}" is the domain's own: record facts with the commands (POST /api/commands), which enforce the rules`;
  return undefined;
}
