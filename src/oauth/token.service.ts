/**
 * Keeps OAuth connections connected (docs/security.md#refresh-that-does-not-die-silently). A
 * refresh runs once per connection at a time across every instance: in-process callers share one
 * promise, and instances contend for a lease on the row claimed by one conditional UPDATE on the
 * database's clock (no transaction is held while the provider is called). The winner re-reads the
 * row after claiming; a loser waits until the row no longer needs a refresh (or the lease is free
 * again). A rotated refresh token is saved in the same statement as the new access token; an answer
 * without one keeps the old; `invalid_grant` turns the connection expired.
 *
 * What the provider answered is saved only over the tokens it renewed: the save compares and
 * swaps on the token version read before the call. When the tokens changed meanwhile, a rotated
 * refresh token of the same grant (another refresh of it got there first) is still kept, since
 * the provider may have killed the one stored; anything of a replaced grant (the user
 * re-authorised meanwhile) is discarded, success or failure.
 */
import { connectionEndpoints } from './connection-endpoints';
import type { Catalog } from '../connectors/catalog';
import type { Connection } from '../connections/connection.entity';
import type { ConnectionRepository, StoredTokens } from '../connections/connection.repository';
import type { ConnectionSecrets, OAuthSecret } from '../connections/connection-secrets';
import type { LastError } from '../connections/connection.types';
import type { Clock } from '../shared/clock';
import { ConflictError, ServiceUnavailableError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { noopMetrics, type Metrics } from '../observability/metrics';
import { OAuthProviderError, type OAuthClient } from './oauth-client';
import type { DuePosition, RefreshLeaseRepository } from './refresh-lease.repository';

/** How much longer than the token endpoint's timeout a lease lasts (database round trips). */
const LEASE_MARGIN_MS = 5_000;
const LEASE_POLL_MS = 50;

/**
 * The statuses whose tokens are renewed: connected, and error (a health check found the provider
 * refusing them; they are still held, and a later check may find them working again).
 */
function holdsTokens(status: Connection['status']): boolean {
  return status === 'connected' || status === 'error';
}

export interface RefreshOptions {
  /** Refresh even when the token is not near expiry (a health check of a connector without verify). */
  force?: boolean;
}

export interface LiveAccessToken {
  accessToken: string;
  tokenType: string;
  expiresAt: string | null;
  scopes: string[];
}

/** Due tokens claimed per batch of the scheduled pass. */
export const REFRESH_BATCH = 100;
/** Refreshes of a batch in flight at once. */
const REFRESH_CONCURRENCY = 4;

export class TokenService {
  private readonly inFlight = new Map<string, Promise<Connection>>();
  /** The lease outlives the token endpoint timeout, so a live holder rarely loses it mid-call. */
  private readonly leaseMs: number;

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
  ) {
    this.leaseMs = client.timeoutMs + LEASE_MARGIN_MS;
  }

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
        `The connection is ${current.status}${current.lastError ? `: ${current.lastError.message.replace(/\.$/, '')}` : ''}. Re-authorize it.`,
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
  refresh(connectionId: string, options: RefreshOptions = {}): Promise<Connection> {
    const running = this.inFlight.get(connectionId);
    if (running) return running;
    const work = this.refreshAcrossInstances(connectionId, options.force === true).finally(() =>
      this.inFlight.delete(connectionId),
    );
    this.inFlight.set(connectionId, work);
    return work;
  }

  /**
   * The scheduled pass: renews every connection whose token expires within the window, of the
   * connectors this instance holds client credentials for. An instance that lacks a connector
   * (a rollout adding one, a different CONNECTORS_FILE) leaves its connections to the instances
   * that have it, instead of recording a failure on them.
   */
  async refreshDue(
    limit = REFRESH_BATCH,
    /** Continue after this row (the previous batch's last) rather than from the soonest expiry. */
    after?: DuePosition,
  ): Promise<{ refreshed: number; failed: number; last?: DuePosition }> {
    const now = this.clock.now();
    const positions = await this.leases.findDue(
      new Date(now.getTime() + this.refreshAheadSeconds * 1000),
      limit,
      this.catalog.configuredOAuthSlugs(),
      after,
    );
    const due = positions.map((position) => position.id);
    let refreshed = 0;
    let failed = 0;
    let next = 0;
    // A few at a time: each is a round trip to a provider, and the batch waits for its slowest.
    const worker = async () => {
      while (next < due.length) {
        const id = due[next++]!;
        try {
          const after = await this.refresh(id);
          if (after.status === 'connected' && !this.needsRefresh(after)) refreshed++;
          else failed++;
        } catch (err) {
          failed++;
          this.logger.warn({ err, connectionId: id }, 'scheduled token refresh failed');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(REFRESH_CONCURRENCY, due.length) }, worker));
    const last = positions[positions.length - 1];
    return { refreshed, failed, ...(last ? { last } : {}) };
  }

  /**
   * A scheduled pass: batches of due tokens one after another until fewer than a batch are due,
   * most of a batch failed (a provider that is down is not hammered: its connections wait for the
   * next pass), `budgetMs` is spent, or `signal` aborts (a shutdown waits for one batch at most).
   * Each batch continues after the previous one's last row, so a connection whose refresh failed
   * is not tried again in the same pass. One batch per pass fell behind at scale: 100 a minute is
   * 144,000 renewals a day per instance, where a million OAuth connections with day-long tokens
   * need a million (README "Background work at a million connections").
   */
  async refreshAllDue(options: {
    batch?: number;
    budgetMs: number;
    signal?: AbortSignal;
  }): Promise<{ refreshed: number; failed: number; batches: number }> {
    const batch = options.batch ?? REFRESH_BATCH;
    const deadline = Date.now() + options.budgetMs;
    const total = { refreshed: 0, failed: 0, batches: 0 };
    let after: DuePosition | undefined;
    for (;;) {
      const pass = await this.refreshDue(batch, after);
      after = pass.last;
      total.refreshed += pass.refreshed;
      total.failed += pass.failed;
      total.batches += 1;
      const full = pass.refreshed + pass.failed >= batch;
      if (!full || pass.failed > pass.refreshed || Date.now() >= deadline || options.signal?.aborted) {
        return total;
      }
    }
  }

  private async refreshAcrossInstances(connectionId: string, force: boolean): Promise<Connection> {
    const deadline = Date.now() + this.leaseMs * 2;
    for (;;) {
      const claimed = await this.leases.claim(connectionId, this.leaseMs);
      if (claimed) return this.refreshClaimed(claimed.connection, claimed.lease, force);
      // Another instance holds the lease: wait for what it stores, or for the lease to be free.
      await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
      const current = await this.connections.findLiveById(connectionId);
      if (!current) throw new ConflictError('The connection was revoked.');
      // A forced refresh waits for the lease itself: the other holder may not have refreshed.
      if ((!force && !this.needsRefresh(current)) || !holdsTokens(current.status)) return current;
      if (Date.now() > deadline) return current;
    }
  }

  private async refreshClaimed(connection: Connection, lease: Date, force: boolean): Promise<Connection> {
    // Re-read after the claim: another instance may have refreshed just before we got the lease.
    if ((!force && !this.needsRefresh(connection)) || !holdsTokens(connection.status) || !connection.secret) {
      await this.leases.release(connection.id, lease);
      return (await this.connections.findLiveById(connection.id)) ?? connection;
    }
    // The tokens this refresh renews: whatever it saves or records is compared and swapped on it.
    const version = connection.tokenVersion;
    const secret = this.secrets.open(connection.id, connection.secret) as OAuthSecret;
    const endpoints = connectionEndpoints(this.catalog, connection);
    const fail = async (error: LastError, expire: boolean) => {
      const recorded = await this.leases.fail(connection.id, lease, version, error, expire, this.clock.now());
      if (!recorded) {
        // The tokens changed meanwhile (a re-authorisation): the failure was theirs, not the new ones'.
        await this.leases.release(connection.id, lease);
        this.metrics.tokenRefresh('superseded');
        this.logger.info(
          { connectionId: connection.id, code: error.code },
          'token refresh failed, but the tokens were replaced meanwhile; nothing recorded',
        );
      } else {
        this.metrics.tokenRefresh(expire ? 'expired' : 'failed');
        this.logger.warn(
          { connectionId: connection.id, code: error.code, expired: expire },
          'token refresh failed',
        );
      }
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
    if (!endpoints) {
      return fail(
        this.error('not_configured', 'The connector is no longer configured on this gateway.'),
        false,
      );
    }
    try {
      const tokens = await this.client.refresh(endpoints, secret.refreshToken, this.clock.now());
      const next: OAuthSecret = {
        kind: 'oauth',
        accessToken: tokens.accessToken,
        tokenType: tokens.tokenType,
        // Providers that do not rotate send no refresh token: keep the one we have.
        refreshToken: tokens.refreshToken ?? secret.refreshToken,
        ...(secret.grant ? { grant: secret.grant } : {}),
      };
      const stored = {
        sealed: this.secrets.seal(connection.id, next),
        expiresAt: tokens.expiresAt ?? null,
        scopes: tokens.scopes ?? connection.scopes,
      };
      let saved = await this.leases.finish(connection.id, lease, version, stored, this.clock.now());
      if (!saved && tokens.refreshToken) saved = await this.keepRotated(connection.id, lease, secret, stored);
      if (saved) {
        this.logger.info({ connectionId: connection.id }, 'token refreshed');
        this.metrics.tokenRefresh('refreshed');
      } else {
        await this.leases.release(connection.id, lease);
        this.metrics.tokenRefresh('superseded');
        this.logger.info(
          { connectionId: connection.id },
          'token refreshed, but the tokens were replaced meanwhile; the answer is discarded',
        );
      }
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

  /**
   * The tokens changed while the provider answered with a rotated refresh token. If what is
   * stored now is of the same grant (another refresh of it saved first), the rotated token is
   * kept with its access token: the provider may have killed the refresh token stored. Tokens
   * of another grant, or of unknown grant, are left alone.
   */
  private async keepRotated(
    id: string,
    lease: Date,
    renewed: OAuthSecret,
    stored: StoredTokens,
  ): Promise<boolean> {
    if (!renewed.grant) return false;
    const current = await this.connections.findLiveById(id);
    if (!current?.secret || current.status !== 'connected') return false;
    const held = this.secrets.open(id, current.secret) as OAuthSecret;
    if (held.grant !== renewed.grant) return false;
    return this.leases.finish(id, lease, current.tokenVersion, stored, this.clock.now());
  }

  private error(code: string, message: string): LastError {
    return { code, message, at: this.clock.now().toISOString() };
  }
}
