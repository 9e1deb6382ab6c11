import type { Metadata } from '@grpc/grpc-js';
import { unauthenticated } from './errors.js';
import type { LogAccess, LogCaller, LogCredentials } from './log-access.js';

/**
 * The basic credentials of a call (`authorization: Basic base64(name:password)`),
 * as the official clients send them; anything else (none, a bearer token,
 * a malformed header) is no credentials.
 *
 * The Node clients send credentials only over TLS: on a plain connection
 * they drop them (their own rule), so a plain endpoint sees none.
 */
export function credentialsOf(metadata: Metadata): LogCredentials | undefined {
  const [header] = metadata.get('authorization');
  if (typeof header !== 'string') return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The caller the call's credentials name; refused (UNAUTHENTICATED) when they name nobody. */
export async function callerOf(access: LogAccess, call: { readonly metadata: Metadata; getPeer(): string }): Promise<LogCaller> {
  const caller = await access.authenticate(credentialsOf(call.metadata), addressOf(call.getPeer()));
  if (!caller) throw unauthenticated();
  return caller;
}

/** The address of a peer as grpc-js names it (`ipv4:127.0.0.1:50000`, `ipv6:[::1]:50000`), without its port. */
export function addressOf(peer: string): string {
  const address = peer.replace(/^(ipv4|ipv6|unix):/, '');
  const bracketed = /^\[([^\]]+)\]/.exec(address);
  if (bracketed) return bracketed[1]!;
  const colon = address.lastIndexOf(':');
  return colon > 0 && address.indexOf(':') === colon ? address.slice(0, colon) : address;
}
