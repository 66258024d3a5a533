/** The public records of webhook endpoints and deliveries: allow-lists (never the secret). */
import type { DeliveryRecord } from './webhook-delivery.repository';
import type { WebhookEndpoint } from './webhook-endpoint.entity';

export interface WebhookView {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[] | null;
  createdAt: string;
}

export function toWebhookView(endpoint: WebhookEndpoint): WebhookView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    eventTypes: endpoint.eventTypes ? [...endpoint.eventTypes] : null,
    createdAt: endpoint.createdAt.toISOString(),
  };
}

/** The admin CLI's view: also whose endpoint it is (null: operator-wide). */
export function toAdminWebhookView(endpoint: WebhookEndpoint): WebhookView & { ownerId: string | null } {
  return { ...toWebhookView(endpoint), ownerId: endpoint.ownerId };
}

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  connectionId: string;
  attempts: number;
  status: DeliveryRecord['status'];
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
}

export function toDeliveryView(delivery: DeliveryRecord): DeliveryView {
  return {
    id: delivery.id,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    connectionId: delivery.connectionId,
    attempts: delivery.attempts,
    status: delivery.status,
    lastStatus: delivery.lastStatus,
    lastError: delivery.lastError,
    createdAt: delivery.createdAt.toISOString(),
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
  };
}
