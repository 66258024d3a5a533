/**
 * Connections: the one place of their rules, called alike by REST routes and GraphQL resolvers.
 * Every method takes the caller and only ever touches the caller's rows; a browser session
 * restricted to some connectors sees the connections of the others as if they did not exist.
 */
import { mayUseConnector, type Caller } from '../shared/caller';
import type { ConnectorService } from '../connectors/connector.service';
import { clientVariables } from '../connectors/client-variables';
import { SLUG_PATTERN } from '../connectors/connector.validation';
import type { CatalogEntry } from '../connectors/catalog.types';
import type { HandshakeService } from '../oauth/handshake.service';
import type { HandshakeTicket } from '../oauth/handshake.types';
import type { ProviderRevocation } from '../oauth/provider-revocation';
import type { Clock } from '../shared/clock';
import { resealEach, type ResealOutcome } from '../shared/crypto/reseal';
import { BadRequestError, ConflictError, NotFoundError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import { pageLimit, takePage, type PageSize } from '../shared/pagination';
import type { Connection } from './connection.entity';
import type { ConnectionRepository } from './connection.repository';
import type { ConnectionSecrets } from './connection-secrets';
import { CONNECTION_STATUSES, type ConnectionRecord, type ConnectionStatus } from './connection.types';
import { checkCredentials } from './credential-check';
import { askedConfigFields, checkConfig, checkConfigUrls } from './config-check';
import { acceptedOrThrow, type CredentialVerifier } from './credential-verification';
import { decodeCursor, encodeCursor } from './cursor';
import type { ConnectDto } from './dto/connect.dto';
import type { SubmitCredentialsDto } from './dto/submit-credentials.dto';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;
const PAGE_SIZE: PageSize = { default: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE };

export interface ListConnectionsInput {
  limit?: number;
  cursor?: string;
  connectorSlug?: string;
  status?: string;
}

export interface ConnectionPage {
  connections: ConnectionRecord[];
  nextCursor: string | null;
}

/** What `connect` did and what the client should do next. */
export interface ConnectOutcome {
  connection: Connection;
  created: boolean;
  oauthUrl: string | null;
  credentialSubmitUrl: string | null;
}

export interface ReauthorizeOutcome {
  connection: Connection;
  oauthUrl: string;
  /** The handshake's ticket (what `oauthUrl` carries), for a door that opens it at once. */
  ticket: string;
}

/** An OAuth connection with a fresh handshake, ready to open (startOAuth). */
export interface OAuthStart {
  connection: Connection;
  created: boolean;
  handshake: HandshakeTicket;
}

export interface RevokeOutcome {
  deleted: true;
  connection: Connection;
}

export class ConnectionService {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly connectors: ConnectorService,
    private readonly secrets: ConnectionSecrets,
    private readonly handshakes: HandshakeService,
    private readonly providerRevocation: ProviderRevocation,
    private readonly clock: Clock,
    private readonly publicUrl: string,
    private readonly verifier: CredentialVerifier,
    /** PROXY_ALLOW_PRIVATE_NETWORKS: whether config values may point a connector at private hosts. */
    private readonly allowPrivateNetworks: boolean,
  ) {}

  async list(caller: Caller, input: ListConnectionsInput): Promise<ConnectionPage> {
    const limit = pageLimit(input.limit, PAGE_SIZE);
    if (input.status !== undefined && !(CONNECTION_STATUSES as readonly string[]).includes(input.status)) {
      throw new BadRequestError(`status must be one of ${CONNECTION_STATUSES.join(', ')}.`, [
        { field: 'status', message: `must be one of ${CONNECTION_STATUSES.join(', ')}` },
      ]);
    }
    // Checked, not just passed on: a value no slug can have (a NUL byte) would otherwise fail in SQL.
    if (input.connectorSlug !== undefined && !SLUG_PATTERN.test(input.connectorSlug)) {
      throw new BadRequestError('connectorSlug must be a connector slug.', [
        { field: 'connectorSlug', message: 'must be a connector slug (lowercase letters, digits and -)' },
      ]);
    }
    const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
    if (input.connectorSlug !== undefined && !mayUseConnector(caller, input.connectorSlug)) {
      return { connections: [], nextCursor: null };
    }
    const rows = await this.connections.listLiveOfOwner(caller.ownerId, {
      limit: limit + 1,
      after,
      connectorSlug: input.connectorSlug,
      connectorSlugs: caller.allowedConnectors ?? undefined,
      status: input.status as ConnectionStatus | undefined,
    });
    const page = takePage(rows, limit, encodeCursor);
    return { connections: page.items, nextCursor: page.nextCursor };
  }

  async get(caller: Caller, id: string): Promise<Connection> {
    const connection = await this.find(caller, id);
    if (!connection) throw this.notFound();
    return connection;
  }

  /** Like get, but null instead of NOT_FOUND (GraphQL's nullable `connection(id)`); ids are still checked. */
  async find(caller: Caller, id: string): Promise<Connection | null> {
    const connection = await this.connections.findLiveOfOwner(caller.ownerId, this.checkId(id));
    return connection && mayUseConnector(caller, connection.connectorSlug) ? connection : null;
  }

  async connect(caller: Caller, input: ConnectDto): Promise<ConnectOutcome> {
    const { handshake, ...outcome } = await this.connectOrReuse(caller, input);
    return { ...outcome, oauthUrl: handshake?.url ?? null };
  }

  /**
   * "Connect with OAuth", for the doors that send a browser on at once (`/oauth/start`, the connect
   * page): the connector must take OAuth; the caller's connection is created or reused, and gets a
   * fresh handshake even when already connected (starting means connecting again).
   */
  async startOAuth(caller: Caller, input: ConnectDto): Promise<OAuthStart> {
    const connector = this.connectors.find(input.connectorSlug);
    if (connector && connector.authType !== 'oauth') {
      throw new BadRequestError(
        `OAuth not supported: connector "${connector.slug}" is ${connector.authType}.`,
      );
    }
    const { connection, created, handshake } = await this.connectOrReuse(caller, input);
    if (handshake) return { connection, created, handshake };
    const again = await this.reauthorize(caller, connection.id, input.returnTo);
    return { connection, created, handshake: { ticket: again.ticket, url: again.oauthUrl } };
  }

  /** "Connect with credentials" in one step (the connect page's form): create or reuse, then submit. */
  async connectWithCredentials(
    caller: Caller,
    connectorSlug: string,
    input: SubmitCredentialsDto,
    config?: Record<string, unknown>,
  ): Promise<Connection> {
    const connector = this.connectors.find(connectorSlug);
    if (connector && connector.authType !== 'api_key') {
      throw new BadRequestError(
        `Credentials not supported: connector "${connector.slug}" is ${connector.authType}.`,
      );
    }
    const { connection } = await this.connectOrReuse(caller, {
      connectorSlug,
      ...(config !== undefined ? { config } : {}),
    });
    return this.submitCredentials(caller, connection.id, input);
  }

  private async connectOrReuse(
    caller: Caller,
    input: ConnectDto,
  ): Promise<Omit<ConnectOutcome, 'oauthUrl'> & { handshake: HandshakeTicket | null }> {
    if (!mayUseConnector(caller, input.connectorSlug)) {
      throw new BadRequestError(`Connector "${input.connectorSlug}" is not allowed for this session.`, [
        { field: 'connectorSlug', message: 'is not allowed for this session' },
      ]);
    }
    const connector = this.connectors.find(input.connectorSlug);
    if (!connector) {
      throw new BadRequestError(`Unknown connector "${input.connectorSlug}".`, [
        { field: 'connectorSlug', message: 'is not in the catalog' },
      ]);
    }
    this.requireUsable(connector);
    const returnTo = this.handshakes.checkReturnTo(input.returnTo);
    const now = this.clock.now();
    const connectsAtOnce = connector.authType === 'none';
    const config = await this.configForConnect(caller, connector, input.config);
    // No config given, and the caller already has a connection: it is reused as it is.
    if ('existing' in config) return this.outcome(config.existing, false, returnTo);
    const inserted = await this.connections.insertLiveOrGetExisting({
      ownerId: caller.ownerId,
      connectorSlug: connector.slug,
      authType: connector.authType,
      label: input.label ?? null,
      config: config.values,
      status: connectsAtOnce ? 'connected' : 'pending',
      connectedAt: connectsAtOnce ? now : null,
      createdAt: now,
    });
    let { connection } = inserted;
    const { created } = inserted;
    if (!created && input.config !== undefined && !sameConfig(connector, connection.config, config.values)) {
      connection = await this.replaceConfig(caller, connection, config.values);
    }
    return this.outcome(connection, created, returnTo);
  }

  /**
   * The config a connect stores: the given one, checked; none given, the check of `{}` (a
   * connector without required fields), or the caller's existing connection to reuse as it is
   * (a repeat POST need not repeat the config).
   */
  private async configForConnect(
    caller: Caller,
    connector: CatalogEntry,
    given: Record<string, unknown> | undefined,
  ): Promise<{ values: Record<string, string> } | { existing: Connection }> {
    if (given === undefined && askedConfigFields(connector).some((field) => field.required)) {
      const existing = await this.connections.findLiveOfOwnerBySlug(caller.ownerId, connector.slug);
      if (existing) return { existing };
    }
    const values = checkConfig(connector, given ?? {});
    checkConfigUrls(connector, values, this.allowPrivateNetworks);
    return { values };
  }

  /**
   * A repeat connect with another config: a connection not connected yet takes it; a connected
   * one keeps its own (its credentials were given for it): 409.
   */
  private async replaceConfig(
    caller: Caller,
    connection: Connection,
    config: Record<string, string>,
  ): Promise<Connection> {
    const conflict = () =>
      new ConflictError(
        `Connection ${connection.id} is connected with another config; revoke it first to connect with this one.`,
      );
    if (connection.status === 'connected') throw conflict();
    const replaced = await this.connections.replaceConfig(
      caller.ownerId,
      connection.id,
      config,
      this.clock.now(),
    );
    if (!replaced) throw conflict();
    return replaced;
  }

  private async outcome(
    connection: Connection,
    created: boolean,
    returnTo: string | null,
  ): Promise<Omit<ConnectOutcome, 'oauthUrl'> & { handshake: HandshakeTicket | null }> {
    return {
      connection,
      created,
      handshake:
        connection.authType === 'oauth' && connection.status !== 'connected'
          ? await this.handshakes.begin(connection.id, returnTo)
          : null,
      credentialSubmitUrl: connection.authType === 'api_key' ? this.credentialSubmitUrl(connection.id) : null,
    };
  }

  async submitCredentials(caller: Caller, id: string, input: SubmitCredentialsDto): Promise<Connection> {
    const connection = await this.get(caller, id);
    if (connection.authType !== 'api_key') {
      throw new BadRequestError(
        `Connection ${connection.id} is a${connection.authType === 'oauth' ? 'n oauth' : ' none'} connection: credentials can only be submitted to api_key connections.`,
      );
    }
    const connector = this.connectors.forConnection(connection.connectorSlug, connection.authType);
    const credentials = checkCredentials(connector.credentialFields ?? [], input.credentials);
    // Checked at the provider first, when the connector says how: nothing is stored unless it says yes.
    const checked = this.verifier.canVerify(connector)
      ? acceptedOrThrow(
          await this.verifier.verify(connector, connection.config, { credentials }),
          connector.name,
        )
      : undefined;
    const sealed = this.secrets.seal(connection.id, { kind: 'api_key', credentials });
    const updated = await this.connections.storeSecretAndConnect(
      caller.ownerId,
      connection.id,
      sealed,
      this.clock.now(),
      checked,
    );
    if (!updated) throw this.notFound(); // revoked meanwhile
    return updated;
  }

  async revoke(caller: Caller, id: string): Promise<RevokeOutcome> {
    // A restricted session may only revoke what it can see.
    if (caller.allowedConnectors) await this.get(caller, id);
    const revoked = await this.connections.revokeLive(caller.ownerId, this.checkId(id), this.clock.now());
    if (!revoked) throw this.notFound();
    const { connection, previousSecret } = revoked;
    if (connection.authType === 'oauth') {
      await this.handshakes.cancel(connection.id);
      this.providerRevocation.start(connection, previousSecret);
    }
    return { deleted: true, connection };
  }

  /**
   * Begins a fresh OAuth handshake for a live OAuth connection in any status (re-authorisation
   * keeps the connection's id); earlier tickets die.
   */
  async reauthorize(caller: Caller, id: string, returnTo?: string | null): Promise<ReauthorizeOutcome> {
    const connection = await this.get(caller, id);
    if (connection.authType !== 'oauth') {
      throw new BadRequestError(
        `OAuth not supported: connection ${connection.id} is a ${connection.authType} connection.`,
      );
    }
    this.requireUsable(this.connectors.forConnection(connection.connectorSlug, connection.authType));
    const { ticket, url } = await this.handshakes.begin(
      connection.id,
      this.handshakes.checkReturnTo(returnTo),
    );
    return { connection, oauthUrl: url, ticket };
  }

  /**
   * Re-seals every stored secret under the current key (`admin secrets reseal`). A secret that
   * no configured key opens is left as it is and reported, so one bad row does not stop the rest.
   */
  resealSecrets(): Promise<ResealOutcome> {
    return resealEach(
      (rewrite) => this.connections.rewriteSecrets(rewrite),
      (id, sealed) => this.secrets.reseal(id, sealed),
    );
  }

  /** The catalog rules every new handshake or connection must pass: available, and configured. */
  private requireUsable(connector: CatalogEntry): void {
    if (connector.availability !== 'available') {
      throw new BadRequestError(
        `Connector "${connector.slug}" is not available (${connector.availability})` +
          (connector.availabilityReason ? `: ${connector.availabilityReason}` : '.'),
        [{ field: 'connectorSlug', message: `is ${connector.availability}` }],
      );
    }
    if (!connector.configured) {
      const env = clientVariables(connector.slug);
      throw new BadRequestError(
        `Connector "${connector.slug}" is not configured on this gateway: the operator must set ${env.clientId} and ${env.clientSecret}.`,
        [{ field: 'connectorSlug', message: 'is not configured' }],
      );
    }
  }

  credentialSubmitUrl(id: string): string {
    return `${this.publicUrl}/api/v1/connections/${id}/credentials`;
  }

  checkId(id: string): string {
    if (!isUuid(id)) {
      throw new BadRequestError('The connection id must be a UUID.', [
        { field: 'id', message: 'must be a UUID' },
      ]);
    }
    return id.toLowerCase();
  }

  private notFound(): NotFoundError {
    return new NotFoundError('No such connection.');
  }
}

/** Whether a repeat connect's config is the one the connection has (the fields a user gives). */
function sameConfig(
  connector: CatalogEntry,
  stored: Record<string, string>,
  given: Record<string, string>,
): boolean {
  return askedConfigFields(connector).every(
    (field) => (stored[field.key] ?? '') === (given[field.key] ?? ''),
  );
}
