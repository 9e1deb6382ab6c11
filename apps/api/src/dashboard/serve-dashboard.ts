import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Where the built dashboard is (apps/web, built by `npm run build` into
 * dist/web): DASHBOARD_DIR, or dist/web under the folder the server was
 * started from (npm start runs from the project's root).
 */
export function dashboardDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env['DASHBOARD_DIR'] ?? join(process.cwd(), 'dist', 'web'));
}

/** A built asset: hashed names under /assets/, and the few files Vite copies to the root. */
const ASSET = /^\/(assets\/[\w.-]+|favicon\.svg|robots\.txt)$/;

/**
 * Serves the dashboard (docs/dashboard.md) at `/`: its assets by name (hashed,
 * so cached for a year), and its page for every other address outside /api
 * (each view of the single-page application has its own URL). The page holds
 * no data and needs no token: the application asks the API, with the token
 * the user gives, for everything it shows. An unknown /api address is still
 * 404 NOT_FOUND as JSON.
 */
export async function serveDashboard(app: NestFastifyApplication, root = dashboardDir()): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const built = existsSync(join(root, 'index.html'));
  // Cache headers are set here, per kind of file (the page must be revalidated, hashed assets never).
  // Brotli or gzip files written at build time (scripts/compress-web.mjs) go to browsers that accept them.
  if (built) await app.register(fastifyStatic as never, { root, serve: false, cacheControl: false, preCompressed: true } as never);
  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0]!;
    // Anything that reads as an API address (//api/…, /%61pi/…, /API/…) is not the page: a client that asked for data gets JSON.
    if (/^\/api(\/|$)/i.test(readable(path))) {
      return reply.status(404).send({ error: 'NOT_FOUND', message: `no route ${request.method} ${path}` });
    }
    if (!built) {
      return reply.status(404).send({ error: 'DASHBOARD_NOT_BUILT', message: 'the dashboard is not built: run npm run build (npm start does it)' });
    }
    const asset = ASSET.exec(path);
    if (asset) return reply.header('cache-control', 'public, max-age=31536000, immutable').sendFile(asset[1]!);
    if (path.startsWith('/assets/')) return reply.status(404).send({ error: 'NOT_FOUND', message: 'no such file' });
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  };
  fastify.get('/', page);
  fastify.get('/*', page);
}

/** A path as a person (or a lenient proxy) would read it: percent-decoded, runs of slashes as one. */
function readable(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // a malformed escape: judge the path as written
  }
  return decoded.replace(/[\\/]+/g, '/');
}
