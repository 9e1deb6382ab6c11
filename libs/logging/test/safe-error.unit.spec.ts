import { DomainError } from '#domain';
import { describeError, logLine, stackFrames } from '../src/index.js';

/** A database error as postgres.js raises it: the statement's data in its message and in its other fields. */
function databaseError(): Error {
  const error = Object.assign(new Error('invalid input syntax for type json: "张三 110105194912310021"'), {
    name: 'PostgresError',
    code: '22P02',
    where: 'JSON data, line 1: {"name":"张三","personIdMasked":"110105********0021"}',
    detail: 'Key (person_key)=(110105194912310021) already exists.',
  });
  return error;
}

describe('what may go to a log of an error', () => {
  it('names a database error by its class and code and keeps no quoted value, Chinese name or identity number', () => {
    const line = logLine(databaseError());
    expect(line).toMatch(/^PostgresError 22P02: invalid input syntax for type json: /);
    for (const personal of ['张三', '110105194912310021', '0021']) expect(line).not.toContain(personal);
  });

  it('keeps a domain error whole: its message is written for users and names no person', () => {
    expect(describeError(new DomainError('UNKNOWN_AREA', 'area "LG-9" is not defined'))).toEqual({
      error: 'DomainError UNKNOWN_AREA',
      message: 'area "LG-9" is not defined',
    });
  });

  it('keeps SQL identifiers, drops key details, and gives the stack without its message', () => {
    const error = new Error('duplicate key value violates unique constraint "events_event_id_key": Key (event_id)=(abc123456) exists');
    expect(describeError(error).message).toBe('duplicate key value violates unique constraint "events_event_id_key": Key (…)=(…) exists');
    expect(stackFrames(databaseError())).not.toContain('张三');
    expect(describeError('a string')).toEqual({ error: 'string', message: '(thrown value is not an Error)' });
  });
});
