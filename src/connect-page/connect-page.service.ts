/**
 * What the hosted connect page shows and does, on top of the one service layer: the connectors a
 * browser session may use with the owner's connection to each, and the three ways to connect
 * (OAuth, credentials, none). Domain refusals (400) come back as a `problem` for the page to show
 * beside the form; anything else propagates to the error middleware.
 */
import type { Services } from '../container';
import type { CatalogEntry } from '../connectors/catalog.types';
import type { OAuthStart } from '../connections/connection.service';
import type { ConnectionRecord } from '../connections/connection.types';
import { ConnectDto } from '../connections/dto/connect.dto';
import { SubmitCredentialsDto } from '../connections/dto/submit-credentials.dto';
import type { Caller } from '../shared/caller';
import type { OpenedHandshake } from '../oauth/handshake.types';
import { setActor } from '../shared/request-context';
import {
  BadRequestError,
  ConflictError,
  ProviderUnavailableError,
  UnauthorizedError,
  type ErrorDetail,
} from '../shared/errors';
import { isUuid } from '../shared/ids';
import { validateInput } from '../shared/validation';
import { CONNECT_PATH } from './connect-cookie';

export interface ConnectItem {
  connector: CatalogEntry;
  /** The owner's live connection to this connector, if any. */
  connection: ConnectionRecord | null;
}

/** The services the connect page uses, and no others. */
export type ConnectPageServices = Pick<
  Services,
  'connections' | 'connectors' | 'handshakes' | 'owners' | 'sessions'
>;

export interface ConnectOutcomeNotice {
  ok: boolean;
  message: string;
}

/** A refused submission, shown beside the connector's form (never with the secret values). */
export interface ConnectProblem {
  slug: string;
  message: string;
  details: ErrorDetail[];
  /**
   * Submitted values of non-secret fields, to fill the form again: credential fields by key,
   * config fields as `config.<key>`.
   */
  values: Record<string, string>;
}

export interface ConnectPageView {
  /** The owner the page connects accounts for (the name given to `keys create --owner`). */
  ownerName: string;
  items: ConnectItem[];
  outcome: ConnectOutcomeNotice | null;
  problem: ConnectProblem | null;
}

export type ConnectAction =
  | { kind: 'redirect'; location: string }
  /** On to the provider: the page's own Connect button was the confirmation (see startOAuth). */
  | { kind: 'provider'; opened: OpenedHandshake }
  | { kind: 'problem'; problem: ConnectProblem };

/** What `/connect?session=` does with a browser that may already hold a session. */
export type SessionChoice =
  | { kind: 'take'; expiresAt: Date }
  /** The browser holds a live session of another owner: ask before replacing it. */
  | { kind: 'ask' };

/** The question of `/connect/switch`: the owner the browser holds, and the one of the new link. */
export interface SwitchQuestion {
  currentOwner: string;
  nextOwner: string;
}

const LINK_INVALID =
  'This connect link has expired or is not valid. Go back to the app and open the connect page again.';

export class ConnectPageService {
  constructor(private readonly services: ConnectPageServices) {}

  /** The caller of a session token, and when it ends; 401 when the token is not a live session. */
  async openSession(token: string | undefined): Promise<{ caller: Caller; expiresAt: Date }> {
    const opened = token === undefined ? undefined : await this.services.sessions.open(token);
    if (!opened) throw new UnauthorizedError(LINK_INVALID);
    // What the page does is the session's doing, in the audit trail as through the API.
    setActor({ type: 'session', id: opened.caller.sessionId ?? null });
    return opened;
  }

  async view(
    caller: Caller,
    outcomeOf?: string,
    problem: ConnectProblem | null = null,
  ): Promise<ConnectPageView> {
    const connections = await this.liveConnections(caller);
    const items = this.connectorsFor(caller).map((connector) => ({
      connector,
      connection: connections.get(connector.slug) ?? null,
    }));
    const outcome = problem
      ? { ok: false, message: problem.message }
      : await this.outcomeNotice(caller, outcomeOf);
    return { ownerName: await this.services.owners.nameOf(caller.ownerId), items, outcome, problem };
  }

  /**
   * A browser opened a connect link (`given`) while holding `current`: take the new session at
   * once when the browser holds none (or an ended one) or one of the same owner; otherwise ask.
   */
  async choose(given: string, current: string | undefined): Promise<SessionChoice> {
    const opened = await this.openSession(given);
    if (current !== undefined && current !== given) {
      const held = await this.services.sessions.open(current);
      if (held && held.caller.ownerId !== opened.caller.ownerId) return { kind: 'ask' };
    }
    return { kind: 'take', expiresAt: opened.expiresAt };
  }

  /**
   * The switch question for a browser holding `current` and asked about `next`; null when there
   * is nothing to ask any more (either session ended, or both are the same owner's).
   */
  async switchQuestion(current: string | undefined, next: string): Promise<SwitchQuestion | null> {
    const [held, offered] = await Promise.all([
      current === undefined ? undefined : this.services.sessions.open(current),
      this.services.sessions.open(next),
    ]);
    if (!held || !offered || held.caller.ownerId === offered.caller.ownerId) return null;
    const [currentOwner, nextOwner] = await Promise.all([
      this.services.owners.nameOf(held.caller.ownerId),
      this.services.owners.nameOf(offered.caller.ownerId),
    ]);
    return { currentOwner, nextOwner };
  }

  /**
   * Creates or reuses the OAuth connection and opens its handshake at once: the page's own
   * Connect button, posted with the page's CSRF token under a heading that names the owner, is
   * the confirmation the bare `oauthUrl` asks for, so the browser goes straight to the provider.
   */
  async startOAuth(caller: Caller, form: Record<string, unknown>): Promise<ConnectAction> {
    let started: OAuthStart | undefined;
    const config = formConfig(form);
    const outcome = await this.attempt(form, configValues(config), async (slug) => {
      started = await this.services.connections.startOAuth(caller, {
        connectorSlug: slug,
        returnTo: CONNECT_PATH,
        ...(config !== undefined ? { config } : {}),
      });
      return started.handshake.url;
    });
    if (outcome.kind !== 'redirect' || !started) return outcome;
    const { connection, handshake } = started;
    return { kind: 'provider', opened: await this.services.handshakes.open(connection.id, handshake.ticket) };
  }

  /** Connects a connector that needs no credentials. */
  connectNone(caller: Caller, form: Record<string, unknown>): Promise<ConnectAction> {
    return this.attempt(form, {}, async (slug) => {
      this.requireAuthType(slug, 'none');
      const outcome = await this.services.connections.connect(caller, { connectorSlug: slug });
      return this.outcomeUrl(outcome.connection.id);
    });
  }

  /** Stores credentials from the form (`credentials.<key>` fields), validated exactly as the API does. */
  submitCredentials(caller: Caller, form: Record<string, unknown>): Promise<ConnectAction> {
    const credentials: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(form)) {
      if (name.startsWith('credentials.')) credentials[name.slice('credentials.'.length)] = value;
    }
    const connector =
      typeof form.connectorSlug === 'string' ? this.services.connectors.find(form.connectorSlug) : undefined;
    const publicKeys = (connector?.credentialFields ?? []).filter((f) => !f.secret).map((f) => f.key);
    const config = formConfig(form);
    const values = {
      ...Object.fromEntries(
        publicKeys
          .filter((key) => typeof credentials[key] === 'string')
          .map((key) => [key, credentials[key] as string]),
      ),
      ...configValues(config),
    };
    return this.attempt(form, values, async (slug) => {
      const input = await validateInput(SubmitCredentialsDto, { credentials });
      const connected = await this.services.connections.connectWithCredentials(caller, slug, input, config);
      return this.outcomeUrl(connected.id);
    });
  }

  /** Runs one form action; a 400 becomes a problem to show, anything else propagates. */
  private async attempt(
    form: Record<string, unknown>,
    values: Record<string, string>,
    run: (slug: string) => Promise<string>,
  ): Promise<ConnectAction> {
    const slug = typeof form.connectorSlug === 'string' ? form.connectorSlug : '';
    try {
      const { connectorSlug } = await validateInput(ConnectDto, { connectorSlug: form.connectorSlug });
      return { kind: 'redirect', location: await run(connectorSlug) };
    } catch (err) {
      // Refusals the user can act on are shown beside the form: bad input, a config that differs
      // from the connected one, a provider that could not check the credentials just now.
      if (
        !(err instanceof BadRequestError) &&
        !(err instanceof ConflictError) &&
        !(err instanceof ProviderUnavailableError)
      )
        throw err;
      return { kind: 'problem', problem: { slug, message: err.message, details: err.details ?? [], values } };
    }
  }

  private requireAuthType(slug: string, authType: CatalogEntry['authType']): void {
    const connector = this.services.connectors.find(slug);
    if (connector && connector.authType !== authType) {
      throw new BadRequestError(`${connector.name} does not connect this way (it is ${connector.authType}).`);
    }
  }

  private outcomeUrl(connectionId: string): string {
    return `${CONNECT_PATH}?connectionId=${connectionId}`;
  }

  /**
   * Which connectors the page lists: a restricted session's, in its order (unavailable ones too,
   * with the reason); an unrestricted one's, every connector that can be connected here.
   */
  private connectorsFor(caller: Caller): CatalogEntry[] {
    if (caller.allowedConnectors) {
      return caller.allowedConnectors
        .map((slug) => this.services.connectors.find(slug, caller))
        .filter((entry): entry is CatalogEntry => entry !== undefined);
    }
    return this.services.connectors
      .list({ availability: 'available' }, caller)
      .filter((entry) => entry.configured);
  }

  private async liveConnections(caller: Caller): Promise<Map<string, ConnectionRecord>> {
    const bySlug = new Map<string, ConnectionRecord>();
    let cursor: string | undefined;
    do {
      const page = await this.services.connections.list(caller, { limit: 100, cursor });
      for (const connection of page.connections) bySlug.set(connection.connectorSlug, connection);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return bySlug;
  }

  /**
   * The notice after a flow came back (`?connectionId=`, set by the page itself or by the OAuth
   * callback's redirect). It is read from the connection, never from the URL's `status`.
   */
  private async outcomeNotice(
    caller: Caller,
    connectionId: string | undefined,
  ): Promise<ConnectOutcomeNotice | null> {
    if (!isUuid(connectionId)) return null;
    const connection = await this.services.connections.find(caller, connectionId);
    if (!connection) return null;
    const name = this.services.connectors.forConnection(connection.connectorSlug, connection.authType).name;
    if (connection.status === 'connected') {
      return {
        ok: true,
        message: connection.account
          ? `${name} is connected as ${connection.account}.`
          : `${name} is connected.`,
      };
    }
    if (connection.lastError)
      return { ok: false, message: `${name} was not connected: ${connection.lastError.message}` };
    return { ok: false, message: `${name} is not connected yet.` };
  }
}

/** The form's `config.<key>` fields, or undefined when it has none. */
function formConfig(form: Record<string, unknown>): Record<string, unknown> | undefined {
  const entries = Object.entries(form).filter(([name]) => name.startsWith('config.'));
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([name, value]) => [name.slice('config.'.length), value]));
}

/** Config values to write back into the form after a refusal (they are never secret). */
function configValues(config: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config ?? {})
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
      .map(([key, value]) => [`config.${key}`, value]),
  );
}
