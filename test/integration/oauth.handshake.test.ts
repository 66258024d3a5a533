/**
 * The OAuth 2.0 handshake end to end (docs/security.md#oauth-done-right): a real authorization
 * server on loopback, the browser's part in plain HTTP with cookies carried like a browser.
 */
import { createHash } from 'node:crypto';
import { ConnectDocument, ReauthorizeDocument } from '../graphql/generated/graphql';
import { gql } from '../support/graphql';
import { client } from '../support/http';
import {
  CALLBACK,
  CLIENT_ID,
  consent,
  createOAuthConnection,
  openAndContinue,
  PUBLIC_URL,
  runtimeRead,
  startOAuthWorld,
  type OAuthWorld,
} from '../support/oauth-setup';

describe('OAuth handshake', () => {
  let world: OAuthWorld;
  beforeAll(async () => {
    world = await startOAuthWorld({ env: { RETURN_URL_ALLOWLIST: 'https://app.example.com' } });
  });
  afterAll(() => world.close());

  const tokenCalls = () => world.provider.tokenRequests.filter((r) => r.endpoint === 'token').length;
  const row = async (id: string) =>
    (await world.gateway.dataSource.query('SELECT * FROM connections WHERE id = $1', [id]))[0];

  it('connects: oauthUrl → confirmation page → Continue: cookie + 302 with PKCE S256, consent, callback page, tokens stored sealed', async () => {
    const { id, oauthUrl, apiKey } = await createOAuthConnection(world);
    expect(oauthUrl).toMatch(
      new RegExp(`^${PUBLIC_URL}/api/v1/connections/${id}/oauth\\?ticket=[A-Za-z0-9_-]{43}$`),
    );
    const browser = world.browser();
    const { page, continued: opened } = await openAndContinue(browser, oauthUrl);
    expect(page.status).toBe(200);
    expect(opened.status).toBe(302);
    const setCookie = opened.headers
      .getSetCookie()
      .find((c) => c.startsWith('alm_oauth_') && !c.startsWith('alm_oauth_confirm'))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\/api\/v1\/connections\/oauth\/callback/);
    const auth = new URL(opened.location!);
    expect(auth.origin + auth.pathname).toBe(world.provider.authorizationUrl);
    expect(auth.searchParams.get('response_type')).toBe('code');
    expect(auth.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(auth.searchParams.get('redirect_uri')).toBe(CALLBACK);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(auth.searchParams.get('state')!.length).toBeGreaterThanOrEqual(22); // ≥128 bits, base64url
    expect(auth.searchParams.get('scope')).toBe('profile email');

    const callback = await world.provider.authorize(auth.toString());
    const done = await browser.get(callback.toString());
    expect(done.status).toBe(200);
    expect(done.headers.get('content-type')).toMatch(/text\/html/);
    expect(done.text).toContain('is connected');
    expect(done.text).toContain('Connected as ada@example.test'); // which account was connected

    // The verifier sent to the token endpoint is the one the challenge was made from.
    const exchange = world.provider.tokenRequests.filter((r) => r.grantType === 'authorization_code').at(-1)!;
    expect(exchange.accepted).toBe(true);
    expect(exchange.clientAuthMethod).toBe('client_secret_basic');
    const verifier = exchange.body.code_verifier!;
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(
      auth.searchParams.get('code_challenge'),
    );

    const res = await client(world.gateway.baseUrl, apiKey).get(`/api/v1/connections/${id}`);
    expect(res.body.connection).toMatchObject({
      status: 'connected',
      lastError: null,
      scopes: ['profile', 'email'],
    });
    expect(res.body.connection.connectedAt).not.toBeNull();
    expect(Date.parse(res.body.connection.expiresAt)).toBeGreaterThan(Date.now() + 3_000_000);

    const stored = await row(id);
    for (const token of world.provider.issuedTokens()) expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored.secret).toMatch(/^v1\./);
    const runtime = await runtimeRead(world, id);
    expect(runtime.status).toBe(200);
    expect(world.provider.issuedTokens()).toContain(runtime.body.credentials.accessToken);
  });

  it('uses a fresh state and verifier for every flow', async () => {
    const a = await createOAuthConnection(world);
    const b = await createOAuthConnection(world);
    const flowA = await consent(world, world.browser(), a.oauthUrl);
    const flowB = await consent(world, world.browser(), b.oauthUrl);
    expect(flowA.authorizationUrl.searchParams.get('state')).not.toBe(
      flowB.authorizationUrl.searchParams.get('state'),
    );
    expect(flowA.authorizationUrl.searchParams.get('code_challenge')).not.toBe(
      flowB.authorizationUrl.searchParams.get('code_challenge'),
    );
  });

  it('records a denial as lastError, keeps the connection pending, and stores nothing', async () => {
    const { id, oauthUrl, apiKey } = await createOAuthConnection(world);
    const browser = world.browser();
    const { callbackUrl } = await consent(world, browser, oauthUrl, 'deny');
    const before = tokenCalls();
    const page = await browser.get(callbackUrl);
    expect(page.status).toBe(400);
    expect(page.text).toContain('was not connected');
    expect(tokenCalls()).toBe(before);
    const res = await client(world.gateway.baseUrl, apiKey).get(`/api/v1/connections/${id}`);
    expect(res.body.connection.status).toBe('pending');
    expect(res.body.connection.lastError).toMatchObject({ code: 'access_denied' });
    expect((await row(id)).secret).toBeNull();
  });

  describe('refuses a bad state with 400, no token request and nothing changed', () => {
    async function prepared() {
      const conn = await createOAuthConnection(world);
      const browser = world.browser();
      const flow = await consent(world, browser, conn.oauthUrl);
      return { ...conn, browser, ...flow };
    }
    async function expectRefused(send: () => Promise<{ status: number; text: string }>, id: string) {
      const before = tokenCalls();
      const rowBefore = await row(id);
      const res = await send();
      expect(res.status).toBe(400);
      expect(tokenCalls()).toBe(before);
      expect(await row(id)).toEqual(rowBefore);
    }

    it('missing state', async () => {
      const p = await prepared();
      const url = new URL(p.callbackUrl);
      url.searchParams.delete('state');
      await expectRefused(() => p.browser.get(url.toString()), p.id);
    });

    it('unknown state', async () => {
      const p = await prepared();
      const url = new URL(p.callbackUrl);
      url.searchParams.set('state', 'x'.repeat(43));
      await expectRefused(() => p.browser.get(url.toString()), p.id);
    });

    it('expired state (older than 10 minutes)', async () => {
      const p = await prepared();
      await world.gateway.dataSource.query(
        `UPDATE oauth_flows SET expires_at = now() - interval '1 second' WHERE connection_id = $1`,
        [p.id],
      );
      await expectRefused(() => p.browser.get(p.callbackUrl), p.id);
    });

    it('a browser without the flow cookie (another browser finishing it)', async () => {
      const p = await prepared();
      await expectRefused(() => world.browser().get(p.callbackUrl), p.id);
      // The right browser can still finish: nothing was consumed.
      expect((await p.browser.get(p.callbackUrl)).status).toBe(200);
    });

    it('a replayed callback', async () => {
      const p = await prepared();
      expect((await p.browser.get(p.callbackUrl)).status).toBe(200);
      await expectRefused(() => p.browser.get(p.callbackUrl), p.id);
    });

    it('an iss that is not the provider', async () => {
      const p = await prepared();
      const url = new URL(p.callbackUrl);
      url.searchParams.set('iss', 'https://evil.example');
      await expectRefused(() => p.browser.get(url.toString()), p.id);
    });
  });

  it('makes one token exchange for a double-delivered callback', async () => {
    const { id, oauthUrl, apiKey } = await createOAuthConnection(world);
    const browser = world.browser();
    const { callbackUrl } = await consent(world, browser, oauthUrl);
    const before = tokenCalls();
    const results = await Promise.all([
      browser.get(callbackUrl),
      browser.get(callbackUrl),
      browser.get(callbackUrl),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400]);
    expect(tokenCalls()).toBe(before + 1);
    const list = await client(world.gateway.baseUrl, apiKey).get('/api/v1/connections');
    expect(list.body.connections).toHaveLength(1);
    expect(list.body.connections[0]).toMatchObject({ id, status: 'connected' });
  });

  it('kills a ticket once a newer handshake begins, and after its callback', async () => {
    const { id, oauthUrl, apiKey } = await createOAuthConnection(world);
    const again = await client(world.gateway.baseUrl, apiKey).post(`/api/v1/connections/${id}/oauth`, {});
    expect(again.status).toBe(200);
    expect(again.body.oauthUrl).not.toBe(oauthUrl);
    expect((await world.browser().get(oauthUrl)).status).toBe(400);
    const browser = world.browser();
    const { callbackUrl } = await consent(world, browser, again.body.oauthUrl);
    expect((await browser.get(callbackUrl)).status).toBe(200);
    expect((await world.browser().get(again.body.oauthUrl)).status).toBe(400);
  });

  it('re-authorises a connected connection under the same id', async () => {
    const { id, oauthUrl, apiKey } = await createOAuthConnection(world);
    let browser = world.browser();
    await browser.get((await consent(world, browser, oauthUrl)).callbackUrl);
    const api = client(world.gateway.baseUrl, apiKey);
    const re = await api.post(`/api/v1/connections/${id}/oauth`);
    expect(re.status).toBe(200);
    expect(re.body.connection).toMatchObject({ id, status: 'connected' });
    browser = world.browser();
    const done = await browser.get((await consent(world, browser, re.body.oauthUrl)).callbackUrl);
    expect(done.status).toBe(200);
    const list = await api.get('/api/v1/connections');
    expect(list.body.connections.map((c: { id: string }) => c.id)).toEqual([id]);
  });

  it('answers POST /connections/:id/oauth on a non-OAuth connection with 400 "OAuth not supported"', async () => {
    const { apiKey } = await world.gateway.newOwner();
    const api = client(world.gateway.baseUrl, apiKey);
    const created = await api.post('/api/v1/connections', { connectorSlug: 'openai' });
    const res = await api.post(`/api/v1/connections/${created.body.connection.id}/oauth`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/OAuth not supported/);
  });

  it('begins by slug: GET /connections/oauth/start → 302 to the provider, or JSON on request', async () => {
    const { apiKey } = await world.gateway.newOwner();
    const api = client(world.gateway.baseUrl, apiKey);
    const json = await api.get(`/api/v1/connections/oauth/start?connectorSlug=${world.slug}&label=Work`, {
      headers: { accept: 'application/json' },
    });
    expect(json.status).toBe(200);
    expect(json.body.oauthUrl).toContain(`/api/v1/connections/${json.body.connection.id}/oauth?ticket=`);
    expect(json.body.connection.label).toBe('Work');
    const redirect = await api.get(`/api/v1/connections/oauth/start?connectorSlug=${world.slug}`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toContain(world.provider.authorizationUrl);
    expect(redirect.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    expect((await api.get('/api/v1/connections/oauth/start?connectorSlug=openai')).status).toBe(400);
    expect(
      (await client(world.gateway.baseUrl).get(`/api/v1/connections/oauth/start?connectorSlug=${world.slug}`))
        .status,
    ).toBe(401);
  });

  it('redirects to an allowed returnTo after the callback, and refuses others at start', async () => {
    const { apiKey } = await world.gateway.newOwner();
    const api = client(world.gateway.baseUrl, apiKey);
    for (const bad of [
      'https://evil.example/x',
      '//evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      'http://gateway.test.evil.example/',
    ]) {
      const res = await api.post('/api/v1/connections', { connectorSlug: world.slug, returnTo: bad });
      expect(res.status).toBe(400);
    }
    const created = await api.post('/api/v1/connections', {
      connectorSlug: world.slug,
      returnTo: 'https://app.example.com/settings?tab=connections',
    });
    expect(created.status).toBe(201);
    const browser = world.browser();
    const done = await browser.get((await consent(world, browser, created.body.oauthUrl)).callbackUrl);
    expect(done.status).toBe(303);
    const target = new URL(done.location!);
    expect(target.origin).toBe('https://app.example.com');
    expect(target.searchParams.get('tab')).toBe('connections');
    expect(target.searchParams.get('connectionId')).toBe(created.body.connection.id);
    expect(target.searchParams.get('status')).toBe('connected');
  });

  it('drives the same flow over GraphQL: connect, reauthorize, and the OAuth fields', async () => {
    const { apiKey } = await world.gateway.newOwner();
    const connect = await gql(world.gateway.baseUrl, apiKey, ConnectDocument, {
      input: { connectorSlug: world.slug },
    });
    const created = connect.body.data!.connect;
    expect(created.created).toBe(true);
    expect(created.connection).toMatchObject({
      status: 'PENDING',
      authType: 'OAUTH',
      expiresAt: null,
      scopes: null,
    });
    const browser = world.browser();
    await browser.get((await consent(world, browser, created.oauthUrl!)).callbackUrl);
    const re = await gql(world.gateway.baseUrl, apiKey, ReauthorizeDocument, { id: created.connection.id });
    const payload = re.body.data!.reauthorize;
    expect(payload.oauthUrl).toContain(`/api/v1/connections/${created.connection.id}/oauth?ticket=`);
    expect(payload.connection).toMatchObject({
      id: created.connection.id,
      status: 'CONNECTED',
      scopes: ['profile', 'email'],
      account: 'ada@example.test',
      lastRefreshedAt: null,
    });
    expect(Date.parse(payload.connection.expiresAt!)).toBeGreaterThan(Date.now());
    const openai = await gql(world.gateway.baseUrl, apiKey, ConnectDocument, {
      input: { connectorSlug: 'openai' },
    });
    const bad = await gql(world.gateway.baseUrl, apiKey, ReauthorizeDocument, {
      id: openai.body.data!.connect.connection.id,
    });
    expect(bad.body.errors![0]!.extensions!.code).toBe('BAD_REQUEST');
    expect(bad.body.errors![0]!.message).toMatch(/OAuth not supported/);
  });

  it('prunes handshakes that ended more than a day ago, and only those', async () => {
    const old = await createOAuthConnection(world);
    const fresh = await createOAuthConnection(world);
    await world.gateway.dataSource.query(
      `UPDATE oauth_flows SET expires_at = now() - interval '25 hours' WHERE connection_id = $1`,
      [old.id],
    );
    expect(await world.gateway.services.handshakes.pruneExpired()).toBeGreaterThanOrEqual(1);
    const left = await world.gateway.dataSource.query(
      'SELECT connection_id FROM oauth_flows WHERE connection_id = ANY($1::uuid[])',
      [[old.id, fresh.id]],
    );
    expect(left.map((r: { connection_id: string }) => r.connection_id)).toEqual([fresh.id]);
  });

  it('needs the ticket (or the owner key) to open the oauth URL', async () => {
    const { id, apiKey } = await createOAuthConnection(world);
    expect((await world.browser().get(`${PUBLIC_URL}/api/v1/connections/${id}/oauth`)).status).toBe(400);
    expect(
      (await world.browser().get(`${PUBLIC_URL}/api/v1/connections/${id}/oauth?ticket=forged`)).status,
    ).toBe(400);
    const withKey = await client(world.gateway.baseUrl, apiKey).get(`/api/v1/connections/${id}/oauth`);
    expect(withKey.status).toBe(302);
    const { apiKey: other } = await world.gateway.newOwner();
    expect((await client(world.gateway.baseUrl, other).get(`/api/v1/connections/${id}/oauth`)).status).toBe(
      404,
    );
  });
});

describe('OAuth token endpoint faults', () => {
  let world: OAuthWorld;
  beforeAll(async () => {
    world = await startOAuthWorld({ providerTimeoutMs: 1_500 });
  });
  afterAll(() => world.close());
  afterEach(() => world.provider.setTokenFault('none'));

  it.each([
    ['status500', 'provider_unavailable'],
    ['html', 'invalid_token_response'],
    ['redirect', 'invalid_token_response'],
    ['no_access_token', 'invalid_token_response'],
    ['not_json', 'invalid_token_response'],
    ['timeout', 'provider_timeout'],
  ] as const)('%s → the connection errors with lastError, nothing stored', async (fault, code) => {
    const { id, oauthUrl, apiKey } = await createOAuthConnection(world);
    const browser = world.browser();
    const { callbackUrl } = await consent(world, browser, oauthUrl);
    world.provider.setTokenFault(fault, { delayMs: 4_000, count: 1 });
    const page = await browser.get(callbackUrl);
    expect(page.status).toBe(400);
    expect(page.text).toContain('was not connected');
    const res = await client(world.gateway.baseUrl, apiKey).get(`/api/v1/connections/${id}`);
    expect(res.body.connection.status).toBe('error');
    expect(res.body.connection.lastError.code).toBe(code);
    const stored = await world.gateway.dataSource.query('SELECT secret FROM connections WHERE id = $1', [id]);
    expect(stored[0].secret).toBeNull();
    // The redirect target was never followed.
    expect(world.provider.tokenRequests.some((r) => r.endpoint === 'token-elsewhere')).toBe(false);
  });
});
