/**
 * The first middleware of every request: gives it its id (`X-Request-Id`: the caller's when it is a
 * sane one, else a fresh UUID), opens the request context (shared/request-context.ts) that every
 * later line of code reads, and writes one line when the answer ends:
 * `{"reqId", "req": {id, method, path}, "res": {statusCode}, "responseTime", "msg": "request completed"}`
 * (`request errored` for a 5xx, `request aborted` when the client went away first). Paths only:
 * query strings can carry OAuth codes, states and tickets. The probes and /metrics log nothing.
 *
 * What pino-http did before, in one closure per request instead of child loggers, serialisers
 * and three listeners (README "Performance" has the measurements).
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { accessLogger, type Logger } from '../shared/logger';
import { runInRequestContext } from '../shared/request-context';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request's id (observability/request-log.ts). */
    id: string;
  }
}

const SANE_ID = /^[\w.:-]{1,128}$/;
const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

export function requestLog(logger: Logger): RequestHandler {
  const access = accessLogger(logger);
  return (req, res, next) => {
    const started = Date.now();
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    if (!QUIET.has(req.url)) {
      // 'close' follows 'finish' on every answer, and comes alone when the client goes away first.
      res.once('close', () => {
        const status = res.statusCode;
        const msg = !res.writableFinished
          ? 'request aborted'
          : status >= 500
            ? 'request errored'
            : 'request completed';
        const query = req.originalUrl.indexOf('?');
        access.info(
          {
            reqId: id,
            req: {
              id,
              method: req.method,
              path: query === -1 ? req.originalUrl : req.originalUrl.slice(0, query),
            },
            res: { statusCode: status },
            responseTime: Date.now() - started,
          },
          msg,
        );
      });
    }
    const userAgent = req.headers['user-agent'];
    runInRequestContext(
      { requestId: id, ip: req.ip ?? null, userAgent: userAgent ? userAgent.slice(0, 256) : null },
      next,
    );
  };
}
