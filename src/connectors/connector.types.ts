/** How a connector authenticates. The GraphQL enum spells these OAUTH / API_KEY / NONE. */
export const AUTH_TYPES = ['oauth', 'api_key', 'none'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

/**
 * Whether a connector can be connected. `available` and `coming_soon` are the common values;
 * operators may use another lowercase word (`deprecated`, `maintenance`). Anything but
 * `available` needs a reason.
 */
export type Availability = 'available' | 'coming_soon' | (string & {});

export const TOOL_REQUEST_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * How a tool runs: one HTTP call through the connector's `api`, built from the tool's input.
 * Private (never in the public catalog).
 */
export interface ToolRequest {
  method: (typeof TOOL_REQUEST_METHODS)[number];
  /**
   * Appended to `api.baseUrl`. Each `{key}` is filled from the input (a required string, integer
   * or number property), percent-encoded as one path segment.
   */
  path: string;
  /** Input keys sent as query parameters when present. */
  query?: string[];
  /** Input keys sent as members of a JSON object body when present. */
  body?: string[];
}

/** An operation the agent runtime can perform through a connection of this connector. */
export interface ConnectorTool {
  name: string;
  description: string;
  /** The tool's input as a JSON Schema (2020-12) object schema; public. */
  inputSchema?: Record<string, unknown>;
  /** How the tool runs; a tool without it is listed but cannot be run by the gateway. */
  request?: ToolRequest;
}

/** One input of an api_key connector's credential form. */
export interface CredentialField {
  key: string;
  label: string;
  required: boolean;
  /** True for values that must be masked in a form (keys, tokens, passwords). */
  secret: boolean;
  description?: string;
  /** A JavaScript regular expression (without slashes) the whole value must match. */
  pattern?: string;
}

/** The OAuth 2.0 authorization-code settings of an `oauth` connector. */
export interface OAuthSettings {
  authorizationUrl: string;
  tokenUrl: string;
  scopes: string[];
  scopeSeparator?: string;
  revocationUrl?: string;
  /**
   * The provider's issuer identifier (RFC 9207). A callback's `iss` must equal it; when it is
   * not set, `iss` must be the origin of the authorization URL.
   */
  issuer?: string;
  authorizationParams?: Record<string, string>;
  tokenParams?: Record<string, string>;
  clientAuth?: 'client_secret_basic' | 'client_secret_post';
  /** PKCE S256 is used on every flow whatever this says; kept for definitions that state it. */
  pkce?: boolean;
  /**
   * Default true: after a re-authorisation that replaced a grant, the old grant is revoked at
   * `revocationUrl` (best effort). False for providers whose revocation ends every grant of the
   * user and app together (Google), which would take the new grant with it.
   */
  revokeReplacedGrant?: boolean;
}

/**
 * One per-connection input that is not secret (a tenant, a region, a host): asked for when a
 * connection is made, kept on the connection's record, and usable in URL templates.
 */
export interface ConfigField {
  key: string;
  label: string;
  required: boolean;
  description?: string;
  /** A regular expression (RE2 syntax, without slashes) the whole value must match. */
  pattern?: string;
  /** The only values allowed. */
  enum?: string[];
  /** A value shown as a hint in forms, and used to check the definition's URL templates. */
  example?: string;
  /**
   * Filled from this member of the OAuth token response after the code exchange (Salesforce's
   * `instance_url`) rather than asked for; it must still match `pattern`.
   */
  fromTokenResponse?: string;
}

/**
 * How to call the provider's API with a connection's credentials. Values are templates:
 * `${config.<key>}`, `${credentials.<key>}` and (OAuth) `${accessToken}`.
 */
export interface ApiSettings {
  baseUrl: string;
  /** Headers sent on every call. An OAuth connector without them sends `Authorization: Bearer ${accessToken}`. */
  headers?: Record<string, string>;
  /** Query parameters added to every call. */
  query?: Record<string, string>;
  /** HTTP Basic authentication (RFC 7617) from these two templates. */
  basicAuth?: { username: string; password: string };
}

export const VERIFY_METHODS = ['GET', 'POST', 'HEAD'] as const;

/** The call that tells whether credentials work, made through `api`. */
export interface VerifySettings {
  method: (typeof VERIFY_METHODS)[number];
  /** Appended to `api.baseUrl` (or to `baseUrl` here, when the check lives elsewhere). */
  path: string;
  /** A JSON pointer (RFC 6901) into the answer naming the account the credentials belong to. */
  account?: string;
  /** Extra headers of this call only (not secret: no templates of credentials). */
  headers?: Record<string, string>;
  /** A JSON body for a POST check. */
  body?: unknown;
  /** Another base URL for this call only (a template like `api.baseUrl`). */
  baseUrl?: string;
}

/** A connector definition as written in the built-in catalog or in CONNECTORS_FILE. */
export interface ConnectorDefinition {
  slug: string;
  name: string;
  description: string;
  authType: AuthType;
  availability: Availability;
  availabilityReason?: string;
  /** Lowercase words that group connectors in a catalog (`crm`, `support`, `dev-tools`). */
  categories?: string[];
  tools: ConnectorTool[];
  credentialFields?: CredentialField[];
  connectionConfig?: ConfigField[];
  oauth?: OAuthSettings;
  api?: ApiSettings;
  verify?: VerifySettings;
}
