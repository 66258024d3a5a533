/**
 * The gateway as an OAuth 2.0 client of a provider, on oauth4webapi (no hand-built token
 * requests): the authorization URL, the code exchange, refresh and revocation. Every provider
 * call has a timeout and follows no redirects; a non-JSON or token-less answer is an error.
 */
import * as oauth from 'oauth4webapi';
import type { OAuthSettings } from '../connectors/connector.types';
import { fetch as undiciFetch } from 'undici';
import { guardedDispatcher } from '../providers/http-exchange';

export const TOKEN_ENDPOINT_TIMEOUT_MS = 10_000;

/** The gateway's client at one provider (CONNECTOR_<SLUG>_CLIENT_ID/SECRET); never leaves the server. */
export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** What a provider said or did wrong, in words safe to show the connection's owner. */
export class OAuthProviderError extends Error {
  constructor(
    /** `invalid_grant`, `access_denied`, … from the provider, or one of ours: `provider_unreachable`, `provider_timeout`, `invalid_token_response`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'OAuthProviderError';
  }
}

/** The token set a grant returned. */
export interface TokenSet {
  accessToken: string;
  tokenType: string;
  refreshToken?: string;
  /** Absolute expiry, when the provider said `expires_in`. */
  expiresAt?: Date;
  /** Granted scopes, when the provider said `scope`. */
  scopes?: string[];
  /** Who signed in, when the token response says (for the callback page and the record). */
  account?: string;
  /** The token response's members, for config fields filled from it (never stored as a whole). */
  response: Record<string, unknown>;
}

export interface ProviderEndpoints {
  settings: OAuthSettings;
  client: OAuthClientCredentials;
  /** A connection's config value decided the token endpoint's host: the address guard may apply. */
  configDecidesHost?: boolean;
}

/** Token types seen from real providers besides bearer (Slack answers "bot" and "user"). */
const EXTRA_TOKEN_TYPES: oauth.RecognizedTokenTypes = { bot: () => undefined, user: () => undefined };

function isLoopback(url: string): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname);
}

function server(settings: OAuthSettings): oauth.AuthorizationServer {
  return {
    issuer: settings.issuer ?? new URL(settings.authorizationUrl).origin,
    authorization_endpoint: settings.authorizationUrl,
    token_endpoint: settings.tokenUrl,
    revocation_endpoint: settings.revocationUrl,
  };
}

/**
 * application/x-www-form-urlencoded encoding of one Basic credential (RFC 6749 §2.3.1, Appendix
 * B), encoding only what must be: the unreserved `A-Za-z0-9-._~` go as they are, so a server
 * that decodes and one that does not (several real providers) both read ids and secrets such as
 * `….apps.googleusercontent.com` or `GOCSPX-…` right.
 */
export function formEncodeCredential(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** client_secret_basic with the Basic header built as formEncodeCredential says. */
function clientSecretBasic(clientSecret: string): oauth.ClientAuth {
  return (_as, client, _body, headers) => {
    const credentials = `${formEncodeCredential(client.client_id)}:${formEncodeCredential(clientSecret)}`;
    headers.set('authorization', `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`);
  };
}

function clientAuth(endpoints: ProviderEndpoints): oauth.ClientAuth {
  return endpoints.settings.clientAuth === 'client_secret_post'
    ? oauth.ClientSecretPost(endpoints.client.clientSecret)
    : clientSecretBasic(endpoints.client.clientSecret);
}

/** fetch through the address guard (undici's fetch, to hand it the guarded dispatcher). */
const guardedFetch = ((input: string | URL, init?: Record<string, unknown>) =>
  undiciFetch(input, { ...init, dispatcher: guardedDispatcher() } as Parameters<
    typeof undiciFetch
  >[1])) as unknown as typeof fetch;

function requestOptions(url: string, timeoutMs: number, extra?: Record<string, string>, guarded = false) {
  return {
    signal: AbortSignal.timeout(timeoutMs),
    additionalParameters: extra,
    // Plain http only reaches a provider on this machine; the definition checks refuse others.
    [oauth.allowInsecureRequests]: isLoopback(url),
    ...(guarded ? { [oauth.customFetch]: guardedFetch } : {}),
  };
}

/** Who signed in, from the common places providers put it in a token response. */
function accountOf(body: oauth.TokenEndpointResponse): string | undefined {
  const pick = (value: unknown): string | undefined =>
    typeof value === 'string' && value.trim() !== '' ? value.slice(0, 200) : undefined;
  const obj = (value: unknown): Record<string, unknown> =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const user = obj(body.user);
  const team = obj(body.team);
  return (
    pick(user.email) ??
    pick(user.name) ??
    pick(user.login) ??
    pick(body.email) ??
    pick(body.workspace_name) ??
    pick(team.name) ??
    pick(obj(obj(body.owner).user).name)
  );
}

function toTokenSet(body: oauth.TokenEndpointResponse, now: Date): TokenSet {
  const set: TokenSet = {
    accessToken: body.access_token,
    tokenType: body.token_type,
    response: body as Record<string, unknown>,
  };
  if (typeof body.refresh_token === 'string' && body.refresh_token !== '')
    set.refreshToken = body.refresh_token;
  if (typeof body.expires_in === 'number' && body.expires_in > 0) {
    set.expiresAt = new Date(now.getTime() + body.expires_in * 1000);
  }
  if (typeof body.scope === 'string') set.scopes = body.scope.split(/[\s,]+/).filter(Boolean);
  const account = accountOf(body);
  if (account) set.account = account;
  return set;
}

/**
 * Turns whatever oauth4webapi or fetch threw into an OAuthProviderError with a safe message.
 * Errors are told apart by name, not instanceof: fetch's errors come from another realm under
 * some runners (and DOMException is not always an Error subclass there).
 */
function providerError(err: unknown, what: string): OAuthProviderError {
  if (err instanceof OAuthProviderError) return err;
  if (err instanceof oauth.ResponseBodyError) {
    const description =
      typeof err.cause.error_description === 'string' ? `: ${err.cause.error_description}` : '';
    return new OAuthProviderError(
      err.error,
      `The provider refused the ${what} (${err.error}${description.slice(0, 300)}).`,
    );
  }
  const name = typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new OAuthProviderError('provider_timeout', `The provider did not answer the ${what} in time.`);
  }
  if (err instanceof oauth.OperationProcessingError || err instanceof oauth.UnsupportedOperationError) {
    const status = err.cause instanceof Response ? err.cause.status : undefined;
    if (status !== undefined && status >= 500) {
      return new OAuthProviderError(
        'provider_unavailable',
        `The provider failed the ${what} (HTTP ${status}).`,
      );
    }
    const detail = status !== undefined && status !== 200 ? ` (HTTP ${status})` : '';
    return new OAuthProviderError(
      'invalid_token_response',
      `The provider's answer to the ${what} was not a valid token response${detail}.`,
    );
  }
  if (name === 'TypeError') {
    return new OAuthProviderError(
      'provider_unreachable',
      `The provider could not be reached for the ${what}.`,
    );
  }
  return new OAuthProviderError('provider_error', `The ${what} failed.`);
}

export class OAuthClient {
  constructor(
    readonly timeoutMs = TOKEN_ENDPOINT_TIMEOUT_MS,
    /** PROXY_ALLOW_PRIVATE_NETWORKS: when false, a token endpoint a config value places is guarded. */
    private readonly allowPrivateNetworks = true,
  ) {}

  private guarded(endpoints: ProviderEndpoints): boolean {
    return endpoints.configDecidesHost === true && !this.allowPrivateNetworks;
  }

  /** The provider's authorization URL for one handshake (PKCE S256 always). */
  async authorizationUrl(
    endpoints: ProviderEndpoints,
    params: { redirectUri: string; state: string; codeVerifier: string },
  ): Promise<string> {
    const { settings, client } = endpoints;
    const url = new URL(settings.authorizationUrl);
    for (const [key, value] of Object.entries(settings.authorizationParams ?? {}))
      url.searchParams.set(key, value);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', client.clientId);
    url.searchParams.set('redirect_uri', params.redirectUri);
    if (settings.scopes.length > 0)
      url.searchParams.set('scope', settings.scopes.join(settings.scopeSeparator ?? ' '));
    url.searchParams.set('state', params.state);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(params.codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
    return url.toString();
  }

  /**
   * Checks the callback's parameters (state already matched by the caller; `iss` when sent) and
   * exchanges the code. Provider errors in the callback itself come back as OAuthProviderError.
   */
  async exchangeCode(
    endpoints: ProviderEndpoints,
    callback: URLSearchParams,
    params: { redirectUri: string; codeVerifier: string; now: Date },
  ): Promise<TokenSet> {
    const as = server(endpoints.settings);
    const client: oauth.Client = { client_id: endpoints.client.clientId };
    let validated: URLSearchParams;
    try {
      validated = oauth.validateAuthResponse(as, client, callback, oauth.skipStateCheck);
    } catch (err) {
      if (err instanceof oauth.AuthorizationResponseError) {
        const description = err.cause.get('error_description');
        throw new OAuthProviderError(
          err.error,
          description ? description.slice(0, 300) : `The provider answered "${err.error}".`,
        );
      }
      throw new OAuthProviderError(
        'invalid_callback',
        'The provider sent an invalid authorization response.',
      );
    }
    try {
      const response = await oauth.authorizationCodeGrantRequest(
        as,
        client,
        clientAuth(endpoints),
        validated,
        params.redirectUri,
        params.codeVerifier,
        requestOptions(
          endpoints.settings.tokenUrl,
          this.timeoutMs,
          endpoints.settings.tokenParams,
          this.guarded(endpoints),
        ),
      );
      const body = await oauth.processAuthorizationCodeResponse(as, client, response, {
        recognizedTokenTypes: EXTRA_TOKEN_TYPES,
      });
      return toTokenSet(body, params.now);
    } catch (err) {
      throw providerError(err, 'code exchange');
    }
  }

  async refresh(endpoints: ProviderEndpoints, refreshToken: string, now: Date): Promise<TokenSet> {
    const as = server(endpoints.settings);
    const client: oauth.Client = { client_id: endpoints.client.clientId };
    try {
      const response = await oauth.refreshTokenGrantRequest(
        as,
        client,
        clientAuth(endpoints),
        refreshToken,
        requestOptions(
          endpoints.settings.tokenUrl,
          this.timeoutMs,
          endpoints.settings.tokenParams,
          this.guarded(endpoints),
        ),
      );
      const body = await oauth.processRefreshTokenResponse(as, client, response, {
        recognizedTokenTypes: EXTRA_TOKEN_TYPES,
      });
      return toTokenSet(body, now);
    } catch (err) {
      throw providerError(err, 'token refresh');
    }
  }

  /** RFC 7009 revocation of one token. */
  async revoke(
    endpoints: ProviderEndpoints,
    token: string,
    hint: 'refresh_token' | 'access_token',
  ): Promise<void> {
    const url = endpoints.settings.revocationUrl;
    if (!url) return;
    const as = server(endpoints.settings);
    const client: oauth.Client = { client_id: endpoints.client.clientId };
    try {
      const response = await oauth.revocationRequest(as, client, clientAuth(endpoints), token, {
        ...requestOptions(url, this.timeoutMs, undefined, this.guarded(endpoints)),
        additionalParameters: { token_type_hint: hint },
      });
      await oauth.processRevocationResponse(response);
    } catch (err) {
      throw providerError(err, 'revocation');
    }
  }
}
