/**
 * One outgoing HTTP exchange, fenced (docs/architecture.md#outgoing-calls): the webhook sender uses
 * it today, and calls to providers are meant to go through it too.
 *
 * - The whole exchange — connect, request, answer head and body — ends within `timeoutMs`
 *   (one deadline for all of it, not a timer per phase a slow peer could keep resetting).
 * - At most `maxAnswerBytes` of the answer's body are read; then the socket is closed. A peer
 *   that answers and then trickles or floods its body holds nothing.
 * - A fresh connection per exchange, closed when it ends (no pooled socket, opened under other
 *   settings, can skip the address check or outlive the deadline).
 * - Redirects are not followed.
 * - `guarded`: the connection goes only to an address the guard allows (address-guard.ts): an IP
 *   literal is checked before connecting, a name through guardedLookup, which connects to the
 *   address it checked.
 */
import net from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { AddressNotAllowedError, checkAddress, guardedLookup } from './address-guard';

/** How much of an answer's body is read unless the caller says otherwise. */
export const MAX_ANSWER_BYTES_DEFAULT = 4 * 1024;

export interface ExchangeRequest {
  method: Dispatcher.HttpMethod;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** The whole exchange's bound, in milliseconds. */
  timeoutMs: number;
  /** Read at most this many bytes of the answer's body (default MAX_ANSWER_BYTES_DEFAULT). */
  maxAnswerBytes?: number;
  /** Refuse private and local addresses (the address guard). */
  guarded: boolean;
  /** Ends the exchange early (e.g. on shutdown); it then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface ExchangeAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The first bytes of the answer's body, at most `maxAnswerBytes`. */
  body: Buffer;
  /** Whether the body ended within the bounds (false: cut at the size limit, the deadline or an error). */
  complete: boolean;
}

/** The error an exchange rejects with when its deadline passes before the answer's head. */
export function timeoutError(timeoutMs: number): Error {
  const err = new Error(`timed out after ${timeoutMs} ms`);
  err.name = 'TimeoutError';
  return err;
}

function guardedConnector(timeoutMs: number): buildConnector.connector {
  const connect = buildConnector({ timeout: timeoutMs, lookup: guardedLookup() });
  return (options, callback) => {
    // Node resolves no IP literal through `lookup`: judge it here.
    const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
    if (net.isIP(host) !== 0 && !checkAddress(host).allowed) {
      callback(new AddressNotAllowedError(options.hostname), null);
      return;
    }
    connect(options, callback);
  };
}

let guardedAgent: Agent | undefined;

/**
 * A shared dispatcher that connects only to addresses the guard allows, for clients that bring
 * their own request flow (the OAuth token and revocation requests to a host a config value
 * decides). Its own timers are a backstop; callers bound the exchange with a signal.
 */
export function guardedDispatcher(): Dispatcher {
  guardedAgent ??= new Agent({ connect: guardedConnector(60_000) });
  return guardedAgent;
}

const UNDICI_TIMEOUTS = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** The AddressNotAllowedError behind an error undici reports, if the guard caused it. */
export function refusal(err: unknown): AddressNotAllowedError | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    if (e instanceof AddressNotAllowedError) return e;
  }
  return undefined;
}

export async function exchange(url: URL, request: ExchangeRequest): Promise<ExchangeAnswer> {
  const { timeoutMs } = request;
  const maxAnswerBytes = request.maxAnswerBytes ?? MAX_ANSWER_BYTES_DEFAULT;
  // One controller ends the exchange, at the deadline or when the caller's signal aborts (a
  // listener removed at the end, rather than AbortSignal.any, which a long-lived caller signal
  // would keep alive for every exchange).
  const ending = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ending.abort(timeoutError(timeoutMs));
  }, timeoutMs);
  const stop = () => ending.abort(request.signal?.reason);
  if (request.signal?.aborted) stop();
  request.signal?.addEventListener('abort', stop, { once: true });
  // undici's own per-phase timers are only a backstop behind the one deadline above.
  const backstopMs = timeoutMs * 2;
  const agent = new Agent({
    connect: request.guarded ? guardedConnector(backstopMs) : { timeout: backstopMs },
    connections: 1,
    pipelining: 0,
    headersTimeout: backstopMs,
    bodyTimeout: backstopMs,
  });
  try {
    const answer = await agent.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: ending.signal,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let complete = true;
    try {
      for await (const chunk of answer.body as AsyncIterable<Buffer>) {
        const room = maxAnswerBytes - size;
        chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
        size += Math.min(chunk.length, room);
        if (chunk.length >= room) {
          // The limit is reached (whether more would come is not waited for). Leaving the loop
          // destroys the body stream; the agent's socket closes below.
          complete = false;
          break;
        }
      }
    } catch {
      // The deadline, the caller's signal or the peer ended the body: the head still counts.
      complete = false;
    }
    return { status: answer.statusCode, headers: answer.headers, body: Buffer.concat(chunks), complete };
  } catch (err) {
    const refused = refusal(err);
    if (refused) throw refused;
    if (timedOut || UNDICI_TIMEOUTS.has((err as { code?: unknown }).code as string)) {
      throw timeoutError(timeoutMs);
    }
    throw err;
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', stop);
    // Closes the socket whatever state the exchange was left in.
    await agent.destroy().catch(() => undefined);
  }
}
