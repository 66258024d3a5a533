/**
 * One of the two places where errors become responses (the other is GraphQL's formatError).
 * AppErrors keep their code and status; express's own 4xx errors (body parsing, path decoding)
 * become 400/413; a database that cannot be reached is a 503 with Retry-After; anything else is
 * an INTERNAL 500 whose detail goes to the log, never to the client.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import {
  AppError,
  BadRequestError,
  NotFoundError,
  PayloadTooLargeError,
  toPublicError,
  type PublicError,
} from '../shared/errors';
import type { Logger } from '../shared/logger';
import { renderPage } from './page';

/**
 * Errors of express itself, all marked with a 4xx `status`: express.json() tags its own with a
 * `type` (too large, unparsable, bad charset); a body that fails to inflate, or a path parameter
 * that is not valid percent-encoding (a URIError from the router), has no `type`.
 */
function fromExpress(err: unknown): AppError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { type, status } = err as { type?: unknown; status?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (type === 'entity.too.large') return new PayloadTooLargeError();
  if (type === 'entity.parse.failed') return new BadRequestError('The request body is not valid JSON.');
  if (err instanceof URIError) return new BadRequestError('The request path is not validly percent-encoded.');
  if (typeof type === 'string') return new BadRequestError(`The request body could not be read (${type}).`);
  return new BadRequestError('The request body could not be read.');
}

/**
 * A person's browser, as opposed to an API caller: no Authorization header (a
 * browser never sends one by itself), and `text/html` named in Accept and preferred to JSON.
 * curl's default (any type) or a fetch without Accept is an API caller: the JSON envelope.
 */
function isBrowser(req: Request): boolean {
  if (req.headers.authorization !== undefined) return false;
  if (!/\btext\/html\b/i.test(req.headers.accept ?? '')) return false;
  return req.accepts(['html', 'json']) === 'html';
}

function render(req: Request, res: Response, error: PublicError): void {
  if (error.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="connections-gateway"');
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  if (res.locals.browserPage === true && isBrowser(req)) {
    // A person's browser opened this (an oauthUrl, the OAuth callback): a page, not JSON.
    const title =
      error.status >= 500
        ? 'Something went wrong'
        : error.status === 429
          ? 'Too many requests'
          : 'This sign-in cannot continue';
    res
      .status(error.status)
      .type('html')
      .send(renderPage({ ok: false, title, lines: [error.message] }));
    return;
  }
  if (req.baseUrl.startsWith('/graphql') || req.path.startsWith('/graphql')) {
    // GraphQL clients read `errors`; the status and code are those of REST.
    res.status(error.status).json({
      errors: [{ message: error.message, extensions: { code: error.code, details: error.details } }],
    });
    return;
  }
  const body: { code: string; message: string; details?: PublicError['details'] } = {
    code: error.code,
    message: error.message,
  };
  if (error.details) body.details = error.details;
  res.status(error.status).json({ error: body });
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = err instanceof AppError ? err : fromExpress(err);
    const error = toPublicError(known ?? err);
    if (error.code === 'SERVICE_UNAVAILABLE' && !(err instanceof AppError)) {
      // The database is unreachable: one line saying so, without the driver's full object.
      logger.warn(
        { err: { message: (err as Error).message, code: (err as { code?: unknown }).code }, path: req.path },
        'database unavailable: answered 503',
      );
    } else if (error.status >= 500) {
      logger.error({ err, method: req.method, path: req.path }, 'request failed');
    }
    render(req, res, error);
  };
}

export const notFoundRoute: RequestHandler = (req) => {
  throw new NotFoundError(`No route for ${req.method} ${req.baseUrl}${req.path}.`);
};
