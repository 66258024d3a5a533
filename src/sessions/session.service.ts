/**
 * Browser sessions: an owner's API key creates a short-lived token that a frontend may hold
 * instead of the key, optionally restricted to some connectors. Only an owner's key may create or
 * revoke them; a session cannot mint another.
 */
import type { ConnectorService } from '../connectors/connector.service';
import type { Caller } from '../shared/caller';
import type { Clock } from '../shared/clock';
import {
  BadRequestError,
  ConflictError,
  NotFoundError,
  UnauthorizedError,
  type ErrorDetail,
} from '../shared/errors';
import { isUuid } from '../shared/ids';
import type { BrowserSession } from './browser-session.entity';
import { SESSION_TTL_DEFAULT_SECONDS, type CreateSessionDto } from './dto/create-session.dto';
import type { SessionRepository } from './session.repository';
import { generateSessionToken, hashSessionToken, isWellFormedSessionToken } from './session-token';

/** Ended sessions are kept a day (so a late request still finds a clear 401), then deleted. */
const KEEP_ENDED_MS = 24 * 60 * 60 * 1000;

export interface CreatedSession {
  session: BrowserSession;
  /** The plaintext token: returned this once, never stored. */
  token: string;
}

export interface RevokedSession {
  revoked: true;
  session: BrowserSession;
}

export class SessionService {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly connectors: ConnectorService,
    private readonly clock: Clock,
    /** Live sessions an owner may hold at once (SESSIONS_PER_OWNER). */
    private readonly perOwner: number,
  ) {}

  async create(caller: Caller, input: CreateSessionDto): Promise<CreatedSession> {
    this.requireOwnerKey(caller);
    const allowedConnectors = input.allowedConnectors ? this.checkSlugs(input.allowedConnectors) : null;
    const now = this.clock.now();
    const ttlSeconds = input.expiresInSeconds ?? SESSION_TTL_DEFAULT_SECONDS;
    const token = generateSessionToken();
    await this.sessions.deleteEndedOfOwner(caller.ownerId, new Date(now.getTime() - KEEP_ENDED_MS));
    const session = await this.sessions.insertWithinLimit(
      {
        ownerId: caller.ownerId,
        apiKeyId: caller.keyId,
        tokenHash: hashSessionToken(token),
        allowedConnectors,
        expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
        createdAt: now,
      },
      this.perOwner,
    );
    if (!session) {
      throw new ConflictError(
        `This owner already holds ${this.perOwner} live sessions (the limit, SESSIONS_PER_OWNER): ` +
          'revoke one (DELETE /api/v1/sessions/{id}) or let one expire first.',
      );
    }
    return { session, token };
  }

  async revoke(caller: Caller, id: string): Promise<RevokedSession> {
    this.requireOwnerKey(caller);
    if (!isUuid(id)) {
      throw new BadRequestError('The session id must be a UUID.', [
        { field: 'id', message: 'must be a UUID' },
      ]);
    }
    const session = await this.sessions.revokeOfOwner(caller.ownerId, id.toLowerCase(), this.clock.now());
    if (!session) throw new NotFoundError('No such session.');
    return { revoked: true, session };
  }

  /** The caller a session token stands for, or undefined for a malformed, unknown, revoked or expired one. */
  async authenticate(token: string): Promise<Caller | undefined> {
    return (await this.open(token))?.caller;
  }

  /** Like authenticate, with the session's expiry (the connect page's cookie lives as long). */
  async open(token: string): Promise<{ caller: Caller; expiresAt: Date } | undefined> {
    if (!isWellFormedSessionToken(token)) return undefined;
    const live = await this.sessions.findLiveByTokenHash(hashSessionToken(token), this.clock.now());
    if (!live) return undefined;
    const caller: Caller = {
      ownerId: live.ownerId,
      keyId: live.apiKeyId,
      sessionId: live.sessionId,
      allowedConnectors: live.allowedConnectors,
    };
    return { caller, expiresAt: live.expiresAt };
  }

  /** Sessions are managed with the owner's API key only; to a session it is as if it had no key. */
  private requireOwnerKey(caller: Caller): void {
    if (caller.sessionId !== undefined) throw new UnauthorizedError();
  }

  private checkSlugs(slugs: string[]): string[] {
    const details: ErrorDetail[] = [];
    slugs.forEach((slug, index) => {
      if (!this.connectors.find(slug)) {
        details.push({ field: `allowedConnectors.${index}`, message: `"${slug}" is not in the catalog` });
      }
    });
    if (details.length > 0) {
      throw new BadRequestError(
        `allowedConnectors names connectors that are not in the catalog: ${details.map((d) => d.message).join('; ')}.`,
        details,
      );
    }
    return [...new Set(slugs)];
  }
}
