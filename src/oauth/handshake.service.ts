/**
 * The OAuth 2.0 handshake (docs/architecture.md#oauth-handshake-refresh-revocation): begin (a
 * ticket URL), confirm (the page a browser sees at the ticket URL: whose connection, which
 * connector; its cookie and anti-forgery field), open (on the page's continue, or at once for the
 * owner's API caller: state, PKCE verifier and the browser-binding cookie, then the provider's
 * authorization URL; a ticket opens once), and the callback (state, cookie and `iss` checked before
 * anything changes; one claim per flow; the code exchanged with no database transaction open).
 * Every step lives in the database, so any instance can finish what another began.
 */
import type { Catalog } from '../connectors/catalog';
import type { Connection } from '../connections/connection.entity';
import type { ConnectionRepository } from '../connections/connection.repository';
import type { ConnectionSecrets, OAuthSecret } from '../connections/connection-secrets';
import type { LastError } from '../connections/connection.types';
import type { Clock } from '../shared/clock';
import type { SecretCipher } from '../shared/crypto/cipher';
import type { OwnerRepository } from '../owners/owner.repository';
import { BadRequestError, ForbiddenError, NotFoundError } from '../shared/errors';
import { randomToken, safeEqual, sha256Hex } from '../shared/tokens';
import { CALLBACK_PATH, readBindingCookie } from './browser-binding';
import { HANDSHAKE_TTL_MS } from './handshake.constants';
import type { CallbackOutcome, HandshakeSettings, HandshakeTicket, OpenedHandshake } from './handshake.types';
import { OAuthProviderError, type OAuthClient, type ProviderEndpoints } from './oauth-client';
import type { OAuthFlow } from './oauth-flow.entity';
import type { OAuthFlowRepository } from './oauth-flow.repository';
import { checkProof, confirmFormValue, type Confirmation, type ConfirmProof } from './confirmation';
import type { ProviderRevocation } from './provider-revocation';
import { checkReturnTo } from './return-to';
import { connectionEndpoints } from './connection-endpoints';
import type { CredentialVerifier } from '../connections/credential-verification';
import { checkIssuer, configFromTokenResponse } from './callback-checks';
import type { Logger } from '../shared/logger';

export { HANDSHAKE_TTL_MS };

export class HandshakeService {
  private readonly redirectUri: string;

  constructor(
    private readonly flows: OAuthFlowRepository,
    private readonly connections: ConnectionRepository,
    private readonly owners: OwnerRepository,
    private readonly catalog: Catalog,
    private readonly secrets: ConnectionSecrets,
    private readonly cipher: SecretCipher,
    private readonly client: OAuthClient,
    private readonly clock: Clock,
    private readonly settings: HandshakeSettings,
    private readonly revocation: ProviderRevocation,
    private readonly verifier?: CredentialVerifier,
    private readonly logger?: Logger,
  ) {
    this.redirectUri = `${settings.publicUrl}${CALLBACK_PATH}`;
  }

  /** Checks a `returnTo` given at the start of a flow (400 when not allowed). */
  checkReturnTo(returnTo: string | undefined | null): string | null {
    return returnTo
      ? checkReturnTo(returnTo, this.settings.publicUrl, this.settings.returnUrlAllowlist)
      : null;
  }

  /**
   * Starts a new handshake for the connection (ending earlier ones): its ticket, and the `oauthUrl`
   * that carries it (the doors that open it at once take the ticket, not the URL apart).
   */
  async begin(connectionId: string, returnTo: string | null = null): Promise<HandshakeTicket> {
    const ticket = randomToken();
    const now = this.clock.now();
    await this.flows.replaceFlowOfConnection({
      connectionId,
      ticketHash: sha256Hex(ticket),
      returnTo,
      createdAt: now,
      expiresAt: new Date(now.getTime() + HANDSHAKE_TTL_MS),
    });
    return {
      ticket,
      url: `${this.settings.publicUrl}/api/v1/connections/${connectionId}/oauth?ticket=${ticket}`,
    };
  }

  /** Deletes handshakes that ended more than a day ago (kept that long to answer replays clearly). */
  pruneExpired(): Promise<number> {
    return this.flows.deleteExpiredBefore(new Date(this.clock.now().getTime() - 24 * 60 * 60 * 1000));
  }

  /** Ends every handshake of a connection (on revocation). */
  async cancel(connectionId: string): Promise<void> {
    await this.flows.deleteFlowsOfConnection(connectionId);
  }

  /**
   * The confirmation page of a ticket URL, as a browser opens it. A browser that already holds
   * this page's cookie (a reload) keeps it; any other gets a fresh one, and becomes the only
   * browser that may continue. Nothing is sent to the provider.
   */
  async confirmation(connectionId: string, ticket: string, cookieValue?: string): Promise<Confirmation> {
    const { flow, connection, endpoints } = await this.unusedTicket(connectionId, ticket);
    const holds =
      cookieValue !== undefined &&
      flow.confirmHash !== null &&
      safeEqual(sha256Hex(cookieValue), flow.confirmHash);
    const value = holds ? cookieValue : randomToken();
    if (!holds && !(await this.flows.recordConfirmation(flow.id, sha256Hex(value), this.clock.now()))) {
      throw this.invalidTicket();
    }
    return {
      flowId: flow.id,
      connectionId: connection.id,
      connectorName: this.connectorName(connection),
      ownerName: (await this.owners.findNameById(connection.ownerId)) ?? 'an unknown owner',
      providerOrigin: new URL(endpoints.settings.authorizationUrl).origin,
      cookieValue: value,
      formValue: confirmFormValue(value, flow.id),
      expiresAt: flow.expiresAt,
    };
  }

  /**
   * The confirmation page's Continue: only with the page's anti-forgery field, from the browser
   * the page set its cookie in (403 otherwise, and the ticket stays as it was). Spends the ticket.
   */
  async continueConfirmed(
    connectionId: string,
    ticket: string,
    proof: ConfirmProof,
  ): Promise<OpenedHandshake> {
    const { flow, connection, endpoints } = await this.unusedTicket(connectionId, ticket);
    return this.openFlow(flow, connection, endpoints, checkProof(flow, proof, this.notThisBrowser()));
  }

  /** The confirmation page's Cancel (same proof as Continue): the ticket dies, nothing else changes. */
  async cancelConfirmed(
    connectionId: string,
    ticket: string,
    proof: ConfirmProof,
  ): Promise<{ flowId: string; connectorName: string }> {
    const { flow, connection } = await this.unusedTicket(connectionId, ticket);
    if (
      !(await this.flows.cancel(flow.id, checkProof(flow, proof, this.notThisBrowser()), this.clock.now()))
    ) {
      await this.unusedTicket(connectionId, undefined, flow.id);
      throw this.notThisBrowser();
    }
    return { flowId: flow.id, connectorName: this.connectorName(connection) };
  }

  /**
   * Opens a ticket without the confirmation page: for the owner's own API caller (a Bearer
   * request), which the route has checked owns the connection. Spends the ticket.
   */
  async open(connectionId: string, ticket: string): Promise<OpenedHandshake> {
    const { flow, connection, endpoints } = await this.unusedTicket(connectionId, ticket);
    return this.openFlow(flow, connection, endpoints);
  }

  private async openFlow(
    flow: OAuthFlow,
    connection: Connection,
    endpoints: ProviderEndpoints,
    confirmHash?: string,
  ): Promise<OpenedHandshake> {
    const state = randomToken();
    const codeVerifier = randomToken(48);
    const bindingValue = randomToken();
    const recorded = await this.flows.recordOpening(
      flow.id,
      {
        stateHash: sha256Hex(state),
        codeVerifier: this.cipher.seal(codeVerifier, {
          table: 'oauth_flows',
          rowId: flow.id,
          field: 'code_verifier',
        }),
        bindingHash: sha256Hex(bindingValue),
      },
      this.clock.now(),
      confirmHash,
    );
    // Lost to a concurrent opening (or cancel, or the 10 minutes): say what the ticket is now.
    if (!recorded) {
      await this.unusedTicket(connection.id, undefined, flow.id);
      // Still unused: another browser opened the page since this one did.
      throw confirmHash === undefined ? this.invalidTicket() : this.notThisBrowser();
    }
    const authorizationUrl = await this.client.authorizationUrl(endpoints, {
      redirectUri: this.redirectUri,
      state,
      codeVerifier,
    });
    return { flowId: flow.id, authorizationUrl, bindingValue };
  }

  private notThisBrowser(): ForbiddenError {
    return new ForbiddenError(
      'This confirmation was not opened in this browser, or the page is out of date. Open the sign-in link again in this browser and choose Continue there.',
    );
  }

  /**
   * The flow of a ticket that can still be confirmed or opened, with its connection; otherwise
   * a 400 that says why (unknown or replaced, already used, cancelled, expired).
   */
  private async unusedTicket(
    connectionId: string,
    ticket: string | undefined,
    flowId?: string,
  ): Promise<{ flow: OAuthFlow; connection: Connection; endpoints: ProviderEndpoints }> {
    const flow =
      flowId !== undefined
        ? await this.flows.findById(flowId)
        : await this.flows.findByTicketHash(sha256Hex(ticket ?? ''));
    if (!flow || flow.connectionId !== connectionId) throw this.invalidTicket();
    if (flow.cancelledAt) {
      throw new BadRequestError(
        'This sign-in was cancelled. Start again from the app if you want to connect.',
      );
    }
    if (flow.stateHash || flow.completedAt) {
      throw new BadRequestError(
        'This sign-in link was already used: each link works once. Start again from the app.',
      );
    }
    if (flow.expiresAt <= this.clock.now()) {
      throw new BadRequestError(
        'This sign-in link has expired (links last 10 minutes). Start again from the app.',
      );
    }
    const connection = await this.connections.findLiveById(connectionId);
    if (!connection) throw this.invalidTicket();
    return { flow, connection, endpoints: this.endpointsFor(connection) };
  }

  private invalidTicket(): BadRequestError {
    return new BadRequestError(
      'This sign-in link is not valid: it has expired, was already used, or a newer one replaced it. Start again from the app.',
    );
  }

  private connectorName(connection: Connection): string {
    return this.catalog.get(connection.connectorSlug)?.name ?? connection.connectorSlug;
  }

  /**
   * The provider's redirect back. Unknown, expired or replayed state, or a browser without the
   * flow's cookie: 400 and nothing changes. Otherwise the flow is claimed (once), and the
   * provider's answer decides the connection's fate.
   */
  async complete(query: URLSearchParams, cookieHeader: string | undefined): Promise<CallbackOutcome> {
    const state = query.get('state');
    if (!state)
      throw new BadRequestError('The provider sent no state: this is not a valid sign-in response.');
    const flow = await this.flows.findByStateHash(sha256Hex(state));
    const now = this.clock.now();
    if (!flow || !flow.codeVerifier || !flow.bindingHash) {
      throw new BadRequestError('This sign-in response does not belong to any sign-in in progress.');
    }
    if (flow.completedAt) throw new BadRequestError('This sign-in response was already used.');
    if (flow.expiresAt <= now)
      throw new BadRequestError('This sign-in took longer than 10 minutes. Start again from the app.');
    const binding = readBindingCookie(cookieHeader, flow.id);
    if (!binding || sha256Hex(binding) !== flow.bindingHash) {
      throw new BadRequestError(
        'This sign-in was started in another browser (or its cookie is gone). Finish it in the browser that started it.',
      );
    }
    const connection = await this.connections.findLiveById(flow.connectionId);
    if (!connection) throw new NotFoundError('The connection of this sign-in no longer exists.');
    const endpoints = this.endpointsFor(connection);
    checkIssuer(query, endpoints);
    // From here on the flow is spent, whatever the provider says: a replay finds it claimed.
    if (!(await this.flows.claim(flow.id, now)))
      throw new BadRequestError('This sign-in response was already used.');
    return this.finish(flow, connection, endpoints, query);
  }

  private async finish(
    flow: OAuthFlow,
    connection: Connection,
    endpoints: ProviderEndpoints,
    query: URLSearchParams,
  ): Promise<CallbackOutcome> {
    const connectorName = this.connectorName(connection);
    const base = { flowId: flow.id, connectorName, returnTo: flow.returnTo };
    const codeVerifier = this.cipher.open(flow.codeVerifier!, {
      table: 'oauth_flows',
      rowId: flow.id,
      field: 'code_verifier',
    });
    try {
      const tokens = await this.client.exchangeCode(endpoints, query, {
        redirectUri: this.redirectUri,
        codeVerifier,
        now: this.clock.now(),
      });
      const secret: OAuthSecret = {
        kind: 'oauth',
        accessToken: tokens.accessToken,
        tokenType: tokens.tokenType,
        ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
        // A new grant: its refreshes carry this, and a late refresh of another grant is told apart.
        grant: randomToken(16),
      };
      const config = configFromTokenResponse(
        this.catalog.get(connection.connectorSlug),
        connection.config,
        tokens.response,
      );
      const checked = await this.checkAfterExchange(connection, config, tokens.accessToken);
      const sealed = this.secrets.seal(connection.id, secret);
      const stored = await this.connections.storeTokens(
        connection.id,
        {
          sealed,
          expiresAt: tokens.expiresAt ?? null,
          scopes: tokens.scopes ?? endpoints.settings.scopes,
          account: checked?.account ?? tokens.account ?? null,
          config,
          ...(checked ? { checkedAt: this.clock.now() } : {}),
        },
        this.clock.now(),
      );
      if (!stored) throw new NotFoundError('The connection was revoked during sign-in.');
      // A re-authorisation: the grant it replaced is revoked at the provider (best effort).
      this.revocation.startReplaced(stored.connection, stored.previousSecret, secret);
      return { ...base, kind: 'connected', connection: stored.connection };
    } catch (err) {
      if (!(err instanceof OAuthProviderError)) throw err;
      const error: LastError = { code: err.code, message: err.message, at: this.clock.now().toISOString() };
      // A user's denial leaves the connection waiting; a failed exchange marks it errored.
      const status = query.has('error') ? connection.status : 'error';
      const recorded = await this.connections.recordError(connection.id, error, status, this.clock.now());
      return { ...base, kind: 'failed', error, connection: recorded ?? connection };
    }
  }

  /**
   * After the exchange, the connector's check (when it has one) names the account. Best effort: the
   * provider just issued the tokens, so a check that fails or times out does not undo the sign-in.
   */
  private async checkAfterExchange(
    connection: Connection,
    config: Record<string, string>,
    accessToken: string,
  ): Promise<{ account: string | null } | undefined> {
    const connector = this.catalog.get(connection.connectorSlug);
    if (!connector || !this.verifier?.canVerify(connector)) return undefined;
    const outcome = await this.verifier.verify(connector, config, { accessToken });
    if (outcome.kind === 'accepted') return { account: outcome.account };
    this.logger?.warn(
      {
        connectionId: connection.id,
        connector: connector.slug,
        outcome: outcome.kind,
        ...('status' in outcome && outcome.status !== undefined ? { status: outcome.status } : {}),
      },
      'the check after sign-in did not succeed; the account is not named',
    );
    return undefined;
  }

  private endpointsFor(connection: Connection): ProviderEndpoints {
    const endpoints = connectionEndpoints(this.catalog, connection);
    if (!endpoints) {
      throw new BadRequestError(
        `Connector "${connection.connectorSlug}" is not configured for OAuth on this gateway.`,
      );
    }
    return endpoints;
  }
}
