import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { operatorPrincipal, type Principal } from '#domain';
import { TokenRequestError, type IssueRequest, type TokenRegistry } from './token-registry.js';

/**
 * The embedded store (PGlite) can be opened by one process only: while the
 * API runs on it, the CLI's `token` commands reach the running server
 * through this channel instead — a Unix socket in DATA_DIR that only the
 * machine user who runs the engine can open (mode 0600). Whoever can open it
 * could open DATA_DIR itself: it grants nothing the files do not. Requests
 * are recorded as that operator's, like every CLI command.
 */
export const ADMIN_SOCKET = '.uce-admin.sock';

/** Longest Unix socket path the platforms take. */
const MAX_SOCKET_PATH = 100;

export const adminSocketPath = (dataDir: string): string => join(resolve(dataDir), ADMIN_SOCKET);

export type ChannelRequest =
  | { readonly action: 'issue'; readonly operator: string; readonly request: IssueRequest }
  | { readonly action: 'list'; readonly operator: string }
  | { readonly action: 'revoke'; readonly operator: string; readonly tokenId: string; readonly reason?: string };

export type ChannelAnswer = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string; readonly message: string };

/** Serves the token commands on the socket; undefined (with the reason) when the path is too long for a socket. */
export async function serveAdminChannel(dataDir: string, registry: TokenRegistry): Promise<{ server: Server } | { unavailable: string }> {
  const path = adminSocketPath(dataDir);
  if (path.length > MAX_SOCKET_PATH) return { unavailable: `DATA_DIR's path is too long for a local socket (${path.length} > ${MAX_SOCKET_PATH} characters)` };
  // A socket left by a server that stopped without closing it: this process holds the store now.
  if (existsSync(path)) unlinkSync(path);
  const server = createServer((req, res) => {
    void answer(req, registry).then((body) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((done, fail) => server.once('error', fail).listen(path, () => done()));
  chmodSync(path, 0o600);
  server.on('close', () => {
    if (existsSync(path)) unlinkSync(path);
  });
  return { server };
}

async function answer(req: IncomingMessage, registry: TokenRegistry): Promise<ChannelAnswer> {
  let body: ChannelRequest;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChannelRequest;
  } catch {
    return { ok: false, error: 'CHANNEL_ERROR', message: 'the request could not be read' };
  }
  return handleTokenRequest(registry, body, operatorPrincipal(String(body.operator || 'unknown').slice(0, 100))).catch(() => ({
    ok: false,
    error: 'CHANNEL_ERROR',
    message: 'the server could not handle the request',
  }));
}

/** A token request of the CLI, whether it came through the channel or the CLI opened the store itself. */
export async function handleTokenRequest(registry: TokenRegistry, body: ChannelRequest, operator: Principal): Promise<ChannelAnswer> {
  try {
    switch (body.action) {
      case 'issue':
        return { ok: true, value: await registry.issue(body.request, operator) };
      case 'list':
        return { ok: true, value: await registry.list() };
      case 'revoke':
        return { ok: true, value: await registry.revoke(String(body.tokenId), operator, body.reason) };
      default:
        return { ok: false, error: 'UNKNOWN_ACTION', message: 'the token requests are issue, list and revoke' };
    }
  } catch (error) {
    if (error instanceof TokenRequestError) return { ok: false, error: error.code, message: error.message };
    throw error;
  }
}

/** Sends a request to the server running on DATA_DIR; undefined when none is listening there. */
export async function callAdminChannel(dataDir: string, body: ChannelRequest): Promise<ChannelAnswer | undefined> {
  const path = adminSocketPath(dataDir);
  if (!existsSync(path)) return undefined;
  return new Promise((done, fail) => {
    const req = request({ socketPath: path, path: '/', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChannelAnswer));
      res.on('error', fail);
    });
    // Nobody listening (a socket file left behind): no server, open the store directly.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? done(undefined) : fail(error)));
    req.end(JSON.stringify(body));
  });
}
