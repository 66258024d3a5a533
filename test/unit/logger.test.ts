/**
 * The logger's own redaction, the second layer under the serializers (log-redaction.test.ts
 * proves the first over a whole run): whatever a caller passes, fields named like secrets are
 * replaced, at the top level and one level down.
 */
import { Writable } from 'node:stream';
import { createLogger } from '../../src/shared/logger';
import { runInRequestContext } from '../../src/shared/request-context';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  return { logger: createLogger('debug', sink), lines };
}

describe('logger', () => {
  it('redacts secret-named fields whatever the caller passes', () => {
    const { logger, lines } = capture();
    const secrets = {
      authorization: 'Bearer alm_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      cookie: 'gw_oauth=binding-cookie-value',
      apiKey: 'alm_live_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB',
      accessToken: 'gho_access-token-value',
      refreshToken: 'rt_refresh-token-value',
      access_token: 'at_snake-access-value',
      refresh_token: 'rt_snake-refresh-value',
      clientSecret: 'client-secret-value',
      client_secret: 'client-secret-snake-value',
      password: 'hunter2-password-value',
      ticket: 'ticket-value-0123',
      code_verifier: 'verifier-value-0123',
    };
    logger.info({ ...secrets, credentials: { apiKey: 'sk-credential-value' } }, 'top level');
    logger.warn(
      {
        provider: secrets,
        req: { headers: { authorization: secrets.authorization, cookie: secrets.cookie } },
      },
      'nested',
    );
    logger.error(
      { query: { code: 'authorization-code-value', state: 'state-value-0123', ticket: 'ticket-q-value' } },
      'query',
    );
    const text = lines.join('\n');
    expect(lines).toHaveLength(3);
    for (const value of [
      ...Object.values(secrets),
      'sk-credential-value',
      'authorization-code-value',
      'state-value-0123',
      'ticket-q-value',
    ]) {
      expect(text).not.toContain(value);
    }
    expect(text).toContain('[redacted]');
    // What is not a secret stays readable.
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'top level', service: 'connections-gateway' });
  });

  it('puts the request id on every line logged inside a request, and none outside', () => {
    const { logger, lines } = capture();
    runInRequestContext({ requestId: 'req-123', ip: null, userAgent: null }, () => {
      logger.info('inside');
      logger.child({ component: 'x' }).warn('child');
    });
    logger.info('outside');
    const [inside, child, outside] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(inside).toMatchObject({ msg: 'inside', reqId: 'req-123' });
    expect(child).toMatchObject({ msg: 'child', component: 'x', reqId: 'req-123' });
    expect(outside).not.toHaveProperty('reqId');
  });
});
