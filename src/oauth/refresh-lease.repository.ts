/**
 * The cross-instance refresh lock on connections (security.md promise 7): an instance claims a
 * connection's lease with one conditional UPDATE and holds no transaction while it talks to the
 * provider; it then saves the new tokens or the failure, releasing the lease, as one journaled
 * change. A lease that outlives its holder expires.
 */
import type { DataSource } from 'typeorm';
import { Connection } from '../connections/connection.entity';
import type { ConnectionRepository, StoredTokens } from '../connections/connection.repository';
import type { LastError } from '../connections/connection.types';

export class RefreshLeaseRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connections: ConnectionRepository,
  ) {}

  /**
   * Claims the refresh lease of a connection. One conditional UPDATE: of concurrent claimers on
   * every instance exactly one gets the row back (fresh, as re-read after the claim).
   */
  async claim(id: string, now: Date, until: Date): Promise<Connection | null> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Connection)
      .set({ refreshLeaseUntil: until })
      .where(
        'id = :id AND deleted_at IS NULL AND (refresh_lease_until IS NULL OR refresh_lease_until < :now)',
        { id, now },
      )
      .execute();
    return result.affected ? this.connections.findLiveById(id) : null;
  }

  /** Saves a refreshed token set (a rotated refresh token with it) and releases the lease, as one change. */
  async finish(id: string, lease: Date, tokens: StoredTokens, now: Date): Promise<boolean> {
    const changed = await this.connections.changeLive({ id, refreshLeaseUntil: lease }, () => ({
      set: {
        secret: tokens.sealed,
        tokenExpiresAt: tokens.expiresAt,
        scopes: tokens.scopes,
        status: 'connected',
        lastError: null,
        lastRefreshedAt: now,
        refreshLeaseUntil: null,
        updatedAt: now,
      },
      type: 'connection.token_refreshed',
    }));
    return changed !== null;
  }

  /**
   * Releases the lease after a failed refresh, recording why; `expire` turns the connection
   * expired (`connection.expired`), otherwise it keeps its tokens (`connection.refresh_failed`).
   */
  async fail(id: string, lease: Date, lastError: LastError, expire: boolean, now: Date): Promise<void> {
    await this.connections.changeLive({ id, refreshLeaseUntil: lease }, (before) => ({
      set: {
        lastError,
        refreshLeaseUntil: null,
        updatedAt: now,
        ...(expire ? { status: 'expired' as const } : {}),
      },
      type: expire ? 'connection.expired' : 'connection.refresh_failed',
      facts: {
        previousStatus: before.status,
        details: { error: { code: lastError.code, message: lastError.message } },
      },
    }));
  }

  async release(id: string, lease: Date): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(Connection)
      .set({ refreshLeaseUntil: null })
      .where('id = :id AND refresh_lease_until = :lease', { id, lease })
      .execute();
  }

  /**
   * Connected OAuth connections of the given connectors whose token expires before `before`,
   * oldest expiry first.
   */
  async findDue(before: Date, now: Date, limit: number, connectorSlugs: string[]): Promise<string[]> {
    if (connectorSlugs.length === 0) return [];
    const rows = await this.dataSource
      .getRepository(Connection)
      .createQueryBuilder('c')
      .select('c.id', 'id')
      .where("c.auth_type = 'oauth' AND c.status = 'connected' AND c.secret IS NOT NULL")
      .andWhere('c.token_expires_at < :before', { before })
      .andWhere('c.connector_slug IN (:...connectorSlugs)', { connectorSlugs })
      .andWhere('(c.refresh_lease_until IS NULL OR c.refresh_lease_until < :now)', { now })
      .orderBy('c.token_expires_at', 'ASC')
      .limit(limit)
      .getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }
}
