import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { EventIdConflictError, InvalidAppendError } from '#event-store';
import { Any, Status } from './protocol.js';

/**
 * The gRPC errors the endpoint answers, shaped the way the official clients
 * read them (their `convertToCommandError`): the status code, and for
 * KurrentDB's own errors the `exception` trailer that names the client's
 * error class. Messages say what was refused and why, never the data or
 * metadata of an event.
 */
export class EndpointError extends Error {
  constructor(
    readonly code: status,
    message: string,
    readonly trailers: Metadata = new Metadata(),
  ) {
    super(message);
  }

  toServiceError(): Partial<ServiceError> {
    return { code: this.code, details: this.message, metadata: this.trailers };
  }
}

/**
 * Refused by scope: PERMISSION_DENIED with `exception: access-denied`, as
 * KurrentDB answers. Both Node clients turn the trailer into
 * AccessDeniedError; the kurrentdb client's reads (its Rust bridge) map
 * PERMISSION_DENIED to the same class.
 */
export function accessDenied(reason: string): EndpointError {
  const trailers = new Metadata();
  trailers.set('exception', 'access-denied');
  return new EndpointError(status.PERMISSION_DENIED, `access denied: ${reason}`, trailers);
}

/**
 * No caller: UNAUTHENTICATED, as KurrentDB answers a wrong or missing
 * credential; every client maps it to AccessDeniedError.
 */
export function unauthenticated(message = 'no valid credentials: connect with a name and an API token (basic authentication over TLS)'): EndpointError {
  return new EndpointError(status.UNAUTHENTICATED, message);
}

/**
 * An error with KurrentDB's v2 details: a google.rpc.Status in the
 * `grpc-status-details-bin` trailer, whose one detail names its type (the
 * kurrentdb client picks its error class by the type's name).
 */
export function withDetails(code: status, message: string, typeName: string, details: { serializeBinary(): Uint8Array }): EndpointError {
  const packed = new Any();
  packed.pack(details.serializeBinary(), typeName);
  const rpcStatus = new Status().setCode(code as number as ReturnType<InstanceType<typeof Status>['getCode']>).setMessage(message).setDetails(packed);
  const trailers = new Metadata();
  trailers.set('grpc-status-details-bin', Buffer.from(rpcStatus.serializeBinary()));
  return new EndpointError(code, message, trailers);
}

export function invalidArgument(message: string): EndpointError {
  return new EndpointError(status.INVALID_ARGUMENT, message);
}

export function unimplemented(message: string): EndpointError {
  return new EndpointError(status.UNIMPLEMENTED, message);
}

export function shuttingDown(): EndpointError {
  return new EndpointError(status.UNAVAILABLE, 'the endpoint is shutting down');
}

export interface EndpointLogger {
  log(message: string): void;
  warn(message: string): void;
}

/**
 * Any error as the status to answer. The store's refusals keep their
 * meaning; anything else is an internal failure, logged by name only (its
 * message may quote what it failed on) and answered without detail.
 */
export function asEndpointError(error: unknown, method: string, logger: EndpointLogger | undefined): EndpointError {
  if (error instanceof EndpointError) return error;
  if (error instanceof EventIdConflictError) {
    return new EndpointError(
      status.FAILED_PRECONDITION,
      'event id conflict: some of the event ids are already stored, in another stream or without the rest of this append; it is neither new nor a retry of an earlier append',
    );
  }
  if (error instanceof InvalidAppendError) return invalidArgument(`invalid append: ${withoutQuotedValue(error.message)}`);
  const name = error instanceof Error ? error.name : typeof error;
  const code = (error as { code?: unknown } | null)?.code;
  logger?.warn(`KurrentDB endpoint: ${method} failed (${name}${code === undefined ? '' : ` ${String(code)}`})`);
  return new EndpointError(status.INTERNAL, `${method} failed on the server; see its log`);
}

/** The store's validation messages end with the value they refused (", got …"): a business date or a version from the event's metadata. */
function withoutQuotedValue(message: string): string {
  return message.replace(/, got .*$/s, '');
}
