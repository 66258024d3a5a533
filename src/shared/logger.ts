/**
 * Structured JSON logs (pino). Secrets never reach a log line: headers that carry them and
 * any field named like a token or credential are redacted at the logger, whatever the caller passes.
 */
import pino, { type Logger } from 'pino';
import { currentRequest } from './request-context';

export type { Logger };

/** Fields that hold secrets, redacted wherever a caller puts them: on the line itself or one level down. */
const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'apiKey',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'credentials',
  'password',
  'secret',
  'ticket',
  'code_verifier',
];

const REDACT = [
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'query.code',
  'query.state',
];

/** A fresh object each time: pino merges the line's own fields into what the mixin returns. */
function requestIdMixin(): object {
  const context = currentRequest();
  return context ? { reqId: context.requestId } : {};
}

const BASE = { service: 'connections-gateway' };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: BASE,
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Every line logged while a request is served carries its id, whoever logs it (the request's
      // own line, written by observability/request-log.ts, names it itself); lines outside a
      // request carry none.
      mixin: requestIdMixin,
    },
    destination,
  );
}

/**
 * A logger for the one line each request ends with (observability/request-log.ts), writing to
 * `logger`'s destination at its level: the same line shape, without the redaction pass. That line's
 * fields are fixed by the middleware (id, method, path without the query, status, time), none of
 * them named like a secret, and redaction cost 13 µs a line — 2% of a request (README "Performance").
 * Everything else logs through `logger`, redacted.
 */
export function accessLogger(logger: Logger): Logger {
  const destination = (logger as unknown as Record<symbol, pino.DestinationStream>)[pino.symbols.streamSym];
  return pino({ level: logger.level, base: BASE, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
