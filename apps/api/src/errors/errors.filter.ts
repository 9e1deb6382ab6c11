import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { describeFailure } from '#commands';
import { ReplicaUnavailableError } from '#persistence';
import { logLine, stackFrames } from '#logging';
import { httpStatusOf } from './http-status.js';

const HTTP_CODES: Record<number, string> = {
  400: 'MALFORMED_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * Fastify's JSON parser refuses, with one message, a body that is not JSON and
 * one that holds a `__proto__` or `constructor` key (prototype poisoning):
 * say both, without a word of the body.
 */
const FASTIFY_JSON_REFUSAL = /^Body is not valid JSON/;
const JSON_REFUSAL = 'the body is not valid JSON, or it holds a key named "__proto__" or "constructor", which is refused';

/**
 * Every error leaves the API as `{ error: CODE, message: TEXT }` with its
 * status: domain and command errors as libs/commands describes them (their
 * kind mapped to a status in http-status.ts), framework
 * errors (unparseable JSON, unknown route…) by their HTTP status.
 */
@Catch()
export class ErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const said = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? exception.message);
      const message = FASTIFY_JSON_REFUSAL.test(said) ? JSON_REFUSAL : said;
      const own = typeof response === 'object' && typeof (response as { error?: unknown }).error === 'string' && /^[A-Z_]+$/.test((response as { error: string }).error)
        ? (response as { error: string }).error
        : undefined;
      const code = own ?? (status === 400 && /JSON/i.test(message) ? 'MALFORMED_COMMAND' : (HTTP_CODES[status] ?? `HTTP_${status}`));
      void reply.status(status).send({ error: code, message });
      return;
    }
    if (exception instanceof ReplicaUnavailableError) {
      void reply.status(503).header('retry-after', '5').send({ error: exception.code, message: exception.message });
      return;
    }
    const failure = describeFailure(exception);
    // Never the exception itself: a database error carries the request's data (names, identity numbers).
    if (failure.kind === 'internal') this.logger.error(logLine(exception), stackFrames(exception));
    // Commands are answered by CommandService; what fails here is a query (or a bug): say nothing of it.
    const message = failure.kind === 'internal' ? 'the request could not be answered; it was logged for the operators' : failure.message;
    void reply.status(httpStatusOf(failure.kind)).send({ error: failure.error, message });
  }
}
