/**
 * A small HTTP client over fetch for the integration suites. Every gateway answer under /api/v1
 * or /internal/v1 is checked against openapi/openapi.yaml: a drift fails the test that saw it.
 */
import { assertMatchesOpenApi } from './openapi-contract';

export interface HttpResponse<T = any> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** A value to send as JSON, or a raw string body sent as is. */
  json?: unknown;
  raw?: string;
}

export async function request<T = any>(
  method: string,
  url: string,
  options: RequestOptions = {},
): Promise<HttpResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.raw !== undefined) {
    body = options.raw;
  }
  const res = await fetch(url, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  assertMatchesOpenApi({ method, url, status: res.status, headers: res.headers, text });
  return { status: res.status, headers: res.headers, text, body: parsed as T };
}

/** A client bound to a base URL and an API key. */
export function client(baseUrl: string, apiKey?: string) {
  const auth: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  const call = <T = any>(method: string, path: string, options: RequestOptions = {}) =>
    request<T>(method, `${baseUrl}${path}`, { ...options, headers: { ...auth, ...options.headers } });
  return {
    get: <T = any>(path: string, options?: RequestOptions) => call<T>('GET', path, options),
    post: <T = any>(path: string, json?: unknown, options?: RequestOptions) =>
      call<T>('POST', path, { ...options, json }),
    delete: <T = any>(path: string, options?: RequestOptions) => call<T>('DELETE', path, options),
    call,
  };
}

/**
 * Repeats `send` until it answers `status`, for at most `withinMs` after the first try (plus one
 * request's time); returns the last response, whose status the caller asserts. For changes that
 * take effect within a stated bound rather than at once (a cached key's revocation).
 */
export async function untilStatus<T = any>(
  send: () => Promise<HttpResponse<T>>,
  status: number,
  withinMs: number,
): Promise<HttpResponse<T>> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const response = await send();
    if (response.status === status || Date.now() > deadline) return response;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
