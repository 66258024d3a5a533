/**
 * The runtime's proxy: a request of the agent runtime forwarded to a connection's provider with
 * the connection's credentials injected (providers/provider-api.ts builds it), so the secret never
 * leaves the gateway. The answer comes back as the provider gave it (status, headers but hop-by-hop
 * ones and Set-Cookie, body streamed); redirects are passed back, never followed.
 *
 * Retries (each at most once per rule, and only with a body that can be sent again):
 * - a provider 401 on an OAuth connection holding a refresh token: one forced refresh, one retry;
 *   a refresh refused with invalid_grant has turned the connection expired, answered 409;
 * - a 429 or 503 whose Retry-After is at most PROXY_RETRY_MAX_SECONDS, for GET, HEAD, PUT, DELETE
 *   and OPTIONS only, up to PROXY_RETRIES times.
 * A body can be sent again when it is empty or declared (Content-Length) at most
 * REPLAYABLE_BODY_BYTES: such bodies are read into memory first. Larger or chunked bodies are
 * streamed to the provider as they arrive, and their answers are never retried.
 *
 * Every call is logged (connection, connector, method, status, duration, attempts): never a
 * header, a query string or a body, which may carry secrets.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { ConnectionRepository } from '../connections/connection.repository';
import type { Connection } from '../connections/connection.entity';
import type { ApiKeySecret, ConnectionSecrets, OAuthSecret } from '../connections/connection-secrets';
import type { ConnectorService } from '../connectors/connector.service';
import type { Metrics, ProxyOutcome } from '../observability/metrics';
import type { TokenService } from '../oauth/token.service';
import { AddressNotAllowedError } from '../providers/address-guard';
import {
  callerPath,
  prepareProviderRequest,
  ProviderRequestError,
  type ConnectionAccess,
  type ProviderApi,
} from '../providers/provider-api';
import {
  AppError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  PayloadTooLargeError,
  ProviderUnavailableError,
} from '../shared/errors';
import { isUuid } from '../shared/ids';
import type { Logger } from '../shared/logger';
import { answeredHeaders, contentLength, forwardedHeaders, retryAfterSeconds } from './proxy-http';

/** Bodies up to this size are read before sending, so a 401 or a 429 can be retried with them. */
export const REPLAYABLE_BODY_BYTES = 64 * 1024;

const RETRIED_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface ProxySettings {
  maxBodyBytes: number;
  retryMaxSeconds: number;
  retries: number;
  /** How long a provider may take to send its answer's head, or each part of its body. */
  idleTimeoutMs: number;
}

export interface ProxyRequest {
  method: string;
  /** The path under the connector's base URL, as received (undecoded), starting with `/`. */
  path: string;
  /** The raw query string, without `?` (empty: none). */
  query?: string;
  /** The caller's headers (lower-case names); hop-by-hop, Authorization, Cookie and Host are dropped. */
  headers?: Record<string, string | string[] | undefined>;
  /** The body: a Buffer, or a stream (at most PROXY_MAX_BODY_BYTES are read of it). */
  body?: Buffer | Readable;
  /** Ends the call early (the caller went away). */
  signal?: AbortSignal;
}

export interface ProxyAnswer {
  status: number;
  /** The provider's headers without hop-by-hop ones and Set-Cookie. */
  headers: Record<string, string | string[]>;
  body: Readable;
}

/** The connection's credentials, opened for one call. */
interface Access {
  connection: Connection;
  access: ConnectionAccess;
  /** OAuth: the connection holds a refresh token (a 401 may be retried after a refresh). */
  refreshable: boolean;
}

export class ProxyService {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly connectors: ConnectorService,
    private readonly secrets: ConnectionSecrets,
    private readonly tokens: TokenService,
    private readonly api: ProviderApi,
    private readonly settings: ProxySettings,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  async forward(connectionId: string, request: ProxyRequest): Promise<ProxyAnswer> {
    const started = process.hrtime.bigint();
    const method = request.method.toUpperCase();
    let slug = 'unknown';
    let attempts = 0;
    const done = (outcome: ProxyOutcome, status?: number) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.proxyCall(slug, outcome, seconds);
      this.logger.info(
        {
          event: 'runtime.proxy',
          connectionId,
          connectorSlug: slug,
          method,
          status,
          outcome,
          attempts,
          durationMs: Math.round(seconds * 1000),
        },
        'runtime proxy call',
      );
    };
    try {
      if (!isUuid(connectionId)) throw new BadRequestError('The connection id must be a UUID.');
      if (!METHOD.test(method)) throw new BadRequestError('The method is not a valid HTTP method.');
      const path = this.pathOf(request.path);
      const found = await this.connections.findLiveById(connectionId.toLowerCase());
      if (!found) throw new NotFoundError('No such connection.');
      slug = found.connectorSlug;
      const connector = this.connectors.forConnection(found.connectorSlug, found.authType);
      if (!connector.api) {
        throw new BadRequestError(`${connector.name} has no API this gateway knows how to call.`);
      }
      const api = connector.api;
      if (found.status !== 'connected') {
        throw new ConflictError(
          `The connection is ${found.status}` +
            (found.status === 'pending'
              ? ': connect it first.'
              : ': re-authorize it or submit its credentials.'),
        );
      }
      const body = await this.replayableBody(request);
      const headers = forwardedHeaders(request.headers ?? {});
      const target = request.query ? `${path}?${request.query}` : path;
      let current = await this.open(found, api);
      let refreshed = false;
      let retries = 0;
      for (;;) {
        const prepared = this.prepare(current.access, method, target, headers);
        attempts += 1;
        const answer = await this.send(prepared, body, request.signal);
        const replayable = body.replayable;
        if (answer.statusCode === 401 && current.refreshable && !refreshed && replayable) {
          refreshed = true;
          await answer.body.dump().catch(() => undefined);
          current = await this.reopen(current.connection, api);
          continue;
        }
        const wait = retryAfterSeconds(answer.headers['retry-after']);
        if (
          (answer.statusCode === 429 || answer.statusCode === 503) &&
          replayable &&
          RETRIED_METHODS.has(method) &&
          retries < this.settings.retries &&
          wait !== undefined &&
          wait <= this.settings.retryMaxSeconds
        ) {
          retries += 1;
          await answer.body.dump().catch(() => undefined);
          await sleep(wait * 1000, request.signal);
          continue;
        }
        done(outcomeOf(answer.statusCode), answer.statusCode);
        return {
          status: answer.statusCode,
          headers: answeredHeaders(answer.headers),
          body: answer.body,
        };
      }
    } catch (err) {
      const mapped = this.mapped(err);
      done(
        mapped instanceof ProviderUnavailableError ? 'unavailable' : 'refused',
        mapped instanceof AppError ? mapped.status : undefined,
      );
      throw mapped;
    }
  }

  private pathOf(raw: string): string {
    try {
      return callerPath(raw);
    } catch (err) {
      if (err instanceof ProviderRequestError) {
        throw new BadRequestError(`The path would leave the provider's API: ${err.message}`, [
          { field: 'path', message: err.message },
        ]);
      }
      throw err;
    }
  }

  private async open(connection: Connection, api: NonNullable<ConnectionAccess['api']>): Promise<Access> {
    const base = { authType: connection.authType, api, config: connection.config };
    if (connection.authType === 'oauth') {
      // Refreshed first when near expiry; 409 when the connection is no longer connected.
      const live = await this.tokens.liveAccessToken(connection);
      // Whether a refresh token is held: a refresh keeps one (a rotated one replaces it).
      const held = connection.secret
        ? (this.secrets.open(connection.id, connection.secret) as OAuthSecret)
        : undefined;
      return {
        connection,
        access: { ...base, accessToken: live.accessToken },
        refreshable: held?.refreshToken !== undefined,
      };
    }
    if (connection.authType === 'api_key' && connection.secret) {
      const { credentials } = this.secrets.open(connection.id, connection.secret) as ApiKeySecret;
      return { connection, access: { ...base, credentials }, refreshable: false };
    }
    return { connection, access: base, refreshable: false };
  }

  /** After a provider 401: one forced refresh, then the new token (409 when the grant is gone). */
  private async reopen(connection: Connection, api: NonNullable<ConnectionAccess['api']>): Promise<Access> {
    const after = await this.tokens.refresh(connection.id, { force: true });
    if (after.status !== 'connected') {
      throw new ConflictError(
        `The connection is ${after.status}: the provider refused to renew its token. Re-authorize it.`,
      );
    }
    return this.open(after, api);
  }

  private prepare(access: ConnectionAccess, method: string, target: string, headers: Record<string, string>) {
    try {
      return prepareProviderRequest(access, {
        method: method as Dispatcher.HttpMethod,
        path: target,
        headers,
      });
    } catch (err) {
      if (err instanceof ProviderRequestError) {
        throw new BadRequestError(`The request cannot be made: ${err.message}`, [
          { field: err.field ?? 'path', message: err.message },
        ]);
      }
      throw err;
    }
  }

  private async send(
    prepared: ReturnType<typeof prepareProviderRequest>,
    body: Body,
    signal: AbortSignal | undefined,
  ): Promise<Dispatcher.ResponseData> {
    try {
      return await this.api.stream(prepared, {
        ...(body.value !== undefined ? { body: body.value } : {}),
        idleTimeoutMs: this.settings.idleTimeoutMs,
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (body.tooLarge()) throw new PayloadTooLargeError(this.tooLargeMessage());
      throw err;
    }
  }

  /**
   * The body as it will be sent: empty, read into memory (declared at most REPLAYABLE_BODY_BYTES),
   * or a stream counted on its way (larger, or of unknown length), cut at PROXY_MAX_BODY_BYTES.
   */
  private async replayableBody(request: ProxyRequest): Promise<Body> {
    const { body } = request;
    const max = this.settings.maxBodyBytes;
    if (body === undefined) return { replayable: true, tooLarge: () => false };
    if (Buffer.isBuffer(body)) {
      if (body.length > max) throw new PayloadTooLargeError(this.tooLargeMessage());
      return { value: body, replayable: true, tooLarge: () => false };
    }
    const declared = contentLength(request.headers ?? {});
    if (declared !== undefined && declared > max) {
      body.resume();
      throw new PayloadTooLargeError(this.tooLargeMessage());
    }
    if (declared !== undefined && declared <= REPLAYABLE_BODY_BYTES) {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > max) throw new PayloadTooLargeError(this.tooLargeMessage());
        chunks.push(chunk);
      }
      return size === 0
        ? { replayable: true, tooLarge: () => false }
        : { value: Buffer.concat(chunks), replayable: true, tooLarge: () => false };
    }
    let size = 0;
    let over = false;
    const counted = new PassThrough({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > max) {
          over = true;
          callback(new PayloadTooLargeError());
          return;
        }
        callback(null, chunk);
      },
    });
    body.on('error', (err) => counted.destroy(err));
    body.pipe(counted);
    return { value: counted, replayable: false, tooLarge: () => over };
  }

  private tooLargeMessage(): string {
    return `The request body is larger than the proxy's limit of ${this.settings.maxBodyBytes} bytes.`;
  }

  private mapped(err: unknown): unknown {
    if (err instanceof AppError) return err;
    if (err instanceof ProviderRequestError) {
      return new BadRequestError(`The request cannot be made: ${err.message}`, [
        { field: err.field ?? 'config', message: err.message },
      ]);
    }
    if (err instanceof AddressNotAllowedError) {
      return new BadRequestError(
        'The API address is a private or local network address, which this gateway does not call.',
      );
    }
    const name = (err as { name?: unknown }).name;
    if (name === 'AbortError') return err;
    const code = (err as { code?: unknown }).code;
    const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
    return new ProviderUnavailableError(
      timedOut
        ? `The provider did not answer within ${this.settings.idleTimeoutMs} ms.`
        : 'The provider could not be reached.',
    );
  }
}

interface Body {
  value?: Buffer | Readable;
  /** Can be sent again (empty or held in memory). */
  replayable: boolean;
  /** The stream was cut at the size limit. */
  tooLarge(): boolean;
}

function outcomeOf(status: number): ProxyOutcome {
  return `${Math.min(Math.max(Math.floor(status / 100), 1), 5)}xx` as ProxyOutcome;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', stop, { once: true });
  });
}
