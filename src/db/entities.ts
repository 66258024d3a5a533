import { AuditEvent } from '../audit/audit-event.entity';
import { Connection } from '../connections/connection.entity';
import { IdempotencyKey } from '../idempotency/idempotency-key.entity';
import { OAuthFlow } from '../oauth/oauth-flow.entity';
import { ApiKey } from '../owners/api-key.entity';
import { Owner } from '../owners/owner.entity';
import { RateLimitWindow } from '../rate-limits/rate-limit-window.entity';
import { BrowserSession } from '../sessions/browser-session.entity';
import { CacheInvalidation } from '../shared/cache/cache-invalidation.entity';
import { WebhookDelivery } from '../webhooks/webhook-delivery.entity';
import { WebhookEndpoint } from '../webhooks/webhook-endpoint.entity';

/** Every entity the data source knows; migrations are generated from these. */
export const entities = [
  Owner,
  ApiKey,
  Connection,
  OAuthFlow,
  BrowserSession,
  CacheInvalidation,
  AuditEvent,
  WebhookEndpoint,
  WebhookDelivery,
  RateLimitWindow,
  IdempotencyKey,
];
