/**
 * Wires repositories and services once per process. main, the admin CLI and the tests build
 * the same graph, so what the tests exercise is what runs.
 */
import type { DataSource } from 'typeorm';
import type { Catalog } from './connectors/catalog';
import { ConnectorService } from './connectors/connector.service';
import { ConnectionRepository } from './connections/connection.repository';
import { ConnectionSecrets } from './connections/connection-secrets';
import { ConnectionService } from './connections/connection.service';
import { HandshakeService } from './oauth/handshake.service';
import { OAuthFlowRepository } from './oauth/oauth-flow.repository';
import { OwnerRepository } from './owners/owner.repository';
import { OwnerService } from './owners/owner.service';
import type { Clock } from './shared/clock';
import type { SecretCipher } from './shared/crypto/cipher';

export interface ServiceDeps {
  dataSource: DataSource;
  catalog: Catalog;
  cipher: SecretCipher;
  clock: Clock;
  publicUrl: string;
}

export interface Services {
  owners: OwnerService;
  connectors: ConnectorService;
  connections: ConnectionService;
  handshakes: HandshakeService;
}

export function createServices(deps: ServiceDeps): Services {
  const owners = new OwnerService(new OwnerRepository(deps.dataSource), deps.clock);
  const connectors = new ConnectorService(deps.catalog);
  const handshakes = new HandshakeService(
    new OAuthFlowRepository(deps.dataSource),
    deps.clock,
    deps.publicUrl,
  );
  const connections = new ConnectionService(
    new ConnectionRepository(deps.dataSource),
    connectors,
    new ConnectionSecrets(deps.cipher),
    handshakes,
    deps.clock,
    deps.publicUrl,
  );
  return { owners, connectors, connections, handshakes };
}
