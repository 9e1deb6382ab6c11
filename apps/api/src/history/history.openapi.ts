import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery } from '@nestjs/swagger';
import { UNKNOWN_ENTITY_CODES, type EntityKind } from '#audit';

/** The OpenAPI description of the history endpoints (served at /api/docs with the rest). */

const error = { $ref: '#/components/schemas/Error' };

const HISTORY_ENTRY = {
  type: 'object',
  required: ['position', 'revision', 'type', 'occurredOn', 'recordedAt', 'actor', 'commandId', 'commandType', 'late', 'countsAsOf', 'summary', 'data'],
  properties: {
    streamId: { type: 'string', description: 'only in `related`: the stream the event belongs to' },
    position: { type: 'string', description: 'global position in the log (a 64-bit integer, as a string)' },
    revision: { type: 'integer', description: 'index of the event in its stream, from 0' },
    type: { type: 'string', example: 'HeadcountReported' },
    occurredOn: { type: 'string', format: 'date', nullable: true, description: 'business date: when it happened in the world' },
    recordedAt: { type: 'string', format: 'date-time', description: 'when the engine recorded it' },
    actor: { type: 'string', nullable: true, description: 'who recorded it (the command\'s `actor`)' },
    commandId: { type: 'string', nullable: true },
    commandType: { type: 'string', nullable: true, example: 'ReportHeadcount' },
    correlationId: { type: 'string', description: 'when present in the metadata' },
    causationId: { type: 'string', description: 'when present in the metadata' },
    late: { type: 'boolean', description: 'recorded after an event of the same stream dated later (a late report)' },
    countsAsOf: { type: 'boolean', description: 'counts for the state as of `asOf` (dated on or before it)' },
    summary: { type: 'string', description: 'the fact in a few words' },
    data: { type: 'object', description: "the event's data" },
  },
};

function historySchema(kind: EntityKind) {
  return {
    type: 'object',
    required: ['kind', 'id', 'streamId', 'asOf', 'knownAt', 'events', 'state'],
    properties: {
      kind: { type: 'string', enum: [kind] },
      id: { type: 'string' },
      streamId: { type: 'string', example: `${kind}-…` },
      asOf: { type: 'string', format: 'date' },
      knownAt: { type: 'string', format: 'date-time', nullable: true },
      events: { type: 'array', items: HISTORY_ENTRY, description: 'every event of the stream (recorded by knownAt), in order' },
      ...(kind === 'campaign' ? { related: { type: 'array', items: HISTORY_ENTRY, description: 'ceremonies and joins attributed to the campaign' } } : {}),
      state: {
        type: 'object',
        description: `the ${kind} at the end of asOf, with a one-line \`summary\` (see docs/history.md for every field)`,
        properties: { kind: { type: 'string', enum: [kind] }, summary: { type: 'string' } },
        additionalProperties: true,
      },
    },
  };
}

export function Documented(kind: EntityKind, param: string, paramDescription: string, what: string) {
  return applyDecorators(
    ApiOperation({
      summary: `The history of one ${kind}, and its state as of a date`,
      description:
        `Every event of the stream \`${kind}-<${param}>\` in order (${what}) with its metadata, and the ${kind} at the end of \`asOf\`. ` +
        'Events dated after `asOf` are listed but do not count for the state; late reports dated on or before it do. ' +
        'With `knownAt`, events recorded after that instant are left out of both.',
    }),
    ApiParam({ name: param, description: paramDescription }),
    ApiQuery({ name: 'asOf', required: false, description: 'the date of the state, YYYY-MM-DD (default: today in China)', schema: { type: 'string', format: 'date' } }),
    ApiQuery({
      name: 'knownAt',
      required: false,
      description: 'only events recorded at or before this instant (ISO 8601; without a zone: China time; a bare date: the end of that day in China): the history as the engine knew it then',
      schema: { type: 'string', format: 'date-time' },
    }),
    ApiOkResponse({ description: `The ${kind}'s history and state`, schema: historySchema(kind) as never }),
    ApiBadRequestResponse({ description: 'INVALID_QUERY: asOf or knownAt malformed', schema: error }),
    ApiNotFoundResponse({ description: `${UNKNOWN_ENTITY_CODES[kind]}: nothing is recorded for this ${kind}`, schema: error }),
  );
}
