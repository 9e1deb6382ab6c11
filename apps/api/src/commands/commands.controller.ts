import { Body, Controller, HttpCode, HttpException, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CommandService, MAX_COMMANDS_PER_REQUEST, type Submission } from '#commands/nest';
import type { Principal } from '#domain';
import { Caller, Records } from '../access/access.decorators.js';
import { httpStatusOf } from '../errors/http-status.js';

/**
 * POST /api/commands — one command, or an array of them.
 *
 * One: 200 with what was recorded, or the error's status with
 * `{ error, message }`. An array: 200 with one result per command, in order,
 * each `{ ok: true, ... }` or `{ ok: false, error, message }`; commands are
 * decided one after another (a later one may rely on an earlier one), each
 * standing or falling alone, and recorded together (see CommandService).
 * At most MAX_COMMANDS_PER_REQUEST commands (413 TOO_MANY_COMMANDS), in a
 * body of at most 10 MB (BODY_LIMIT_BYTES: 413 PAYLOAD_TOO_LARGE).
 */
@Controller('commands')
export class CommandsController {
  constructor(private readonly commands: CommandService) {}

  @Post()
  @HttpCode(200)
  @Records()
  async submit(@Body() body: unknown, @Caller() caller: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    // Each command is judged alone, for the caller (its role and area), and recorded as the caller's.
    const options = { principal: caller };
    if (Array.isArray(body)) {
      if (body.length > MAX_COMMANDS_PER_REQUEST) {
        throw new HttpException(
          { error: 'TOO_MANY_COMMANDS', message: `an array of at most ${MAX_COMMANDS_PER_REQUEST} commands per request (this one has ${body.length}); send more in several requests, or import a file` },
          413,
        );
      }
      return (await this.commands.submitMany(body, options)).map(answer);
    }
    const submission = await this.commands.submit(body, options);
    if (!submission.ok) reply.status(httpStatusOf(submission.kind));
    return submission.ok ? submission.result : { error: submission.error, message: submission.message };
  }
}

function answer(submission: Submission) {
  return submission.ok ? submission.result : { ok: false, error: submission.error, message: submission.message };
}
