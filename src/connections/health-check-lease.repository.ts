/**
 * The cross-instance lock of the scheduled health checks, on `connections.check_lease_until`:
 * one statement claims due connections (FOR UPDATE SKIP LOCKED, so instances claiming at the
 * same moment take different rows) and sets their lease on the database's clock; no transaction
 * is held while the provider is asked. A lease that outlives its holder expires. The same column
 * is the connection's next scheduled check: a verdict sets it one interval ahead, and a provider
 * that did not answer leaves it as a backoff, so a connector's due connections are one index range
 * and the ones put off, or of connectors the pass does not check, never have to be stepped over.
 */
import type { DataSource } from 'typeorm';

/** A claimed connection and its lease's end as the database set it (the holder's proof). */
export interface ClaimedCheck {
  id: string;
  lease: Date;
}

export class HealthCheckLeaseRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims up to `limit` live connections that are due: connected or in error, holding
   * credentials, of one of `connectorSlugs`, not checked within `intervalSeconds` (credentials
   * checked on submit are not due again at once), and whose not-before time (`check_lease_until`: a
   * running check's lease, the backoff after a provider that did not answer, or one interval after
   * the last verdict) has passed or was never set. Never-scheduled first, then the longest overdue.
   * Read per connector, each one range of connections_health_due_idx (connector, next check): the
   * connections of connectors the pass does not check (no `verify`) are never scheduled, so in one
   * index over all connectors they came first and every claim stepped over them all
   * (test/integration/background-cost.test.ts). Each connector's first `limit` due rows are locked
   * (SKIP LOCKED), the soonest `limit` of them claimed; the others are free again at commit.
   */
  async claimDue(
    connectorSlugs: readonly string[],
    intervalSeconds: number,
    leaseMs: number,
    limit: number,
  ): Promise<ClaimedCheck[]> {
    if (connectorSlugs.length === 0 || limit <= 0) return [];
    // An UPDATE answers [rows, count].
    const [rows]: [{ id: string; check_lease_until: Date }[], number] = await this.dataSource.query(
      `UPDATE connections SET check_lease_until = now() + $3::integer * interval '1 millisecond'
        WHERE id IN (
          SELECT due.id
            FROM unnest($1::text[]) AS s(slug)
            CROSS JOIN LATERAL (
              SELECT id, check_lease_until FROM connections
               WHERE connector_slug = s.slug
                 AND deleted_at IS NULL AND status IN ('connected', 'error') AND secret IS NOT NULL
                 AND (check_lease_until IS NULL OR check_lease_until < now())
                 AND (last_checked_at IS NULL OR last_checked_at < now() - $2::integer * interval '1 second')
               ORDER BY check_lease_until ASC NULLS FIRST
               LIMIT $4
               FOR UPDATE SKIP LOCKED) AS due
           ORDER BY due.check_lease_until ASC NULLS FIRST
           LIMIT $4)
        RETURNING id, check_lease_until`,
      [[...connectorSlugs], intervalSeconds, Math.ceil(leaseMs), limit],
    );
    return rows.map((row) => ({ id: row.id, lease: new Date(row.check_lease_until) }));
  }

  /** How many live connections of these connectors a pass may check (connected or errored, with credentials). */
  async countCheckable(connectorSlugs: readonly string[]): Promise<number> {
    const rows: { count: number }[] = await this.dataSource.query(
      `SELECT count(*)::integer AS count FROM connections
        WHERE deleted_at IS NULL AND status IN ('connected', 'error') AND secret IS NOT NULL
          AND connector_slug = ANY($1::text[])`,
      [[...connectorSlugs]],
    );
    return rows[0]?.count ?? 0;
  }

  /** Ends the lease, if it is still `lease`. */
  async release(id: string, lease: Date): Promise<void> {
    await this.dataSource.query(
      'UPDATE connections SET check_lease_until = NULL WHERE id = $1 AND check_lease_until = $2',
      [id, lease],
    );
  }

  /** Turns the lease into a not-before time `delayMs` from now (database clock), if it is still `lease`. */
  async deferTo(id: string, lease: Date, delayMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE connections SET check_lease_until = now() + $3::integer * interval '1 millisecond'
        WHERE id = $1 AND check_lease_until = $2`,
      [id, lease, Math.ceil(delayMs)],
    );
  }
}
