/**
 * One of the two places where errors become responses (the other is GraphQL's formatError).
 * AppErrors keep their code and status; body-parser failures become 400/413; anything else is
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

/** Errors thrown by express.json() carry a `type` and an HTTP status. */
function fromBodyParser(err: unknown): AppError | undefined {
  if (typeof err !== 'object' || err === null || !('type' in err)) return undefined;
  const { type, status } = err as { type?: unknown; status?: unknown };
  if (typeof type !== 'string' || typeof status !== 'number') return undefined;
  if (type === 'entity.too.large') return new PayloadTooLargeError();
  if (type === 'entity.parse.failed') return new BadRequestError('The request body is not valid JSON.');
  if (status >= 400 && status < 500)
    return new BadRequestError(`The request body could not be read (${type}).`);
  return undefined;
}

function render(req: Request, res: Response, error: PublicError): void {
  if (error.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="connections-gateway"');
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
    const known = err instanceof AppError ? err : fromBodyParser(err);
    const error = toPublicError(known ?? err);
    if (error.status >= 500) logger.error({ err, method: req.method, path: req.path }, 'request failed');
    render(req, res, error);
  };
}

export const notFoundRoute: RequestHandler = (req) => {
  throw new NotFoundError(`No route for ${req.method} ${req.baseUrl}${req.path}.`);
};
