/**
 * `Idempotency-Key` on POST routes that create or change things (REST connect and credential
 * submission, and POST /graphql). The first request with a key runs; its status, content type
 * and body are captured at res.end (whatever wrote them: res.json, res.send, or Apollo's
 * integration) and kept before the answer leaves, so a retry that follows the answer always
 * finds it. See idempotency.service.ts for the rules.
 */
import type { Request, RequestHandler, Response } from 'express';
import { callerOf } from '../http/auth.middleware';
import { BadRequestError, ConflictError, IdempotencyKeyReusedError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import {
  idempotencyScopeOf,
  isRetryableAnswer,
  isValidIdempotencyKey,
  type CapturedResponse,
  type IdempotencyService,
} from './idempotency.service';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/** GraphQL error codes whose answer is not kept (as the statuses isRetryableAnswer names). */
const RETRYABLE_GRAPHQL_CODES = new Set([
  'INTERNAL',
  'SERVICE_UNAVAILABLE',
  'PROVIDER_UNAVAILABLE',
  'CONFLICT',
  'RATE_LIMITED',
  'UNAUTHORIZED',
]);

export interface IdempotencyOptions {
  /** What of the request body the fingerprint covers (default: all of it). */
  fingerprintBody?: (req: Request) => unknown;
}

/** The GraphQL request's identity: query, variables and operation name (not its extensions). */
export function graphqlFingerprintBody(req: Request): unknown {
  const body = (req.body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
  return {
    query: body.query ?? null,
    variables: body.variables ?? null,
    operationName: body.operationName ?? null,
  };
}

function isRetryable(response: CapturedResponse): boolean {
  if (isRetryableAnswer(response.status)) return true;
  if (!response.contentType?.includes('json') || !response.body.includes('"errors"')) return false;
  try {
    const parsed = JSON.parse(response.body) as { errors?: { extensions?: { code?: unknown } }[] };
    return (parsed.errors ?? []).some((error) => RETRYABLE_GRAPHQL_CODES.has(String(error.extensions?.code)));
  } catch {
    return false;
  }
}

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string')
    return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return Buffer.from(chunk as Uint8Array);
}

/**
 * Holds everything written to `res` until res.end, hands the whole answer to `keep`, and sends
 * it once `keep` has settled.
 */
function captureAnswer(res: Response, keep: (response: CapturedResponse) => Promise<void>): void {
  const chunks: Buffer[] = [];
  const write = res.write;
  const end = res.end;
  res.write = function captureWrite(chunk: unknown, encoding?: unknown, callback?: unknown) {
    if (chunk !== undefined && chunk !== null) chunks.push(toBuffer(chunk, encoding));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  } as Response['write'];
  res.end = function captureEnd(chunk?: unknown, encoding?: unknown, callback?: unknown) {
    let done = callback;
    if (typeof chunk === 'function') {
      done = chunk;
      chunk = undefined;
    } else if (typeof encoding === 'function') {
      done = encoding;
      encoding = undefined;
    }
    if (chunk !== undefined && chunk !== null) chunks.push(toBuffer(chunk, encoding));
    res.write = write;
    res.end = end;
    const body = Buffer.concat(chunks);
    const contentType = res.getHeader('content-type');
    void keep({
      status: res.statusCode,
      contentType: contentType === undefined ? null : String(contentType),
      body: body.toString('utf8'),
    }).finally(() => {
      res.end(body, typeof done === 'function' ? (done as () => void) : undefined);
    });
    return res;
  } as Response['end'];
}

export function idempotency(
  service: IdempotencyService,
  logger: Logger,
  options: IdempotencyOptions = {},
): RequestHandler {
  const fingerprintBody = options.fingerprintBody ?? ((req: Request) => req.body as unknown);
  return async (req, res, next) => {
    const key = req.get(IDEMPOTENCY_HEADER);
    if (req.method !== 'POST' || key === undefined) {
      next();
      return;
    }
    if (!isValidIdempotencyKey(key)) {
      throw new BadRequestError('The Idempotency-Key header must be 1 to 255 visible ASCII characters.', [
        { field: IDEMPOTENCY_HEADER, message: 'must be 1 to 255 visible ASCII characters' },
      ]);
    }
    // Keys, and the answers kept under them, belong to the credential that sent them.
    const scope = idempotencyScopeOf(callerOf(res));
    const route = `${req.baseUrl}${req.path}`.replace(/(.)\/+$/, '$1');
    const claim = await service.begin(
      scope,
      key,
      service.fingerprints(req.method, route, fingerprintBody(req)),
    );
    switch (claim.kind) {
      case 'reused':
        throw new IdempotencyKeyReusedError();
      case 'in_progress':
        res.setHeader('Retry-After', '1');
        throw new ConflictError('A request with this Idempotency-Key is still in progress; retry shortly.');
      case 'replay': {
        const { response } = claim;
        res.status(response.status);
        if (response.contentType) res.setHeader('Content-Type', response.contentType);
        res.setHeader(REPLAYED_HEADER, 'true');
        res.send(Buffer.from(response.body, 'utf8'));
        return;
      }
      case 'run':
        captureAnswer(res, async (response) => {
          try {
            if (isRetryable(response)) await service.release(scope, key, claim.lockToken);
            else await service.complete(scope, key, claim.lockToken, response);
          } catch (err) {
            // The answer still goes out; the key stays locked until its lock expires.
            logger.warn({ err }, 'idempotency key could not be stored');
          }
        });
        next();
    }
  };
}
