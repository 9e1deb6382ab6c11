import { randomUUID } from 'node:crypto';
import { isStorableText } from '#commands';
import { isRole, ROLES, type AreaState, type Principal, type Role } from '#domain';
import { WrongExpectedRevisionError, type EventStore } from '#event-store';
import { evolveTokens, newToken, parseToken, secretMatches, TOKENS_STREAM, type AccessToken, type AccessTokenEvent, type TokenRefusal } from './tokens.js';

/** A token request the registry refuses (bad role, area, expiry, unknown token): the caller's mistake. */
export class TokenRequestError extends Error {
  override readonly name = 'TokenRequestError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface IssueRequest {
  readonly role: string;
  readonly areaId?: string | null;
  readonly holder?: string | null;
  /** Days until it expires (default 90, at most 3650). */
  readonly expiresInDays?: number;
}

/** A token as lists show it: never its secret or hash. */
export type TokenView = Omit<AccessToken, 'secretHash'> & { readonly status: 'active' | 'expired' | 'revoked' };

export const DEFAULT_EXPIRY_DAYS = 90;
export const MAX_EXPIRY_DAYS = 3650;
const HOLDER = /^[\p{L}\p{N} ._@:()/-]{1,100}$/u;

/** How often the registry looks for tokens issued or revoked by another process, at most (ms). */
const REFRESH_MS = 250;

/**
 * The tokens, folded from the `access-tokens` stream and kept in memory: a
 * request is authenticated without a round trip, and what another process
 * (a second server, the CLI on PostgreSQL) issued or revoked is read within
 * REFRESH_MS — at once for a token id not seen yet. What this process does
 * takes effect at once.
 */
export class TokenRegistry {
  private readonly tokens = new Map<string, AccessToken>();
  private revision = -1;
  private refreshedAt = 0;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly areas: { get(areaId: string): Promise<AreaState> },
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The principal a bearer token stands for, or why it is refused. */
  async authenticate(presented: string | undefined): Promise<{ principal: Principal } | { refused: TokenRefusal }> {
    if (!presented) return { refused: 'missing' };
    const parsed = parseToken(presented);
    if (!parsed) return { refused: 'malformed' };
    await this.refresh(!this.tokens.has(parsed.tokenId));
    const token = this.tokens.get(parsed.tokenId);
    if (!token || !secretMatches(token, parsed.secret)) return { refused: 'unknown' };
    if (token.revokedAt !== null) return { refused: 'revoked' };
    if (Date.parse(token.expiresAt) <= this.now().getTime()) return { refused: 'expired' };
    return { principal: { role: token.role, areaId: token.areaId, holder: token.holder, tokenId: token.tokenId } };
  }

  /** Issues a token; the answer holds the secret, which is kept nowhere. */
  async issue(request: IssueRequest, by: Principal): Promise<TokenView & { token: string }> {
    const { role, areaId, holder, days } = await this.checked(request);
    const { tokenId, token, secretHash } = newToken();
    const issuedAt = this.now();
    const expiresAt = new Date(issuedAt.getTime() + days * 86_400_000);
    const data = { tokenId, role, areaId, holder, secretHash, issuedAt: issuedAt.toISOString(), expiresAt: expiresAt.toISOString(), issuedBy: by.holder };
    await this.record({ type: 'AccessTokenIssued', data }, by);
    const { secretHash: _hidden, ...view } = this.tokens.get(tokenId)!;
    return { ...view, status: 'active', token };
  }

  /** Revokes a token at once; revoking a revoked one changes nothing. */
  async revoke(tokenId: string, by: Principal, reason?: string): Promise<TokenView> {
    await this.refresh(true);
    const token = this.tokens.get(tokenId);
    if (!token) throw new TokenRequestError('UNKNOWN_TOKEN', `no token has the id "${tokenId}"`);
    if (reason !== undefined && !isStorableText(reason)) throw new TokenRequestError('INVALID_REASON', 'the reason must not contain a NUL character or an unpaired surrogate');
    if (token.revokedAt === null) {
      const data = { tokenId, revokedAt: this.now().toISOString(), revokedBy: by.holder, reason: reason?.slice(0, 200) ?? null };
      await this.record({ type: 'AccessTokenRevoked', data }, by);
    }
    return this.view(this.tokens.get(tokenId)!);
  }

  /** Every token (newest first), or those whose area is in `within` (an auditor's view). */
  async list(within?: (areaId: string | null) => Promise<boolean>): Promise<TokenView[]> {
    await this.refresh(true);
    const all = [...this.tokens.values()].reverse();
    const shown: TokenView[] = [];
    for (const token of all) if (!within || (await within(token.areaId))) shown.push(this.view(token));
    return shown;
  }

  private view({ secretHash: _hidden, ...token }: AccessToken): TokenView {
    const status = token.revokedAt !== null ? 'revoked' : Date.parse(token.expiresAt) <= this.now().getTime() ? 'expired' : 'active';
    return { ...token, status };
  }

  private async checked(request: IssueRequest): Promise<{ role: Role; areaId: string | null; holder: string; days: number }> {
    if (!isRole(request.role)) throw new TokenRequestError('INVALID_ROLE', `role must be one of ${ROLES.join(', ')}`);
    const areaId = request.areaId ?? null;
    const arealess = request.role === 'admin' || request.role === 'engine';
    if (arealess && areaId !== null) throw new TokenRequestError('INVALID_AREA', `an ${request.role} token has no area: it reaches everything`);
    if (!arealess) {
      if (areaId === null) throw new TokenRequestError('INVALID_AREA', `a ${request.role} token needs an area (--area): its scope`);
      if (typeof areaId !== 'string' || !isStorableText(areaId)) throw new TokenRequestError('INVALID_AREA', 'the area id must not contain a NUL character or an unpaired surrogate');
      if (!(await this.areas.get(areaId)).defined) throw new TokenRequestError('UNKNOWN_AREA', `area "${areaId}" is not defined`);
    }
    const holder = request.holder ?? `${request.role}${areaId ? ` ${areaId}` : ''}`;
    if (typeof holder !== 'string' || !HOLDER.test(holder)) {
      throw new TokenRequestError('INVALID_HOLDER', 'the holder name is 1 to 100 letters, digits, spaces or ._@:()/-');
    }
    const days = request.expiresInDays ?? DEFAULT_EXPIRY_DAYS;
    if (!Number.isInteger(days) || days < 1 || days > MAX_EXPIRY_DAYS) {
      throw new TokenRequestError('INVALID_EXPIRY', `expiry is a whole number of days from 1 to ${MAX_EXPIRY_DAYS}`);
    }
    return { role: request.role, areaId, holder, days };
  }

  private async record(event: AccessTokenEvent, by: Principal): Promise<void> {
    for (;;) {
      await this.refresh(true);
      try {
        await this.store.append(
          TOKENS_STREAM,
          [{ eventId: randomUUID(), type: event.type, data: event.data, occurredOn: event.type === 'AccessTokenIssued' ? event.data.issuedAt.slice(0, 10) : event.data.revokedAt.slice(0, 10), metadata: { actor: by.holder, role: by.role, ...(by.tokenId ? { tokenId: by.tokenId } : {}) } }],
          this.revision < 0 ? 'no_stream' : this.revision,
        );
        await this.refresh(true);
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      }
    }
  }

  /** Reads what was appended to the stream since the last look (at most every REFRESH_MS unless `now`). */
  private async refresh(now: boolean): Promise<void> {
    if (!now && Date.now() - this.refreshedAt < REFRESH_MS) return;
    this.refreshing ??= (async () => {
      try {
        const events = await this.store.readStream(TOKENS_STREAM, { fromRevision: this.revision + 1 });
        for (const e of events) {
          evolveTokens(this.tokens, { type: e.type, data: e.data } as AccessTokenEvent);
          this.revision = e.streamRevision;
        }
        this.refreshedAt = Date.now();
      } finally {
        this.refreshing = undefined;
      }
    })();
    await this.refreshing;
  }
}
