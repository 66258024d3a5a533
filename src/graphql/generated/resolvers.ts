import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { ConnectionRecord, LastError } from '../../connections/connection.types';
import type { CatalogEntry } from '../../connectors/catalog.types';
import type { CredentialField as CredentialFieldDefinition, ConfigField as ConfigFieldDefinition, ConnectorTool as ConnectorToolDefinition } from '../../connectors/connector.types';
import type { ConnectOutcome, RevokeOutcome, ReauthorizeOutcome, ConnectionPage } from '../../connections/connection.service';
import type { AuditEvent } from '../../audit/audit-event.entity';
import type { AuditEventPage } from '../../audit/audit.service';
import type { BrowserSession as BrowserSessionEntity } from '../../sessions/browser-session.entity';
import type { CreatedSession, RevokedSession } from '../../sessions/session.service';
import type { WebhookEndpoint as WebhookEndpointEntity } from '../../webhooks/webhook-endpoint.entity';
import type { CreatedWebhook } from '../../webhooks/webhook.service';
import type { GraphQLContext } from '../context';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO-8601 timestamp with a time zone, e.g. `2026-11-28T17:43:42.123Z`. */
  DateTime: { input: Date; output: Date; }
  /** A JSON object with string keys, e.g. the credential values of `submitCredentials`. */
  JSONObject: { input: Record<string, unknown>; output: Record<string, unknown>; }
};

/** Who caused an audit event. */
export type AuditActor = {
  __typename?: 'AuditActor';
  /** The API key's or browser session's id; null for the runtime, a browser and the gateway. */
  id: Maybe<Scalars['String']['output']>;
  /** The kind of actor. */
  type: AuditActorType;
};

/** Who caused an audit event. */
export type AuditActorType =
  /** The owner's API key (`actor.id` is the key's id). */
  | 'api_key'
  /** A browser at an OAuth door (the provider's redirect back to the gateway). */
  | 'browser'
  /** The gateway itself (scheduled token refresh). */
  | 'gateway'
  /** The agent runtime, with RUNTIME_TOKEN. */
  | 'runtime'
  /** A browser session created by the owner (`actor.id` is the session's id). */
  | 'session';

/** How a connector authenticates its connections. */
export type AuthType =
  /** Credentials (API keys, tokens) the user submits through `submitCredentials`. */
  | 'api_key'
  /** No credentials: a connection is connected as soon as it is created. */
  | 'none'
  /** OAuth 2.0 authorization code flow with PKCE, completed in the user's browser. */
  | 'oauth';

/**
 * A short-lived browser session: a token a frontend holds instead of its owner's API key. It
 * works on the connection and catalog operations (restricted to `allowedConnectors` when set), and
 * never on session management itself.
 */
export type BrowserSession = {
  __typename?: 'BrowserSession';
  /** The connector slugs the session may use; null when it may use every connector. */
  allowedConnectors: Maybe<Array<Scalars['String']['output']>>;
  /** When the session was created. */
  createdAt: Scalars['DateTime']['output'];
  /** When the session token stops working. */
  expiresAt: Scalars['DateTime']['output'];
  /** The session's id (a UUID); revoke it with `revokeSession`. */
  id: Scalars['ID']['output'];
};

/**
 * One per-connection input of a connector that is not secret (a tenant, a host, a region), given in
 * `connect(input: {config: {<key>: …}})`.
 */
export type ConfigField = {
  __typename?: 'ConfigField';
  /** What the value is, or where to find it. */
  description: Maybe<Scalars['String']['output']>;
  /** The only values allowed, when the field is a choice. */
  enum: Maybe<Array<Scalars['String']['output']>>;
  /** An example value, for a form's placeholder. */
  example: Maybe<Scalars['String']['output']>;
  /**
   * When set, the value is not given on connect: it is filled after sign-in from this member of the
   * provider's OAuth token response (Salesforce's `instance_url`).
   */
  fromTokenResponse: Maybe<Scalars['String']['output']>;
  /** The key to use in `config`. */
  key: Scalars['String']['output'];
  /** A human label for the form. */
  label: Scalars['String']['output'];
  /** A regular expression the whole value must match (RE2 syntax, run in linear time). */
  pattern: Maybe<Scalars['String']['output']>;
  /** Whether the value must be given on connect. */
  required: Scalars['Boolean']['output'];
};

/** Input of `connect`. */
export type ConnectInput = {
  /**
   * The connector's per-connection config (`Connector.connectionConfig`): string values; required
   * keys present, no unknown keys, each matching its `pattern` or `enum` (errors name `config.<key>`).
   * Repeating `connect` for a connection that is not connected yet replaces its config; for a
   * connected one, a different config is a `CONFLICT`. Omitted on a repeat, the connection keeps its own.
   */
  config?: InputMaybe<Scalars['JSONObject']['input']>;
  /** The connector to connect; it must be available (and, for OAuth, configured). */
  connectorSlug: Scalars['String']['input'];
  /** An optional display label, up to 200 characters. */
  label?: InputMaybe<Scalars['String']['input']>;
  /**
   * OAuth only: where to send the browser after the provider's callback, instead of the gateway's
   * own page. It must be on the gateway's origin or an origin in RETURN_URL_ALLOWLIST.
   */
  returnTo?: InputMaybe<Scalars['String']['input']>;
};

/** The outcome of `connect`. */
export type ConnectPayload = {
  __typename?: 'ConnectPayload';
  /** The new or existing connection. */
  connection: Connection;
  /** True when this call created the connection; false when an existing live one was returned. */
  created: Scalars['Boolean']['output'];
  /** For API-key connections: the REST URL that accepts the credentials (or use `submitCredentials`). */
  credentialSubmitUrl: Maybe<Scalars['String']['output']>;
  /**
   * For OAuth connections not yet connected: the URL to open in the user's browser (valid 10
   * minutes, once). It answers a page naming the connector and the owner, and goes on to the
   * provider only when the user clicks Continue there.
   */
  oauthUrl: Maybe<Scalars['String']['output']>;
};

/** A per-user instance of a connector. Secrets are never readable here: credentials are write-only. */
export type Connection = {
  __typename?: 'Connection';
  /**
   * Who the credentials belong to at the provider (an email, a login or a workspace): from the
   * OAuth token response, or from the connector's verification call; null when the provider did not say.
   */
  account: Maybe<Scalars['String']['output']>;
  /** Its connector's authentication kind (fixed when the connection was created). */
  authType: AuthType;
  /**
   * The connector's per-connection config values (`connectionConfig`: a tenant, a host, a region),
   * as given on connect or filled from the provider's token response; `{}` when it has none. Never secret.
   */
  config: Scalars['JSONObject']['output'];
  /** When it first became connected; null until then. */
  connectedAt: Maybe<Scalars['DateTime']['output']>;
  /** Its connector's catalog entry. */
  connector: Connector;
  /** The slug of its connector. */
  connectorSlug: Scalars['String']['output'];
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /**
   * The connection's audit trail, newest first: every change and every runtime credential read.
   * For a page of connections, the trails are read together (one database statement per page);
   * the price multiplies: `connections(first: 100)` with `events(first: 100)` is over the cost limit.
   */
  events: ConnectionEventList;
  /** OAuth: when the stored access token expires (it is refreshed before then); null otherwise or when the provider did not say. */
  expiresAt: Maybe<Scalars['DateTime']['output']>;
  /** The connection's id (a UUID). */
  id: Scalars['ID']['output'];
  /** The display label given at creation, if any. */
  label: Maybe<Scalars['String']['output']>;
  /** When the credentials were last checked at the provider (on submit, by `checkConnection`, or by the background pass); null until then. */
  lastCheckedAt: Maybe<Scalars['DateTime']['output']>;
  /** Why it is not connected, when the last attempt failed or the provider refused it; null otherwise. */
  lastError: Maybe<ConnectionError>;
  /** OAuth: when the access token was last refreshed; null until the first refresh. */
  lastRefreshedAt: Maybe<Scalars['DateTime']['output']>;
  /** OAuth: the scopes the provider granted; null for other kinds. */
  scopes: Maybe<Array<Scalars['String']['output']>>;
  /** Where the connection stands. */
  status: ConnectionStatus;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};


/** A per-user instance of a connector. Secrets are never readable here: credentials are write-only. */
export type ConnectionEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  type?: InputMaybe<ConnectionEventType>;
};

/** Why a connection is not (or no longer) connected. */
export type ConnectionError = {
  __typename?: 'ConnectionError';
  /** When it happened. */
  at: Scalars['DateTime']['output'];
  /** A machine-readable reason, e.g. `access_denied` or `invalid_grant`. */
  code: Scalars['String']['output'];
  /** A human sentence. */
  message: Scalars['String']['output'];
};

/** One entry of a connection's audit trail: who did what, when and from where. Never a secret. */
export type ConnectionEvent = {
  __typename?: 'ConnectionEvent';
  /** Who did it. */
  actor: AuditActor;
  /** When it happened. */
  at: Scalars['DateTime']['output'];
  /** Facts about the change: `previousStatus` when the status changed, `error` ({code, message}) for failures. */
  details: Maybe<Scalars['JSONObject']['output']>;
  /** The event's id (a UUID); for lifecycle events also the `webhook-id` of their webhook deliveries. */
  id: Scalars['ID']['output'];
  /** The client address of that request (behind a proxy only with TRUST_PROXY). */
  ip: Maybe<Scalars['String']['output']>;
  /** The `X-Request-Id` of the request that did it; null for the gateway's own work. */
  requestId: Maybe<Scalars['String']['output']>;
  /** The connection's status after the event. */
  status: ConnectionStatus;
  /** What happened. */
  type: ConnectionEventType;
  /** The User-Agent of that request, up to 256 characters. */
  userAgent: Maybe<Scalars['String']['output']>;
};

/** A page of a connection's audit trail. */
export type ConnectionEventList = {
  __typename?: 'ConnectionEventList';
  /** The events of this page, newest first. */
  nodes: Array<ConnectionEvent>;
  /** How to fetch the next (older) page. */
  pageInfo: PageInfo;
};

/**
 * What happened to a connection. The first seven are the lifecycle events that webhooks deliver
 * (named `connection.created` … in webhook bodies and the REST API).
 */
export type ConnectionEventType =
  /** It became connected for the first time (credentials stored, or an OAuth handshake completed). */
  | 'connection.connected'
  /** The connection was created (`connect`). */
  | 'connection.created'
  /** An attempt to connect failed (the user denied consent, the code exchange failed); see `details.error`. */
  | 'connection.error'
  /** The provider refused its refresh token (`invalid_grant`): status `EXPIRED` until re-authorised. */
  | 'connection.expired'
  /** It was connected again after having been connected before: new credentials, or a new OAuth grant on the same id. */
  | 'connection.reauthorized'
  /** A health check found its credentials working again after an error: status `CONNECTED` again. */
  | 'connection.recovered'
  /** A token refresh failed for a reason that may pass (the provider was unreachable); the connection keeps its tokens and is retried. */
  | 'connection.refresh_failed'
  /** Its owner revoked it (`revoke`); its secrets were destroyed. */
  | 'connection.revoked'
  /** Its access token was refreshed. */
  | 'connection.token_refreshed'
  /** The agent runtime read its live credentials (`GET /internal/v1/connections/{id}/credentials`). */
  | 'credentials.read';

/** A page of connections. */
export type ConnectionList = {
  __typename?: 'ConnectionList';
  /** The connections of this page, newest first. */
  nodes: Array<Connection>;
  /** How to fetch the next page. */
  pageInfo: PageInfo;
};

/** Where a connection stands. */
export type ConnectionStatus =
  /** Holds working credentials. */
  | 'connected'
  /** The last attempt to connect failed; see `lastError`. */
  | 'error'
  /** The provider no longer accepts the stored credentials; re-authorise to reconnect. */
  | 'expired'
  /** Created, waiting for the OAuth handshake or the credentials. */
  | 'pending'
  /** Revoked by its owner; never returned by the queries, only by `revoke`. */
  | 'revoked';

/** A static integration definition: what an agent can connect to and what it can do there. */
export type Connector = {
  __typename?: 'Connector';
  /** How connections to this connector authenticate. */
  authType: AuthType;
  /** `available`, `coming_soon`, or another state in which it cannot be connected. */
  availability: Scalars['String']['output'];
  /** Why the connector is not available; null when it is. */
  availabilityReason: Maybe<Scalars['String']['output']>;
  /** Lowercase words grouping the connector (`crm`, `support`, `dev-tools`, …). */
  categories: Array<Scalars['String']['output']>;
  /**
   * True when the connector can be connected on this gateway: always for `API_KEY` and `NONE`;
   * for `OAUTH`, when the operator has set the client id and secret.
   */
  configured: Scalars['Boolean']['output'];
  /** The per-connection config fields asked for on connect (a tenant, a host); empty when there are none. */
  connectionConfig: Array<ConfigField>;
  /** The credential form of an `API_KEY` connector; null for other kinds. */
  credentialFields: Maybe<Array<CredentialField>>;
  /** A one-line summary. */
  description: Scalars['String']['output'];
  /** Display name. */
  name: Scalars['String']['output'];
  /** The OAuth scopes the gateway asks for; null for non-OAuth connectors. */
  scopes: Maybe<Array<Scalars['String']['output']>>;
  /** Stable id, e.g. `github` or `google-drive`. */
  slug: Scalars['String']['output'];
  /** The operations an agent can run through a connection. */
  tools: Array<ConnectorTool>;
  /** Whether the gateway checks credentials at the provider (on submit and in health checks). */
  verifiesCredentials: Scalars['Boolean']['output'];
};

/** An operation the agent runtime can perform through a connection of this connector. */
export type ConnectorTool = {
  __typename?: 'ConnectorTool';
  /** What the tool does, in one sentence. */
  description: Scalars['String']['output'];
  /**
   * The tool's input as a JSON Schema (draft 2020-12) object schema (`type: object`, `properties`,
   * `required`, `additionalProperties`); null for a tool that does not say. How the tool runs stays
   * private.
   */
  inputSchema: Maybe<Scalars['JSONObject']['output']>;
  /** The tool's stable name, e.g. `create_issue`. */
  name: Scalars['String']['output'];
};

/** Input of `createSession`. */
export type CreateSessionInput = {
  /**
   * Connector slugs the session may use (1 to 100, each in the catalog). Absent: every connector.
   * With it, other connectors and their connections are invisible to the session, and `connect`
   * to one of them is refused.
   */
  allowedConnectors?: InputMaybe<Array<Scalars['String']['input']>>;
  /** The token's lifetime in seconds, 60 to 3600 (default 900). */
  expiresInSeconds?: InputMaybe<Scalars['Int']['input']>;
};

/** The outcome of `createSession`. */
export type CreateSessionPayload = {
  __typename?: 'CreateSessionPayload';
  /** The new session. */
  session: BrowserSession;
  /**
   * The session token, `alm_sess_` followed by 32 characters: send it as `Authorization: Bearer …`,
   * or open the hosted connect page with `/connect?session=…`. Shown this once; only its hash is kept.
   */
  token: Scalars['String']['output'];
};

/** Input of `createWebhookEndpoint`. */
export type CreateWebhookEndpointInput = {
  /** A note for people (at most 500 characters). */
  description?: InputMaybe<Scalars['String']['input']>;
  /** The lifecycle event types to receive: a non-empty subset. Absent: all of them. */
  eventTypes?: InputMaybe<Array<Scalars['String']['input']>>;
  /**
   * Where to POST events: an absolute http(s) URL without a user name, password or fragment. Plain
   * http is refused under NODE_ENV=production unless the gateway sets WEBHOOK_ALLOW_HTTP=true.
   * Under NODE_ENV=production (unless the gateway sets WEBHOOK_ALLOW_PRIVATE_NETWORKS=true) it must
   * not point at a private or local network address: such an IP literal (loopback, private,
   * link-local, cloud metadata, multicast, reserved; in any IPv4 or IPv6 spelling, NAT64, 6to4 and
   * the other IPv6 forms of an IPv4 address included) or localhost / *.localhost is refused
   * (BAD_REQUEST); a host name is checked at each delivery and not sent to if it resolves to one.
   */
  url: Scalars['String']['input'];
};

/** The outcome of `createWebhookEndpoint`. */
export type CreateWebhookEndpointPayload = {
  __typename?: 'CreateWebhookEndpointPayload';
  /**
   * The signing secret, `whsec_` followed by base64 of 32 random bytes: verify each delivery's
   * `webhook-signature` with it (any Standard Webhooks library). Shown this once; it is stored
   * encrypted and never returned again.
   */
  secret: Scalars['String']['output'];
  /** The new endpoint. */
  webhook: WebhookEndpoint;
};

/** One input of an `API_KEY` connector's credential form. */
export type CredentialField = {
  __typename?: 'CredentialField';
  /** Where to find the value, or what it is. */
  description: Maybe<Scalars['String']['output']>;
  /** The key to use in `submitCredentials(input: {credentials: {<key>: …}})`. */
  key: Scalars['String']['output'];
  /** A human label for the form. */
  label: Scalars['String']['output'];
  /** A regular expression the whole value must match, when the format is known: the syntax JavaScript and RE2 share (no backreferences or lookaround), run in linear time. */
  pattern: Maybe<Scalars['String']['output']>;
  /** Whether the value must be present and non-empty. */
  required: Scalars['Boolean']['output'];
  /** Whether the value is a secret that a form should mask. */
  secret: Scalars['Boolean']['output'];
};

/** The outcome of `deleteWebhookEndpoint`. */
export type DeleteWebhookEndpointPayload = {
  __typename?: 'DeleteWebhookEndpointPayload';
  /** Always true: nothing more is sent to the endpoint, and its pending deliveries are given up. */
  deleted: Scalars['Boolean']['output'];
};

/** The gateway's write operations; each runs the same service code as its REST twin. */
export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Checks a connection's stored credentials at its provider now, with the connector's verify call
   * (OAuth: the access token, refreshed first when near expiry; an OAuth connector without verify
   * is checked by refreshing its token), and returns the connection as the check left it:
   * `lastCheckedAt` set; credentials refused (HTTP 401/403) turn it `ERROR` with `lastError.code`
   * `credentials_rejected`; accepted while in `ERROR` makes it `CONNECTED` again (event
   * `CONNECTION_RECOVERED`). Errors: `PROVIDER_UNAVAILABLE` when the provider did not answer
   * usefully (nothing changed), `CONFLICT` when the connection is not connected or in error,
   * `BAD_REQUEST` when there is nothing to check or the connection's config cannot reach the
   * provider, `NOT_FOUND` for an unknown id.
   */
  checkConnection: Connection;
  /**
   * Starts a connection to a connector, or returns the caller's existing live one
   * (`created: false`). The payload says what to do next: open `oauthUrl` in a browser,
   * or submit credentials.
   *
   * Retries are safe with an `Idempotency-Key` HTTP header (1 to 255 visible ASCII characters,
   * kept 24 hours per credential: the owner's API key and each browser session have their own):
   * the same key with the same query, variables and operation name from the same credential gets
   * the first answer again (header `Idempotent-Replayed: true`), running nothing; with a different
   * request it is refused (`IDEMPOTENCY_KEY_REUSED`, HTTP 422); while the first is still running,
   * `CONFLICT` (HTTP 409, `Retry-After: 1`). `UNAUTHORIZED`, `CONFLICT`, `RATE_LIMITED` and
   * `INTERNAL` answers are not kept.
   */
  connect: ConnectPayload;
  /**
   * Creates a browser session for the calling owner and returns its token (shown once). Needs the
   * owner's API key: a session token gets UNAUTHORIZED here. An owner holds at most
   * `SESSIONS_PER_OWNER` (default 1000) live sessions: past that, CONFLICT until one is revoked or
   * expires. All of an owner's sessions share one rate-limit budget (`RATE_LIMIT_SESSION_POINTS`).
   */
  createSession: CreateSessionPayload;
  /**
   * Creates a webhook endpoint for the calling owner and returns its signing secret (shown once).
   * Needs the owner's API key: a browser session token gets UNAUTHORIZED here. An owner has at most
   * WEBHOOK_ENDPOINTS_PER_OWNER live endpoints (default 20; 0 = no limit): beyond it, CONFLICT.
   */
  createWebhookEndpoint: CreateWebhookEndpointPayload;
  /**
   * Deletes one of the caller's webhook endpoints. Needs the owner's API key; another owner's
   * endpoint id is NOT_FOUND.
   */
  deleteWebhookEndpoint: DeleteWebhookEndpointPayload;
  /**
   * Begins a fresh OAuth handshake for an `OAUTH` connection in any live status — to finish a
   * pending one, or to re-authorise an expired or connected one. The connection keeps its id.
   * When the new grant is stored, a refresh of the old one still in flight cannot overwrite it,
   * and the old grant is revoked at the provider in the background (best effort, when the
   * connector has a revocation endpoint and does not set `revokeReplacedGrant: false`).
   */
  reauthorize: ReauthorizePayload;
  /** Revokes a connection: its secrets are destroyed and it disappears from every list. */
  revoke: RevokePayload;
  /**
   * Revokes one of the caller's browser sessions: its token stops working at once. Needs the
   * owner's API key; another owner's session id is NOT_FOUND.
   */
  revokeSession: RevokeSessionPayload;
  /**
   * Stores API-key credentials for an `API_KEY` connection (encrypted at rest) and marks it connected.
   * Re-submission replaces the previous values.
   *
   * Retries are safe with an `Idempotency-Key` HTTP header, as for `connect`: the same key and
   * request replay the first answer and store nothing again.
   */
  submitCredentials: SubmitCredentialsPayload;
};


/** The gateway's write operations; each runs the same service code as its REST twin. */
export type MutationCheckConnectionArgs = {
  id: Scalars['ID']['input'];
};


/** The gateway's write operations; each runs the same service code as its REST twin. */
export type MutationConnectArgs = {
  input: ConnectInput;
};


/** The gateway's write operations; each runs the same service code as its REST twin. */
export type MutationCreateSessionArgs = {
  input: CreateSessionInput;
};


/** The gateway's write operations; each runs the same service code as its REST twin. */
export type MutationCreateWebhookEndpointArgs = {
  input: CreateWebhookEndpointInput;
};


/** The gateway's write operations; each runs the same service code as its REST twin. */
export type MutationDeleteWebhookEndpointArgs = {
  id: Scalars['ID']['input'];
};


/** The gateway's write operations; each runs the same service code as its REST twin. */
export type MutationReauthorizeArgs = {
  id: Scalars['ID']['input'];
  returnTo?: InputMaybe<Scalars['String']['input']>;
};


/** The gateway's write operations; each runs the same service code as its REST twin. */
export type MutationRevokeArgs = {
  id: Scalars['ID']['input'];
};


/** The gateway's write operations; each runs the same service code as its REST twin. */
export type MutationRevokeSessionArgs = {
  id: Scalars['ID']['input'];
};


/** The gateway's write operations; each runs the same service code as its REST twin. */
export type MutationSubmitCredentialsArgs = {
  input: SubmitCredentialsInput;
};

/** Paging information of a connection list (cursor based). */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** The cursor to pass as `after` for the next page; null when there is none. */
  endCursor: Maybe<Scalars['String']['output']>;
  /** Whether another page follows this one. */
  hasNextPage: Scalars['Boolean']['output'];
};

/**
 * The gateway's read operations. Every field needs `Authorization: Bearer` with the owner's API key
 * (`alm_live_…`) or a browser session token (`alm_sess_…`, see `createSession`), and only ever sees
 * the caller's own data (a session restricted to some connectors sees only theirs).
 *
 * Rate limits: every operation is charged to the caller's API key, or to its owner's sessions (one
 * budget shared by all of them), by its cost: 1 per scalar field, 2 per object field plus 1.5 times
 * its children, times its page size — `first` however it is spelled: a literal, a variable's value
 * (or its declared default), or, left out or null, the server's default (50); fragments cost what
 * their fields cost written in place. max(1, ceil(cost / 100)) points. An operation costing more
 * than 20,000 is refused before it runs (HTTP 400, `BAD_REQUEST`, `extensions.reason`
 * `COST_LIMIT_EXCEEDED`, charged 1 point). Automatic persisted queries are off: a hash sent without
 * its document gets `PERSISTED_QUERY_NOT_SUPPORTED`. The answer carries the `RateLimit-Policy` and
 * `RateLimit` headers; over the limit it is HTTP 429 with `Retry-After` and
 * `errors[0].extensions.code` `RATE_LIMITED`.
 */
export type Query = {
  __typename?: 'Query';
  /** One of the caller's connections, or null when it does not exist, is revoked or is not the caller's. */
  connection: Maybe<Connection>;
  /** The caller's live (not revoked) connections, newest first, a page at a time. */
  connections: ConnectionList;
  /** One connector by its slug, or null when the catalog has none by that slug. */
  connector: Maybe<Connector>;
  /** The connector catalog, optionally filtered. Sorted by slug. */
  connectors: Array<Connector>;
  /**
   * The caller's webhook endpoints, oldest first. Needs the owner's API key: a browser session
   * token gets UNAUTHORIZED here.
   */
  webhookEndpoints: Array<WebhookEndpoint>;
};


/**
 * The gateway's read operations. Every field needs `Authorization: Bearer` with the owner's API key
 * (`alm_live_…`) or a browser session token (`alm_sess_…`, see `createSession`), and only ever sees
 * the caller's own data (a session restricted to some connectors sees only theirs).
 *
 * Rate limits: every operation is charged to the caller's API key, or to its owner's sessions (one
 * budget shared by all of them), by its cost: 1 per scalar field, 2 per object field plus 1.5 times
 * its children, times its page size — `first` however it is spelled: a literal, a variable's value
 * (or its declared default), or, left out or null, the server's default (50); fragments cost what
 * their fields cost written in place. max(1, ceil(cost / 100)) points. An operation costing more
 * than 20,000 is refused before it runs (HTTP 400, `BAD_REQUEST`, `extensions.reason`
 * `COST_LIMIT_EXCEEDED`, charged 1 point). Automatic persisted queries are off: a hash sent without
 * its document gets `PERSISTED_QUERY_NOT_SUPPORTED`. The answer carries the `RateLimit-Policy` and
 * `RateLimit` headers; over the limit it is HTTP 429 with `Retry-After` and
 * `errors[0].extensions.code` `RATE_LIMITED`.
 */
export type QueryConnectionArgs = {
  id: Scalars['ID']['input'];
};


/**
 * The gateway's read operations. Every field needs `Authorization: Bearer` with the owner's API key
 * (`alm_live_…`) or a browser session token (`alm_sess_…`, see `createSession`), and only ever sees
 * the caller's own data (a session restricted to some connectors sees only theirs).
 *
 * Rate limits: every operation is charged to the caller's API key, or to its owner's sessions (one
 * budget shared by all of them), by its cost: 1 per scalar field, 2 per object field plus 1.5 times
 * its children, times its page size — `first` however it is spelled: a literal, a variable's value
 * (or its declared default), or, left out or null, the server's default (50); fragments cost what
 * their fields cost written in place. max(1, ceil(cost / 100)) points. An operation costing more
 * than 20,000 is refused before it runs (HTTP 400, `BAD_REQUEST`, `extensions.reason`
 * `COST_LIMIT_EXCEEDED`, charged 1 point). Automatic persisted queries are off: a hash sent without
 * its document gets `PERSISTED_QUERY_NOT_SUPPORTED`. The answer carries the `RateLimit-Policy` and
 * `RateLimit` headers; over the limit it is HTTP 429 with `Retry-After` and
 * `errors[0].extensions.code` `RATE_LIMITED`.
 */
export type QueryConnectionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  connectorSlug?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<ConnectionStatus>;
};


/**
 * The gateway's read operations. Every field needs `Authorization: Bearer` with the owner's API key
 * (`alm_live_…`) or a browser session token (`alm_sess_…`, see `createSession`), and only ever sees
 * the caller's own data (a session restricted to some connectors sees only theirs).
 *
 * Rate limits: every operation is charged to the caller's API key, or to its owner's sessions (one
 * budget shared by all of them), by its cost: 1 per scalar field, 2 per object field plus 1.5 times
 * its children, times its page size — `first` however it is spelled: a literal, a variable's value
 * (or its declared default), or, left out or null, the server's default (50); fragments cost what
 * their fields cost written in place. max(1, ceil(cost / 100)) points. An operation costing more
 * than 20,000 is refused before it runs (HTTP 400, `BAD_REQUEST`, `extensions.reason`
 * `COST_LIMIT_EXCEEDED`, charged 1 point). Automatic persisted queries are off: a hash sent without
 * its document gets `PERSISTED_QUERY_NOT_SUPPORTED`. The answer carries the `RateLimit-Policy` and
 * `RateLimit` headers; over the limit it is HTTP 429 with `Retry-After` and
 * `errors[0].extensions.code` `RATE_LIMITED`.
 */
export type QueryConnectorArgs = {
  slug: Scalars['String']['input'];
};


/**
 * The gateway's read operations. Every field needs `Authorization: Bearer` with the owner's API key
 * (`alm_live_…`) or a browser session token (`alm_sess_…`, see `createSession`), and only ever sees
 * the caller's own data (a session restricted to some connectors sees only theirs).
 *
 * Rate limits: every operation is charged to the caller's API key, or to its owner's sessions (one
 * budget shared by all of them), by its cost: 1 per scalar field, 2 per object field plus 1.5 times
 * its children, times its page size — `first` however it is spelled: a literal, a variable's value
 * (or its declared default), or, left out or null, the server's default (50); fragments cost what
 * their fields cost written in place. max(1, ceil(cost / 100)) points. An operation costing more
 * than 20,000 is refused before it runs (HTTP 400, `BAD_REQUEST`, `extensions.reason`
 * `COST_LIMIT_EXCEEDED`, charged 1 point). Automatic persisted queries are off: a hash sent without
 * its document gets `PERSISTED_QUERY_NOT_SUPPORTED`. The answer carries the `RateLimit-Policy` and
 * `RateLimit` headers; over the limit it is HTTP 429 with `Retry-After` and
 * `errors[0].extensions.code` `RATE_LIMITED`.
 */
export type QueryConnectorsArgs = {
  authType?: InputMaybe<AuthType>;
  availability?: InputMaybe<Scalars['String']['input']>;
};

/** The outcome of `reauthorize`. */
export type ReauthorizePayload = {
  __typename?: 'ReauthorizePayload';
  /** The connection (same id as before). */
  connection: Connection;
  /**
   * The URL to open in the user's browser (valid 10 minutes, once; earlier ones stop working). It
   * answers a page naming the connector and the owner, and goes on to the provider only when the
   * user clicks Continue there.
   */
  oauthUrl: Scalars['String']['output'];
};

/** The outcome of `revoke`. */
export type RevokePayload = {
  __typename?: 'RevokePayload';
  /** The connection as it was left: status `REVOKED`. */
  connection: Connection;
  /** Always true: the connection was revoked. */
  deleted: Scalars['Boolean']['output'];
};

/** The outcome of `revokeSession`. */
export type RevokeSessionPayload = {
  __typename?: 'RevokeSessionPayload';
  /** Always true: the session's token no longer works. */
  revoked: Scalars['Boolean']['output'];
  /** The session as it was left. */
  session: BrowserSession;
};

/** Input of `submitCredentials`. */
export type SubmitCredentialsInput = {
  /** The `API_KEY` connection to store the credentials on. */
  connectionId: Scalars['ID']['input'];
  /** One string per credential field of the connector, by field key. */
  credentials: Scalars['JSONObject']['input'];
};

/** The outcome of `submitCredentials`. */
export type SubmitCredentialsPayload = {
  __typename?: 'SubmitCredentialsPayload';
  /** The connection, now connected. */
  connection: Connection;
};

/**
 * An endpoint that receives the owner's connection lifecycle events as signed HTTP POSTs
 * (Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature` headers; body
 * `{type, timestamp, data: {connection}}`). Its signing secret is shown only once, at creation.
 */
export type WebhookEndpoint = {
  __typename?: 'WebhookEndpoint';
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** A note for people, if one was given. */
  description: Maybe<Scalars['String']['output']>;
  /**
   * The lifecycle event types it receives (`connection.created`, `connection.connected`,
   * `connection.expired`, `connection.reauthorized`, `connection.revoked`, `connection.error`,
   * `connection.recovered`);
   * null when it receives all of them.
   */
  eventTypes: Maybe<Array<Scalars['String']['output']>>;
  /** The endpoint's id (a UUID); delete it with `deleteWebhookEndpoint`. */
  id: Scalars['ID']['output'];
  /** Where events are POSTed (an absolute http(s) URL). */
  url: Scalars['String']['output'];
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  AuditActor: ResolverTypeWrapper<AuditActor>;
  AuditActorType: null;
  AuthType: null;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  BrowserSession: ResolverTypeWrapper<BrowserSessionEntity>;
  ConfigField: ResolverTypeWrapper<ConfigFieldDefinition>;
  ConnectInput: ConnectInput;
  ConnectPayload: ResolverTypeWrapper<ConnectOutcome>;
  Connection: ResolverTypeWrapper<ConnectionRecord>;
  ConnectionError: ResolverTypeWrapper<LastError>;
  ConnectionEvent: ResolverTypeWrapper<AuditEvent>;
  ConnectionEventList: ResolverTypeWrapper<AuditEventPage>;
  ConnectionEventType: null;
  ConnectionList: ResolverTypeWrapper<ConnectionPage>;
  ConnectionStatus: null;
  Connector: ResolverTypeWrapper<CatalogEntry>;
  ConnectorTool: ResolverTypeWrapper<ConnectorToolDefinition>;
  CreateSessionInput: CreateSessionInput;
  CreateSessionPayload: ResolverTypeWrapper<CreatedSession>;
  CreateWebhookEndpointInput: CreateWebhookEndpointInput;
  CreateWebhookEndpointPayload: ResolverTypeWrapper<CreatedWebhook>;
  CredentialField: ResolverTypeWrapper<CredentialFieldDefinition>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DeleteWebhookEndpointPayload: ResolverTypeWrapper<DeleteWebhookEndpointPayload>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  JSONObject: ResolverTypeWrapper<Scalars['JSONObject']['output']>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  ReauthorizePayload: ResolverTypeWrapper<ReauthorizeOutcome>;
  RevokePayload: ResolverTypeWrapper<RevokeOutcome>;
  RevokeSessionPayload: ResolverTypeWrapper<RevokedSession>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  SubmitCredentialsInput: SubmitCredentialsInput;
  SubmitCredentialsPayload: ResolverTypeWrapper<Omit<SubmitCredentialsPayload, 'connection'> & { connection: ResolversTypes['Connection'] }>;
  WebhookEndpoint: ResolverTypeWrapper<WebhookEndpointEntity>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  AuditActor: AuditActor;
  Boolean: Scalars['Boolean']['output'];
  BrowserSession: BrowserSessionEntity;
  ConfigField: ConfigFieldDefinition;
  ConnectInput: ConnectInput;
  ConnectPayload: ConnectOutcome;
  Connection: ConnectionRecord;
  ConnectionError: LastError;
  ConnectionEvent: AuditEvent;
  ConnectionEventList: AuditEventPage;
  ConnectionList: ConnectionPage;
  Connector: CatalogEntry;
  ConnectorTool: ConnectorToolDefinition;
  CreateSessionInput: CreateSessionInput;
  CreateSessionPayload: CreatedSession;
  CreateWebhookEndpointInput: CreateWebhookEndpointInput;
  CreateWebhookEndpointPayload: CreatedWebhook;
  CredentialField: CredentialFieldDefinition;
  DateTime: Scalars['DateTime']['output'];
  DeleteWebhookEndpointPayload: DeleteWebhookEndpointPayload;
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  JSONObject: Scalars['JSONObject']['output'];
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  ReauthorizePayload: ReauthorizeOutcome;
  RevokePayload: RevokeOutcome;
  RevokeSessionPayload: RevokedSession;
  String: Scalars['String']['output'];
  SubmitCredentialsInput: SubmitCredentialsInput;
  SubmitCredentialsPayload: Omit<SubmitCredentialsPayload, 'connection'> & { connection: ResolversParentTypes['Connection'] };
  WebhookEndpoint: WebhookEndpointEntity;
};

export type AuditActorResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuditActor'] = ResolversParentTypes['AuditActor']> = {
  id?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  type?: Resolver<ResolversTypes['AuditActorType'], ParentType, ContextType>;
};

export type AuditActorTypeResolvers = { API_KEY: 'api_key', BROWSER: 'browser', GATEWAY: 'gateway', RUNTIME: 'runtime', SESSION: 'session' };

export type AuthTypeResolvers = { API_KEY: 'api_key', NONE: 'none', OAUTH: 'oauth' };

export type BrowserSessionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['BrowserSession'] = ResolversParentTypes['BrowserSession']> = {
  allowedConnectors?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type ConfigFieldResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ConfigField'] = ResolversParentTypes['ConfigField']> = {
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  enum?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  example?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  fromTokenResponse?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  label?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  pattern?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  required?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type ConnectPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ConnectPayload'] = ResolversParentTypes['ConnectPayload']> = {
  connection?: Resolver<ResolversTypes['Connection'], ParentType, ContextType>;
  created?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  credentialSubmitUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  oauthUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type ConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Connection'] = ResolversParentTypes['Connection']> = {
  account?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  authType?: Resolver<ResolversTypes['AuthType'], ParentType, ContextType>;
  config?: Resolver<ResolversTypes['JSONObject'], ParentType, ContextType>;
  connectedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  connector?: Resolver<ResolversTypes['Connector'], ParentType, ContextType>;
  connectorSlug?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  events?: Resolver<ResolversTypes['ConnectionEventList'], ParentType, ContextType, Partial<ConnectionEventsArgs>>;
  expiresAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  label?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  lastCheckedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  lastError?: Resolver<Maybe<ResolversTypes['ConnectionError']>, ParentType, ContextType>;
  lastRefreshedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  scopes?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ConnectionStatus'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type ConnectionErrorResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ConnectionError'] = ResolversParentTypes['ConnectionError']> = {
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ConnectionEventResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ConnectionEvent'] = ResolversParentTypes['ConnectionEvent']> = {
  actor?: Resolver<ResolversTypes['AuditActor'], ParentType, ContextType>;
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  details?: Resolver<Maybe<ResolversTypes['JSONObject']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  ip?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  requestId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ConnectionStatus'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['ConnectionEventType'], ParentType, ContextType>;
  userAgent?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type ConnectionEventListResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ConnectionEventList'] = ResolversParentTypes['ConnectionEventList']> = {
  nodes?: Resolver<Array<ResolversTypes['ConnectionEvent']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type ConnectionEventTypeResolvers = { CONNECTION_CONNECTED: 'connection.connected', CONNECTION_CREATED: 'connection.created', CONNECTION_ERROR: 'connection.error', CONNECTION_EXPIRED: 'connection.expired', CONNECTION_REAUTHORIZED: 'connection.reauthorized', CONNECTION_RECOVERED: 'connection.recovered', CONNECTION_REFRESH_FAILED: 'connection.refresh_failed', CONNECTION_REVOKED: 'connection.revoked', CONNECTION_TOKEN_REFRESHED: 'connection.token_refreshed', CREDENTIALS_READ: 'credentials.read' };

export type ConnectionListResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ConnectionList'] = ResolversParentTypes['ConnectionList']> = {
  nodes?: Resolver<Array<ResolversTypes['Connection']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type ConnectionStatusResolvers = { CONNECTED: 'connected', ERROR: 'error', EXPIRED: 'expired', PENDING: 'pending', REVOKED: 'revoked' };

export type ConnectorResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Connector'] = ResolversParentTypes['Connector']> = {
  authType?: Resolver<ResolversTypes['AuthType'], ParentType, ContextType>;
  availability?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  availabilityReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  categories?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  configured?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  connectionConfig?: Resolver<Array<ResolversTypes['ConfigField']>, ParentType, ContextType>;
  credentialFields?: Resolver<Maybe<Array<ResolversTypes['CredentialField']>>, ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  scopes?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  slug?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  tools?: Resolver<Array<ResolversTypes['ConnectorTool']>, ParentType, ContextType>;
  verifiesCredentials?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type ConnectorToolResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ConnectorTool'] = ResolversParentTypes['ConnectorTool']> = {
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  inputSchema?: Resolver<Maybe<ResolversTypes['JSONObject']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type CreateSessionPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['CreateSessionPayload'] = ResolversParentTypes['CreateSessionPayload']> = {
  session?: Resolver<ResolversTypes['BrowserSession'], ParentType, ContextType>;
  token?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type CreateWebhookEndpointPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['CreateWebhookEndpointPayload'] = ResolversParentTypes['CreateWebhookEndpointPayload']> = {
  secret?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  webhook?: Resolver<ResolversTypes['WebhookEndpoint'], ParentType, ContextType>;
};

export type CredentialFieldResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['CredentialField'] = ResolversParentTypes['CredentialField']> = {
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  label?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  pattern?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  required?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  secret?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type DeleteWebhookEndpointPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['DeleteWebhookEndpointPayload'] = ResolversParentTypes['DeleteWebhookEndpointPayload']> = {
  deleted?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export interface JsonObjectScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['JSONObject'], any> {
  name: 'JSONObject';
}

export type MutationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  checkConnection?: Resolver<ResolversTypes['Connection'], ParentType, ContextType, RequireFields<MutationCheckConnectionArgs, 'id'>>;
  connect?: Resolver<ResolversTypes['ConnectPayload'], ParentType, ContextType, RequireFields<MutationConnectArgs, 'input'>>;
  createSession?: Resolver<ResolversTypes['CreateSessionPayload'], ParentType, ContextType, RequireFields<MutationCreateSessionArgs, 'input'>>;
  createWebhookEndpoint?: Resolver<ResolversTypes['CreateWebhookEndpointPayload'], ParentType, ContextType, RequireFields<MutationCreateWebhookEndpointArgs, 'input'>>;
  deleteWebhookEndpoint?: Resolver<ResolversTypes['DeleteWebhookEndpointPayload'], ParentType, ContextType, RequireFields<MutationDeleteWebhookEndpointArgs, 'id'>>;
  reauthorize?: Resolver<ResolversTypes['ReauthorizePayload'], ParentType, ContextType, RequireFields<MutationReauthorizeArgs, 'id'>>;
  revoke?: Resolver<ResolversTypes['RevokePayload'], ParentType, ContextType, RequireFields<MutationRevokeArgs, 'id'>>;
  revokeSession?: Resolver<ResolversTypes['RevokeSessionPayload'], ParentType, ContextType, RequireFields<MutationRevokeSessionArgs, 'id'>>;
  submitCredentials?: Resolver<ResolversTypes['SubmitCredentialsPayload'], ParentType, ContextType, RequireFields<MutationSubmitCredentialsArgs, 'input'>>;
};

export type PageInfoResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  connection?: Resolver<Maybe<ResolversTypes['Connection']>, ParentType, ContextType, RequireFields<QueryConnectionArgs, 'id'>>;
  connections?: Resolver<ResolversTypes['ConnectionList'], ParentType, ContextType, Partial<QueryConnectionsArgs>>;
  connector?: Resolver<Maybe<ResolversTypes['Connector']>, ParentType, ContextType, RequireFields<QueryConnectorArgs, 'slug'>>;
  connectors?: Resolver<Array<ResolversTypes['Connector']>, ParentType, ContextType, Partial<QueryConnectorsArgs>>;
  webhookEndpoints?: Resolver<Array<ResolversTypes['WebhookEndpoint']>, ParentType, ContextType>;
};

export type ReauthorizePayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ReauthorizePayload'] = ResolversParentTypes['ReauthorizePayload']> = {
  connection?: Resolver<ResolversTypes['Connection'], ParentType, ContextType>;
  oauthUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type RevokePayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RevokePayload'] = ResolversParentTypes['RevokePayload']> = {
  connection?: Resolver<ResolversTypes['Connection'], ParentType, ContextType>;
  deleted?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type RevokeSessionPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RevokeSessionPayload'] = ResolversParentTypes['RevokeSessionPayload']> = {
  revoked?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  session?: Resolver<ResolversTypes['BrowserSession'], ParentType, ContextType>;
};

export type SubmitCredentialsPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SubmitCredentialsPayload'] = ResolversParentTypes['SubmitCredentialsPayload']> = {
  connection?: Resolver<ResolversTypes['Connection'], ParentType, ContextType>;
};

export type WebhookEndpointResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['WebhookEndpoint'] = ResolversParentTypes['WebhookEndpoint']> = {
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  eventTypes?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type Resolvers<ContextType = GraphQLContext> = {
  AuditActor?: AuditActorResolvers<ContextType>;
  AuditActorType?: AuditActorTypeResolvers;
  AuthType?: AuthTypeResolvers;
  BrowserSession?: BrowserSessionResolvers<ContextType>;
  ConfigField?: ConfigFieldResolvers<ContextType>;
  ConnectPayload?: ConnectPayloadResolvers<ContextType>;
  Connection?: ConnectionResolvers<ContextType>;
  ConnectionError?: ConnectionErrorResolvers<ContextType>;
  ConnectionEvent?: ConnectionEventResolvers<ContextType>;
  ConnectionEventList?: ConnectionEventListResolvers<ContextType>;
  ConnectionEventType?: ConnectionEventTypeResolvers;
  ConnectionList?: ConnectionListResolvers<ContextType>;
  ConnectionStatus?: ConnectionStatusResolvers;
  Connector?: ConnectorResolvers<ContextType>;
  ConnectorTool?: ConnectorToolResolvers<ContextType>;
  CreateSessionPayload?: CreateSessionPayloadResolvers<ContextType>;
  CreateWebhookEndpointPayload?: CreateWebhookEndpointPayloadResolvers<ContextType>;
  CredentialField?: CredentialFieldResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  DeleteWebhookEndpointPayload?: DeleteWebhookEndpointPayloadResolvers<ContextType>;
  JSONObject?: GraphQLScalarType;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  ReauthorizePayload?: ReauthorizePayloadResolvers<ContextType>;
  RevokePayload?: RevokePayloadResolvers<ContextType>;
  RevokeSessionPayload?: RevokeSessionPayloadResolvers<ContextType>;
  SubmitCredentialsPayload?: SubmitCredentialsPayloadResolvers<ContextType>;
  WebhookEndpoint?: WebhookEndpointResolvers<ContextType>;
};

