/**
 * Keeps OAuth connections connected (security.md promise 7). A refresh runs once per connection
 * at a time across every instance: in-process callers share one promise, and instances contend
 * for a lease on the row claimed by one conditional UPDATE (no transaction is held while the
 * provider is called). The winner re-reads the row after claiming; a loser waits for the lease
 * to end and re-reads. A rotated refresh token is saved in the same statement as the new access
 * token; an answer without one keeps the old; `invalid_grant` turns the connection expired.
 */
import type { Catalog } from '../connectors/catalog';
import type { Connection } from '../connections/connection.entity';
import type { ConnectionRepository } from '../connections/connection.repository';
import type { ConnectionSecrets, OAuthSecret } from '../connections/connection-secrets';
import type { LastError } from '../connections/connection.types';
import type { Clock } from '../shared/clock';
import { ConflictError, ServiceUnavailableError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { noopMetrics, type Metrics } from '../observability/metrics';
import { OAuthProviderError, TOKEN_ENDPOINT_TIMEOUT_MS, type OAuthClient } from './oauth-client';
import type { RefreshLeaseRepository } from './refresh-lease.repository';

/** The lease outlives the token endpoint timeout, so a live holder never loses it mid-call. */
const LEASE_MS = TOKEN_ENDPOINT_TIMEOUT_MS + 5_000;
const LEASE_POLL_MS = 50;

export interface LiveAccessToken {
  accessToken: string;
  tokenType: string;
  expiresAt: string | null;
  scopes: string[];
}

export class TokenService {
  private readonly inFlight = new Map<string, Promise<Connection>>();

  constructor(
    private readonly connections: ConnectionRepository,
    private readonly leases: RefreshLeaseRepository,
    private readonly catalog: Catalog,
    private readonly secrets: ConnectionSecrets,
    private readonly client: OAuthClient,
    private readonly clock: Clock,
    private readonly refreshAheadSeconds: number,
    private readonly logger: Logger,
    private readonly metrics: Metrics = noopMetrics,
  ) {}

  /** True when the token expires within the refresh window (and so should be renewed now). */
  needsRefresh(connection: Connection, now = this.clock.now()): boolean {
    return (
      connection.tokenExpiresAt !== null &&
      connection.tokenExpiresAt.getTime() - now.getTime() <= this.refreshAheadSeconds * 1000
    );
  }

  /** The connection's access token, refreshed first when it is near expiry. */
  async liveAccessToken(connection: Connection): Promise<LiveAccessToken> {
    let current = connection;
    if (this.needsRefresh(current)) current = await this.refresh(current.id);
    if (current.status !== 'connected' || !current.secret) {
      throw new ConflictError(
        `The connection is ${current.status}${current.lastError ? `: ${current.lastError.message}` : ''}. Re-authorize it.`,
      );
    }
    if (current.tokenExpiresAt && current.tokenExpiresAt <= this.clock.now()) {
      throw new ServiceUnavailableError(
        'The access token has expired and the provider could not refresh it yet.',
      );
    }
    const secret = this.secrets.open(current.id, current.secret) as OAuthSecret;
    return {
      accessToken: secret.accessToken,
      tokenType: secret.tokenType,
      expiresAt: current.tokenExpiresAt?.toISOString() ?? null,
      scopes: current.scopes ?? [],
    };
  }

  /** Refreshes one connection now (or joins the refresh already running); returns the row after it. */
  refresh(connectionId: string): Promise<Connection> {
    const running = this.inFlight.get(connectionId);
    if (running) return running;
    const work = this.refreshAcrossInstances(connectionId).finally(() => this.inFlight.delete(connectionId));
    this.inFlight.set(connectionId, work);
    return work;
  }

  /**
   * The scheduled pass: renews every connection whose token expires within the window, of the
   * connectors this instance holds client credentials for. An instance that lacks a connector
   * (a rollout adding one, a different CONNECTORS_FILE) leaves its connections to the instances
   * that have it, instead of recording a failure on them.
   */
  async refreshDue(limit = 100): Promise<{ refreshed: number; failed: number }> {
    const now = this.clock.now();
    const due = await this.leases.findDue(
      new Date(now.getTime() + this.refreshAheadSeconds * 1000),
      now,
      limit,
      this.catalog.configuredOAuthSlugs(),
    );
    let refreshed = 0;
    let failed = 0;
    for (const id of due) {
      try {
        const after = await this.refresh(id);
        if (after.status === 'connected' && !this.needsRefresh(after)) refreshed++;
        else failed++;
      } catch (err) {
        failed++;
        this.logger.warn({ err, connectionId: id }, 'scheduled token refresh failed');
      }
    }
    return { refreshed, failed };
  }

  private async refreshAcrossInstances(connectionId: string): Promise<Connection> {
    const deadline = Date.now() + LEASE_MS * 2;
    for (;;) {
      const now = this.clock.now();
      const claimed = await this.leases.claim(connectionId, now, new Date(now.getTime() + LEASE_MS));
      if (claimed) return this.refreshClaimed(claimed, claimed.refreshLeaseUntil!);
      // Another instance holds the lease: wait for it to finish, then use what it stored.
      await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
      const current = await this.connections.findLiveById(connectionId);
      if (!current) throw new ConflictError('The connection was revoked.');
      const leaseFree = !current.refreshLeaseUntil || current.refreshLeaseUntil < this.clock.now();
      if (leaseFree && (!this.needsRefresh(current) || current.status !== 'connected')) return current;
      if (Date.now() > deadline) return current;
    }
  }

  private async refreshClaimed(connection: Connection, lease: Date): Promise<Connection> {
    // Re-read after the claim: another instance may have refreshed just before we got the lease.
    if (!this.needsRefresh(connection) || connection.status !== 'connected' || !connection.secret) {
      await this.leases.release(connection.id, lease);
      return (await this.connections.findLiveById(connection.id)) ?? connection;
    }
    const secret = this.secrets.open(connection.id, connection.secret) as OAuthSecret;
    const connector = this.catalog.get(connection.connectorSlug);
    const client = this.catalog.oauthClient(connection.connectorSlug);
    const fail = async (error: LastError, expire: boolean) => {
      await this.leases.fail(connection.id, lease, error, expire, this.clock.now());
      this.metrics.tokenRefresh(expire ? 'expired' : 'failed');
      this.logger.warn(
        { connectionId: connection.id, code: error.code, expired: expire },
        'token refresh failed',
      );
      return (await this.connections.findLiveById(connection.id)) ?? connection;
    };
    if (!secret.refreshToken) {
      const expired = connection.tokenExpiresAt !== null && connection.tokenExpiresAt <= this.clock.now();
      return fail(
        this.error(
          'no_refresh_token',
          'The provider gave no refresh token; re-authorize when the access token expires.',
        ),
        expired,
      );
    }
    if (!connector?.oauth || !client) {
      return fail(
        this.error('not_configured', 'The connector is no longer configured on this gateway.'),
        false,
      );
    }
    try {
      const tokens = await this.client.refresh(
        { settings: connector.oauth, client },
        secret.refreshToken,
        this.clock.now(),
      );
      const next: OAuthSecret = {
        kind: 'oauth',
        accessToken: tokens.accessToken,
        tokenType: tokens.tokenType,
        // Providers that do not rotate send no refresh token: keep the one we have.
        refreshToken: tokens.refreshToken ?? secret.refreshToken,
      };
      const saved = await this.leases.finish(
        connection.id,
        lease,
        {
          sealed: this.secrets.seal(connection.id, next),
          expiresAt: tokens.expiresAt ?? null,
          scopes: tokens.scopes ?? connection.scopes,
        },
        this.clock.now(),
      );
      if (saved) this.logger.info({ connectionId: connection.id }, 'token refreshed');
      this.metrics.tokenRefresh(saved ? 'refreshed' : 'failed');
      return (await this.connections.findLiveById(connection.id)) ?? connection;
    } catch (err) {
      if (!(err instanceof OAuthProviderError)) {
        this.metrics.tokenRefresh('failed');
        await this.leases.release(connection.id, lease);
        throw err;
      }
      // invalid_grant: the grant is gone for good. Retrying would only hammer the provider.
      return fail(this.error(err.code, err.message), err.code === 'invalid_grant');
    }
  }

  private error(code: string, message: string): LastError {
    return { code, message, at: this.clock.now().toISOString() };
  }
}
