/**
 * The OAuth provider fixture is itself strict: if it accepted what a real provider refuses, the
 * gateway tests run against it would prove nothing. Plain fetch (redirect: 'manual') plays both
 * the browser and the client here.
 */
import { createHash, randomBytes } from 'node:crypto';
import { startOAuthProvider, type OAuthProvider, type ProviderClient } from '../fixtures/oauth-provider';

const BASIC: ProviderClient = {
  clientId: 'basic-client',
  // Characters that must be form-urlencoded before Basic encoding (RFC 6749 §2.3.1).
  clientSecret: 's3cr3t+/:=% é',
  redirectUris: ['http://127.0.0.1:9/callback', 'http://127.0.0.1:9/other?x=1'],
  auth: 'client_secret_basic',
};
const POST: ProviderClient = {
  clientId: 'post-client',
  clientSecret: 'post-secret',
  redirectUris: ['http://127.0.0.1:9/cb-post'],
  auth: 'client_secret_post',
};

/** RFC 6749 Appendix B encoding, as a correct client does it for Basic credentials. */
function formEncode(text: string): string {
  return new URLSearchParams({ v: text }).toString().slice(2);
}

function basicHeader(id: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${formEncode(id)}:${formEncode(secret)}`).toString('base64');
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

let provider: OAuthProvider;

beforeEach(async () => {
  provider = await startOAuthProvider({ clients: [BASIC, POST] });
});
afterEach(async () => {
  await provider.close();
});

function authorizeUrl(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, v);
  return `${provider.authorizationUrl}?${query.toString()}`;
}

function validAuthorizeParams(client: ProviderClient, challenge: string, extra: Record<string, string> = {}) {
  return {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUris[0],
    scope: 'profile email',
    state: 'state-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  };
}

/** Opens the consent page like a browser, presses a button, and returns the redirect. */
async function consent(url: string, decision: 'approve' | 'deny' = 'approve'): Promise<URL> {
  const page = await fetch(url, { redirect: 'manual' });
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('<title>Authorize</title>');
  expect(html).toContain('id="approve"');
  expect(html).toContain('id="deny"');
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)![1]!;
  const answer = await fetch(`${provider.url}/authorize/decision`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request_id: requestId, decision }).toString(),
  });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get('location')!);
}

async function getCode(client: ProviderClient = BASIC, extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkce();
  const callback = await consent(authorizeUrl(validAuthorizeParams(client, challenge, extra)));
  return { code: callback.searchParams.get('code')!, verifier, callback };
}

async function tokenRequest(
  params: Record<string, string>,
  client: ProviderClient | null = BASIC,
  init: { headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Headers; text: string; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const form = new URLSearchParams(params);
  if (client?.auth === 'client_secret_basic')
    headers.authorization = basicHeader(client.clientId, client.clientSecret);
  if (client?.auth === 'client_secret_post') {
    form.set('client_id', client.clientId);
    form.set('client_secret', client.clientSecret);
  }
  const res = await fetch(provider.tokenUrl, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...headers, ...init.headers },
    body: init.body ?? form.toString(),
  });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

async function exchange(
  code: string,
  verifier: string,
  client: ProviderClient = BASIC,
  redirectUri?: string,
) {
  return tokenRequest(
    {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri ?? client.redirectUris[0]!,
      code_verifier: verifier,
    },
    client,
  );
}

async function userinfo(accessToken: string) {
  return fetch(`${provider.url}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
}

describe('authorization endpoint', () => {
  it('shows a consent page and redirects with a code and state on approval', async () => {
    const { code, callback } = await getCode();
    expect(`${callback.origin}${callback.pathname}`).toBe(BASIC.redirectUris[0]);
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(callback.searchParams.get('state')).toBe('state-123');
    expect(callback.searchParams.has('iss')).toBe(false);
    expect(provider.authorizationRequests).toHaveLength(1);
    expect(provider.authorizationRequests[0]!.get('code_challenge_method')).toBe('S256');
  });

  it('keeps the query of a registered redirect URI and adds iss when enabled (RFC 9207)', async () => {
    provider.setOptions({ sendIss: true });
    const { challenge } = pkce();
    const callback = await consent(
      authorizeUrl(validAuthorizeParams(BASIC, challenge, { redirect_uri: BASIC.redirectUris[1]! })),
    );
    expect(callback.searchParams.get('x')).toBe('1');
    expect(callback.searchParams.get('iss')).toBe(provider.issuer);
    const denied = await consent(authorizeUrl(validAuthorizeParams(BASIC, challenge)), 'deny');
    expect(denied.searchParams.get('iss')).toBe(provider.issuer);
  });

  it('redirects access_denied with state when the user denies', async () => {
    const { challenge } = pkce();
    const callback = await consent(authorizeUrl(validAuthorizeParams(BASIC, challenge)), 'deny');
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('error_description')).toBe('The user denied access');
    expect(callback.searchParams.get('state')).toBe('state-123');
    expect(callback.searchParams.has('code')).toBe(false);
  });

  it.each([
    ['an unknown redirect_uri', { redirect_uri: 'http://127.0.0.1:9/evil' }],
    ['a redirect_uri differing by a trailing slash', { redirect_uri: 'http://127.0.0.1:9/callback/' }],
    ['the redirect_uri of another client', { redirect_uri: POST.redirectUris[0]! }],
    ['an unknown client_id', { client_id: 'nobody' }],
  ])('answers 400 without redirecting for %s (RFC 6749 §4.1.2.1)', async (_name, extra) => {
    const { challenge } = pkce();
    const res = await fetch(authorizeUrl(validAuthorizeParams(BASIC, challenge, extra)), {
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toContain('text/html');
  });

  it('answers 400 without redirecting when redirect_uri is missing', async () => {
    const { challenge } = pkce();
    const res = await fetch(
      authorizeUrl({ ...validAuthorizeParams(BASIC, challenge), redirect_uri: undefined }),
      {
        redirect: 'manual',
      },
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it.each([
    ['no state', { state: undefined }, 'invalid_request'],
    ['no code_challenge', { code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request'],
    ['plain PKCE', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['no code_challenge_method (plain by default)', { code_challenge_method: undefined }, 'invalid_request'],
    ['a hex S256 challenge', { code_challenge: 'a'.repeat(64) }, 'invalid_request'],
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
    ['an empty scope token (two spaces)', { scope: 'a  b' }, 'invalid_scope'],
  ])('redirects an error for %s', async (_name, extra, error) => {
    const { challenge } = pkce();
    const res = await fetch(authorizeUrl({ ...validAuthorizeParams(BASIC, challenge), ...extra }), {
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(BASIC.redirectUris[0]);
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('refuses repeated parameters', async () => {
    const { challenge } = pkce();
    const res = await fetch(`${authorizeUrl(validAuthorizeParams(BASIC, challenge))}&scope=admin`, {
      redirect: 'manual',
    });
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses scopes outside supportedScopes', async () => {
    provider.setOptions({ supportedScopes: ['profile', 'email'] });
    const { challenge } = pkce();
    const res = await fetch(
      authorizeUrl(validAuthorizeParams(BASIC, challenge, { scope: 'profile,email' })),
      {
        redirect: 'manual',
      },
    );
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });

  it('accepts a consent form only once', async () => {
    const { challenge } = pkce();
    const page = await (await fetch(authorizeUrl(validAuthorizeParams(BASIC, challenge)))).text();
    const requestId = /name="request_id" value="([^"]+)"/.exec(page)![1]!;
    const post = () =>
      fetch(`${provider.url}/authorize/decision`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ request_id: requestId, decision: 'approve' }).toString(),
      });
    expect((await post()).status).toBe(302);
    const again = await post();
    expect(again.status).toBe(400);
    expect(again.headers.get('location')).toBeNull();
  });

  it('authorize() helper plays the user', async () => {
    const { challenge } = pkce();
    const callback = await provider.authorize(authorizeUrl(validAuthorizeParams(BASIC, challenge)));
    expect(callback.searchParams.get('code')).toBeTruthy();
    await expect(
      provider.authorize(authorizeUrl(validAuthorizeParams(BASIC, challenge, { client_id: 'nobody' }))),
    ).rejects.toThrow(/HTTP 400/);
  });
});

describe('token endpoint: authorization_code', () => {
  it('issues tokens for a correct S256 exchange (client_secret_basic)', async () => {
    const { code, verifier } = await getCode();
    const res = await exchange(code, verifier);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({
      access_token: expect.stringMatching(/^at_[A-Za-z0-9_-]{43}$/),
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: expect.stringMatching(/^rt_[A-Za-z0-9_-]{43}$/),
      scope: 'profile email',
      user: { id: 'test-user-1', email: 'ada@example.test', name: 'Ada Lovelace' },
    });
    const me = await userinfo(res.body.access_token);
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ sub: 'test-user-1', email: 'ada@example.test', name: 'Ada Lovelace' });
    expect(provider.issuedTokens()).toEqual(
      expect.arrayContaining([res.body.access_token, res.body.refresh_token]),
    );
    const record = provider.tokenRequests.at(-1)!;
    expect(record).toMatchObject({
      endpoint: 'token',
      grantType: 'authorization_code',
      clientAuthMethod: 'client_secret_basic',
      clientId: BASIC.clientId,
      accepted: true,
      status: 200,
    });
    expect(record.body.code).toBe(code);
  });

  it('issues tokens for client_secret_post and honours account, TTL and issueRefreshTokens', async () => {
    provider.setOptions({
      account: { sub: 'u-9', email: 'grace@example.test', name: 'Grace Hopper' },
      accessTokenTtlSeconds: 120,
      issueRefreshTokens: false,
    });
    const { code, verifier } = await getCode(POST);
    const res = await exchange(code, verifier, POST);
    expect(res.status).toBe(200);
    expect(res.body.expires_in).toBe(120);
    expect(res.body.user).toEqual({ id: 'u-9', email: 'grace@example.test', name: 'Grace Hopper' });
    expect(res.body).not.toHaveProperty('refresh_token');
    expect(provider.tokenRequests.at(-1)!.clientAuthMethod).toBe('client_secret_post');
  });

  it('refuses a wrong code_verifier', async () => {
    const { code } = await getCode();
    const res = await exchange(code, pkce().verifier);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(provider.tokenRequests.at(-1)).toMatchObject({
      accepted: false,
      status: 400,
      error: 'invalid_grant',
    });
  });

  it('refuses a missing code_verifier', async () => {
    const { code } = await getCode();
    const res = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: BASIC.redirectUris[0]!,
    });
    expect(res.body.error).toBe('invalid_grant');
  });

  it('refuses a reused code and revokes the tokens issued from it (RFC 6749 §4.1.2)', async () => {
    const { code, verifier } = await getCode();
    const first = await exchange(code, verifier);
    expect(first.status).toBe(200);
    const second = await exchange(code, verifier);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');
    expect((await userinfo(first.body.access_token)).status).toBe(401);
    const refreshed = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token,
    });
    expect(refreshed.body.error).toBe('invalid_grant');
  });

  it('refuses a redirect_uri differing from the authorization request', async () => {
    const { code, verifier } = await getCode();
    const other = await exchange(code, verifier, BASIC, BASIC.redirectUris[1]);
    expect(other.body.error).toBe('invalid_grant');
    const missing = await tokenRequest({ grant_type: 'authorization_code', code, code_verifier: verifier });
    expect(missing.body.error).toBe('invalid_grant');
    // The code was not burnt by the failed attempts.
    expect((await exchange(code, verifier)).status).toBe(200);
  });

  it('refuses a code issued to another client', async () => {
    const { code, verifier } = await getCode(BASIC);
    const res = await exchange(code, verifier, POST, BASIC.redirectUris[0]);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('refuses an expired code', async () => {
    provider.setOptions({ codeTtlSeconds: 0.05 });
    const { code, verifier } = await getCode();
    await new Promise((r) => setTimeout(r, 100));
    expect((await exchange(code, verifier)).body.error).toBe('invalid_grant');
  });

  it('refuses an unknown grant_type and a body that is not form-encoded', async () => {
    const unknown = await tokenRequest({ grant_type: 'password', username: 'a', password: 'b' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('unsupported_grant_type');
    const { code, verifier } = await getCode();
    const json = await tokenRequest({}, BASIC, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code', code, code_verifier: verifier }),
    });
    expect(json.status).toBe(400);
    expect(json.body.error).toBe('invalid_request');
  });
});

describe('token endpoint: client authentication (RFC 6749 §2.3.1)', () => {
  it('refuses a wrong secret with 401 invalid_client and a WWW-Authenticate challenge', async () => {
    const { code, verifier } = await getCode();
    const res = await exchange(code, verifier, { ...BASIC, clientSecret: 'wrong' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
    const post = await exchange(code, verifier, { ...POST, clientId: BASIC.clientId, clientSecret: 'wrong' });
    expect(post.status).toBe(401);
  });

  it('refuses Basic credentials that were not form-urlencoded first', async () => {
    const { code, verifier } = await getCode();
    const raw = 'Basic ' + Buffer.from(`${BASIC.clientId}:${BASIC.clientSecret}`).toString('base64');
    const res = await tokenRequest(
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: BASIC.redirectUris[0]!,
        code_verifier: verifier,
      },
      null,
      { headers: { authorization: raw } },
    );
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('refuses client_secret_post from a client registered for client_secret_basic, and the reverse', async () => {
    const { code, verifier } = await getCode(BASIC);
    const viaPost = await exchange(code, verifier, { ...BASIC, auth: 'client_secret_post' });
    expect(viaPost.status).toBe(401);
    expect(viaPost.body.error).toBe('invalid_client');

    const second = await getCode(POST);
    const viaBasic = await exchange(second.code, second.verifier, { ...POST, auth: 'client_secret_basic' });
    expect(viaBasic.status).toBe(401);
    expect(viaBasic.body.error).toBe('invalid_client');
    expect(provider.tokenRequests.at(-1)!.clientAuthMethod).toBe('client_secret_basic');
  });

  it('refuses no client authentication, and two methods at once', async () => {
    const { code, verifier } = await getCode();
    const params = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: BASIC.redirectUris[0]!,
      code_verifier: verifier,
    };
    const none = await tokenRequest({ ...params, client_id: BASIC.clientId }, null);
    expect(none.status).toBe(401);
    const both = await tokenRequest({
      ...params,
      client_id: BASIC.clientId,
      client_secret: BASIC.clientSecret,
    });
    expect(both.status).toBe(400);
    expect(both.body.error).toBe('invalid_request');
    expect(provider.tokenRequests.at(-1)!.clientAuthMethod).toBe('multiple');
  });
});

describe('token endpoint: refresh_token (RFC 6749 §6)', () => {
  async function tokens(client: ProviderClient = BASIC) {
    const { code, verifier } = await getCode(client);
    return (await exchange(code, verifier, client)).body;
  }

  it('rotates: a new refresh token each time, the old one then refused', async () => {
    const first = await tokens();
    const refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).toMatch(/^at_/);
    expect(refreshed.body.refresh_token).toMatch(/^rt_/);
    expect(refreshed.body.refresh_token).not.toBe(first.refresh_token);
    expect(refreshed.body.scope).toBe('profile email');

    const old = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(old.status).toBe(400);
    expect(old.body.error).toBe('invalid_grant');
    const next = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: refreshed.body.refresh_token,
    });
    expect(next.status).toBe(200);
  });

  it('without rotation returns no refresh_token and keeps the old one valid', async () => {
    provider.setOptions({ rotateRefreshTokens: false });
    const first = await tokens();
    for (let i = 0; i < 2; i++) {
      const refreshed = await tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token,
      });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body).not.toHaveProperty('refresh_token');
    }
  });

  it("refuses another client's refresh token, an unknown one, and a wider scope", async () => {
    const first = await tokens(BASIC);
    const stolen = await tokenRequest(
      { grant_type: 'refresh_token', refresh_token: first.refresh_token },
      POST,
    );
    expect(stolen.body.error).toBe('invalid_grant');
    const unknown = await tokenRequest({ grant_type: 'refresh_token', refresh_token: 'rt_nope' });
    expect(unknown.body.error).toBe('invalid_grant');
    const wider = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
      scope: 'profile admin',
    });
    expect(wider.body.error).toBe('invalid_scope');
  });

  it('revokeAllRefreshTokens makes later refreshes fail', async () => {
    const first = await tokens();
    provider.revokeAllRefreshTokens();
    const res = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(res.body.error).toBe('invalid_grant');
  });

  it('expired access tokens are refused by /userinfo', async () => {
    provider.setOptions({ accessTokenTtlSeconds: 0.05 });
    const first = await tokens();
    await new Promise((r) => setTimeout(r, 100));
    expect((await userinfo(first.access_token)).status).toBe(401);
  });
});

describe('revocation endpoint (RFC 7009)', () => {
  async function revoke(token: string, client: ProviderClient = BASIC, hint?: string) {
    const form = new URLSearchParams({ token, ...(hint ? { token_type_hint: hint } : {}) });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (client.auth === 'client_secret_basic')
      headers.authorization = basicHeader(client.clientId, client.clientSecret);
    else {
      form.set('client_id', client.clientId);
      form.set('client_secret', client.clientSecret);
    }
    return fetch(provider.revocationUrl, { method: 'POST', headers, body: form.toString() });
  }

  it('revoking a refresh token kills it and the access tokens of its grant', async () => {
    const { code, verifier } = await getCode();
    const issued = (await exchange(code, verifier)).body;
    const res = await revoke(issued.refresh_token, BASIC, 'refresh_token');
    expect(res.status).toBe(200);
    expect(provider.revocations).toEqual([
      { token: issued.refresh_token, tokenTypeHint: 'refresh_token', clientId: BASIC.clientId },
    ]);
    const refreshed = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: issued.refresh_token,
    });
    expect(refreshed.body.error).toBe('invalid_grant');
    expect((await userinfo(issued.access_token)).status).toBe(401);
    expect(provider.tokenRequests.filter((r) => r.endpoint === 'revoke')).toHaveLength(1);
  });

  it('answers 200 for an unknown token, 401 for a wrong secret (client_secret_post too)', async () => {
    expect((await revoke('rt_unknown')).status).toBe(200);
    expect((await revoke('rt_unknown', POST)).status).toBe(200);
    const bad = await revoke('rt_unknown', { ...POST, clientSecret: 'wrong' });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as any).error).toBe('invalid_client');
    expect(provider.revocations).toHaveLength(2);
  });
});

describe('token endpoint faults', () => {
  async function exchangeFresh() {
    const { code, verifier } = await getCode();
    return { res: await exchange(code, verifier), code, verifier };
  }

  it('status500', async () => {
    provider.setTokenFault('status500');
    const { res } = await exchangeFresh();
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'server_error' });
    expect(provider.tokenRequests.at(-1)).toMatchObject({ fault: 'status500', accepted: false });
  });

  it('html', async () => {
    provider.setTokenFault('html');
    const { res } = await exchangeFresh();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text).toBe('<html>oops</html>');
  });

  it('redirect, to an endpoint that answers a bait token if followed', async () => {
    provider.setTokenFault('redirect');
    const { res, code, verifier } = await exchangeFresh();
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${provider.url}/token-elsewhere`);
    const followed = await fetch(provider.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicHeader(BASIC.clientId, BASIC.clientSecret),
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
      }).toString(),
    });
    const body: any = await followed.json();
    expect(body.access_token).toMatch(/^at_/);
    expect(provider.issuedTokens()).toContain(body.access_token);
    expect(provider.tokenRequests.some((r) => r.endpoint === 'token-elsewhere')).toBe(true);
    expect((await userinfo(body.access_token)).status).toBe(401);
  });

  it('timeout holds the answer, then answers normally', async () => {
    provider.setTokenFault('timeout', { delayMs: 300 });
    const started = Date.now();
    const { res } = await exchangeFresh();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.status).toBe(200);
    expect(res.body.access_token).toMatch(/^at_/);
    expect(provider.tokenRequests.at(-1)).toMatchObject({ fault: 'timeout', accepted: true });
  });

  it('timeout still redeems the code after the client hung up, so a retry of the same code fails', async () => {
    provider.setTokenFault('timeout', { delayMs: 200, count: 1 });
    const { code, verifier } = await getCode();
    const abort = AbortSignal.timeout(50);
    await expect(
      fetch(provider.tokenUrl, {
        method: 'POST',
        signal: abort,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basicHeader(BASIC.clientId, BASIC.clientSecret),
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: BASIC.redirectUris[0]!,
          code_verifier: verifier,
        }).toString(),
      }),
    ).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 300));
    expect(provider.tokenRequests.at(-1)).toMatchObject({ fault: 'timeout', accepted: true, status: 200 });
    expect((await exchange(code, verifier)).body.error).toBe('invalid_grant');
  });

  it('no_access_token', async () => {
    provider.setTokenFault('no_access_token');
    const { res } = await exchangeFresh();
    expect(res.status).toBe(200);
    expect(res.body).toBeDefined();
    expect(res.body).not.toHaveProperty('access_token');
  });

  it('not_json', async () => {
    provider.setTokenFault('not_json');
    const { res } = await exchangeFresh();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.text).toBe('not json');
  });

  it('count limits a fault to that many requests, and the code survives a faulted request', async () => {
    provider.setTokenFault('status500', { count: 1 });
    const { code, verifier } = await getCode();
    expect((await exchange(code, verifier)).status).toBe(500);
    expect((await exchange(code, verifier)).status).toBe(200);
  });

  it("setTokenFault('none') resets", async () => {
    provider.setTokenFault('html');
    provider.setTokenFault('none');
    expect((await exchangeFresh()).res.status).toBe(200);
  });
});

describe('connectorDefinition', () => {
  it('points at the provider and passes the catalog validation', async () => {
    const { checkConnectorDefinition } = await import('../../src/connectors/connector.validation');
    const definition = provider.connectorDefinition('test-provider');
    expect(checkConnectorDefinition(definition, '#0')).toEqual(definition);
    expect(definition.oauth).toMatchObject({
      authorizationUrl: provider.authorizationUrl,
      tokenUrl: provider.tokenUrl,
      revocationUrl: provider.revocationUrl,
      clientAuth: 'client_secret_basic',
    });
    const custom = provider.connectorDefinition('other', {
      scopes: ['a'],
      clientAuth: 'client_secret_post',
      revocationUrl: null,
      authorizationParams: { prompt: 'consent' },
    });
    expect(checkConnectorDefinition(custom, '#1').oauth).toEqual({
      authorizationUrl: provider.authorizationUrl,
      tokenUrl: provider.tokenUrl,
      scopes: ['a'],
      clientAuth: 'client_secret_post',
      authorizationParams: { prompt: 'consent' },
    });
  });
});
