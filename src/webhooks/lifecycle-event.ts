/**
 * The seam between the audit journal (which records every connection change inside the
 * change's own transaction) and webhook delivery: lifecycle events go into the outbox in that
 * same transaction, so an event exists exactly when its change committed.
 */
import type { Tx } from '../db/transaction';

/** The lifecycle events a webhook endpoint can subscribe to. */
export const LIFECYCLE_EVENT_TYPES = [
  'connection.created',
  'connection.connected',
  'connection.expired',
  'connection.reauthorized',
  'connection.revoked',
  'connection.error',
  'connection.recovered',
] as const;

export type LifecycleEventType = (typeof LIFECYCLE_EVENT_TYPES)[number];

export interface LifecycleEvent {
  /** The event's id (a UUID, the audit event's id); the `webhook-id` of every delivery of it. */
  id: string;
  type: LifecycleEventType;
  ownerId: string;
  connectionId: string;
  occurredAt: Date;
  /** The webhook body's `data`: `{connection: <the REST connection view after the change>}`. */
  data: Record<string, unknown>;
}

/** Where lifecycle events wait for delivery. `enqueue` runs inside the change's transaction. */
export interface LifecycleOutbox {
  enqueue(tx: Tx, event: LifecycleEvent): Promise<void>;
}
