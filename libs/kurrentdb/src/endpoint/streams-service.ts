import type { sendUnaryData, ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import type { EventStore } from '#event-store';
import { append } from './append.js';
import { appendRecords } from './append-records.js';
import { callerOf } from './credentials.js';
import { accessDenied, asEndpointError, unauthenticated, unimplemented, type EndpointLogger } from './errors.js';
import type { LogAccess } from './log-access.js';
import type { ReadReq, ReadResp, StreamsServer, StreamsV2Server } from './protocol.js';
import { readRequestOf } from './read-request.js';
import { readAll, readStream } from './reads.js';
import { Responses } from './responses.js';
import { subscribeToAll, subscribeToStream } from './subscriptions.js';
import { Visibility } from './visibility.js';

export interface ServiceContext {
  readonly store: EventStore;
  readonly access: LogAccess;
  readonly logger: EndpointLogger | undefined;
  /** Aborts when the endpoint closes: subscriptions end on it. */
  readonly closing: AbortSignal;
  /** How often a subscription's credentials are checked again (a token revoked or expired ends it). */
  readonly recheckMs: number;
}

/** The v1 Streams service: Read (reads and catch-up subscriptions), Append; Delete, Tombstone and BatchAppend refused. */
export function streamsService(context: ServiceContext): StreamsServer {
  return {
    read: (call) => void serveRead(context, call),
    append: (call, callback) => unary(context, 'Append', callback, () => append(context.store, context.access, call)),
    delete: (call, callback) => unary(context, 'Delete', callback, () => refuseRewrite(context.access, call)),
    tombstone: (call, callback) => unary(context, 'Tombstone', callback, () => refuseRewrite(context.access, call)),
    batchAppend: (call) => {
      call.emit('error', unimplemented('BatchAppend is not served (the server features do not list it): append with Append').toServiceError());
    },
  };
}

/** The v2 StreamsService: AppendRecords (AppendSession is not served: grpc-js answers UNIMPLEMENTED). */
export function streamsV2Service(context: ServiceContext): StreamsV2Server {
  return {
    appendRecords: (call, callback) => unary(context, 'AppendRecords', callback, () => appendRecords(context.store, context.access, call)),
  };
}

async function serveRead(context: ServiceContext, call: ServerWritableStream<ReadReq, ReadResp>): Promise<void> {
  const out = new Responses(call, context.closing);
  let recheck: NodeJS.Timeout | undefined;
  try {
    const caller = await callerOf(context.access, call);
    if (!caller.reads) throw accessDenied('this caller may not read the log');
    const request = readRequestOf(call.request);
    const { target } = request;
    const subscription = request.count === undefined;
    if (subscription) recheck = setInterval(() => void stillValid(context, call, out), context.recheckMs);
    if (target.kind === 'stream') {
      if (!(await caller.canSee(target.streamId))) throw accessDenied("the stream is outside this caller's scope");
      await (subscription ? subscribeToStream : readStream)(context.store, out, target.streamId, target.from, request);
    } else {
      await (subscription ? subscribeToAll : readAll)(context.store, out, new Visibility(caller), target.from, request);
    }
    out.end();
  } catch (error) {
    out.fail(asEndpointError(error, 'Read', context.logger));
  } finally {
    clearInterval(recheck);
  }
}

/**
 * A subscription lasts as long as its credentials: checked again now and
 * then, as every HTTP request is, it ends (UNAUTHENTICATED) once the token
 * is revoked or expired, or its holder may no longer read the log.
 */
async function stillValid(context: ServiceContext, call: ServerWritableStream<ReadReq, ReadResp>, out: Responses): Promise<void> {
  if (!out.open) return;
  const caller = await callerOf(context.access, call).catch(() => undefined);
  if (!caller?.reads) out.fail(unauthenticated('the credentials no longer hold (a token revoked or expired): subscribe again with valid ones'));
}

/**
 * The log is append-only and nobody may rewrite it: a delete or tombstone is
 * refused as access denied (the clients throw AccessDeniedError), after the
 * credentials are checked like any call's.
 */
async function refuseRewrite(access: LogAccess, call: ServerUnaryCall<unknown, unknown>): Promise<never> {
  await callerOf(access, call);
  throw accessDenied('the log is append-only: no stream can be deleted or tombstoned');
}

function unary<T>(context: ServiceContext, method: string, callback: sendUnaryData<T>, work: () => Promise<T>): void {
  work().then(
    (answer) => callback(null, answer),
    (error: unknown) => callback(asEndpointError(error, method, context.logger).toServiceError()),
  );
}
