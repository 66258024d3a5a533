/**
 * Health checks: whether a connection's stored credentials still work at its provider. One
 * service for both doors (`check`, a caller asking now) and the background pass (`runPass`).
 *
 * A check makes the connector's `verify` call with the stored credentials (OAuth: the access
 * token, refreshed first when near expiry); an OAuth connector without `verify` is checked by
 * refreshing its token. Accepted: `lastCheckedAt` set, and a connection in error is connected
 * again (`connection.recovered`). Refused (401/403): status error with `credentials_rejected`
 * (`connection.error`, once per run of refusals). A provider that did not answer usefully changes
 * nothing. The result is compared and swapped on the token version read before the call, so
 * credentials replaced meanwhile are never judged by a check of the old ones. Credentials and
 * tokens are opened only to be sent, and never logged or returned.
 */
import type { Catalog } from '../connectors/catalog';
import type { CatalogEntry } from '../connectors/catalog.types';
import type { ConnectorService } from '../connectors/connector.service';
import type { TokenService } from '../oauth/token.service';
import type { Caller } from '../shared/caller';
import type { Clock } from '../shared/clock';
import {
  AppError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  ProviderUnavailableError,
} from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { Connection } from './connection.entity';
import type { ConnectionRepository, LiveChange } from './connection.repository';
import type { ConnectionService } from './connection.service';
import type { ApiKeySecret, ConnectionSecrets, OAuthSecret } from './connection-secrets';
import type { CredentialVerifier, VerifyOutcome } from './credential-verification';
import type { ClaimedCheck, HealthCheckLeaseRepository } from './health-check-lease.repository';

/** The lastError code of credentials the provider refused at a check. */
export const CREDENTIALS_REJECTED = 'credentials_rejected';

export interface HealthCheckSettings {
  /** HEALTH_CHECK_INTERVAL_SECONDS: how often each connection is checked by the pass (0: never). */
  intervalSeconds: number;
  /** HEALTH_CHECK_CONCURRENCY: at most this many checks of one pass at once. */
  concurrency: number;
  /** How long a claimed check may take before another instance may claim it (its timeouts and a margin). */
  leaseMs: number;
  /** How long the pass leaves a connection whose provider did not answer usefully before trying again. */
  retryAfterMs: number;
  /** At most this many checks in one pass (the rest wait for the next). */
  maxPerPass?: number;
}

/** What a check found out, to be recorded. */
type Verdict = { kind: 'accepted'; account: string | null } | { kind: 'rejected'; status: number };

/** A check's finding and the token version it was made with. */
type Finding =
  | { kind: 'verdict'; verdict: Verdict; version: number }
  /** The check's own refresh already recorded what it found (the provider ended the grant). */
  | { kind: 'settled'; connection: Connection };

export interface HealthPassResult {
  accepted: number;
  rejected: number;
  /** Left for later: the provider did not answer usefully, or the check could not be made. */
  deferred: number;
}

const DEFAULT_MAX_PER_PASS = 1000;
/** How long the count of checkable connections that paces the background pass is reused. */
const PACE_COUNT_TTL_MS = 10 * 60 * 1000;
/** Room above the exact pace, so a backlog shrinks and late passes catch up. */
const PACE_MARGIN = 1.25;

function checkable(status: Connection['status']): boolean {
  return status === 'connected' || status === 'error';
}

export class ConnectionHealth {
  constructor(
    private readonly connections: ConnectionService,
    private readonly repository: ConnectionRepository,
    private readonly leases: HealthCheckLeaseRepository,
    private readonly catalog: Catalog,
    private readonly connectors: ConnectorService,
    private readonly secrets: ConnectionSecrets,
    private readonly verifier: CredentialVerifier,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    readonly settings: HealthCheckSettings,
  ) {}

  private paceCount: { value: number; at: number } | undefined;

  /**
   * How many checks a scheduled pass every `tickMs` may make so that every checkable connection is
   * checked about once per interval, spread out rather than all at once: a backlog (connections
   * never checked, after an upgrade or a long stop) is worked through over about one interval
   * instead of competing with requests and hammering providers. At least `concurrency` per pass.
   */
  async pacedBudget(tickMs: number): Promise<number> {
    const now = this.clock.now().getTime();
    if (!this.paceCount || now - this.paceCount.at > PACE_COUNT_TTL_MS) {
      const slugs = this.checkedConnectorSlugs();
      const value = slugs.length === 0 ? 0 : await this.leases.countCheckable(slugs);
      this.paceCount = { value, at: now };
    }
    const perTick = (this.paceCount.value * tickMs) / (this.settings.intervalSeconds * 1000);
    return Math.max(this.settings.concurrency, Math.ceil(perTick * PACE_MARGIN));
  }

  /** Checks the caller's connection now; answers the connection as the check left it. */
  async check(caller: Caller, id: string): Promise<Connection> {
    const connection = await this.connections.get(caller, id);
    return this.checkConnection(connection);
  }

  /**
   * One pass of the background checks: claims due connections (one instance per connection)
   * and checks them, at most `concurrency` at once, until none is due or the pass is full.
   */
  async runPass(options: { max?: number } = {}): Promise<HealthPassResult> {
    const result: HealthPassResult = { accepted: 0, rejected: 0, deferred: 0 };
    const slugs = this.checkedConnectorSlugs();
    if (slugs.length === 0) return result;
    const max = Math.min(options.max ?? Infinity, this.settings.maxPerPass ?? DEFAULT_MAX_PER_PASS);
    let started = 0;
    // Each worker claims one connection at a time, so a lease is only taken when a check can start.
    const worker = async () => {
      while (started < max) {
        started++;
        const [claimed] = await this.leases.claimDue(
          slugs,
          this.settings.intervalSeconds,
          this.settings.leaseMs,
          1,
        );
        if (!claimed) return;
        const outcome = await this.checkClaimed(claimed);
        result[outcome]++;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.settings.concurrency) }, worker));
    return result;
  }

  /**
   * The connectors whose connections the pass checks: those with `verify` (an OAuth one only
   * when this gateway holds its client credentials, so it can refresh the token first).
   */
  checkedConnectorSlugs(): string[] {
    return this.catalog
      .all()
      .filter((entry) => this.verifier.canVerify(entry) && entry.configured)
      .map((entry) => entry.slug);
  }

  private async checkClaimed(claimed: ClaimedCheck): Promise<keyof HealthPassResult> {
    try {
      const connection = await this.repository.findLiveById(claimed.id);
      if (!connection || !checkable(connection.status)) {
        await this.leases.release(claimed.id, claimed.lease);
        return 'deferred';
      }
      const after = await this.checkConnection(connection, claimed.lease);
      if (after.checkLeaseUntil?.getTime() === claimed.lease.getTime()) {
        // Nothing recorded (the credentials changed meanwhile): the new ones are due on their own.
        await this.leases.release(claimed.id, claimed.lease);
      }
      return after.status === 'connected' ? 'accepted' : 'rejected';
    } catch (err) {
      // The lease stays, as a not-before time: a provider that is down is not asked every tick.
      await this.leases.deferTo(claimed.id, claimed.lease, this.settings.retryAfterMs);
      if (err instanceof AppError) {
        this.logger.warn(
          { connectionId: claimed.id, code: err.code, reason: err.message },
          'scheduled health check deferred',
        );
      } else {
        this.logger.warn({ connectionId: claimed.id, err }, 'scheduled health check failed');
      }
      return 'deferred';
    }
  }

  /** Runs the check and records its result; `lease`: the pass's claim, released by the record. */
  private async checkConnection(connection: Connection, lease?: Date): Promise<Connection> {
    if (!checkable(connection.status)) {
      throw new ConflictError(
        `Connection ${connection.id} is ${connection.status}: only a connected connection, or one in error, can be checked` +
          (connection.status === 'pending'
            ? '; connect it first.'
            : connection.status === 'expired'
              ? '; re-authorize it first.'
              : '.'),
      );
    }
    const connector = this.connectors.forConnection(connection.connectorSlug, connection.authType);
    const finding = await this.find(connection, connector);
    if (finding.kind === 'settled') return finding.connection;
    const now = this.clock.now();
    const recorded = await this.repository.recordCheck(connection.id, finding.version, (before) =>
      this.change(before, finding.verdict, connector.name, now, lease),
    );
    if (recorded) {
      this.logger.info(
        {
          connectionId: connection.id,
          connectorSlug: connection.connectorSlug,
          result: finding.verdict.kind,
        },
        'health check recorded',
      );
      return recorded;
    }
    // Re-authorised, given new credentials or revoked during the check: its result is dropped.
    const current = await this.repository.findLiveById(connection.id);
    if (!current) throw new NotFoundError('No such connection.');
    return current;
  }

  /** Asks the provider. Throws what the caller is answered when there is nothing to record. */
  private async find(connection: Connection, connector: CatalogEntry): Promise<Finding> {
    const canVerify = this.verifier.canVerify(connector);
    if (connection.authType === 'none' || (connection.authType === 'api_key' && !canVerify)) {
      throw this.nothingToCheck(connection, connector);
    }
    if (!connection.secret) {
      throw new ConflictError(`Connection ${connection.id} holds no credentials: connect it again.`);
    }
    if (connection.authType === 'api_key') {
      const { credentials } = this.secrets.open(connection.id, connection.secret) as ApiKeySecret;
      const outcome = await this.verifier.verify(connector, connection.config, { credentials });
      return {
        kind: 'verdict',
        verdict: verdictOf(outcome, connector.name),
        version: connection.tokenVersion,
      };
    }
    const held = this.secrets.open(connection.id, connection.secret) as OAuthSecret;
    if (!canVerify) {
      if (!held.refreshToken) throw this.nothingToCheck(connection, connector);
      return this.refreshAsCheck(connection, connector);
    }
    let current = connection;
    if (this.tokens.needsRefresh(current)) current = await this.tokens.refresh(current.id);
    if (!checkable(current.status)) return { kind: 'settled', connection: current };
    if (!current.secret)
      throw new ConflictError(`Connection ${connection.id} holds no credentials: connect it again.`);
    if (current.tokenExpiresAt && current.tokenExpiresAt <= this.clock.now()) {
      throw new ProviderUnavailableError(
        `The access token has expired and ${connector.name} could not refresh it yet` +
          `${current.lastError ? ` (${current.lastError.message.replace(/\.$/, '')})` : ''}. Nothing was checked; try again later.`,
      );
    }
    const { accessToken } = this.secrets.open(current.id, current.secret) as OAuthSecret;
    const outcome = await this.verifier.verify(connector, current.config, { accessToken });
    return { kind: 'verdict', verdict: verdictOf(outcome, connector.name), version: current.tokenVersion };
  }

  /** An OAuth connector without verify: the check is whether the provider still renews the grant. */
  private async refreshAsCheck(connection: Connection, connector: CatalogEntry): Promise<Finding> {
    const after = await this.tokens.refresh(connection.id, { force: true });
    if (!checkable(after.status)) return { kind: 'settled', connection: after };
    if (after.tokenVersion > connection.tokenVersion && after.lastRefreshedAt) {
      return { kind: 'verdict', verdict: { kind: 'accepted', account: null }, version: after.tokenVersion };
    }
    throw new ProviderUnavailableError(
      `${connector.name} could not renew the token` +
        `${after.lastError ? `: ${after.lastError.message.replace(/\.$/, '')}` : ''}. Try again later.`,
    );
  }

  /** What recording a verdict changes, decided from the row as it is now. */
  private change(
    before: Connection,
    verdict: Verdict,
    provider: string,
    now: Date,
    lease?: Date,
  ): LiveChange {
    // The pass's claim becomes the time of the next scheduled check: one interval from now.
    const releaseLease =
      lease && before.checkLeaseUntil?.getTime() === lease.getTime()
        ? { checkLeaseUntil: new Date(now.getTime() + this.settings.intervalSeconds * 1000) }
        : {};
    if (verdict.kind === 'accepted') {
      const set: Partial<Connection> = {
        lastCheckedAt: now,
        updatedAt: now,
        ...(verdict.account !== null ? { account: verdict.account } : {}),
        ...releaseLease,
      };
      if (before.status !== 'error') return { set, type: null };
      return {
        set: { ...set, status: 'connected', lastError: null },
        type: 'connection.recovered',
        facts: { previousStatus: before.status },
      };
    }
    const lastError = {
      code: CREDENTIALS_REJECTED,
      message: `${provider} refused the stored credentials (HTTP ${verdict.status}).`,
      at: now.toISOString(),
    };
    const set: Partial<Connection> = {
      status: 'error',
      lastError,
      lastCheckedAt: now,
      updatedAt: now,
      ...releaseLease,
    };
    // Already known to be refused: the time moves on, nobody is told twice.
    if (before.status === 'error' && before.lastError?.code === CREDENTIALS_REJECTED)
      return { set, type: null };
    return {
      set,
      type: 'connection.error',
      facts: {
        previousStatus: before.status,
        details: { error: { code: lastError.code, message: lastError.message } },
      },
    };
  }

  private nothingToCheck(connection: Connection, connector: CatalogEntry): BadRequestError {
    return new BadRequestError(
      `Connection ${connection.id} has nothing to check: connector "${connector.slug}" defines no verify call` +
        (connection.authType === 'oauth' ? ' and the provider gave no refresh token.' : '.'),
    );
  }
}

/**
 * What a verification means for a check: accepted or refused (401/403) are recorded; a provider
 * that did not answer usefully (429, 5xx, a timeout, another 4xx) is a 502 and changes nothing;
 * a request that could not be built names the config field at fault.
 */
function verdictOf(outcome: VerifyOutcome, provider: string): Verdict {
  switch (outcome.kind) {
    case 'accepted':
      return { kind: 'accepted', account: outcome.account };
    case 'rejected':
      if (outcome.status === 401 || outcome.status === 403)
        return { kind: 'rejected', status: outcome.status };
      throw new ProviderUnavailableError(
        `${provider} answered the check with HTTP ${outcome.status}, which does not say whether the credentials work. Nothing was changed; try again later.`,
      );
    case 'unavailable':
      throw new ProviderUnavailableError(
        `${provider} could not be asked: ${outcome.reason} Nothing was changed; try again later.`,
      );
    case 'misconfigured':
      throw new BadRequestError(`The connection cannot reach ${provider}: ${outcome.reason}`, [
        { field: outcome.field?.startsWith('config.') ? outcome.field : 'config', message: outcome.reason },
      ]);
  }
}
