/**
 * Live credentials for the agent runtime (`/internal/v1`): the only reader of secrets. Each read is
 * logged (which connection, which kind) and joins the connection's audit trail, without the secret.
 */
import type { ConnectionRepository } from '../connections/connection.repository';
import type { ApiKeySecret, ConnectionSecrets } from '../connections/connection-secrets';
import type { AuthType } from '../connectors/connector.types';
import { BadRequestError, ConflictError, NotFoundError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import type { Logger } from '../shared/logger';
import type { LiveAccessToken, TokenService } from '../oauth/token.service';
import type { ConnectionJournal } from '../audit/connection-journal';
import type { Clock } from '../shared/clock';

export interface RuntimeCredentials {
  connectionId: string;
  connectorSlug: string;
  authType: AuthType;
  credentials: Record<string, string> | LiveAccessToken;
}

export class RuntimeService {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly secrets: ConnectionSecrets,
    private readonly tokens: TokenService,
    private readonly journal: ConnectionJournal,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async credentialsFor(id: string, requestId?: string): Promise<RuntimeCredentials> {
    if (!isUuid(id)) throw new BadRequestError('The connection id must be a UUID.');
    const connection = await this.connections.findLiveById(id.toLowerCase());
    if (!connection) throw new NotFoundError('No such connection.');
    let credentials: RuntimeCredentials['credentials'];
    if (connection.authType === 'oauth') {
      credentials = await this.tokens.liveAccessToken(connection);
    } else if (connection.status !== 'connected') {
      throw new ConflictError(`The connection is ${connection.status}: submit its credentials first.`);
    } else if (connection.authType === 'api_key' && connection.secret) {
      credentials = { ...(this.secrets.open(connection.id, connection.secret) as ApiKeySecret).credentials };
    } else {
      credentials = {};
    }
    await this.journal.recordRead(connection, this.clock.now());
    this.logger.info(
      {
        event: 'runtime.credentials.read',
        connectionId: connection.id,
        connectorSlug: connection.connectorSlug,
        requestId,
      },
      'runtime read credentials',
    );
    return {
      connectionId: connection.id,
      connectorSlug: connection.connectorSlug,
      authType: connection.authType,
      credentials,
    };
  }
}
