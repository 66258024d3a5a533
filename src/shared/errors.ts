/**
 * The one error hierarchy. Services throw these; the express error middleware and Apollo's
 * formatError are the only two places that turn them into responses.
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
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

/** What a client may see of any error: AppErrors as they are, anything else as an opaque INTERNAL. */
export interface PublicError {
  code: ErrorCode;
  status: number;
  message: string;
  details?: ErrorDetail[];
}

export function toPublicError(err: unknown): PublicError {
  if (err instanceof AppError) {
    return { code: err.code, status: err.status, message: err.message, details: err.details };
  }
  return { code: 'INTERNAL', status: 500, message: 'An internal error occurred.' };
}
