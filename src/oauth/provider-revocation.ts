/**
 * Asks the provider to revoke tokens the gateway no longer holds (RFC 7009), best effort and in
 * the background: a revoked connection's tokens, and the grant a re-authorisation replaced. The
 * owner's answer never waits for it, nothing here fails what the owner did, and no token is
 * logged. Pending calls are tracked so shutdown can wait for them briefly.
 */
import { connectionEndpoints } from './connection-endpoints';
import type { Catalog } from '../connectors/catalog';
import type { Connection } from '../connections/connection.entity';
import type { ConnectionSecrets, OAuthSecret } from '../connections/connection-secrets';
import type { Sealed } from '../shared/crypto/cipher';
import type { Logger } from '../shared/logger';
import type { OAuthClient } from './oauth-client';

export class ProviderRevocation {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly catalog: Catalog,
    private readonly secrets: ConnectionSecrets,
    private readonly client: OAuthClient,
    private readonly logger: Logger,
  ) {}

  /** Starts the revocation of what a revoked connection held; never throws, never blocks the caller. */
  start(connection: Connection, sealed: Sealed | null): void {
    const secret = this.openOAuth(connection, sealed);
    if (secret) this.revoke(connection, secret, 'revoked');
  }

  /**
   * Starts the revocation of the grant a re-authorisation replaced (`previous`, by `current`),
   * unless the connector says not to (`oauth.revokeReplacedGrant: false`: a provider that ends
   * every grant of the user and app together, like Google) or the provider handed the same
   * tokens back (the same grant). Never throws, never blocks the caller.
   */
  startReplaced(connection: Connection, previous: Sealed | null, current: OAuthSecret): void {
    if (this.catalog.get(connection.connectorSlug)?.oauth?.revokeReplacedGrant === false) return;
    const old = this.openOAuth(connection, previous);
    if (!old) return;
    if (old.accessToken === current.accessToken) return;
    if (old.refreshToken !== undefined && old.refreshToken === current.refreshToken) return;
    this.revoke(connection, old, 'replaced');
  }

  private openOAuth(connection: Connection, sealed: Sealed | null): OAuthSecret | null {
    if (connection.authType !== 'oauth' || !sealed) return null;
    try {
      return this.secrets.open(connection.id, sealed) as OAuthSecret;
    } catch (err) {
      this.logger.warn(
        { err, connectionId: connection.id },
        'cannot open the tokens to revoke; provider not asked',
      );
      return null;
    }
  }

  private revoke(connection: Connection, secret: OAuthSecret, why: 'revoked' | 'replaced'): void {
    const endpoints = connectionEndpoints(this.catalog, connection);
    if (!endpoints?.settings.revocationUrl) return;
    // Revoking the refresh token ends the whole grant at most providers (RFC 7009 §2.1).
    const work = (
      secret.refreshToken
        ? this.client.revoke(endpoints, secret.refreshToken, 'refresh_token')
        : this.client.revoke(endpoints, secret.accessToken, 'access_token')
    ).then(
      () =>
        this.logger.info(
          { connectionId: connection.id },
          why === 'revoked'
            ? 'provider revoked the tokens'
            : 'provider revoked the grant the re-authorisation replaced',
        ),
      (err: unknown) =>
        this.logger.warn(
          { connectionId: connection.id, code: (err as { code?: string }).code },
          why === 'revoked'
            ? 'provider revocation failed; the connection is revoked here regardless'
            : 'provider revocation of the replaced grant failed; the new grant stands regardless',
        ),
    );
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** Waits for revocations in flight (bounded), for a clean shutdown and for tests. */
  async settle(timeoutMs = 5_000): Promise<void> {
    await Promise.race([
      Promise.allSettled([...this.pending]),
      new Promise((r) => setTimeout(r, timeoutMs).unref()),
    ]);
  }
}
