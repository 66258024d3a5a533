/** How a connector authenticates. The GraphQL enum spells these OAUTH / API_KEY / NONE. */
export const AUTH_TYPES = ['oauth', 'api_key', 'none'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

/**
 * Whether a connector can be connected. `available` and `coming_soon` are the common values;
 * operators may use another lowercase word (`deprecated`, `maintenance`). Anything but
 * `available` needs a reason.
 */
export type Availability = 'available' | 'coming_soon' | (string & {});

/** An operation the agent runtime can perform through a connection of this connector. */
export interface ConnectorTool {
  name: string;
  description: string;
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

/** A connector definition as written in the built-in catalog or in CONNECTORS_FILE. */
export interface ConnectorDefinition {
  slug: string;
  name: string;
  description: string;
  authType: AuthType;
  availability: Availability;
  availabilityReason?: string;
  tools: ConnectorTool[];
  credentialFields?: CredentialField[];
  oauth?: OAuthSettings;
}
