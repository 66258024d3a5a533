/**
 * The provider API fixture is what the gateway's verification, health checks and proxy are tested
 * against: if it accepted a credential in the wrong place, or a mode did not misbehave the way it
 * says, those tests would prove nothing. Real HTTP here, through undici's `request` (what the
 * gateway uses) and fetch.
 */
import { request } from 'undici';
import {
  DEFAULT_API_ACCOUNT,
  PROVIDER_API_ITEMS,
  startProviderApi,
  type ApiAccount,
  type ProviderApi,
} from '../fixtures/provider-api';

const GRACE: ApiAccount = { email: 'grace@example.test', id: 'acct-2', name: 'Grace Hopper' };

let api: ProviderApi;

beforeEach(async () => {
  api = await startProviderApi();
});
afterEach(async () => {
  await api.close();
});

async function call(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Headers; json: any }> {
  const res = await fetch(`${api.url}${path}`, { redirect: 'manual', ...init });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text === '' ? undefined : JSON.parse(text) };
}

function basic(username: string, password: string): string {
  return 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
}

describe('credentials', () => {
  it('answers /me with the account of an API key sent as X-Api-Key, api_key or Bearer', async () => {
    api.acceptApiKey('key-1', GRACE);
    for (const [path, headers] of [
      ['/me', { 'x-api-key': 'key-1' }],
      ['/me?api_key=key-1', {}],
      ['/me', { authorization: 'Bearer key-1' }],
    ] as const) {
      const res = await call(path, { headers });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ user: GRACE, tenant: 'root' });
    }
  });

  it('accepts an API key only where it was told to', async () => {
    api.acceptApiKey('key-h', undefined, ['x-api-key']);
    expect((await call('/me', { headers: { 'x-api-key': 'key-h' } })).status).toBe(200);
    expect((await call('/me?api_key=key-h')).status).toBe(401);
    expect((await call('/me', { headers: { authorization: 'Bearer key-h' } })).status).toBe(401);
  });

  it('uses the default account when none is given', async () => {
    api.acceptBearer('tok');
    const res = await call('/me', { headers: { authorization: 'Bearer tok' } });
    expect(res.json.user).toEqual(DEFAULT_API_ACCOUNT);
  });

  it('answers 401 JSON with a challenge without credentials, with wrong ones, and with a bearer token sent as a key', async () => {
    api.acceptBearer('tok-1');
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer nope' },
      { 'x-api-key': 'tok-1' },
    ];
    for (const headers of attempts) {
      const res = await call('/me', { headers });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: 'unauthorized', message: expect.any(String) });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    }
    expect((await call('/me?api_key=tok-1')).status).toBe(401);
  });

  it('checks Basic user name and password (RFC 7617: the password may hold colons)', async () => {
    api.acceptBasic('AC123', 'pa:ss', GRACE);
    expect((await call('/me', { headers: { authorization: basic('AC123', 'pa:ss') } })).json.user).toEqual(
      GRACE,
    );
    expect((await call('/me', { headers: { authorization: basic('AC123', 'wrong') } })).status).toBe(401);
    expect((await call('/me', { headers: { authorization: basic('other', 'pa:ss') } })).status).toBe(401);
    expect((await call('/me', { headers: { authorization: 'Bearer pa:ss' } })).status).toBe(401);
  });

  it('accepts a key sent as the Basic user name with an empty password (Stripe style)', async () => {
    api.acceptBasic('sk_test_1', '');
    expect((await call('/me', { headers: { authorization: basic('sk_test_1', '') } })).status).toBe(200);
  });

  it('answers POST /me and HEAD /me like GET, and 405 to other methods', async () => {
    api.acceptApiKey('k');
    const post = await call('/me', { method: 'POST', headers: { 'x-api-key': 'k' }, body: '{}' });
    expect(post.status).toBe(200);
    expect(post.json.user).toEqual(DEFAULT_API_ACCOUNT);
    const head = await request(`${api.url}/me`, { method: 'HEAD', headers: { 'x-api-key': 'k' } });
    await head.body.text();
    expect(head.statusCode).toBe(200);
    expect((await call('/me', { method: 'DELETE', headers: { 'x-api-key': 'k' } })).status).toBe(405);
  });

  it('refuses a revoked key, token or Basic password afterwards', async () => {
    api.acceptApiKey('k1');
    api.acceptBearer('t1');
    api.acceptBasic('user', 'pw');
    api.revoke('k1');
    api.revoke('t1');
    api.revoke('pw');
    expect((await call('/me', { headers: { 'x-api-key': 'k1' } })).status).toBe(401);
    expect((await call('/me', { headers: { authorization: 'Bearer t1' } })).status).toBe(401);
    expect((await call('/me', { headers: { authorization: basic('user', 'pw') } })).status).toBe(401);
  });

  it('asks validateBearer about tokens it does not know, and honours revoke for them', async () => {
    await api.close();
    const asked: string[] = [];
    api = await startProviderApi({
      validateBearer: (token) => {
        asked.push(token);
        return token.startsWith('oauth-') ? GRACE : undefined;
      },
    });
    expect((await call('/me', { headers: { authorization: 'Bearer oauth-1' } })).json.user).toEqual(GRACE);
    expect((await call('/me', { headers: { authorization: 'Bearer other' } })).status).toBe(401);
    expect(asked).toEqual(['oauth-1', 'other']);
    api.revoke('oauth-1');
    expect((await call('/me', { headers: { authorization: 'Bearer oauth-1' } })).status).toBe(401);
  });

  it('keeps every credential registered or presented, valid or not', async () => {
    api.acceptApiKey('registered-key');
    api.acceptBasic('api', 'basic-secret');
    await call('/me', { headers: { authorization: 'Bearer presented-token' } });
    await call('/items?api_key=query-key');
    await call('/nowhere', { headers: { 'x-api-key': 'header-key' } });
    await call('/me', { headers: { authorization: basic('api', 'sent-password') } });
    const seen = api.credentialsSeen();
    for (const secret of [
      'registered-key',
      'basic-secret',
      'presented-token',
      'query-key',
      'header-key',
      'sent-password',
      Buffer.from('api:sent-password').toString('base64'),
    ])
      expect(seen).toContain(secret);
    // A Basic user name with a password is not a secret (Mailgun's "api", Twilio's account SID).
    expect(seen).not.toContain('api');
  });
});

describe('routes and tenants', () => {
  it('lists items for an accepted credential only', async () => {
    api.acceptApiKey('k');
    const res = await call('/items', { headers: { 'x-api-key': 'k' } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ items: PROVIDER_API_ITEMS, tenant: 'root' });
    expect((await call('/items')).status).toBe(401);
  });

  it('serves every route under /t/<tenant>/ too, naming the tenant', async () => {
    api.acceptApiKey('k');
    expect((await call('/t/acme-2/me', { headers: { 'x-api-key': 'k' } })).json).toEqual({
      user: DEFAULT_API_ACCOUNT,
      tenant: 'acme-2',
    });
    expect((await call('/t/acme-2/items', { headers: { 'x-api-key': 'k' } })).json.tenant).toBe('acme-2');
    expect((await call('/t/acme-2/echo')).json.tenant).toBe('acme-2');
    expect((await call('/t/Bad_Tenant/me', { headers: { 'x-api-key': 'k' } })).status).toBe(404);
  });

  it('answers 404 JSON elsewhere', async () => {
    const res = await call('/v1/nothing');
    expect(res.status).toBe(404);
    expect(res.json.error).toBe('not_found');
  });

  it('echoes the request it saw, whatever the method and credentials', async () => {
    const res = await call('/t/acme/echo?a=1&b=%20x', {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'X-Custom': 'yes' },
      body: 'hello',
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      method: 'PUT',
      path: '/t/acme/echo?a=1&b=%20x',
      tenant: 'acme',
      query: { a: '1', b: ' x' },
      body: 'hello',
    });
    expect(res.json.headers['x-custom']).toBe('yes');
    expect(res.json.headers['content-type']).toBe('text/plain');
  });

  it('records every request in order, raw path and lower-case headers, and forgets them on clearRequests', async () => {
    await call('/echo?x=%2F');
    await call('/t/acme/me', { method: 'POST', headers: { 'X-Api-Key': 'nope' }, body: '{"a":1}' });
    expect(api.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/echo?x=%2F',
        tenant: 'root',
        body: '',
        mode: 'normal',
      }),
      expect.objectContaining({ method: 'POST', path: '/t/acme/me', tenant: 'acme', body: '{"a":1}' }),
    ]);
    expect(api.requests[1]!.headers['x-api-key']).toBe('nope');
    api.clearRequests();
    expect(api.requests).toEqual([]);
  });
});

describe('modes', () => {
  it.each([401, 403, 400, 404, 500, 503])('status %i answers that status as JSON', async (status) => {
    api.acceptApiKey('k');
    api.setMode('status', { status });
    const res = await call('/me', { headers: { 'x-api-key': 'k' } });
    expect(res.status).toBe(status);
    expect(res.json).toEqual({ error: `status_${status}`, message: expect.any(String) });
    expect(api.requests[0]!.mode).toBe('status');
  });

  it('status 429 carries Retry-After, a chosen body and headers', async () => {
    api.setMode('status', { status: 429, retryAfter: 2, body: { slow: 'down' }, headers: { 'x-r': '1' } });
    const res = await call('/echo');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('x-r')).toBe('1');
    expect(res.json).toEqual({ slow: 'down' });
  });

  it('applies a mode to the next `count` requests, then answers normally', async () => {
    api.setMode('status', { status: 503, count: 2 });
    expect((await call('/echo')).status).toBe(503);
    expect((await call('/echo')).status).toBe(503);
    expect((await call('/echo')).status).toBe(200);
  });

  it('keeps a mode until set back to normal', async () => {
    api.setMode('status', { status: 500 });
    for (let i = 0; i < 3; i++) expect((await call('/echo')).status).toBe(500);
    api.setMode('normal');
    expect((await call('/echo')).status).toBe(200);
  });

  it('silent accepts the request and never answers until the client gives up', async () => {
    api.setMode('silent');
    const started = Date.now();
    await expect(fetch(`${api.url}/echo`, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(api.requests).toHaveLength(1);
    await expect(
      request(`${api.url}/me`, { headersTimeout: 200, bodyTimeout: 200 }).then((r) => r.body.text()),
    ).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
  });

  it('silent requests are dropped at close()', async () => {
    api.setMode('silent');
    const pending = request(`${api.url}/echo`).then(
      () => 'answered',
      () => 'failed',
    );
    while (api.requests.length === 0) await new Promise((done) => setTimeout(done, 10));
    await api.close();
    expect(await pending).toBe('failed');
    api = await startProviderApi();
  });

  it('reset destroys the socket without an answer, after reading the request', async () => {
    api.setMode('reset', { count: 1 });
    await expect(request(`${api.url}/echo`, { method: 'POST', body: 'payload' })).rejects.toMatchObject({
      code: expect.stringMatching(/^(UND_ERR_SOCKET|ECONNRESET)$/),
    });
    expect(api.requests[0]).toMatchObject({ method: 'POST', body: 'payload', mode: 'reset' });
    expect((await call('/echo')).status).toBe(200);
  });

  it('redirect answers 302 to the location given, or to /echo', async () => {
    api.setMode('redirect', { location: 'https://elsewhere.example/me' });
    let res = await call('/me');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://elsewhere.example/me');
    api.setMode('redirect');
    res = await call('/me');
    expect(res.headers.get('location')).toBe(`${api.url}/echo`);
  });

  it('slow answers normally after delayMs', async () => {
    api.acceptApiKey('k');
    api.setMode('slow', { delayMs: 300, count: 1 });
    const started = Date.now();
    const res = await call('/me', { headers: { 'x-api-key': 'k' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(res.status).toBe(200);
    expect(res.json.user).toEqual(DEFAULT_API_ACCOUNT);
  });

  it('a slow answer the client gave up on is not an error, and close() does not wait for it', async () => {
    api.setMode('slow', { delayMs: 60_000 });
    await expect(fetch(`${api.url}/echo`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    const pending = request(`${api.url}/echo`).catch(() => 'failed');
    while (api.requests.length < 2) await new Promise((done) => setTimeout(done, 10));
    const started = Date.now();
    await api.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBe('failed');
    api = await startProviderApi();
  });

  it('a per-tenant mode applies to that tenant only, and wins over the global one', async () => {
    api.setMode('status', { status: 503, tenant: 'acme' });
    expect((await call('/t/acme/echo')).status).toBe(503);
    expect((await call('/t/other/echo')).status).toBe(200);
    expect((await call('/echo')).status).toBe(200);
    api.setMode('status', { status: 500 });
    expect((await call('/t/acme/echo')).status).toBe(503);
    expect((await call('/t/other/echo')).status).toBe(500);
    api.setMode('normal', { tenant: 'acme' });
    expect((await call('/t/acme/echo')).status).toBe(500);
    api.setMode('status', { status: 429, tenant: 'root', count: 1 });
    expect((await call('/echo')).status).toBe(429);
    expect((await call('/echo')).status).toBe(500);
    api.setMode('status', { status: 401, tenant: 'acme' });
    api.setMode('normal');
    expect((await call('/t/acme/echo')).status).toBe(200);
    expect((await call('/echo')).status).toBe(200);
  });
});
