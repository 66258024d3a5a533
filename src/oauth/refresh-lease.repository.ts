/**
 * The cross-instance refresh lock on connections
 * (docs/security.md#refresh-that-does-not-die-silently): an instance claims a connection's lease
 * with one conditional UPDATE and holds no transaction while it talks to the provider; it then
 * saves the new tokens or the failure as one journaled change. Leases are reckoned on the
 * database's clock (`now()`), never an instance's, so instances whose clocks disagree still exclude
 * each other; a lease that outlives its holder expires. Saving compares and swaps on the token
 * version the holder read, not on the lease: a holder whose lease ran out still saves what the
 * provider gave it (a rotated refresh token is only valid there) when nothing was written
 * meanwhile, and never overwrites what was (a re-authorisation's new grant).
 */
import type { DataSource } from 'typeorm';
import { Connection } from '../connections/connection.entity';
import type { ConnectionRepository, StoredTokens } from '../connections/connection.repository';
import type { LastError } from '../connections/connection.types';

/** A claimed lease: the row as re-read after the claim, and the lease's end as the database set it. */
export interface ClaimedLease {
  connection: Connection;
  lease: Date;
}

/** The lease column left as it is unless it is still `lease` (the holder's own). */
function releasedIfOurs(current: Date | null, lease: Date): Date | null {
  return current !== null && current.getTime() === lease.getTime() ? null : current;
}

/** A due connection's place in the refresh pass's order. */
export interface DuePosition {
  id: string;
  expiresAt: Date;
}

export class RefreshLeaseRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connections: ConnectionRepository,
  ) {}

  /**
   * Claims the refresh lease of a connection for `leaseMs`, on the database's clock. One
   * conditional UPDATE: of concurrent claimers on every instance exactly one gets the row back
   * (fresh, as re-read after the claim).
   */
  async claim(id: string, leaseMs: number): Promise<ClaimedLease | null> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Connection)
      .set({ refreshLeaseUntil: () => "now() + CAST(:leaseMs AS integer) * interval '1 millisecond'" })
      .where(
        'id = :id AND deleted_at IS NULL AND (refresh_lease_until IS NULL OR refresh_lease_until < now())',
        { id },
      )
      .setParameter('leaseMs', Math.ceil(leaseMs))
      .execute();
    if (!result.affected) return null;
    // The lease read back is ours: no one else can claim the row before it ends.
    const connection = await this.connections.findLiveById(id);
    return connection?.refreshLeaseUntil ? { connection, lease: connection.refreshLeaseUntil } : null;
  }

  /**
   * Saves a refreshed token set (a rotated refresh token with it) under the next token version,
   * if the tokens are still at `version`; releases the lease if it is still `lease`. False when
   * the tokens changed meanwhile (nothing saved). A connection in error keeps its status and
   * error: a new token says nothing about whether the provider's API accepts it (a health check
   * decides that).
   */
  async finish(id: string, lease: Date, version: number, tokens: StoredTokens, now: Date): Promise<boolean> {
    const changed = await this.connections.changeLive({ id, tokenVersion: version }, (before) => ({
      set: {
        secret: tokens.sealed,
        tokenVersion: version + 1,
        tokenExpiresAt: tokens.expiresAt,
        scopes: tokens.scopes,
        ...(before.status === 'error' ? {} : { status: 'connected' as const, lastError: null }),
        lastRefreshedAt: now,
        refreshLeaseUntil: releasedIfOurs(before.refreshLeaseUntil, lease),
        updatedAt: now,
      },
      type: 'connection.token_refreshed',
    }));
    return changed !== null;
  }

  /**
   * Records why a refresh failed, if the tokens are still at `version` (a failure of tokens
   * replaced meanwhile says nothing about the new ones), releasing the lease if it is still
   * `lease`. `expire` turns the connection expired (`connection.expired`), otherwise it keeps
   * its tokens (`connection.refresh_failed`). False when nothing was recorded.
   */
  async fail(
    id: string,
    lease: Date,
    version: number,
    lastError: LastError,
    expire: boolean,
    now: Date,
  ): Promise<boolean> {
    const changed = await this.connections.changeLive({ id, tokenVersion: version }, (before) => ({
      set: {
        lastError,
        refreshLeaseUntil: releasedIfOurs(before.refreshLeaseUntil, lease),
        updatedAt: now,
        ...(expire ? { status: 'expired' as const } : {}),
      },
      type: expire ? 'connection.expired' : 'connection.refresh_failed',
      facts: {
        previousStatus: before.status,
        details: { error: { code: lastError.code, message: lastError.message } },
      },
    }));
    return changed !== null;
  }

  /** Ends the lease, if it is still `lease` (another instance may hold the row's lease by now). */
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
   * oldest expiry first, leaving out those whose lease is held (on the database's clock).
   */
  async findDue(
    before: Date,
    limit: number,
    connectorSlugs: string[],
    /** Only rows after this one in (expiry, id) order: the next batch of one pass. */
    after?: DuePosition,
  ): Promise<DuePosition[]> {
    if (connectorSlugs.length === 0) return [];
    const query = this.dataSource
      .getRepository(Connection)
      .createQueryBuilder('c')
      .select('c.id', 'id')
      .addSelect('c.token_expires_at', 'expires_at')
      .where("c.auth_type = 'oauth' AND c.status = 'connected' AND c.secret IS NOT NULL")
      .andWhere('c.token_expires_at < :before', { before })
      .andWhere('c.connector_slug IN (:...connectorSlugs)', { connectorSlugs })
      .andWhere('(c.refresh_lease_until IS NULL OR c.refresh_lease_until < now())');
    if (after) {
      query.andWhere('(c.token_expires_at, c.id) > (:afterExpiresAt, :afterId)', {
        afterExpiresAt: after.expiresAt,
        afterId: after.id,
      });
    }
    const rows = await query
      .orderBy('c.token_expires_at', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .limit(limit)
      .getRawMany<{ id: string; expires_at: Date }>();
    return rows.map((row) => ({ id: row.id, expiresAt: new Date(row.expires_at) }));
  }
}
