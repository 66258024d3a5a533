/**
 * Bearer authentication shared by REST and GraphQL. Missing, malformed, unknown and revoked keys
 * get the same 401 (same body, same WWW-Authenticate), so a key's state cannot be probed.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Caller, OwnerService } from '../owners/owner.service';
import { UnauthorizedError } from '../shared/errors';

const BEARER = /^Bearer +([^\s]+) *$/i;

/** The token of a well-formed `Authorization: Bearer <token>` header, else undefined. */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  return header ? BEARER.exec(header)?.[1] : undefined;
}

export function requireCaller(owners: OwnerService): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    const caller = token === undefined ? undefined : await owners.authenticate(token);
    if (!caller) throw new UnauthorizedError();
    res.locals.caller = caller;
    next();
  };
}

/** The caller `requireCaller` resolved for this request. */
export function callerOf(res: Response): Caller {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw new UnauthorizedError();
  return caller;
}
