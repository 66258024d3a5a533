import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { WebhookEndpoint } from './webhook-endpoint.entity';

/**
 * The outbox: one row per lifecycle event and endpoint, written in the transaction of the change
 * (webhook-delivery.repository.ts) and worked off by the delivery worker of any instance.
 * Pending: neither delivered nor given up.
 */
@Entity({ name: 'webhook_deliveries' })
// The worker's scan for due rows touches only pending ones.
@Index('webhook_deliveries_due_idx', ['nextAttemptAt'], {
  where: '"delivered_at" IS NULL AND "failed_at" IS NULL',
})
// In-order delivery: "is an earlier row of this endpoint and connection still pending?"
@Index('webhook_deliveries_pending_order_idx', ['endpointId', 'connectionId', 'id'], {
  where: '"delivered_at" IS NULL AND "failed_at" IS NULL',
})
// An endpoint's recent deliveries, newest first (and the endpoint foreign key's cascade).
@Index('webhook_deliveries_endpoint_idx', ['endpointId', 'id'])
export class WebhookDelivery {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  /** The lifecycle event's id: the `webhook-id` header of every attempt, on every endpoint. */
  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ name: 'endpoint_id', type: 'uuid' })
  endpointId: string;

  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'endpoint_id' })
  endpoint?: WebhookEndpoint;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType: string;

  /** The body: `{type, timestamp, data}` (Standard Webhooks). Holds no secret. */
  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  /** Retention deletes finished rows by age. */
  @Index('webhook_deliveries_created_at_idx')
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  /** Attempts made so far (successful or not). */
  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', precision: 3 })
  nextAttemptAt: Date;

  /** While in the future, one worker is sending the row and no other may claim it. */
  @Column({ name: 'lease_until', type: 'timestamptz', precision: 3, nullable: true })
  leaseUntil: Date | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', precision: 3, nullable: true })
  deliveredAt: Date | null;

  /** Set when the worker gave up (WEBHOOK_MAX_ATTEMPTS reached, or the endpoint was deleted). */
  @Column({ name: 'failed_at', type: 'timestamptz', precision: 3, nullable: true })
  failedAt: Date | null;

  /** The HTTP status of the last attempt; null when it got no answer. */
  @Column({ name: 'last_status', type: 'int', nullable: true })
  lastStatus: number | null;

  /** Why the last attempt failed (status line or network error); never the secret or a body. */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;
}
