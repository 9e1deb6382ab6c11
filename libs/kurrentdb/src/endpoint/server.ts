import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { EventStore } from '#event-store';
import type { EndpointLogger } from './errors.js';
import type { LogAccess } from './log-access.js';
import { ServerFeaturesService, StreamsService, StreamsServiceService } from './protocol.js';
import { getSupportedMethods } from './server-features.js';
import { streamsService, streamsV2Service } from './streams-service.js';

export interface KurrentEndpointOptions {
  readonly store: EventStore;
  readonly access: LogAccess;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  /**
   * The server's certificate and key (PEM), or 'insecure' for plain gRPC.
   * Required: plain only where configured. Note that the official Node
   * clients send no credentials over a plain connection.
   */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer } | 'insecure';
  readonly logger?: EndpointLogger;
  /** How often a subscription's credentials are checked again (default 60 s). */
  readonly recheckCredentialsMs?: number;
}

export interface KurrentEndpoint {
  /** The port it listens on (the one picked when 0 was asked). */
  readonly port: number;
  /** Ends open subscriptions (UNAVAILABLE) and stops; forced after a grace period. */
  close(): Promise<void>;
}

/** How long close() lets calls in flight finish before cutting them. */
const SHUTDOWN_GRACE_MS = 2_000;
/** Clients accept records up to 17 MiB; the endpoint takes appends of the same order (Append's own ceiling is lower). */
const MAX_MESSAGE_BYTES = 17 * 1024 * 1024;

/**
 * Serves KurrentDB's gRPC protocol over the engine's event store: the v1
 * Streams service (reads, catch-up subscriptions, appends), server features,
 * and v2 AppendRecords, for the official clients (`@eventstore/db-client`,
 * `@kurrent/kurrentdb-client`). Every call but the server-features probe
 * needs credentials the access accepts.
 */
export async function startKurrentEndpoint(options: KurrentEndpointOptions): Promise<KurrentEndpoint> {
  if (!options.tls) throw new Error('the KurrentDB endpoint needs tls: a certificate and key, or "insecure" for plain gRPC');
  const closing = new AbortController();
  const context = { store: options.store, access: options.access, logger: options.logger, closing: closing.signal, recheckMs: options.recheckCredentialsMs ?? 60_000 };
  const server = new Server({ 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES });
  server.addService(StreamsService, streamsService(context));
  server.addService(StreamsServiceService, streamsV2Service(context));
  server.addService(ServerFeaturesService, { getSupportedMethods });
  const port = await bind(server, `${options.host ?? '127.0.0.1'}:${options.port}`, credentialsOf(options.tls));
  return {
    port,
    close: () => {
      closing.abort();
      return shutDown(server, options.logger);
    },
  };
}

function credentialsOf(tls: NonNullable<KurrentEndpointOptions['tls']>): ServerCredentials {
  if (tls === 'insecure') return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(null, [{ cert_chain: tls.cert, private_key: tls.key }], false);
}

function bind(server: Server, address: string, credentials: ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync(address, credentials, (error, port) => (error ? reject(error) : resolve(port))));
}

/** Lets calls in flight end (subscriptions end on `closing`), then cuts whatever is left. */
function shutDown(server: Server, logger: EndpointLogger | undefined): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      logger?.warn(`KurrentDB endpoint: calls still open ${SHUTDOWN_GRACE_MS} ms after close, cut`);
      server.forceShutdown();
      resolve();
    }, SHUTDOWN_GRACE_MS);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
