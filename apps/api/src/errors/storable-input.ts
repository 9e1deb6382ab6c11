import type { FastifyInstance } from 'fastify';
import { unstorableFields } from '#commands';

/**
 * Path parameters and query strings the record could not hold (a NUL, an
 * unpaired surrogate) are malformed: 400 before any handler runs, instead of
 * a database error. Command bodies are checked field by field by
 * validateCommand (the importer's lines too).
 */
export function refuseUnstorableInput(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (request, reply) => {
    const fields = [
      ...unstorableFields((request.params ?? {}) as Record<string, unknown>),
      ...unstorableFields((request.query ?? {}) as Record<string, unknown>),
    ];
    if (fields.length) {
      await reply.status(400).send({ error: 'MALFORMED_REQUEST', message: `${fields.join(', ')} must not contain a NUL character or an unpaired surrogate` });
    }
  });
}
