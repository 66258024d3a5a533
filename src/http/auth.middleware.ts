/**
 * Bearer authentication shared by REST and GraphQL. Missing, malformed, unknown and revoked keys
 * (and session tokens, where they are accepted) get the same 401 (same body, same
 * WWW-Authenticate), so a token's state cannot be probed.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Caller } from '../shared/caller';
import { UnauthorizedError } from '../shared/errors';
import { setActor } from '../shared/request-context';

const BEARER = /^Bearer +([^\s]+) *$/i;

/** The token of a well-formed `Authorization: Bearer <token>` header, else undefined. */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  return header ? BEARER.exec(header)?.[1] : undefined;
}

/** Resolves one kind of Bearer token (owner API keys, browser sessions); undefined when not its own or not live. */
export interface BearerAuthenticator {
  authenticate(token: string): Promise<Caller | undefined>;
}

/** Accepts a token that any of the authenticators knows (each rejects other formats without a lookup). */
export function requireCaller(...authenticators: BearerAuthenticator[]): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    let caller: Caller | undefined;
    for (const authenticator of authenticators) {
      if (caller || token === undefined) break;
      caller = await authenticator.authenticate(token);
    }
    if (!caller) throw new UnauthorizedError();
    res.locals.caller = caller;
    setActor(
      caller.sessionId ? { type: 'session', id: caller.sessionId } : { type: 'api_key', id: caller.keyId },
    );
    next();
  };
}

/** The caller `requireCaller` resolved for this request. */
export function callerOf(res: Response): Caller {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw new UnauthorizedError();
  return caller;
}
