/**
 * A browser's part of an OAuth flow in plain HTTP: it follows nothing by itself, keeps cookies
 * per host like a browser (Path, Max-Age=0 deletion), and maps the gateway's PUBLIC_URL host to
 * the test gateway's loopback address. Gateway answers under /api/v1 are checked against
 * openapi/openapi.yaml, like those of ./http.
 */
import { assertMatchesOpenApi } from './openapi-contract';

interface StoredCookie {
  value: string;
  path: string;
}

export interface BrowserResponse {
  status: number;
  location: string | null;
  text: string;
  headers: Headers;
}

export class TestBrowser {
  private readonly jar = new Map<string, Map<string, StoredCookie>>();

  constructor(private readonly hostMap: Record<string, string> = {}) {}

  private resolve(url: string): URL {
    const parsed = new URL(url);
    const mapped = this.hostMap[parsed.origin];
    return mapped ? new URL(parsed.pathname + parsed.search, mapped) : parsed;
  }

  private cookieHeader(url: URL, logicalHost: string): string | undefined {
    const cookies = this.jar.get(logicalHost);
    if (!cookies) return undefined;
    const pairs = [...cookies.entries()]
      .filter(
        ([, cookie]) =>
          url.pathname === cookie.path || url.pathname.startsWith(`${cookie.path.replace(/\/$/, '')}/`),
      )
      .map(([name, cookie]) => `${name}=${cookie.value}`);
    return pairs.length > 0 ? pairs.join('; ') : undefined;
  }

  private store(logicalHost: string, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const attrs = new Map(
        attributes.map((attr) => {
          const i = attr.indexOf('=');
          return i === -1 ? [attr.toLowerCase(), ''] : [attr.slice(0, i).toLowerCase(), attr.slice(i + 1)];
        }),
      );
      const cookies = this.jar.get(logicalHost) ?? new Map<string, StoredCookie>();
      if (attrs.get('max-age') === '0' || value === '') cookies.delete(name);
      else cookies.set(name, { value, path: attrs.get('path') ?? '/' });
      this.jar.set(logicalHost, cookies);
    }
  }

  /** Cookies the browser holds for an origin (as the page's origin, e.g. PUBLIC_URL). */
  cookiesFor(origin: string): Map<string, StoredCookie> {
    return this.jar.get(new URL(origin).host) ?? new Map();
  }

  async request(
    method: 'GET' | 'POST',
    url: string,
    form?: Record<string, string>,
  ): Promise<BrowserResponse> {
    const logicalHost = new URL(url).host;
    const target = this.resolve(url);
    const headers: Record<string, string> = { accept: 'text/html' };
    const cookie = this.cookieHeader(target, logicalHost);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const res = await fetch(target, { method, headers, body, redirect: 'manual' });
    this.store(logicalHost, res.headers.getSetCookie());
    const location = res.headers.get('location');
    const text = await res.text();
    assertMatchesOpenApi({ method, url: target.toString(), status: res.status, headers: res.headers, text });
    return {
      status: res.status,
      location: location ? new URL(location, url).toString() : null,
      text,
      headers: res.headers,
    };
  }

  get(url: string): Promise<BrowserResponse> {
    return this.request('GET', url);
  }

  post(url: string, form: Record<string, string>): Promise<BrowserResponse> {
    return this.request('POST', url, form);
  }
}
