/**
 * The one place a connection becomes an authenticated request to its provider
 * (docs/architecture.md#calling-a-providers-api): the connector's `api` block filled with the
 * connection's config and credentials (or access token), and the request sent through the fenced
 * exchange (http-exchange.ts). Credential checks on submit, health checks, and the runtime's
 * proxy and tools all come through here, so headers, the address guard and the deadline are the
 * same for every caller.
 */
import type { Readable } from 'node:stream';
import { Agent, request as undiciRequest, type Dispatcher } from 'undici';
import type { ApiSettings, AuthType } from '../connectors/connector.types';
import {
  configDecidesHost,
  fillTemplate,
  placeholdersOf,
  type TemplateValues,
} from '../connectors/templates';
import { isForbiddenHost } from './address-guard';
import { exchange, guardedDispatcher, refusal, type ExchangeAnswer } from './http-exchange';

/** What the request builder needs of a connection: its connector's `api`, config and secret. */
export interface ConnectionAccess {
  authType: AuthType;
  api: ApiSettings;
  config: Record<string, string>;
  /** api_key connections: the submitted credentials. */
  credentials?: Record<string, string>;
  /** OAuth connections: the current access token. */
  accessToken?: string;
}

export interface ProviderCall {
  method: Dispatcher.HttpMethod;
  /** Appended to the base URL; starts with `/`, may carry a query string. */
  path: string;
  /** Another base URL template for this call (a definition's `verify.baseUrl`). */
  baseUrl?: string;
  /** Extra headers of this call; the connector's own (authentication) headers win over them. */
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface PreparedRequest {
  url: URL;
  method: Dispatcher.HttpMethod;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** A config value decided the host: the address guard applies unless private networks are allowed. */
  configDecidesHost: boolean;
}

/** The request could not be built from the connection's values (a definition or config problem). */
export class ProviderRequestError extends Error {
  constructor(
    message: string,
    /** The config or credential field at fault, when one is (`config.host`, `credentials.apiKey`). */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ProviderRequestError';
  }
}

function values(access: ConnectionAccess): TemplateValues {
  return { config: access.config, credentials: access.credentials ?? {}, accessToken: access.accessToken };
}

/** A template whose every placeholder has a value (a header of an unfilled optional field is left out). */
function filled(template: string, v: TemplateValues): string | undefined {
  for (const p of placeholdersOf(template)) {
    const value =
      p.kind === 'config' ? v.config[p.key] : p.kind === 'credentials' ? v.credentials[p.key] : v.accessToken;
    if (value === undefined || value === '') return undefined;
  }
  return fillTemplate(template, v);
}

/** The first field a template takes a value from, to name in an error about it. */
function fieldOf(template: string): string | undefined {
  const first = placeholdersOf(template)[0];
  if (!first) return undefined;
  return first.kind === 'accessToken' ? 'accessToken' : `${first.kind}.${first.key}`;
}

/** Header values may not hold line breaks or other control characters (they would split the header). */
function checkHeaderValue(value: string, template: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
    throw new ProviderRequestError('A value sent in a header holds a control character.', fieldOf(template));
  }
  return value;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The base URL of a connection, filled and checked: absolute, https (http only to this machine). */
export function resolveBaseUrl(template: string, config: Record<string, string>): URL {
  const text = filled(template, { config, credentials: {} });
  if (text === undefined) {
    throw new ProviderRequestError(
      'The connection lacks a config value its API address needs.',
      fieldOf(template),
    );
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ProviderRequestError('The API address built from the config is not a URL.', fieldOf(template));
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new ProviderRequestError('The API address must be https.', fieldOf(template));
  }
  if (url.username || url.password || url.hash) {
    throw new ProviderRequestError(
      'The API address may not hold credentials or a fragment.',
      fieldOf(template),
    );
  }
  // A value placed inside the host must stay inside it: the host the URL parser finds must be the
  // template's host part as filled in. A value with `/`, `?`, `#`, `@`, `:` or `%` would move the
  // request to another host (`evil.example?` in `https://${config.sub}.acme.dev`) and fails here.
  const authority = hostTemplate(template);
  if (authority !== undefined) {
    const expected = filled(authority, { config, credentials: {} })?.toLowerCase();
    if (expected !== url.host.toLowerCase()) {
      throw new ProviderRequestError(
        'A config value would change the host of the API address.',
        fieldOf(authority),
      );
    }
  }
  return url;
}

/** The host (and port) part of a URL template, when the template spells one out. */
function hostTemplate(template: string): string | undefined {
  const scheme = /^[a-z]+:\/\//.exec(template);
  if (!scheme) return undefined; // the whole URL is a config value (a token response's instance URL)
  const rest = template.slice(scheme[0].length);
  const end = rest.search(/[/?#]/);
  return end === -1 ? rest : rest.slice(0, end);
}

/**
 * The host a config value decides, refused when it is a private or local address given as such
 * (an IP literal or `localhost`); names are judged again when connected to (guardedLookup).
 */
export function checkConfigHost(template: string, config: Record<string, string>): void {
  if (!configDecidesHost(template)) return;
  const url = resolveBaseUrl(template, config);
  if (isForbiddenHost(url.hostname)) {
    throw new ProviderRequestError(
      'The address is a private or local network address, which this gateway does not call.',
      fieldOf(template),
    );
  }
}

/** Builds the authenticated request for `call` (nothing is sent). */
export function prepareProviderRequest(access: ConnectionAccess, call: ProviderCall): PreparedRequest {
  const v = values(access);
  const baseTemplate = call.baseUrl ?? access.api.baseUrl;
  const base = resolveBaseUrl(baseTemplate, access.config);
  if (!call.path.startsWith('/')) throw new ProviderRequestError('A provider path must start with /.');
  const basePath = base.pathname.replace(/\/+$/, '');
  const url = new URL(`${base.origin}${basePath}${call.path}`);
  // The URL parser resolves dot segments: whatever the path said, the request stays under the base.
  if (
    url.origin !== base.origin ||
    (basePath !== '' && url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`))
  ) {
    throw new ProviderRequestError('The path would leave the API address.');
  }
  for (const [key, value] of base.searchParams) url.searchParams.append(key, value);
  for (const [name, template] of Object.entries(access.api.query ?? {})) {
    const value = filled(template, v);
    if (value !== undefined) url.searchParams.set(name, value);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(call.headers ?? {})) headers[name.toLowerCase()] = value;
  const own = access.api.headers;
  if (own) {
    for (const [name, template] of Object.entries(own)) {
      const value = filled(template, v);
      if (value !== undefined) headers[name.toLowerCase()] = checkHeaderValue(value, template);
    }
  } else if (access.authType === 'oauth' && !access.api.basicAuth && access.accessToken) {
    headers.authorization = `Bearer ${checkHeaderValue(access.accessToken, '${accessToken}')}`;
  }
  if (access.api.basicAuth) {
    const username = fillTemplate(access.api.basicAuth.username, v);
    const password = fillTemplate(access.api.basicAuth.password, v);
    if (username.includes(':')) {
      throw new ProviderRequestError(
        'A Basic authentication user name may not contain ":".',
        fieldOf(access.api.basicAuth.username),
      );
    }
    headers.authorization = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  }
  headers['user-agent'] ??= 'alumia-connections-gateway';
  return {
    url,
    method: call.method,
    headers,
    ...(call.body !== undefined ? { body: call.body } : {}),
    configDecidesHost: configDecidesHost(baseTemplate),
  };
}

export interface ProviderApiSettings {
  /** PROXY_ALLOW_PRIVATE_NETWORKS: whether a host a config value decides may be private or local. */
  allowPrivateNetworks: boolean;
}

/**
 * A path given by a caller (the runtime's proxy), to be appended to a base URL: refused when it
 * could leave it. Dot segments in any spelling (`..`, `%2e%2e`, `.%2E`, separated by `/`, `\`,
 * `%2f` or `%5c`), a backslash, an absolute URL (`http:…`), a `//host` form and control
 * characters are refused outright, before any URL parser (which would resolve them) sees it.
 * Returns the path as given (undecoded), for prepareProviderRequest.
 */
export function callerPath(raw: string): string {
  if (!raw.startsWith('/')) throw new ProviderRequestError('The path must start with /.');
  if (raw.startsWith('//')) throw new ProviderRequestError('The path may not name another host (//host).');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f\\#?]/.test(raw) || /%5c/i.test(raw)) {
    throw new ProviderRequestError('The path holds a character a path may not hold here.');
  }
  const segments = raw.slice(1).split(/\/|%2f/i);
  if (/^[a-z][a-z0-9+.-]*:/i.test(segments[0] ?? '')) {
    throw new ProviderRequestError('The path may not be an absolute URL.');
  }
  for (const segment of segments) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw new ProviderRequestError('The path holds a malformed percent-encoding.');
    }
    if (decoded === '.' || decoded === '..' || /[/\\]/.test(decoded)) {
      throw new ProviderRequestError('The path may not hold dot segments or encoded slashes.');
    }
  }
  return raw;
}

/** Options of a streamed call (the runtime's proxy). */
export interface StreamOptions {
  body?: Buffer | Readable;
  /** How long the provider may take to send the answer's head, and to send each part of its body. */
  idleTimeoutMs: number;
  signal?: AbortSignal;
}

/** Sends prepared requests through the fenced exchange. */
export class ProviderApi {
  private agent: Agent | undefined;

  constructor(private readonly settings: ProviderApiSettings) {}

  /**
   * Sends a prepared request and answers as soon as its head arrives, with the body as a stream
   * (undici, redirects not followed). Hosts a config value decides go through the guarded
   * dispatcher unless private networks are allowed. Rejects with AddressNotAllowedError when the
   * guard refused the address.
   */
  async stream(request: PreparedRequest, options: StreamOptions): Promise<Dispatcher.ResponseData> {
    const guarded = request.configDecidesHost && !this.settings.allowPrivateNetworks;
    if (guarded && isForbiddenHost(request.url.hostname)) {
      throw new ProviderRequestError(
        'The address is a private or local network address, which this gateway does not call.',
      );
    }
    this.agent ??= new Agent({ headersTimeout: options.idleTimeoutMs, bodyTimeout: options.idleTimeoutMs });
    try {
      return await undiciRequest(request.url, {
        method: request.method,
        headers: request.headers,
        body: options.body ?? null,
        dispatcher: guarded ? guardedDispatcher() : this.agent,
        headersTimeout: options.idleTimeoutMs,
        bodyTimeout: options.idleTimeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (err) {
      throw refusal(err) ?? err;
    }
  }

  /** Closes the streaming agent's pooled connections (on shutdown). */
  async close(): Promise<void> {
    await this.agent?.close().catch(() => undefined);
    this.agent = undefined;
  }

  async send(
    request: PreparedRequest,
    options: { timeoutMs: number; maxAnswerBytes: number; signal?: AbortSignal },
  ): Promise<ExchangeAnswer> {
    if (
      request.configDecidesHost &&
      !this.settings.allowPrivateNetworks &&
      isForbiddenHost(request.url.hostname)
    ) {
      throw new ProviderRequestError(
        'The address is a private or local network address, which this gateway does not call.',
      );
    }
    return exchange(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      timeoutMs: options.timeoutMs,
      maxAnswerBytes: options.maxAnswerBytes,
      guarded: request.configDecidesHost && !this.settings.allowPrivateNetworks,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
}
