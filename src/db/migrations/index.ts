import type { MigrationInterface } from 'typeorm';
import { Initial1795888165358 } from './1795888165358-Initial';
import { OAuthFlows1795888966777 } from './1795888966777-OAuthFlows';
import { OAuthHandshakeAndTokens1795889087628 } from './1795889087628-OAuthHandshakeAndTokens';
import { BrowserSessions1795892353994 } from './1795892353994-BrowserSessions';
import { CacheInvalidations1795897440132 } from './1795897440132-CacheInvalidations';
import { ConnectionEvents1795900000000 } from './1795900000000-ConnectionEvents';
import { Webhooks1795900100000 } from './1795900100000-Webhooks';
import { RateLimitsAndIdempotency1795900200000 } from './1795900200000-RateLimitsAndIdempotency';
import { AuditRetention1795900300000 } from './1795900300000-AuditRetention';
import { OAuthFlowConfirm1796000100000 } from './1796000100000-OAuthFlowConfirm';
import { IdempotencyPerCredential1796000200000 } from './1796000200000-IdempotencyPerCredential';
import { TokenVersion1796000400000 } from './1796000400000-TokenVersion';
import { ConnectionConfigAndHealth1796000500000 } from './1796000500000-ConnectionConfigAndHealth';
import { ConnectionsRefreshDue1796303375260 } from './1796303375260-ConnectionsRefreshDue';
import { ConnectionsHealthDuePerConnector1796303413612 } from './1796303413612-ConnectionsHealthDuePerConnector';

/** Migrations in the order they apply. New ones come from `npm run migration:generate`. */
export const migrations: (new () => MigrationInterface)[] = [
  Initial1795888165358,
  OAuthFlows1795888966777,
  OAuthHandshakeAndTokens1795889087628,
  BrowserSessions1795892353994,
  CacheInvalidations1795897440132,
  ConnectionEvents1795900000000,
  Webhooks1795900100000,
  RateLimitsAndIdempotency1795900200000,
  AuditRetention1795900300000,
  OAuthFlowConfirm1796000100000,
  IdempotencyPerCredential1796000200000,
  TokenVersion1796000400000,
  ConnectionConfigAndHealth1796000500000,
  ConnectionsRefreshDue1796303375260,
  ConnectionsHealthDuePerConnector1796303413612,
];
