/**
 * The only reader of process.env. Every setting is declared once in a schema (zod: its kind,
 * range and default) and parsed once, at start; bad values throw one ConfigError that names
 * each variable, and main prints it and exits non-zero.
 */
import path from 'node:path';
import { z } from 'zod';
import type { OAuthClientCredentials } from './oauth/oauth-client';
import { ConfigError } from './shared/config-error';
import { wholeNumber, flag, httpUrl, secret, key, listOf, LOG_LEVELS, trustProxy } from './config-values';

export { ConfigError };

export interface Config {
  nodeEnv: string;
  isProduction: boolean;
  host: string;
  port: number;
  /** Base of every URL the API hands out, without a trailing slash. */
  publicUrl: string;
  /** A postgres:// URL, or undefined for the embedded engine. */
  databaseUrl: string | undefined;
  dataDir: string;
  databasePoolSize: number;
  /**
   * `transaction`: DATABASE_URL is a pooler in transaction mode (PgBouncer, RDS Proxy, Supabase's
   * pooler), so nothing may rely on a server session: no named prepared statements, no startup
   * parameters, migrations under a transaction-scoped lock. `session`: a server or a session pooler.
   */
  databasePoolMode: 'session' | 'transaction';
  /** A URL straight to the server for migrations (behind a pooler); undefined: DATABASE_URL. */
  databaseMigrationUrl: string | undefined;
  /** 32-byte key that seals new secrets; undefined only in embedded, non-production mode. */
  encryptionKey: Buffer | undefined;
  encryptionKeysPrevious: Buffer[];
  connectorsFile: string | undefined;
  /** OAuth client credentials by connector slug, from CONNECTOR_<SLUG>_CLIENT_ID/SECRET. */
  oauthClients: ReadonlyMap<string, OAuthClientCredentials>;
  runtimeToken: string | undefined;
  tokenRefreshAheadSeconds: number;
  /** How often the scheduled refresh pass runs; 0 turns it off. */
  tokenRefreshIntervalSeconds: number;
  returnUrlAllowlist: string[];
  /** Browser origins allowed to call /api/v1 and /graphql cross-origin (CORS); empty: none. */
  corsOrigins: string[];
  graphqlIntrospection: boolean;
  /** Serve the docs pages (/docs, /graphiql); default on except under NODE_ENV=production. */
  docsEnabled: boolean;
  bodyLimitBytes: number;
  logLevel: string;
  shutdownTimeoutMs: number;
  /**
   * Which peers may say who the client is (X-Forwarded-For), as express's `trust proxy`: false
   * (none; the peer is the client), a hop count, or a list of proxy addresses/CIDRs. Never
   * "everyone": then any client could choose its own address, and with it its rate-limit bucket.
   */
  trustProxy: false | number | string[];
  /** How long a verified API key may be served from memory; 0 turns the cache off. */
  authCacheSeconds: number;
  /** How often each instance polls for revocations; cached keys are trusted for twice this. */
  cacheSyncIntervalMs: number;
  /** Length of a rate-limit window (fixed windows, shared by every instance). */
  rateLimitWindowSeconds: number;
  /** Points per window for an owner's API key; 0 turns the limit off. */
  rateLimitApiKeyPoints: number;
  /**
   * Points per window for one client address on the routes a browser opens without an API key
   * (the OAuth callback, the ticket URL, /connect); 0 turns the limit off.
   */
  rateLimitAddressPoints: number;
  /** Points per window for all of one owner's browser sessions together; 0 turns the limit off. */
  rateLimitSessionPoints: number;
  /** Live (unexpired, unrevoked) browser sessions an owner may hold at once. */
  sessionsPerOwner: number;
  /** How long an Idempotency-Key and its stored answer are kept. */
  idempotencyTtlSeconds: number;
  /** Serve Prometheus metrics at GET /metrics (and count requests); default off. */
  metricsEnabled: boolean;
  /** When set, GET /metrics requires `Authorization: Bearer <this>`. */
  metricsToken: string | undefined;
  /** How often each instance's webhook worker looks for due deliveries. */
  webhookPollIntervalMs: number;
  /** How long one webhook POST may take before it counts as failed. */
  webhookTimeoutMs: number;
  /** The first retry's delay; it doubles per attempt (with jitter) up to webhookRetryMaxMs. */
  webhookRetryBaseMs: number;
  webhookRetryMaxMs: number;
  /** Attempts per delivery before the worker gives up on it. */
  webhookMaxAttempts: number;
  /** Delivered and given-up deliveries are deleted after this many days. */
  webhookRetentionDays: number;
  /** Audit events older than this many days are deleted; 0 keeps them for ever. */
  auditRetentionDays: number;
  /** Whether webhook URLs may be plain http:// (default: only outside production). */
  webhookAllowHttp: boolean;
  /** Whether webhooks may go to private or local network addresses (default: only outside production). */
  webhookAllowPrivateNetworks: boolean;
  /** Live webhook endpoints one owner may have (the next create is 409); 0 = no limit. */
  webhookEndpointsPerOwner: number;
  /** Whether a provider host that a connection's config decides may be a private or local address. */
  proxyAllowPrivateNetworks: boolean;
  /** The largest request body the runtime's proxy forwards (larger: 413). */
  proxyMaxBodyBytes: number;
  /** A provider's 429/503 is retried only when its Retry-After is at most this many seconds. */
  proxyRetryMaxSeconds: number;
  /** How many times the proxy retries such an answer (idempotent methods only). */
  proxyRetries: number;
  /** How long a credential check at the provider may take. */
  verifyTimeoutMs: number;
  /** How often each checkable connection is checked in the background; 0 turns the pass off. */
  healthCheckIntervalSeconds: number;
  /** How many background checks run at once (per instance). */
  healthCheckConcurrency: number;
}

type Env = Record<string, string | undefined>;

/**
 * Every setting, by its variable: its kind, range and default. A default that depends on
 * another setting (NODE_ENV, PORT) is left undefined here and applied in loadConfig.
 */
const environment = z
  .object({
    NODE_ENV: z.string().default('development'),
    HOST: z.string().default('127.0.0.1'),
    PORT: wholeNumber(0, 65_535).default(4000),
    PUBLIC_URL: httpUrl
      .refine((url) => !url.search && !url.hash, { error: 'must not carry a query string or fragment' })
      .optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// URL (postgres://user@host:5432/db)' })
      .optional(),
    DATA_DIR: z.string().default('./.data'),
    DATABASE_POOL_SIZE: wholeNumber(1, 200).default(10),
    DATABASE_POOL_MODE: z.enum(['session', 'transaction']).default('session'),
    DATABASE_MIGRATION_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// URL (postgres://user@host:5432/db)' })
      .optional(),
    ENCRYPTION_KEY: key.optional(),
    ENCRYPTION_KEYS_PREVIOUS: listOf(key).default([]),
    CONNECTORS_FILE: z.string().optional(),
    RUNTIME_TOKEN: secret(32).optional(),
    TOKEN_REFRESH_AHEAD_SECONDS: wholeNumber(0, 86_400).default(300),
    TOKEN_REFRESH_INTERVAL_SECONDS: wholeNumber(0, 86_400).default(60),
    RETURN_URL_ALLOWLIST: listOf(httpUrl).default([]),
    CORS_ORIGINS: listOf(httpUrl).default([]),
    GRAPHQL_INTROSPECTION: flag.optional(),
    DOCS_ENABLED: flag.optional(),
    BODY_LIMIT_BYTES: wholeNumber(1_024, 10_485_760).default(102_400),
    LOG_LEVEL: z
      .enum(LOG_LEVELS, {
        error: (issue) => `must be one of ${LOG_LEVELS.join(', ')}, got "${String(issue.input)}"`,
      })
      .optional(),
    SHUTDOWN_TIMEOUT_MS: wholeNumber(0, 600_000).default(10_000),
    TRUST_PROXY: trustProxy.default(false),
    AUTH_CACHE_SECONDS: wholeNumber(0, 3_600).default(60),
    CACHE_SYNC_INTERVAL_MS: wholeNumber(50, 60_000).default(1_000),
    RATE_LIMIT_WINDOW_SECONDS: wholeNumber(1, 86_400).default(60),
    RATE_LIMIT_API_KEY_POINTS: wholeNumber(0, 100_000_000).default(1_200),
    RATE_LIMIT_SESSION_POINTS: wholeNumber(0, 100_000_000).default(300),
    RATE_LIMIT_ADDRESS_POINTS: wholeNumber(0, 100_000_000).default(120),
    SESSIONS_PER_OWNER: wholeNumber(1, 1_000_000).default(1_000),
    IDEMPOTENCY_TTL_SECONDS: wholeNumber(1, 604_800).default(86_400),
    METRICS_ENABLED: flag.default(false),
    METRICS_TOKEN: secret(16).optional(),
    WEBHOOK_POLL_INTERVAL_MS: wholeNumber(10, 600_000).default(1_000),
    WEBHOOK_TIMEOUT_MS: wholeNumber(100, 120_000).default(10_000),
    WEBHOOK_RETRY_BASE_MS: wholeNumber(1, 86_400_000).default(5_000),
    WEBHOOK_RETRY_MAX_MS: wholeNumber(1, 604_800_000).default(3_600_000),
    WEBHOOK_MAX_ATTEMPTS: wholeNumber(1, 100).default(12),
    WEBHOOK_RETENTION_DAYS: wholeNumber(1, 3_650).default(7),
    AUDIT_RETENTION_DAYS: wholeNumber(0, 36_500).default(365),
    WEBHOOK_ALLOW_HTTP: flag.optional(),
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: flag.optional(),
    WEBHOOK_ENDPOINTS_PER_OWNER: wholeNumber(0, 100_000).default(20),
    PROXY_ALLOW_PRIVATE_NETWORKS: flag.optional(),
    PROXY_MAX_BODY_BYTES: wholeNumber(0, 1_073_741_824).default(10_485_760),
    PROXY_RETRY_MAX_SECONDS: wholeNumber(0, 3_600).default(10),
    PROXY_RETRIES: wholeNumber(0, 10).default(2),
    VERIFY_TIMEOUT_MS: wholeNumber(100, 120_000).default(10_000),
    HEALTH_CHECK_INTERVAL_SECONDS: wholeNumber(0, 30 * 86_400).default(21_600),
    HEALTH_CHECK_CONCURRENCY: wholeNumber(1, 64).default(4),
  })
  .superRefine((env, ctx) => {
    // The pooler settings describe DATABASE_URL: without it (the embedded engine) they mean nothing.
    for (const name of ['DATABASE_MIGRATION_URL', 'DATABASE_POOL_MODE'] as const) {
      if (
        env.DATABASE_URL === undefined &&
        (name === 'DATABASE_MIGRATION_URL' ? env[name] !== undefined : env[name] !== 'session')
      ) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'needs DATABASE_URL (it describes that server)',
        });
      }
    }
    if (env.ENCRYPTION_KEY !== undefined) return;
    const required = (when: string) =>
      ctx.addIssue({
        code: 'custom',
        path: ['ENCRYPTION_KEY'],
        message: `is required when ${when} (32 bytes, base64)`,
      });
    if (env.NODE_ENV === 'production') required('NODE_ENV=production');
    // A generated key kept beside an embedded database is fine; beside a shared server it would
    // differ per instance and lock everyone out of each other's secrets.
    else if (env.DATABASE_URL !== undefined) required('DATABASE_URL is set');
  });

/** The variables that are set, trimmed; a blank one counts as unset. */
function present(env: Env): Record<string, string> {
  const set: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const trimmed = value?.trim();
    if (trimmed) set[name] = trimmed;
  }
  return set;
}

/** One ConfigError for every problem found: named by the first, the others follow it. */
function configError(error: z.ZodError): ConfigError {
  const problems = error.issues.map((issue) => {
    const [variable, entry] = issue.path;
    const where = typeof entry === 'number' ? `entry ${entry + 1} ` : '';
    return { variable: String(variable), message: `${where}${issue.message}` };
  });
  const [first, ...others] = problems;
  return new ConfigError(
    first!.variable,
    [first!.message, ...others.map((problem) => `${problem.variable}: ${problem.message}`)].join('; '),
  );
}

function oauthClients(env: Record<string, string>): Map<string, OAuthClientCredentials> {
  // Keyed by the env spelling; the catalog looks a slug up with slugToEnvName(slug).
  const clients = new Map<string, OAuthClientCredentials>();
  for (const [name, clientId] of Object.entries(env)) {
    const match = /^CONNECTOR_(.+)_CLIENT_ID$/.exec(name);
    if (!match?.[1]) continue;
    const clientSecret = env[`CONNECTOR_${match[1]}_CLIENT_SECRET`];
    if (clientSecret) clients.set(match[1], { clientId, clientSecret });
  }
  return clients;
}

export function loadConfig(env: Env = process.env): Config {
  const set = present(env);
  const parsed = environment.safeParse(set);
  if (!parsed.success) throw configError(parsed.error);
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  const publicUrl = e.PUBLIC_URL ?? new URL(`http://localhost:${e.PORT}`);

  return {
    nodeEnv: e.NODE_ENV,
    isProduction,
    host: e.HOST,
    port: e.PORT,
    publicUrl: publicUrl.toString().replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databasePoolMode: e.DATABASE_POOL_MODE,
    databaseMigrationUrl: e.DATABASE_MIGRATION_URL,
    encryptionKey: e.ENCRYPTION_KEY,
    encryptionKeysPrevious: e.ENCRYPTION_KEYS_PREVIOUS,
    connectorsFile: e.CONNECTORS_FILE,
    oauthClients: oauthClients(set),
    runtimeToken: e.RUNTIME_TOKEN,
    tokenRefreshAheadSeconds: e.TOKEN_REFRESH_AHEAD_SECONDS,
    tokenRefreshIntervalSeconds: e.TOKEN_REFRESH_INTERVAL_SECONDS,
    returnUrlAllowlist: e.RETURN_URL_ALLOWLIST.map((url) => url.origin),
    corsOrigins: e.CORS_ORIGINS.map((url) => url.origin),
    graphqlIntrospection: e.GRAPHQL_INTROSPECTION ?? !isProduction,
    docsEnabled: e.DOCS_ENABLED ?? !isProduction,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    trustProxy: e.TRUST_PROXY,
    authCacheSeconds: e.AUTH_CACHE_SECONDS,
    cacheSyncIntervalMs: e.CACHE_SYNC_INTERVAL_MS,
    rateLimitWindowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
    rateLimitApiKeyPoints: e.RATE_LIMIT_API_KEY_POINTS,
    rateLimitSessionPoints: e.RATE_LIMIT_SESSION_POINTS,
    rateLimitAddressPoints: e.RATE_LIMIT_ADDRESS_POINTS,
    sessionsPerOwner: e.SESSIONS_PER_OWNER,
    idempotencyTtlSeconds: e.IDEMPOTENCY_TTL_SECONDS,
    metricsEnabled: e.METRICS_ENABLED,
    metricsToken: e.METRICS_TOKEN,
    webhookPollIntervalMs: e.WEBHOOK_POLL_INTERVAL_MS,
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    webhookRetryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
    webhookRetryMaxMs: e.WEBHOOK_RETRY_MAX_MS,
    webhookMaxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
    webhookRetentionDays: e.WEBHOOK_RETENTION_DAYS,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    webhookAllowHttp: e.WEBHOOK_ALLOW_HTTP ?? !isProduction,
    webhookAllowPrivateNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS ?? !isProduction,
    webhookEndpointsPerOwner: e.WEBHOOK_ENDPOINTS_PER_OWNER,
    proxyAllowPrivateNetworks: e.PROXY_ALLOW_PRIVATE_NETWORKS ?? !isProduction,
    proxyMaxBodyBytes: e.PROXY_MAX_BODY_BYTES,
    proxyRetryMaxSeconds: e.PROXY_RETRY_MAX_SECONDS,
    proxyRetries: e.PROXY_RETRIES,
    verifyTimeoutMs: e.VERIFY_TIMEOUT_MS,
    healthCheckIntervalSeconds: e.HEALTH_CHECK_INTERVAL_SECONDS,
    healthCheckConcurrency: e.HEALTH_CHECK_CONCURRENCY,
  };
}
