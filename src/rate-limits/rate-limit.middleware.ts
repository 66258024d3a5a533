/**
 * Charges each authenticated request to its caller's bucket (after requireCaller) and writes the
 * IETF RateLimit headers (draft-ietf-httpapi-ratelimit-headers-11 syntax):
 *
 *   RateLimit-Policy: "api-key";q=1200;w=60
 *   RateLimit: "api-key";r=1187;t=42
 *
 * Over the limit: 429 RATE_LIMITED with `Retry-After` (seconds until the window ends). The
 * common case decides from memory and calls next() synchronously.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { callerOf } from '../http/auth.middleware';
import { RateLimitedError } from '../shared/errors';
import type { RateLimiter, RateLimitTarget, RateLimitVerdict } from './rate-limiter';

function answer(
  res: Response,
  verdict: RateLimitVerdict,
  next: NextFunction,
  refusal: (retryAfterSeconds: number) => RateLimitedError = (seconds) => new RateLimitedError(seconds),
): void {
  res.setHeader('RateLimit-Policy', verdict.policy.header);
  res.setHeader('RateLimit', `"${verdict.policy.name}";r=${verdict.remaining};t=${verdict.resetSeconds}`);
  if (verdict.allowed) {
    next();
    return;
  }
  // Retry-After comes from the error's retryAfterSeconds, where every error gets its headers.
  next(refusal(verdict.resetSeconds));
}

/** Spends `points` of `target`'s budget: from memory when it can, else after a lease; then answers. */
function spend(
  limiter: RateLimiter,
  target: RateLimitTarget,
  points: number,
  res: Response,
  next: NextFunction,
  refusal?: (retryAfterSeconds: number) => RateLimitedError,
): void {
  const decided = limiter.tryLocal(target, points);
  if (decided) {
    answer(res, decided, next, refusal);
    return;
  }
  limiter.charge(target, points).then((verdict) => answer(res, verdict, next, refusal), next);
}

/** `pointsOf` prices a request (1 by default; GraphQL passes its operation's cost). */
export function rateLimit(
  limiter: RateLimiter,
  pointsOf: (req: Request) => number = () => 1,
): RequestHandler {
  return (req, res, next) => {
    const target = limiter.targetOf(callerOf(res));
    if (!target) {
      next();
      return;
    }
    spend(limiter, target, pointsOf(req), res, next);
  };
}

/**
 * Charges a request to its client address (req.ip: the peer, or whom X-Forwarded-For names through
 * the proxies TRUST_PROXY trusts), for the routes a browser opens without an API key. A refusal
 * is a page for a browser (the error middleware's browserPage), the JSON envelope otherwise.
 */
export function addressRateLimit(limiter: RateLimiter): RequestHandler {
  return (req, res, next) => {
    const target = limiter.targetOfAddress(req.ip);
    if (!target) {
      next();
      return;
    }
    const refusal = (seconds: number) => {
      res.locals.browserPage = true;
      res.setHeader('Cache-Control', 'no-store');
      return new RateLimitedError(
        seconds,
        `Too many requests from this address; try again in ${seconds} seconds.`,
      );
    };
    spend(limiter, target, 1, res, next, refusal);
  };
}

/** `auth` then `limit` as one handler, for routers that take their Bearer check as a parameter. */
export function authenticatedAndLimited(auth: RequestHandler, limit: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const afterAuth = (err?: unknown) => {
      if (err) next(err);
      else limit(req, res, next);
    };
    Promise.resolve(auth(req, res, afterAuth)).catch(next);
  };
}
