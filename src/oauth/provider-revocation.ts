/**
 * Asks the provider to revoke a revoked connection's tokens (RFC 7009), best effort and in the
 * background: the owner's 200 never waits for it, and the soft delete stands whatever the
 * provider says. Pending calls are tracked so shutdown can wait for them briefly.
 */
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

  /** Starts the revocation of what `sealed` held; never throws, never blocks the caller. */
  start(connection: Connection, sealed: Sealed | null): void {
    if (connection.authType !== 'oauth' || !sealed) return;
    const connector = this.catalog.get(connection.connectorSlug);
    const client = this.catalog.oauthClient(connection.connectorSlug);
    if (!connector?.oauth?.revocationUrl || !client) return;
    let secret: OAuthSecret;
    try {
      secret = this.secrets.open(connection.id, sealed) as OAuthSecret;
    } catch (err) {
      this.logger.warn(
        { err, connectionId: connection.id },
        'cannot open the revoked tokens; provider not asked',
      );
      return;
    }
    const endpoints = { settings: connector.oauth, client };
    // Revoking the refresh token ends the whole grant at most providers (RFC 7009 §2.1).
    const work = (
      secret.refreshToken
        ? this.client.revoke(endpoints, secret.refreshToken, 'refresh_token')
        : this.client.revoke(endpoints, secret.accessToken, 'access_token')
    ).then(
      () => this.logger.info({ connectionId: connection.id }, 'provider revoked the tokens'),
      (err: unknown) =>
        this.logger.warn(
          { connectionId: connection.id, code: (err as { code?: string }).code },
          'provider revocation failed; the connection is revoked here regardless',
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
