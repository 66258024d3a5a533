/**
 * The only reader of process.env. Every setting is parsed and validated once, at start; a bad
 * value throws a ConfigError naming the variable, and main prints it and exits non-zero.
 */
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import type { OAuthClientCredentials } from './oauth/oauth-client';
import { ConfigError } from './shared/config-error';
import { parseKey } from './shared/crypto/keyring';

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
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function httpUrl(name: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
  }
  return url;
}

/** A comma-separated list of http(s) origins. */
function origins(env: Env, name: string): string[] {
  return (str(env, name) ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => httpUrl(name, part).origin);
}

function oauthClients(env: Env): Map<string, OAuthClientCredentials> {
  // Keyed by the env spelling; the catalog looks a slug up with slugToEnvName(slug).
  const clients = new Map<string, OAuthClientCredentials>();
  for (const name of Object.keys(env)) {
    const match = /^CONNECTOR_(.+)_CLIENT_ID$/.exec(name);
    if (!match?.[1]) continue;
    const clientId = str(env, name);
    const clientSecret = str(env, `CONNECTOR_${match[1]}_CLIENT_SECRET`);
    if (clientId && clientSecret) clients.set(match[1], { clientId, clientSecret });
  }
  return clients;
}

/** express's names for address ranges (proxy-addr), accepted in TRUST_PROXY's list. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** A plain IPv4 (four decimal parts) or IPv6 address, optionally with a /prefix that fits it. */
function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  if (rest.length > 0) return false;
  const v4 = ipaddr.IPv4.isValidFourPartDecimal(address);
  if (!v4 && !ipaddr.IPv6.isValid(address)) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (v4 ? 32 : 128);
}

/**
 * TRUST_PROXY: unset, empty or `false` trusts no proxy; a whole number trusts that many hops in
 * front of the gateway; otherwise a comma-separated list of proxy addresses or CIDRs (or
 * express's names loopback, linklocal, uniquelocal). `true` is refused.
 */
function trustProxy(env: Env): false | number | string[] {
  const raw = str(env, 'TRUST_PROXY');
  if (raw === undefined || /^(false|no)$/i.test(raw)) return false;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 100) throw new ConfigError('TRUST_PROXY', `must be at most 100 hops, got ${hops}`);
    return hops === 0 ? false : hops;
  }
  if (/^(true|yes)$/i.test(raw)) {
    throw new ConfigError(
      'TRUST_PROXY',
      'must not be "true": trusting every peer lets any client choose its address (X-Forwarded-For), ' +
        'and with it its rate-limit bucket and audit address. Give the hop count of the proxies in ' +
        'front of the gateway (e.g. 1) or their addresses/CIDRs (e.g. 10.0.0.0/8,fd00::/8)',
    );
  }
  const entries = raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  for (const entry of entries) {
    if (!PROXY_RANGE_NAMES.includes(entry) && !isAddressOrCidr(entry)) {
      throw new ConfigError(
        'TRUST_PROXY',
        `must be a hop count or a comma-separated list of proxy addresses or CIDRs, got "${entry}"`,
      );
    }
  }
  return entries.length === 0 ? false : entries;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(env: Env, nodeEnv: string): string {
  const raw = str(env, 'LOG_LEVEL');
  if (raw === undefined) return nodeEnv === 'test' ? 'silent' : 'info';
  if (!LOG_LEVELS.includes(raw))
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  return raw;
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = str(env, 'NODE_ENV') ?? 'development';
  const isProduction = nodeEnv === 'production';
  const host = str(env, 'HOST') ?? '127.0.0.1';
  const port = int(env, 'PORT', 4000, 0, 65535);

  const publicUrlRaw = str(env, 'PUBLIC_URL') ?? `http://localhost:${port}`;
  const publicUrlParsed = httpUrl('PUBLIC_URL', publicUrlRaw);
  if (publicUrlParsed.search || publicUrlParsed.hash) {
    throw new ConfigError('PUBLIC_URL', 'must not carry a query string or fragment');
  }
  const publicUrl = publicUrlParsed.toString().replace(/\/+$/, '');

  const databaseUrl = str(env, 'DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// URL');
  }

  const keyRaw = str(env, 'ENCRYPTION_KEY');
  const encryptionKey = keyRaw === undefined ? undefined : parseKey('ENCRYPTION_KEY', keyRaw);
  if (encryptionKey === undefined && isProduction) {
    throw new ConfigError('ENCRYPTION_KEY', 'is required when NODE_ENV=production (32 bytes, base64)');
  }
  if (encryptionKey === undefined && databaseUrl !== undefined) {
    // A generated key kept beside an embedded database is fine; beside a shared server it would
    // differ per instance and lock everyone out of each other's secrets.
    throw new ConfigError('ENCRYPTION_KEY', 'is required when DATABASE_URL is set (32 bytes, base64)');
  }
  const encryptionKeysPrevious = (str(env, 'ENCRYPTION_KEYS_PREVIOUS') ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => parseKey('ENCRYPTION_KEYS_PREVIOUS', part));

  const returnUrlAllowlist = origins(env, 'RETURN_URL_ALLOWLIST');
  const corsOrigins = origins(env, 'CORS_ORIGINS');

  const metricsToken = str(env, 'METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 16) {
    throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters');
  }

  const runtimeToken = str(env, 'RUNTIME_TOKEN');
  if (runtimeToken !== undefined && runtimeToken.length < 32) {
    throw new ConfigError('RUNTIME_TOKEN', 'must be at least 32 characters');
  }

  return {
    nodeEnv,
    isProduction,
    host,
    port,
    publicUrl,
    databaseUrl,
    dataDir: path.resolve(str(env, 'DATA_DIR') ?? './.data'),
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    encryptionKey,
    encryptionKeysPrevious,
    connectorsFile: str(env, 'CONNECTORS_FILE'),
    oauthClients: oauthClients(env),
    runtimeToken,
    tokenRefreshAheadSeconds: int(env, 'TOKEN_REFRESH_AHEAD_SECONDS', 300, 0, 86_400),
    tokenRefreshIntervalSeconds: int(env, 'TOKEN_REFRESH_INTERVAL_SECONDS', 60, 0, 86_400),
    returnUrlAllowlist,
    corsOrigins,
    graphqlIntrospection: bool(env, 'GRAPHQL_INTROSPECTION', !isProduction),
    docsEnabled: bool(env, 'DOCS_ENABLED', !isProduction),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 102_400, 1_024, 10_485_760),
    logLevel: logLevel(env, nodeEnv),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    trustProxy: trustProxy(env),
    authCacheSeconds: int(env, 'AUTH_CACHE_SECONDS', 60, 0, 3_600),
    cacheSyncIntervalMs: int(env, 'CACHE_SYNC_INTERVAL_MS', 1_000, 50, 60_000),
    rateLimitWindowSeconds: int(env, 'RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400),
    rateLimitApiKeyPoints: int(env, 'RATE_LIMIT_API_KEY_POINTS', 1_200, 0, 100_000_000),
    rateLimitSessionPoints: int(env, 'RATE_LIMIT_SESSION_POINTS', 300, 0, 100_000_000),
    rateLimitAddressPoints: int(env, 'RATE_LIMIT_ADDRESS_POINTS', 120, 0, 100_000_000),
    sessionsPerOwner: int(env, 'SESSIONS_PER_OWNER', 1_000, 1, 1_000_000),
    idempotencyTtlSeconds: int(env, 'IDEMPOTENCY_TTL_SECONDS', 86_400, 1, 604_800),
    metricsEnabled: bool(env, 'METRICS_ENABLED', false),
    metricsToken,
    webhookPollIntervalMs: int(env, 'WEBHOOK_POLL_INTERVAL_MS', 1_000, 10, 600_000),
    webhookTimeoutMs: int(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    webhookRetryBaseMs: int(env, 'WEBHOOK_RETRY_BASE_MS', 5_000, 1, 86_400_000),
    webhookRetryMaxMs: int(env, 'WEBHOOK_RETRY_MAX_MS', 3_600_000, 1, 604_800_000),
    webhookMaxAttempts: int(env, 'WEBHOOK_MAX_ATTEMPTS', 12, 1, 100),
    webhookRetentionDays: int(env, 'WEBHOOK_RETENTION_DAYS', 7, 1, 3_650),
    auditRetentionDays: int(env, 'AUDIT_RETENTION_DAYS', 365, 0, 36_500),
    webhookAllowHttp: bool(env, 'WEBHOOK_ALLOW_HTTP', !isProduction),
    webhookAllowPrivateNetworks: bool(env, 'WEBHOOK_ALLOW_PRIVATE_NETWORKS', !isProduction),
    webhookEndpointsPerOwner: int(env, 'WEBHOOK_ENDPOINTS_PER_OWNER', 20, 0, 100_000),
  };
}
