/**
 * The one error hierarchy. Services throw these; the express error middleware and Apollo's
 * formatError are the only two places that turn them into responses.
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'PROVIDER_UNAVAILABLE'
  | 'INTERNAL';

/** A per-field problem, e.g. `{field: "credentials.apiKey", message: "is required"}`. */
export interface ErrorDetail {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppError {
  constructor(message: string, details?: ErrorDetail[]) {
    super('BAD_REQUEST', 400, message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'A valid API key is required: send "Authorization: Bearer alm_live_…".') {
    super('UNAUTHORIZED', 401, message);
  }
}

/**
 * A browser form that does not belong to this browser (its anti-forgery field or cookie does not
 * match). Never for another owner's resource: that is a 404, so ids cannot be probed.
 */
export class ForbiddenError extends AppError {
  constructor(message: string) {
    super('FORBIDDEN', 403, message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found.') {
    super('NOT_FOUND', 404, message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super('CONFLICT', 409, message);
  }
}

/** An Idempotency-Key was used before with a different request (method, route or body). */
export class IdempotencyKeyReusedError extends AppError {
  constructor(
    message = 'This Idempotency-Key was already used with a different request; use a new key for a new request.',
  ) {
    super('IDEMPOTENCY_KEY_REUSED', 422, message);
  }
}

/** Over the caller's rate limit; `retryAfterSeconds` is when the current window ends. */
export class RateLimitedError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    message = `Rate limit exceeded; retry after ${retryAfterSeconds} seconds.`,
  ) {
    super('RATE_LIMITED', 429, message);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message = 'The request body is larger than the limit.') {
    super('PAYLOAD_TOO_LARGE', 413, message);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message = 'The service is temporarily unavailable; try again shortly.') {
    super('SERVICE_UNAVAILABLE', 503, message);
  }
}

/**
 * A provider the gateway had to ask did not answer usefully (429, 5xx, a redirect, a timeout, a
 * network failure): nothing was changed, and the same request may succeed later.
 */
export class ProviderUnavailableError extends AppError {
  constructor(message: string) {
    super('PROVIDER_UNAVAILABLE', 502, message);
  }
}

/** What a client may see of any error: AppErrors as they are, anything else as an opaque INTERNAL. */
export interface PublicError {
  code: ErrorCode;
  status: number;
  message: string;
  details?: ErrorDetail[];
  /** For `Retry-After`: when a retry may succeed (503s, and errors that say so). */
  retryAfterSeconds?: number;
}

/** How soon a client may retry after a 503 (the database or a provider being unreachable). */
export const SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * SQLSTATEs that mean "the database cannot be reached or cannot take us now": class 08
 * (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect now) and 53300
 * (too many connections).
 */
const UNAVAILABLE_SQLSTATES = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
/** Socket errors of a database connection. */
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** What pg, pg-pool and TypeORM say when a connection died, never came, or the pool is exhausted. */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'database is not established',
  'Query read timeout',
];

/**
 * True when `err` (or what it wraps: TypeORM's `driverError`, an Error's `cause`, an
 * AggregateError's errors) says the database is unreachable, so the request deserves a 503
 * and a retry rather than a 500.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 4) return false;
  const { code, message, driverError, cause, errors } = err as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.test(code) || UNAVAILABLE_NODE_CODES.has(code))) {
    return true;
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((text) => message.includes(text))) return true;
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(driverError, depth + 1) || isDatabaseUnavailable(cause, depth + 1);
}

export function toPublicError(err: unknown): PublicError {
  if (err instanceof AppError) {
    const error: PublicError = {
      code: err.code,
      status: err.status,
      message: err.message,
      details: err.details,
    };
    const retryAfter = (err as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if (typeof retryAfter === 'number') error.retryAfterSeconds = retryAfter;
    else if (err.status === 503) error.retryAfterSeconds = SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS;
    return error;
  }
  if (isDatabaseUnavailable(err)) return toPublicError(new ServiceUnavailableError());
  return { code: 'INTERNAL', status: 500, message: 'An internal error occurred.' };
}
