import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { COMMAND_TYPES, commandSchemas } from '#commands';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Serves the OpenAPI document at /api/docs (and /api/docs-json). */
export function setUpOpenApi(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Union coverage engine')
    .setDescription(
      'Records the facts of union organizing as events, and answers coverage questions. Commands: see POST /api/commands. ' +
        'Errors are `{ error, message }`: 400 malformed, 401 no valid bearer token, 403 out of the token\'s role or area (docs/access.md), ' +
        '422 a broken rule of the domain, 409 a conflict that retrying did not resolve, 429 too many requests.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'a token from `npm run cli -- token issue` or POST /api/tokens' })
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const schemas = commandSchemas();
  const components = (document.components ??= {});
  components.schemas = {
    ...components.schemas,
    ...schemas,
    Command: { oneOf: COMMAND_TYPES.map(ref), discriminator: { propertyName: 'type' } },
    Recorded: {
      type: 'object',
      properties: {
        ok: { type: 'boolean', enum: [true] },
        commandId: { type: 'string' },
        type: { type: 'string' },
        events: {
          type: 'array',
          items: {
            type: 'object',
            properties: { streamId: { type: 'string' }, type: { type: 'string' }, revision: { type: 'integer' }, position: { type: 'string' } },
          },
        },
      },
    },
    Error: { type: 'object', required: ['error', 'message'], properties: { error: { type: 'string' }, message: { type: 'string' } } },
    Refused: { type: 'object', properties: { ok: { type: 'boolean', enum: [false] }, error: { type: 'string' }, message: { type: 'string' } } },
  } as never;
  // Health and the documentation are open to all; every other route needs a token.
  const health = document.paths['/api/health']?.get;
  if (health) health.security = [];
  const post = document.paths['/api/commands']?.post;
  if (post) {
    post.summary = 'Record one command, or an array of commands';
    post.description = 'One command answers 200 with what was recorded, or an error. An array answers 200 with one result per command, in order; each stands or falls alone.';
    post.requestBody = {
      required: true,
      content: { 'application/json': { schema: { oneOf: [ref('Command'), { type: 'array', items: ref('Command') }] } } },
    };
    post.responses = {
      '200': {
        description: 'Recorded (one command), or one result per command (an array)',
        content: { 'application/json': { schema: { oneOf: [ref('Recorded'), { type: 'array', items: { oneOf: [ref('Recorded'), ref('Refused')] } }] } } },
      },
      '400': { description: 'Malformed command', content: { 'application/json': { schema: ref('Error') } } },
      '401': { description: 'No valid bearer token', content: { 'application/json': { schema: ref('Error') } } },
      '403': { description: 'The token\'s role records no such command, or what it names is outside the token\'s area; nothing was recorded', content: { 'application/json': { schema: ref('Error') } } },
      '409': { description: 'Conflict not resolved by retrying, or a commandId reused for another command', content: { 'application/json': { schema: ref('Error') } } },
      '422': { description: 'A rule of the domain is broken; nothing was recorded', content: { 'application/json': { schema: ref('Error') } } },
    };
  }
  SwaggerModule.setup('api/docs', app, document);
}
