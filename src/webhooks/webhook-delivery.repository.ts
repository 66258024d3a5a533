/**
 * The webhook outbox in PostgreSQL: rows are written by `enqueue` inside the transaction of the
 * connection change, and worked off by the delivery worker of any instance. The database's
 * clock (now()) is the only clock here, so instances never disagree about what is due.
 */
import type { DataSource } from 'typeorm';
import type { Tx } from '../db/transaction';
import type { LifecycleEvent, LifecycleOutbox } from './lifecycle-event';

/** A delivery the worker claimed: everything it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  payload: { type: string; timestamp: string; data: unknown };
  /** Attempts made before this one. */
  attempts: number;
  url: string;
  /** The endpoint's sealed signing secret. */
  secret: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** A delivery as an endpoint's owner sees it (the payload holds no secret but is not listed). */
export interface DeliveryRecord {
  id: string;
  eventId: string;
  eventType: string;
  connectionId: string;
  attempts: number;
  status: DeliveryStatus;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  nextAttemptAt: Date | null;
}

export class WebhookDeliveryRepository implements LifecycleOutbox {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One row per live endpoint that wants the event: the owner's own endpoints and the
   * operator-wide ones, filtered by their event types. One statement, in the change's transaction.
   * A row queued behind a pending delivery of its endpoint and connection cannot go before it: its
   * first attempt is not before that delivery's next one (one index probe of the queue's head), so
   * a receiver that is down does not leave its queue in the due range for every claim to step
   * over. (A head backed off concurrently is caught by markRetry; the claim's NOT EXISTS keeps the
   * order whatever the times say.)
   */
  async enqueue(tx: Tx, event: LifecycleEvent): Promise<void> {
    const payload = { type: event.type, timestamp: event.occurredAt.toISOString(), data: event.data };
    await tx.query(
      `INSERT INTO webhook_deliveries
              (event_id, endpoint_id, owner_id, connection_id, event_type, payload, next_attempt_at)
       SELECT $1, e.id, $2, $3, $4, $5::jsonb,
              GREATEST(now(), (SELECT h.next_attempt_at FROM webhook_deliveries h
                                WHERE h.endpoint_id = e.id AND h.connection_id = $3
                                  AND h.delivered_at IS NULL AND h.failed_at IS NULL
                                ORDER BY h.id LIMIT 1))
         FROM webhook_endpoints e
        WHERE e.deleted_at IS NULL
          AND (e.owner_id = $2 OR e.owner_id IS NULL)
          AND (e.event_types IS NULL OR $4::text = ANY (e.event_types))
        ORDER BY e.id`,
      [event.id, event.ownerId, event.connectionId, event.type, JSON.stringify(payload)],
    );
  }

  /**
   * Leases up to `limit` due deliveries for `leaseSeconds`. Due: pending, its time has come, no
   * lease is running, and no earlier delivery to the same endpoint about the same connection is
   * still pending — so each (endpoint, connection) has at most one row in flight, sent in order,
   * whichever instance sends it. SKIP LOCKED keeps concurrent claimers off each other's rows.
   */
  async claimDue(
    limit: number,
    leaseSeconds: number,
    ownerIds?: readonly string[],
  ): Promise<ClaimedDelivery[]> {
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [rows]: [
      {
        id: string;
        event_id: string;
        event_type: string;
        endpoint_id: string;
        payload: ClaimedDelivery['payload'];
        attempts: number;
        url: string;
        secret: string;
      }[],
      number,
    ] = await this.dataSource.query(
      `UPDATE webhook_deliveries d
          SET lease_until = now() + make_interval(secs => $2)
         FROM webhook_endpoints e
        WHERE e.id = d.endpoint_id
          AND d.id IN (
            SELECT c.id FROM webhook_deliveries c
             WHERE c.delivered_at IS NULL AND c.failed_at IS NULL
               AND c.next_attempt_at <= now()
               AND (c.lease_until IS NULL OR c.lease_until <= now())
               AND ($3::uuid[] IS NULL OR c.owner_id = ANY ($3::uuid[]))
               AND NOT EXISTS (
                 SELECT 1 FROM webhook_deliveries p
                  WHERE p.endpoint_id = c.endpoint_id AND p.connection_id = c.connection_id
                    AND p.id < c.id AND p.delivered_at IS NULL AND p.failed_at IS NULL)
             ORDER BY c.next_attempt_at
             LIMIT $1
             FOR UPDATE OF c SKIP LOCKED)
    RETURNING d.id::text AS id, d.event_id, d.event_type, d.endpoint_id, d.payload, d.attempts, e.url, e.secret`,
      [limit, leaseSeconds, ownerIds ? [...ownerIds] : null],
    );
    // UPDATE's RETURNING order is unspecified: oldest first, for tidy logs and fair sending.
    rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    return rows.map((row) => ({
      id: row.id,
      eventId: row.event_id,
      eventType: row.event_type,
      endpointId: row.endpoint_id,
      payload: row.payload,
      attempts: row.attempts,
      url: row.url,
      secret: row.secret,
    }));
  }

  async markDelivered(id: string, status: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_deliveries
          SET delivered_at = now(), attempts = attempts + 1, last_status = $2, last_error = NULL,
              lease_until = NULL
        WHERE id = $1 AND delivered_at IS NULL AND failed_at IS NULL`,
      [id, status],
    );
  }

  /**
   * A failed attempt to be retried after `delayMs`. The deliveries queued behind it (same endpoint
   * and connection) cannot go before it either: their next attempt moves with it, in the same
   * statement, so they leave the due range of webhook_deliveries_due_idx instead of being stepped
   * over by every claim while the receiver is down (test/integration/background-cost.test.ts), and
   * an owner listing them sees when they can go. They come due again when this one is retried; once
   * it is delivered or given up, they go.
   */
  async markRetry(id: string, status: number | null, error: string, delayMs: number): Promise<void> {
    await this.dataSource.query(
      `WITH retried AS (
         UPDATE webhook_deliveries
            SET attempts = attempts + 1, last_status = $2, last_error = $3,
                next_attempt_at = now() + make_interval(secs => $4), lease_until = NULL
          WHERE id = $1 AND delivered_at IS NULL AND failed_at IS NULL
          RETURNING id, endpoint_id, connection_id, next_attempt_at)
       UPDATE webhook_deliveries q
          SET next_attempt_at = r.next_attempt_at
         FROM retried r
        WHERE q.endpoint_id = r.endpoint_id AND q.connection_id = r.connection_id AND q.id > r.id
          AND q.delivered_at IS NULL AND q.failed_at IS NULL AND q.next_attempt_at < r.next_attempt_at`,
      [id, status, error, delayMs / 1000],
    );
  }

  /** The last allowed attempt failed: give up, so later events of the connection go ahead. */
  async markGaveUp(id: string, status: number | null, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_deliveries
          SET attempts = attempts + 1, last_status = $2, last_error = $3, failed_at = now(),
              lease_until = NULL
        WHERE id = $1 AND delivered_at IS NULL AND failed_at IS NULL`,
      [id, status, error],
    );
  }

  /** Ends a lease without counting an attempt (the worker stopped mid-send). */
  async releaseLease(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE webhook_deliveries SET lease_until = NULL WHERE id = $1`, [id]);
  }

  /**
   * Deletes up to `batch` delivered or given-up rows created more than `days` ago (an index
   * range, a bounded statement); returns how many went.
   */
  async pruneFinished(days: number, batch: number): Promise<number> {
    // TypeORM answers a DELETE with [rows, rowCount].
    const [, deleted]: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM webhook_deliveries
        WHERE id IN (
          SELECT id FROM webhook_deliveries
           WHERE created_at < now() - make_interval(days => $1)
             AND (delivered_at IS NOT NULL OR failed_at IS NOT NULL)
           LIMIT $2)`,
      [days, batch],
    );
    return deleted;
  }

  /** The endpoint's most recent deliveries, newest first. */
  async listRecentOfEndpoint(endpointId: string, limit: number): Promise<DeliveryRecord[]> {
    const rows: {
      id: string;
      event_id: string;
      event_type: string;
      connection_id: string;
      attempts: number;
      last_status: number | null;
      last_error: string | null;
      created_at: Date;
      delivered_at: Date | null;
      failed_at: Date | null;
      next_attempt_at: Date;
    }[] = await this.dataSource.query(
      `SELECT id::text AS id, event_id, event_type, connection_id, attempts, last_status, last_error,
              created_at, delivered_at, failed_at, next_attempt_at
         FROM webhook_deliveries
        WHERE endpoint_id = $1
        ORDER BY id DESC
        LIMIT $2`,
      [endpointId, limit],
    );
    return rows.map((row) => {
      const status: DeliveryStatus = row.delivered_at ? 'delivered' : row.failed_at ? 'failed' : 'pending';
      return {
        id: row.id,
        eventId: row.event_id,
        eventType: row.event_type,
        connectionId: row.connection_id,
        attempts: row.attempts,
        status,
        lastStatus: row.last_status,
        lastError: row.last_error,
        createdAt: new Date(row.created_at),
        deliveredAt: row.delivered_at ? new Date(row.delivered_at) : null,
        nextAttemptAt: status === 'pending' ? new Date(row.next_attempt_at) : null,
      };
    });
  }
}
