/**
 * The runtime's proxy (README "The runtime's proxy"): requests of the agent runtime forwarded to a
 * connection's provider with its credentials injected, the answer streamed back. The provider is
 * the API fixture on loopback (test/fixtures/provider-api.ts), which records every request as it
 * was on the wire; escapes from the base URL are sent as raw bytes, since an HTTP client would
 * resolve `..` before sending.
 */
import net from 'node:net';
import { startOAuthProvider, type OAuthProvider } from '../fixtures/oauth-provider';
import { oauthBearerValidator, startProviderApi, type ProviderApi } from '../fixtures/provider-api';
import { TestBrowser } from '../support/browser';
import { connectorsFiles } from '../support/connectors-file';
import { startGateway, type TestGateway } from '../support/gateway';
import { client } from '../support/http';
import { assertMatchesOpenApi } from '../support/openapi-contract';
import { until } from '../support/wait';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  GATEWAY_CLIENT,
  PUBLIC_URL,
  RUNTIME_TOKEN,
  consent,
} from '../support/oauth-setup';

const writeConnectors = connectorsFiles('gw-runtime-proxy');

const MAX_BODY = 4096;

/** A call through the proxy with the runtime token (or `token`), redirects not followed. */
async function proxy(
  gw: TestGateway,
  id: string,
  target: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; token?: string } = {},
) {
  const res = await fetch(`${gw.baseUrl}/internal/v1/connections/${id}/proxy${target}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${init.token ?? RUNTIME_TOKEN}`, ...init.headers },
    ...(init.body !== undefined ? { body: init.body } : {}),
    redirect: 'manual',
  });
  const text = await res.text();
  assertMatchesOpenApi({
    method: init.method ?? 'GET',
    url: res.url,
    status: res.status,
    headers: res.headers,
    text,
  });
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** Sends `head` (request line and headers, CRLF-separated, no final blank line) and `body` as raw bytes. */
function raw(gw: TestGateway, head: string, body = ''): Promise<{ status: number; text: string }> {
  const { port } = new URL(gw.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
    socket.write(`${head}\r\nConnection: close\r\n\r\n${body}`, 'latin1');
  });
}

describe('the runtime proxy with an api_key connector', () => {
  let api: ProviderApi;
  let gw: TestGateway;
  const slug = 'proxy-tenant';
  const key = 'proxy-key-5ecret-0001';
  let id: string;

  beforeAll(async () => {
    api = await startProviderApi();
    api.acceptApiKey(key);
    const base = {
      name: 'Proxy Tenant API',
      description: 'A tenant API behind the proxy.',
      authType: 'api_key',
      availability: 'available',
      categories: ['dev-tools'],
      tools: [],
      credentialFields: [{ key: 'apiKey', label: 'API key', required: true, secret: true }],
    };
    const file = writeConnectors('proxy.json', [
      {
        ...base,
        slug,
        connectionConfig: [{ key: 'tenant', label: 'Tenant', required: true, pattern: '^[a-z0-9-]{1,63}$' }],
        api: { baseUrl: `${api.url}/t/\${config.tenant}`, headers: { 'X-Api-Key': '${credentials.apiKey}' } },
        verify: { method: 'GET', path: '/me' },
      },
      { ...base, slug: 'proxy-no-api' },
    ]);
    gw = await startGateway({
      env: {
        CONNECTORS_FILE: file,
        RUNTIME_TOKEN,
        PROXY_MAX_BODY_BYTES: String(MAX_BODY),
        PROXY_RETRY_MAX_SECONDS: '1',
        PROXY_RETRIES: '2',
        METRICS_ENABLED: 'true',
      },
    });
    id = await connect();
  });
  afterAll(async () => {
    await gw.close();
    await api.close();
  });
  beforeEach(() => api.clearRequests());
  afterEach(() => api.setMode('normal'));

  async function connect(): Promise<string> {
    const { apiKey } = await gw.newOwner('proxy');
    const o = client(gw.baseUrl, apiKey);
    const created = await o.post('/api/v1/connections', { connectorSlug: slug, config: { tenant: 'acme' } });
    const connectionId = created.body.connection.id as string;
    const submitted = await o.post(`/api/v1/connections/${connectionId}/credentials`, {
      credentials: { apiKey: key },
    });
    expect(submitted.status).toBe(200);
    return connectionId;
  }

  it('forwards method, path, query and body with the credentials injected', async () => {
    const res = await proxy(gw, id, '/echo?x=1&y=two%20words', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-custom': 'kept', 'x-api-key': 'caller-tried' },
      body: '{"hello":"world"}',
    });
    expect(res.status).toBe(200);
    expect(api.requests).toHaveLength(1);
    const seen = api.requests[0]!;
    expect(seen).toMatchObject({
      method: 'POST',
      path: '/t/acme/echo?x=1&y=two%20words',
      body: '{"hello":"world"}',
    });
    expect(seen.headers['x-api-key']).toBe(key);
    expect(seen.headers['x-custom']).toBe('kept');
    expect(seen.headers['content-type']).toBe('application/json');
    expect(seen.headers['content-length']).toBe('17');
    expect(res.body).toMatchObject({ method: 'POST', query: { x: '1', y: 'two words' } });
  });

  it("drops the caller's Authorization, Cookie, Host and hop-by-hop headers", async () => {
    const res = await raw(
      gw,
      [
        `GET /internal/v1/connections/${id}/proxy/echo HTTP/1.1`,
        'Host: gateway.example',
        `Authorization: Bearer ${RUNTIME_TOKEN}`,
        'Cookie: session=abc',
        'Keep-Alive: timeout=5',
        'TE: trailers',
        'Trailer: x-after',
        'Upgrade: websocket',
        'Proxy-Authorization: Basic Zm9vOmJhcg==',
        'Proxy-Connection: keep-alive',
        'X-Listed: by-connection',
        'X-Kept: yes',
        'Connection: x-listed',
      ].join('\r\n'),
    );
    expect(res.status).toBe(200);
    const seen = api.requests[0]!.headers;
    for (const name of [
      'cookie',
      'keep-alive',
      'te',
      'trailer',
      'upgrade',
      'proxy-authorization',
      'proxy-connection',
      'x-listed',
    ]) {
      expect({ name, value: seen[name] }).toEqual({ name, value: undefined });
    }
    expect(seen.authorization).toBeUndefined();
    expect(seen.host).toBe(new URL(api.url).host);
    expect(seen['x-kept']).toBe('yes');
    expect(JSON.stringify(seen)).not.toContain(RUNTIME_TOKEN);
  });

  it("answers the provider's status, headers and body, without Set-Cookie or hop-by-hop headers", async () => {
    api.setMode('status', {
      status: 418,
      body: { teapot: true },
      headers: { 'set-cookie': 'sid=provider; Path=/', 'x-provider': 'yes', 'keep-alive': 'timeout=9' },
      count: 1,
    });
    const res = await proxy(gw, id, '/anything');
    expect(res.status).toBe(418);
    expect(res.body).toEqual({ teapot: true });
    expect(res.headers.get('x-provider')).toBe('yes');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('keep-alive')).not.toBe('timeout=9');
  });

  it('passes a redirect back without following it', async () => {
    api.setMode('redirect', { location: 'https://elsewhere.example/landing', count: 1 });
    const res = await proxy(gw, id, '/somewhere');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://elsewhere.example/landing');
    expect(api.requests).toHaveLength(1);
  });

  it('refuses a body over PROXY_MAX_BODY_BYTES with 413, declared or streamed', async () => {
    const declared = await proxy(gw, id, '/echo', { method: 'POST', body: 'x'.repeat(MAX_BODY + 1) });
    expect(declared.status).toBe(413);
    expect(declared.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(api.requests).toHaveLength(0);

    const chunk = 'y'.repeat(1000);
    const chunks = Array.from({ length: 6 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
    const streamed = await raw(
      gw,
      [
        `POST /internal/v1/connections/${id}/proxy/echo HTTP/1.1`,
        'Host: gateway.example',
        `Authorization: Bearer ${RUNTIME_TOKEN}`,
        'Transfer-Encoding: chunked',
      ].join('\r\n'),
      `${chunks}0\r\n\r\n`,
    );
    expect(streamed.status).toBe(413);
    expect(streamed.text).toContain('PAYLOAD_TOO_LARGE');
    // Whatever reached the provider was cut short: never the whole body.
    for (const r of api.requests) expect(r.body.length).toBeLessThan(6000);

    const within = await proxy(gw, id, '/echo', { method: 'PUT', body: 'z'.repeat(MAX_BODY) });
    expect(within.status).toBe(200);
    expect(within.body.body).toHaveLength(MAX_BODY);
  });

  it('refuses a path that would leave the base URL with 400, sending nothing (raw bytes on the wire)', async () => {
    const escapes = [
      '/../x',
      '/..',
      '/a/../../x',
      '/%2e%2e/x',
      '/%2E%2E/x',
      '/%2E./x',
      '/.%2e/x',
      '/..%2fx',
      '/..%2Fme',
      '/%2e%2e%2fx',
      '/..%5cx',
      '/%2e%2e%5Cx',
      '/..\\x',
      '/a\\..\\..\\x',
      '/./x',
      '/http://evil.example/x',
      '/https:evil.example/x',
      '/HTTPS://evil.example',
      '//evil.example/x',
      '///evil.example/x',
    ];
    for (const escape of escapes) {
      const res = await raw(
        gw,
        [
          `GET /internal/v1/connections/${id}/proxy${escape} HTTP/1.1`,
          'Host: gateway.example',
          `Authorization: Bearer ${RUNTIME_TOKEN}`,
        ].join('\r\n'),
      );
      expect({ escape, status: res.status }).toEqual({ escape, status: 400 });
      // The proxy's own refusal, naming the path (not some other 400 on the way).
      expect({ escape, names: res.text.includes('"field":"path"') }).toEqual({ escape, names: true });
    }
    expect(api.requests).toEqual([]);
  });

  it('retries a 429 or 503 with a short Retry-After for GET, waiting as told', async () => {
    api.setMode('status', { status: 429, retryAfter: 1, count: 1 });
    const started = Date.now();
    const res = await proxy(gw, id, '/echo');
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(api.requests).toHaveLength(2);

    api.clearRequests();
    api.setMode('status', { status: 503, retryAfter: 0, count: 5 });
    const exhausted = await proxy(gw, id, '/echo', { method: 'DELETE' });
    expect(exhausted.status).toBe(503);
    expect(api.requests).toHaveLength(3);

    api.setMode('normal');
    api.clearRequests();
    api.setMode('status', { status: 503, retryAfter: 5, count: 1 });
    const tooLong = await proxy(gw, id, '/echo');
    expect(tooLong.status).toBe(503);
    expect(tooLong.headers.get('retry-after')).toBe('5');
    expect(api.requests).toHaveLength(1);
  });

  it('never retries a POST or PATCH', async () => {
    for (const method of ['POST', 'PATCH']) {
      api.clearRequests();
      api.setMode('status', { status: 503, retryAfter: 0, count: 1 });
      const res = await proxy(gw, id, '/echo', { method, body: '{}' });
      expect({ method, status: res.status, sent: api.requests.length }).toEqual({
        method,
        status: 503,
        sent: 1,
      });
      api.setMode('normal');
    }
  });

  it('forwards HEAD and answers the status and headers without a body', async () => {
    const res = await proxy(gw, id, '/me', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]).toMatchObject({ method: 'HEAD', path: '/t/acme/me' });
    expect(api.requests[0]!.headers['x-api-key']).toBe(key);
  });

  it('abandons the provider call when the caller goes away, and goes on answering', async () => {
    api.setMode('slow', { delayMs: 20_000, count: 1 });
    const leaving = new AbortController();
    const call = fetch(`${gw.baseUrl}/internal/v1/connections/${id}/proxy/echo?marker=left-early`, {
      headers: { authorization: `Bearer ${RUNTIME_TOKEN}` },
      signal: leaving.signal,
    });
    await until(() => api.requests.length === 1, 5_000, 'the provider to see the call');
    const started = Date.now();
    leaving.abort();
    await expect(call).rejects.toThrow();
    // The call is over for the gateway too (its log line written) long before the provider's 20 s.
    await until(
      () =>
        gw.logs.some(
          (line) => line.includes('"runtime.proxy"') && line.includes(id) && line.includes('"unavailable"'),
        ),
      5_000,
      'the abandoned call to be logged',
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    api.setMode('normal');
    expect((await proxy(gw, id, '/echo')).status).toBe(200);
  });

  it('counts calls by connector and outcome in the metrics', async () => {
    const count = async (outcome: string) => {
      const text = await (await fetch(`${gw.baseUrl}/metrics`)).text();
      const line = text
        .split('\n')
        .find(
          (l) =>
            l.startsWith('proxy_requests_total{') &&
            l.includes(`connector="${slug}"`) &&
            l.includes(`outcome="${outcome}"`),
        );
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const [ok, clientError, unavailable] = [
      await count('2xx'),
      await count('4xx'),
      await count('unavailable'),
    ];
    await proxy(gw, id, '/echo');
    api.setMode('status', { status: 404, count: 1 });
    await proxy(gw, id, '/echo');
    api.setMode('reset', { count: 1 });
    await proxy(gw, id, '/echo');
    expect(await count('2xx')).toBe(ok + 1);
    expect(await count('4xx')).toBe(clientError + 1);
    expect(await count('unavailable')).toBe(unavailable + 1);
    const text = await (await fetch(`${gw.baseUrl}/metrics`)).text();
    expect(text).toMatch(new RegExp(`proxy_request_duration_seconds_count\\{[^}]*connector="${slug}"`));
  });

  it('answers 502 when the provider cannot be reached', async () => {
    api.setMode('reset', { count: 1 });
    const res = await proxy(gw, id, '/echo');
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('PROVIDER_UNAVAILABLE');
  });

  it('is 409 for a connection that is not connected, 400 for a connector without api, 404 for an unknown one', async () => {
    const { apiKey } = await gw.newOwner('proxy');
    const o = client(gw.baseUrl, apiKey);
    const pending = await o.post('/api/v1/connections', { connectorSlug: slug, config: { tenant: 'other' } });
    const res = await proxy(gw, pending.body.connection.id as string, '/echo');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CONFLICT');

    const noApi = await o.post('/api/v1/connections', { connectorSlug: 'proxy-no-api' });
    const noApiId = noApi.body.connection.id as string;
    await o.post(`/api/v1/connections/${noApiId}/credentials`, { credentials: { apiKey: 'whatever-key' } });
    const refused = await proxy(gw, noApiId, '/echo');
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('BAD_REQUEST');

    expect((await proxy(gw, '00000000-0000-4000-8000-000000000000', '/echo')).status).toBe(404);
    expect((await proxy(gw, 'not-a-uuid', '/echo')).status).toBe(400);
    expect(api.requests).toEqual([]);
  });

  it('is 401 for an owner key, a session token or no token', async () => {
    const { apiKey } = await gw.newOwner('proxy');
    const session = await client(gw.baseUrl, apiKey).post('/api/v1/sessions', {});
    expect(session.status).toBe(201);
    for (const token of [apiKey, session.body.token as string, '']) {
      const res = await proxy(gw, id, '/echo', { token });
      expect(res.status).toBe(401);
    }
    expect(api.requests).toEqual([]);
  });

  it('logs each call with connection, connector, method, status and duration, and never a secret or the query', async () => {
    await proxy(gw, id, '/echo?marker=query-marker-7');
    const lines = gw.logs.filter((line) => line.includes('"runtime.proxy"')).map((line) => JSON.parse(line));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatchObject({
      connectionId: id,
      connectorSlug: slug,
      method: 'GET',
      status: 200,
      durationMs: expect.any(Number),
    });
    const everything = gw.logs.join('\n');
    expect(everything).not.toContain('query-marker-7');
    for (const secret of api.credentialsSeen()) expect(everything).not.toContain(secret);
    expect(everything).not.toContain(RUNTIME_TOKEN);
  });
});

describe('the runtime proxy with an OAuth connector', () => {
  let provider: OAuthProvider;
  let api: ProviderApi;
  let gw: TestGateway;
  const slug = 'proxy-oauth';

  beforeAll(async () => {
    provider = await startOAuthProvider({ clients: [GATEWAY_CLIENT] });
    api = await startProviderApi({ validateBearer: oauthBearerValidator(provider) });
    const definition = {
      ...provider.connectorDefinition(slug),
      categories: ['crm'],
      api: { baseUrl: `${api.url}/t/oauth` },
    };
    gw = await startGateway({
      env: {
        CONNECTORS_FILE: writeConnectors('oauth.json', [definition]),
        CONNECTOR_PROXY_OAUTH_CLIENT_ID: CLIENT_ID,
        CONNECTOR_PROXY_OAUTH_CLIENT_SECRET: CLIENT_SECRET,
        PUBLIC_URL,
        RUNTIME_TOKEN,
      },
    });
  });
  afterAll(async () => {
    await gw.services.providerRevocation.settle(1_000);
    await gw.close();
    await api.close();
    await provider.close();
  });
  beforeEach(() => api.clearRequests());

  async function signIn() {
    const { apiKey } = await gw.newOwner('proxy-oauth');
    const o = client(gw.baseUrl, apiKey);
    const created = await o.post('/api/v1/connections', { connectorSlug: slug });
    expect(created.status).toBe(201);
    const browser = new TestBrowser({ [PUBLIC_URL]: gw.baseUrl });
    const { callbackUrl } = await consent({ provider } as never, browser, created.body.oauthUrl);
    await browser.get(callbackUrl);
    return { o, id: created.body.connection.id as string };
  }

  async function accessToken(id: string): Promise<string> {
    const read = await client(gw.baseUrl, RUNTIME_TOKEN).get(`/internal/v1/connections/${id}/credentials`);
    return read.body.credentials.accessToken as string;
  }

  it('sends the access token as a Bearer token', async () => {
    const { id } = await signIn();
    const res = await proxy(gw, id, '/me');
    expect(res.status).toBe(200);
    expect(api.requests[0]!.headers.authorization).toBe(`Bearer ${await accessToken(id)}`);
  });

  it('refreshes a token near expiry before the call, which goes out once with the new token', async () => {
    provider.setOptions({ accessTokenTtlSeconds: 60 }); // inside TOKEN_REFRESH_AHEAD_SECONDS (300)
    const { id } = await signIn();
    provider.setOptions({ accessTokenTtlSeconds: 3600 });
    const refreshes = () => provider.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;
    const before = refreshes();
    const res = await proxy(gw, id, '/me');
    expect(res.status).toBe(200);
    expect(refreshes()).toBe(before + 1);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]!.headers.authorization).toBe(`Bearer ${await accessToken(id)}`);
    expect(refreshes()).toBe(before + 1);
  });

  it('refreshes once on a provider 401 and retries once with the new token', async () => {
    const { id } = await signIn();
    const before = await accessToken(id);
    api.revoke(before);
    const refreshesBefore = provider.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;
    const res = await proxy(gw, id, '/me', { method: 'GET' });
    expect(res.status).toBe(200);
    expect(api.requests).toHaveLength(2);
    expect(api.requests[0]!.headers.authorization).toBe(`Bearer ${before}`);
    const after = await accessToken(id);
    expect(after).not.toBe(before);
    expect(api.requests[1]!.headers.authorization).toBe(`Bearer ${after}`);
    expect(provider.tokenRequests.filter((r) => r.grantType === 'refresh_token')).toHaveLength(
      refreshesBefore + 1,
    );

    // Still 401 after the refresh: passed back, not retried again.
    api.clearRequests();
    api.setMode('status', { status: 401, count: 3 });
    const again = await proxy(gw, id, '/me');
    expect(again.status).toBe(401);
    expect(api.requests).toHaveLength(2);
    api.setMode('normal');
  });

  it('turns the connection expired and answers 409 when the refresh is refused with invalid_grant', async () => {
    const { o, id } = await signIn();
    provider.revokeAllRefreshTokens(await accessToken(id));
    const res = await proxy(gw, id, '/me');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CONFLICT');
    const after = await o.get(`/api/v1/connections/${id}`);
    expect(after.body.connection.status).toBe('expired');
    const everything = gw.logs.join('\n');
    for (const token of provider.issuedTokens()) expect(everything).not.toContain(token);
    for (const secret of api.credentialsSeen()) expect(everything).not.toContain(secret);
  });
});

describe('the runtime proxy where a config value decides the host', () => {
  let allowing: TestGateway;
  let guarded: TestGateway;
  const slug = 'proxy-config-host';

  beforeAll(async () => {
    const file = writeConnectors('config-host.json', [
      {
        slug,
        name: 'Config Host API',
        description: 'An API on a host each connection names.',
        authType: 'api_key',
        availability: 'available',
        categories: ['dev-tools'],
        tools: [],
        credentialFields: [{ key: 'apiKey', label: 'API key', required: true, secret: true }],
        connectionConfig: [
          {
            key: 'host',
            label: 'Host',
            required: true,
            pattern: '^[a-z0-9.-]{1,253}$',
            example: 'api.acme.example',
          },
        ],
        api: { baseUrl: 'https://${config.host}/v1', headers: { 'X-Api-Key': '${credentials.apiKey}' } },
      },
    ]);
    // One database, two settings: a connection made where private networks are allowed (a
    // development gateway, or a name that resolved elsewhere then) is called by one where they are not.
    allowing = await startGateway({
      env: { CONNECTORS_FILE: file, RUNTIME_TOKEN, PROXY_ALLOW_PRIVATE_NETWORKS: 'true' },
    });
    guarded = await startGateway({
      env: { CONNECTORS_FILE: file, RUNTIME_TOKEN, PROXY_ALLOW_PRIVATE_NETWORKS: 'false' },
    });
  });
  afterAll(async () => {
    await allowing.close();
    await guarded.close();
  });

  it.each(['localhost', '127.0.0.1', 'localhost.'])(
    'refuses with 400, sending nothing, a call to %s where private networks are not allowed',
    async (host) => {
      const { apiKey } = await allowing.newOwner('proxy-host');
      const o = client(allowing.baseUrl, apiKey);
      const created = await o.post('/api/v1/connections', { connectorSlug: slug, config: { host } });
      expect(created.status).toBe(201);
      const id = created.body.connection.id as string;
      expect(
        (
          await o.post(`/api/v1/connections/${id}/credentials`, {
            credentials: { apiKey: 'host-key-0123456789' },
          })
        ).status,
      ).toBe(200);
      const res = await proxy(guarded, id, '/items');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('private or local network');
      expect(guarded.logs.join('\n')).not.toContain('host-key-0123456789');
    },
  );
});
