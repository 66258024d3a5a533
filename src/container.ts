/**
 * Wires repositories and services once per process. main, the admin CLI and the tests build
 * the same graph, so what the tests exercise is what runs.
 */
import type { DataSource } from './db/data-source';
import type { Catalog } from './connectors/catalog';
import { ConnectorService } from './connectors/connector.service';
import { ConnectionRepository } from './connections/connection.repository';
import { ConnectionSecrets } from './connections/connection-secrets';
import { ConnectionService } from './connections/connection.service';
import { HandshakeService } from './oauth/handshake.service';
import { OAuthClient } from './oauth/oauth-client';
import { OAuthFlowRepository } from './oauth/oauth-flow.repository';
import { ProviderRevocation } from './oauth/provider-revocation';
import { TokenService } from './oauth/token.service';
import { OwnerRepository } from './owners/owner.repository';
import { OwnerService } from './owners/owner.service';
import { RuntimeService } from './runtime/runtime.service';
import { SessionRepository } from './sessions/session.repository';
import { SessionService } from './sessions/session.service';
import type { Clock } from './shared/clock';
import type { SecretCipher } from './shared/crypto/cipher';
import type { Logger } from './shared/logger';
import type { Config } from './config';
import { HotQueries } from './db/hot-queries';
import { InvalidationFeed } from './shared/cache/invalidation-feed';
import { InvalidationRepository } from './shared/cache/invalidation.repository';
import { RevocableCache } from './shared/cache/revocable-cache';
import { API_KEYS_TOPIC } from './owners/owner.repository';
import type { Caller } from './owners/owner.service';

/** At most this many verified keys are held in memory (the oldest go first). */
const KEY_CACHE_ENTRIES = 10_000;

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
  >;
  /**
   * Named prepared statements for the hot reads: true on PostgreSQL, false on the embedded
   * engine (one shared backend; see db/hot-queries.ts).
   */
  preparedStatements: boolean;
  /** Token endpoint timeout; tests shorten it to prove the timeout path. */
  providerTimeoutMs?: number;
}

export interface Services {
  owners: OwnerService;
  connectors: ConnectorService;
  connections: ConnectionService;
  handshakes: HandshakeService;
  tokens: TokenService;
  runtime: RuntimeService;
  providerRevocation: ProviderRevocation;
  sessions: SessionService;
  /** Polls for revocations from every instance; start it with the server, stop it on shutdown. */
  invalidations: InvalidationFeed;
}

export function createServices(deps: ServiceDeps): Services {
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
  const connectionRepository = new ConnectionRepository(deps.dataSource, hot);
  const secrets = new ConnectionSecrets(deps.cipher);
  const oauthClient = new OAuthClient(deps.providerTimeoutMs);
  const owners = new OwnerService(
    new OwnerRepository(deps.dataSource, hot, invalidationRepository),
    deps.clock,
    keyCache,
  );
  const connectors = new ConnectorService(deps.catalog);
  const handshakes = new HandshakeService(
    new OAuthFlowRepository(deps.dataSource),
    connectionRepository,
    deps.catalog,
    secrets,
    deps.cipher,
    oauthClient,
    deps.clock,
    { publicUrl: deps.config.publicUrl, returnUrlAllowlist: deps.config.returnUrlAllowlist },
  );
  const providerRevocation = new ProviderRevocation(deps.catalog, secrets, oauthClient, deps.logger);
  const tokens = new TokenService(
    connectionRepository,
    deps.catalog,
    secrets,
    oauthClient,
    deps.clock,
    deps.config.tokenRefreshAheadSeconds,
    deps.logger,
  );
  const connections = new ConnectionService(
    connectionRepository,
    connectors,
    secrets,
    handshakes,
    providerRevocation,
    deps.clock,
    deps.config.publicUrl,
  );
  const runtime = new RuntimeService(connectionRepository, secrets, tokens, deps.logger);
  const sessions = new SessionService(new SessionRepository(deps.dataSource), connectors, deps.clock);
  return {
    owners,
    connectors,
    connections,
    handshakes,
    tokens,
    runtime,
    providerRevocation,
    sessions,
    invalidations,
  };
}
