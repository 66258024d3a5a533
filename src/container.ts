/**
 * Wires repositories and services once per process. createGateway (gateway.ts) calls it for
 * main, the admin CLI and the tests alike, so what the tests exercise is what runs.
 */
import type { DataSource } from './db/data-source';
import type { Catalog } from './connectors/catalog';
import { ConnectorService } from './connectors/connector.service';
import { ConnectionRepository } from './connections/connection.repository';
import { ConnectionSecrets } from './connections/connection-secrets';
import { ConnectionService } from './connections/connection.service';
import { CredentialVerifier } from './connections/credential-verification';
import { ConnectionHealth } from './connections/connection-health';
import { HealthCheckLeaseRepository } from './connections/health-check-lease.repository';
import { ProviderApi } from './providers/provider-api';
import { HandshakeService } from './oauth/handshake.service';
import { OAuthClient } from './oauth/oauth-client';
import { OAuthFlowRepository } from './oauth/oauth-flow.repository';
import { ProviderRevocation } from './oauth/provider-revocation';
import { TokenService } from './oauth/token.service';
import { RefreshLeaseRepository } from './oauth/refresh-lease.repository';
import { OwnerRepository } from './owners/owner.repository';
import { OwnerService } from './owners/owner.service';
import { RuntimeService } from './runtime/runtime.service';
import { ProxyService } from './runtime/proxy.service';
import { McpService } from './runtime/mcp.service';
import { ToolService } from './runtime/tool.service';
import { SessionRepository } from './sessions/session.repository';
import { SessionService } from './sessions/session.service';
import type { Clock } from './shared/clock';
import type { SecretCipher } from './shared/crypto/cipher';
import type { Logger } from './shared/logger';
import type { Config } from './config';
import { HotQueries } from './db/hot-queries';
import { IdempotencyRepository } from './idempotency/idempotency.repository';
import { IdempotencyService } from './idempotency/idempotency.service';
import { RateLimitRepository } from './rate-limits/rate-limit.repository';
import { RateLimiter } from './rate-limits/rate-limiter';
import { poolStats } from './db/database';
import { createMetrics, noopMetrics, type Metrics } from './observability/metrics';
import { AuditEventRepository } from './audit/audit-event.repository';
import { AuditService } from './audit/audit.service';
import { AuditRetention } from './audit/audit-retention';
import { ConnectionJournal } from './audit/connection-journal';
import { WebhookDeliveryRepository } from './webhooks/webhook-delivery.repository';
import { WebhookEndpointRepository } from './webhooks/webhook-endpoint.repository';
import { WebhookSecrets } from './webhooks/webhook-secret';
import { WebhookService } from './webhooks/webhook.service';
import { WebhookWorker } from './webhooks/webhook-worker';
import { InvalidationFeed } from './shared/cache/invalidation-feed';
import { InvalidationRepository } from './shared/cache/invalidation.repository';
import { RevocableCache } from './shared/cache/revocable-cache';
import { API_KEYS_TOPIC } from './owners/owner.repository';
import type { Caller } from './shared/caller';

/** At most this many verified keys are held in memory (the oldest go first). */
const KEY_CACHE_ENTRIES = 10_000;
/** A claimed health check's lease outlasts its provider deadlines by this much (database round trips). */
const HEALTH_LEASE_MARGIN_MS = 10_000;
/** A connection whose provider did not answer a scheduled check is tried again after this long at most. */
const HEALTH_RETRY_AFTER_MS = 15 * 60_000;
/** How long a provider may take, through the runtime's proxy, to answer or to send the next part of a body. */
const PROXY_IDLE_TIMEOUT_MS = 60_000;

export interface ServiceDeps {
  dataSource: DataSource;
  catalog: Catalog;
  cipher: SecretCipher;
  clock: Clock;
  logger: Logger;
  /** The settings services read, taken from the one validated config. */
  config: Pick<
    Config,
    | 'publicUrl'
    | 'returnUrlAllowlist'
    | 'tokenRefreshAheadSeconds'
    | 'authCacheSeconds'
    | 'cacheSyncIntervalMs'
    | 'metricsEnabled'
    | 'webhookPollIntervalMs'
    | 'webhookTimeoutMs'
    | 'webhookRetryBaseMs'
    | 'webhookRetryMaxMs'
    | 'webhookMaxAttempts'
    | 'webhookRetentionDays'
    | 'auditRetentionDays'
    | 'webhookAllowHttp'
    | 'webhookAllowPrivateNetworks'
    | 'webhookEndpointsPerOwner'
    | 'proxyAllowPrivateNetworks'
    | 'proxyMaxBodyBytes'
    | 'proxyRetryMaxSeconds'
    | 'proxyRetries'
    | 'verifyTimeoutMs'
    | 'healthCheckIntervalSeconds'
    | 'healthCheckConcurrency'
    | 'rateLimitWindowSeconds'
    | 'rateLimitApiKeyPoints'
    | 'rateLimitSessionPoints'
    | 'rateLimitAddressPoints'
    | 'sessionsPerOwner'
    | 'idempotencyTtlSeconds'
  >;
  /**
   * Named prepared statements for the hot reads: true on PostgreSQL, false on the embedded
   * engine (one shared backend; see db/hot-queries.ts).
   */
  preparedStatements: boolean;
  /** Token endpoint timeout; tests shorten it to prove the timeout path. */
  providerTimeoutMs?: number;
  /** Tests only: the webhook worker sends only these owners' deliveries (see WebhookWorkerSettings). */
  webhookOwnerScope?: ReadonlySet<string>;
}

export interface Services {
  owners: OwnerService;
  connectors: ConnectorService;
  connections: ConnectionService;
  /** Health checks of connections' credentials, asked now or by the background pass. */
  connectionHealth: ConnectionHealth;
  handshakes: HandshakeService;
  tokens: TokenService;
  runtime: RuntimeService;
  /** The runtime's proxy: requests forwarded to a connection's provider with its credentials. */
  proxy: ProxyService;
  /** Tools that run: a tool's input checked and its request sent through the proxy. */
  tools: ToolService;
  /** MCP for the agent runtime: an owner's runnable tools, listed and run. */
  mcp: McpService;
  /** Calls to providers' APIs (close its pooled connections on shutdown). */
  providerApi: ProviderApi;
  providerRevocation: ProviderRevocation;
  sessions: SessionService;
  /** Prometheus metrics (METRICS_ENABLED), or a no-op stand-in when they are off. */
  metrics: Metrics;
  /** Connections' audit trails. */
  audit: AuditService;
  /** Deletes audit events past AUDIT_RETENTION_DAYS; start it with the server, stop it on shutdown. */
  auditRetention: AuditRetention;
  /** Polls for revocations from every instance; start it with the server, stop it on shutdown. */
  invalidations: InvalidationFeed;
  /** Webhook endpoints (owner- and operator-managed). */
  webhooks: WebhookService;
  /** Per API key and per browser session request limits, shared by every instance. */
  rateLimits: RateLimiter;
  /** Idempotency-Key replay for the POST routes that create or change connections. */
  idempotency: IdempotencyService;
  /** Sends the webhook outbox; start it with the server, stop it on shutdown. */
  webhookWorker: WebhookWorker;
}

export function createServices(deps: ServiceDeps): Services {
  const metrics = deps.config.metricsEnabled
    ? createMetrics({ poolStats: () => poolStats(deps.dataSource) })
    : noopMetrics;
  const hot = new HotQueries(deps.dataSource, deps.preparedStatements);
  const invalidationRepository = new InvalidationRepository(deps.dataSource);
  const invalidations = new InvalidationFeed(
    invalidationRepository,
    deps.config.cacheSyncIntervalMs,
    deps.logger,
  );
  const keyCache = new RevocableCache<Caller>(
    invalidations,
    API_KEYS_TOPIC,
    deps.config.authCacheSeconds * 1000,
    KEY_CACHE_ENTRIES,
  );
  const auditEvents = new AuditEventRepository(deps.dataSource);
  // Lifecycle events go to the webhook outbox in the transaction of the change.
  const webhookDeliveries = new WebhookDeliveryRepository(deps.dataSource);
  const journal = new ConnectionJournal(auditEvents, webhookDeliveries);
  const connectionRepository = new ConnectionRepository(deps.dataSource, hot, journal);
  const secrets = new ConnectionSecrets(deps.cipher);
  const oauthClient = new OAuthClient(deps.providerTimeoutMs, deps.config.proxyAllowPrivateNetworks);
  const ownerRepository = new OwnerRepository(deps.dataSource, hot, invalidationRepository);
  const owners = new OwnerService(ownerRepository, deps.clock, keyCache);
  const connectors = new ConnectorService(deps.catalog);
  const providerRevocation = new ProviderRevocation(deps.catalog, secrets, oauthClient, deps.logger);
  const providerApi = new ProviderApi({ allowPrivateNetworks: deps.config.proxyAllowPrivateNetworks });
  const verifier = new CredentialVerifier(providerApi, deps.config.verifyTimeoutMs);
  const handshakes = new HandshakeService(
    new OAuthFlowRepository(deps.dataSource),
    connectionRepository,
    ownerRepository,
    deps.catalog,
    secrets,
    deps.cipher,
    oauthClient,
    deps.clock,
    { publicUrl: deps.config.publicUrl, returnUrlAllowlist: deps.config.returnUrlAllowlist },
    providerRevocation,
    verifier,
    deps.logger,
  );
  const tokens = new TokenService(
    connectionRepository,
    new RefreshLeaseRepository(deps.dataSource, connectionRepository),
    deps.catalog,
    secrets,
    oauthClient,
    deps.clock,
    deps.config.tokenRefreshAheadSeconds,
    deps.logger,
    metrics,
  );
  const connections = new ConnectionService(
    connectionRepository,
    connectors,
    secrets,
    handshakes,
    providerRevocation,
    deps.clock,
    deps.config.publicUrl,
    verifier,
    deps.config.proxyAllowPrivateNetworks,
  );
  const connectionHealth = new ConnectionHealth(
    connections,
    connectionRepository,
    new HealthCheckLeaseRepository(deps.dataSource),
    deps.catalog,
    connectors,
    secrets,
    verifier,
    tokens,
    deps.clock,
    deps.logger,
    {
      intervalSeconds: deps.config.healthCheckIntervalSeconds,
      concurrency: deps.config.healthCheckConcurrency,
      // A check may refresh a token first, then verify: both deadlines and a margin.
      leaseMs: oauthClient.timeoutMs + deps.config.verifyTimeoutMs + HEALTH_LEASE_MARGIN_MS,
      retryAfterMs: Math.min(deps.config.healthCheckIntervalSeconds * 1000, HEALTH_RETRY_AFTER_MS),
    },
  );
  const runtime = new RuntimeService(connectionRepository, secrets, tokens, journal, deps.clock, deps.logger);
  const proxy = new ProxyService(
    connectionRepository,
    connectors,
    secrets,
    tokens,
    providerApi,
    {
      maxBodyBytes: deps.config.proxyMaxBodyBytes,
      retryMaxSeconds: deps.config.proxyRetryMaxSeconds,
      retries: deps.config.proxyRetries,
      idleTimeoutMs: PROXY_IDLE_TIMEOUT_MS,
    },
    metrics,
    deps.logger,
  );
  const tools = new ToolService(connectionRepository, connectors, proxy);
  const mcp = new McpService(connectionRepository, connectors, ownerRepository, tools);
  const audit = new AuditService(auditEvents, connections);
  const auditRetention = new AuditRetention(auditEvents, deps.config.auditRetentionDays, deps.logger);
  const sessions = new SessionService(
    new SessionRepository(deps.dataSource),
    connectors,
    deps.clock,
    deps.config.sessionsPerOwner,
  );
  const rateLimits = new RateLimiter(new RateLimitRepository(hot), deps.clock, {
    windowSeconds: deps.config.rateLimitWindowSeconds,
    apiKeyPoints: deps.config.rateLimitApiKeyPoints,
    sessionPoints: deps.config.rateLimitSessionPoints,
    addressPoints: deps.config.rateLimitAddressPoints,
  });
  const idempotency = new IdempotencyService(
    new IdempotencyRepository(deps.dataSource),
    deps.cipher,
    deps.clock,
    deps.config.idempotencyTtlSeconds,
    deps.logger,
  );
  const webhookSecrets = new WebhookSecrets(deps.cipher);
  const webhooks = new WebhookService(
    new WebhookEndpointRepository(deps.dataSource),
    webhookDeliveries,
    ownerRepository,
    webhookSecrets,
    deps.clock,
    {
      allowHttp: deps.config.webhookAllowHttp,
      allowPrivateNetworks: deps.config.webhookAllowPrivateNetworks,
      endpointsPerOwner: deps.config.webhookEndpointsPerOwner,
    },
  );
  const webhookWorker = new WebhookWorker(
    webhookDeliveries,
    webhookSecrets,
    {
      pollIntervalMs: deps.config.webhookPollIntervalMs,
      timeoutMs: deps.config.webhookTimeoutMs,
      retryBaseMs: deps.config.webhookRetryBaseMs,
      retryMaxMs: deps.config.webhookRetryMaxMs,
      maxAttempts: deps.config.webhookMaxAttempts,
      retentionDays: deps.config.webhookRetentionDays,
      allowPrivateNetworks: deps.config.webhookAllowPrivateNetworks,
      ownerScope: deps.webhookOwnerScope,
    },
    deps.logger,
    (outcome) => metrics.webhookDelivery(outcome),
  );
  return {
    owners,
    connectors,
    connections,
    connectionHealth,
    handshakes,
    tokens,
    runtime,
    proxy,
    tools,
    mcp,
    providerApi,
    providerRevocation,
    sessions,
    audit,
    auditRetention,
    invalidations,
    metrics,
    webhooks,
    webhookWorker,
    rateLimits,
    idempotency,
  };
}
