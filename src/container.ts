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

export interface ServiceDeps {
  dataSource: DataSource;
  catalog: Catalog;
  cipher: SecretCipher;
  clock: Clock;
  logger: Logger;
  /** The settings services read, taken from the one validated config. */
  config: Pick<Config, 'publicUrl' | 'returnUrlAllowlist' | 'tokenRefreshAheadSeconds'>;
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
}

export function createServices(deps: ServiceDeps): Services {
  const connectionRepository = new ConnectionRepository(deps.dataSource);
  const secrets = new ConnectionSecrets(deps.cipher);
  const oauthClient = new OAuthClient(deps.providerTimeoutMs);
  const owners = new OwnerService(new OwnerRepository(deps.dataSource), deps.clock);
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
  return { owners, connectors, connections, handshakes, tokens, runtime, providerRevocation, sessions };
}
