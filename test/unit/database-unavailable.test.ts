/**
 * toPublicError tells an unreachable database (503 SERVICE_UNAVAILABLE with Retry-After) from
 * any other failure (500 INTERNAL), whatever wraps the driver's error. The integration suite
 * (faults.test.ts) produces the common ones for real; this covers the rest of the list.
 */
import { QueryFailedError } from 'typeorm';
import { ConflictError, ServiceUnavailableError, toPublicError } from '../../src/shared/errors';

const coded = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('toPublicError and database connectivity', () => {
  it.each<[string, unknown]>([
    [
      'admin shutdown (57P01) wrapped by TypeORM',
      new QueryFailedError(
        'SELECT 1',
        [],
        coded('terminating connection due to administrator command', '57P01'),
      ),
    ],
    [
      'crash shutdown (57P02)',
      coded('terminating connection because of crash of another server process', '57P02'),
    ],
    ['cannot connect now (57P03)', coded('the database system is starting up', '57P03')],
    ['connection exception class 08 (08006)', coded('connection failure', '08006')],
    ['too many connections (53300)', coded('sorry, too many clients already', '53300')],
    ['ECONNREFUSED', coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['ECONNRESET', coded('read ECONNRESET', 'ECONNRESET')],
    ['EPIPE', coded('write EPIPE', 'EPIPE')],
    ['ETIMEDOUT', coded('connect ETIMEDOUT', 'ETIMEDOUT')],
    ['every address refused (AggregateError)', new AggregateError([coded('refused', 'ECONNREFUSED')], '')],
    ['pool exhausted', new Error('timeout exceeded when trying to connect')],
    ['connection terminated', new Error('Connection terminated unexpectedly')],
    [
      'a cause',
      new Error('wrapped', { cause: new Error('Connection terminated due to connection timeout') }),
    ],
  ])('%s → 503 with Retry-After', (_name, err) => {
    expect(toPublicError(err)).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      status: 503,
      message: 'The service is temporarily unavailable; try again shortly.',
      retryAfterSeconds: 5,
    });
  });

  it.each<[string, unknown]>([
    ['a unique violation', new QueryFailedError('INSERT', [], coded('duplicate key', '23505'))],
    ['a statement timeout', new QueryFailedError('SELECT', [], coded('canceling statement', '57014'))],
    ['a plain error', new Error('boom')],
    ['not an error at all', 'boom'],
  ])('%s → 500 INTERNAL', (_name, err) => {
    expect(toPublicError(err)).toEqual({
      code: 'INTERNAL',
      status: 500,
      message: 'An internal error occurred.',
    });
  });

  it('keeps AppErrors as they are, with Retry-After on a 503', () => {
    expect(toPublicError(new ConflictError('no'))).not.toHaveProperty('retryAfterSeconds');
    expect(toPublicError(new ServiceUnavailableError())).toMatchObject({ status: 503, retryAfterSeconds: 5 });
  });
});
