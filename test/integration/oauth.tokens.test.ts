/**
 * Staying connected (docs/security.md#refresh-that-does-not-die-silently), provider revocation, and
 * the runtime credentials endpoint (`/internal/v1`), against the fixture provider.
 */
import { client, request } from '../support/http';
import { startGateway } from '../support/gateway';
import {
  consent,
  createOAuthConnection,
  runtimeRead,
  RUNTIME_TOKEN,
  startOAuthWorld,
  type OAuthWorld,
} from '../support/oauth-setup';

async function connected(world: OAuthWorld) {
  const conn = await createOAuthConnection(world);
  const browser = world.browser();
  const done = await browser.get((await consent(world, browser, conn.oauthUrl)).callbackUrl);
  if (done.status !== 200) throw new Error(`handshake failed: ${done.text}`);
  return conn;
}

const refreshCalls = (world: OAuthWorld) =>
  world.provider.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;

/** Makes the stored access token look close to expiry, so the next read must refresh it. */
async function nearExpiry(world: OAuthWorld, id: string) {
  await world.gateway.dataSource.query(
    `UPDATE connections SET token_expires_at = now() + interval '30 seconds' WHERE id = $1`,
    [id],
  );
}

describe('refresh and runtime credentials', () => {
  let world: OAuthWorld;
  beforeAll(async () => {
    world = await startOAuthWorld();
  });
  afterAll(() => world.close());

  it('refreshes a token near expiry before handing it to the runtime, and saves the rotated refresh token', async () => {
    const { id, apiKey } = await connected(world);
    const first = await runtimeRead(world, id);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.body).toMatchObject({ connectionId: id, connectorSlug: world.slug, authType: 'oauth' });
    expect(first.body.credentials).toMatchObject({ tokenType: 'bearer', scopes: ['profile', 'email'] });
    const before = refreshCalls(world);
    await nearExpiry(world, id);
    const second = await runtimeRead(world, id);
    expect(refreshCalls(world)).toBe(before + 1);
    expect(second.body.credentials.accessToken).not.toBe(first.body.credentials.accessToken);
    // The access token works at the provider.
    const me = await fetch(world.provider.userinfoUrl, {
      headers: { authorization: `Bearer ${second.body.credentials.accessToken}` },
    });
    expect(me.status).toBe(200);
    // A second refresh succeeds: the rotated refresh token was stored (the old one is dead at the provider).
    await nearExpiry(world, id);
    const third = await runtimeRead(world, id);
    expect(third.status).toBe(200);
    expect(refreshCalls(world)).toBe(before + 2);
    expect(
      world.provider.tokenRequests.filter((r) => r.grantType === 'refresh_token').every((r) => r.accepted),
    ).toBe(true);
    const record = await client(world.gateway.baseUrl, apiKey).get(`/api/v1/connections/${id}`);
    expect(record.body.connection.lastRefreshedAt).not.toBeNull();
    expect(JSON.stringify(record.body)).not.toContain(third.body.credentials.accessToken);
  });

  it('makes one provider call for 20 concurrent reads that need a refresh', async () => {
    const { id } = await connected(world);
    await nearExpiry(world, id);
    const before = refreshCalls(world);
    const reads = await Promise.all(Array.from({ length: 20 }, () => runtimeRead(world, id)));
    expect(reads.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(reads.map((r) => r.body.credentials.accessToken)).size).toBe(1);
    expect(refreshCalls(world)).toBe(before + 1);
  });

  it('turns the connection expired on invalid_grant, with lastError and no retries', async () => {
    const { id, apiKey } = await connected(world);
    const token = (await runtimeRead(world, id)).body.credentials.accessToken;
    world.provider.revokeAllRefreshTokens(token);
    await nearExpiry(world, id);
    const before = refreshCalls(world);
    const read = await runtimeRead(world, id);
    expect(read.status).toBe(409);
    expect(read.body.error.code).toBe('CONFLICT');
    const record = await client(world.gateway.baseUrl, apiKey).get(`/api/v1/connections/${id}`);
    expect(record.body.connection.status).toBe('expired');
    expect(record.body.connection.lastError).toMatchObject({ code: 'invalid_grant' });
    // Later reads and the scheduled pass do not hammer the provider.
    await runtimeRead(world, id);
    await world.gateway.services.tokens.refreshDue();
    expect(refreshCalls(world)).toBe(before + 1);
  });

  it('keeps the old refresh token when the provider does not rotate it', async () => {
    world.provider.setOptions({ rotateRefreshTokens: false });
    try {
      const { id } = await connected(world);
      for (let i = 0; i < 3; i++) {
        await nearExpiry(world, id);
        expect((await runtimeRead(world, id)).status).toBe(200);
      }
    } finally {
      world.provider.setOptions({ rotateRefreshTokens: true });
    }
  });

  it('refreshes on schedule: refreshDue renews what expires within TOKEN_REFRESH_AHEAD_SECONDS', async () => {
    const { id } = await connected(world);
    await nearExpiry(world, id);
    const before = refreshCalls(world);
    const pass = await world.gateway.services.tokens.refreshDue();
    expect(pass.refreshed).toBeGreaterThanOrEqual(1);
    expect(refreshCalls(world)).toBeGreaterThanOrEqual(before + 1);
    const row = await world.gateway.dataSource.query(
      'SELECT token_expires_at FROM connections WHERE id = $1',
      [id],
    );
    expect(new Date(row[0].token_expires_at).getTime()).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it('renews every due token in one scheduled pass, batch after batch, and stops early on a provider that fails or a stop', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await connected(world)).id);
    for (const id of ids) await nearExpiry(world, id);
    const expiries = async () =>
      (
        (await world.gateway.dataSource.query(
          'SELECT token_expires_at FROM connections WHERE id = ANY($1::uuid[])',
          [ids],
        )) as Array<{ token_expires_at: Date }>
      ).map((row) => new Date(row.token_expires_at).getTime());
    // Batches of 2: one batch per pass (the old scheduler) would have left 3 of the 5 due.
    const pass = await world.gateway.services.tokens.refreshAllDue({ batch: 2, budgetMs: 30_000 });
    expect(pass.batches).toBeGreaterThanOrEqual(3);
    expect(pass.refreshed).toBeGreaterThanOrEqual(5);
    for (const expiresAt of await expiries()) expect(expiresAt).toBeGreaterThan(Date.now() + 3_000_000);

    // A pass whose scheduler is stopping ends after the batch it is in.
    for (const id of ids) await nearExpiry(world, id);
    const stopped = new AbortController();
    stopped.abort();
    const cut = await world.gateway.services.tokens.refreshAllDue({
      batch: 2,
      budgetMs: 30_000,
      signal: stopped.signal,
    });
    expect(cut).toMatchObject({ batches: 1, refreshed: 2 });

    // The provider fails every refresh: the pass stops after a batch that mostly failed, and
    // tries each connection once, not once per batch.
    for (const id of ids) await nearExpiry(world, id);
    world.provider.setTokenFault('status500');
    try {
      const before = refreshCalls(world);
      const failing = await world.gateway.services.tokens.refreshAllDue({ batch: 2, budgetMs: 30_000 });
      expect(failing).toMatchObject({ refreshed: 0, batches: 1 });
      expect(failing.failed).toBe(2);
      expect(refreshCalls(world) - before).toBe(2);
    } finally {
      world.provider.setTokenFault('none');
      // Not due any more: later tests count the refreshes of their own connections.
      await world.gateway.dataSource.query(
        `UPDATE connections SET token_expires_at = now() + interval '1 hour' WHERE id = ANY($1::uuid[])`,
        [ids],
      );
    }
  });

  it('leaves the due connections of a connector it lacks to the instances that have it', async () => {
    const { id, apiKey } = await connected(world);
    await nearExpiry(world, id);
    const before = refreshCalls(world);
    // Same database, a catalog without the world's connector (a rollout that has not reached it).
    const other = await startGateway();
    try {
      await other.services.tokens.refreshDue();
    } finally {
      await other.close();
    }
    expect(refreshCalls(world)).toBe(before);
    const record = await client(world.gateway.baseUrl, apiKey).get(`/api/v1/connections/${id}`);
    expect(record.body.connection).toMatchObject({ status: 'connected', lastError: null });
    // The instance that has it still renews it.
    await world.gateway.services.tokens.refreshDue();
    expect(refreshCalls(world)).toBe(before + 1);
  });

  it('leaves the connection connected with lastError when the provider is down, and serves the still-valid token', async () => {
    const { id, apiKey } = await connected(world);
    await nearExpiry(world, id);
    world.provider.setTokenFault('status500', { count: 1 });
    const read = await runtimeRead(world, id);
    expect(read.status).toBe(200);
    const record = await client(world.gateway.baseUrl, apiKey).get(`/api/v1/connections/${id}`);
    expect(record.body.connection.status).toBe('connected');
    expect(record.body.connection.lastError).toMatchObject({ code: 'provider_unavailable' });
  });

  it('serves api_key credentials and none connectors to the runtime, and refuses pending ones', async () => {
    const { apiKey } = await world.gateway.newOwner();
    const api = client(world.gateway.baseUrl, apiKey);
    const openai = await api.post('/api/v1/connections', { connectorSlug: 'openai' });
    const id = openai.body.connection.id;
    expect((await runtimeRead(world, id)).status).toBe(409);
    await api.post(`/api/v1/connections/${id}/credentials`, {
      credentials: { apiKey: 'sk-runtime-read-0123456789abcdef' },
    });
    const read = await runtimeRead(world, id);
    expect(read.body).toEqual({
      connectionId: id,
      connectorSlug: 'openai',
      authType: 'api_key',
      credentials: { apiKey: 'sk-runtime-read-0123456789abcdef' },
    });
    const logLine = world.gateway.logs.find(
      (line) => line.includes('runtime.credentials.read') && line.includes(id),
    );
    expect(logLine).toBeDefined();
    expect(world.gateway.logs.join('\n')).not.toContain('sk-runtime-read-0123456789abcdef');
    const none = await api.post('/api/v1/connections', { connectorSlug: 'web-fetch' });
    expect((await runtimeRead(world, none.body.connection.id)).body.credentials).toEqual({});
    await api.delete(`/api/v1/connections/${id}`);
    expect((await runtimeRead(world, id)).status).toBe(404);
  });

  it('never lets a token or code reach a log line or the database in plaintext', async () => {
    // Runs after the flows above in this file: every token and code they produced is checked.
    const { id } = await connected(world);
    await nearExpiry(world, id);
    await runtimeRead(world, id);
    const secrets = [...world.provider.issuedTokens(), ...world.provider.issuedCodes()];
    expect(secrets.length).toBeGreaterThan(10);
    const logs = world.gateway.logs.join('\n');
    const dump = JSON.stringify(
      await Promise.all(
        ['connections', 'oauth_flows', 'owners', 'api_keys'].map((table) =>
          world.gateway.dataSource.query(`SELECT * FROM ${table}`),
        ),
      ),
    );
    for (const secret of secrets) {
      expect(logs).not.toContain(secret);
      expect(dump).not.toContain(secret);
    }
    expect(logs).not.toContain('gw-secret-Zx8'); // the client secret
  });

  it('refuses owner API keys, wrong tokens, and malformed ids at the runtime endpoint', async () => {
    const { id, apiKey } = await connected(world);
    expect((await runtimeRead(world, id, apiKey)).status).toBe(401);
    expect((await runtimeRead(world, id, `${RUNTIME_TOKEN}x`)).status).toBe(401);
    const none = await client(world.gateway.baseUrl).get(`/internal/v1/connections/${id}/credentials`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await runtimeRead(world, 'not-a-uuid')).status).toBe(400);
    expect((await runtimeRead(world, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('revocation at the provider', () => {
  let world: OAuthWorld;
  beforeAll(async () => {
    world = await startOAuthWorld();
  });
  afterAll(() => world.close());

  it('asks the provider to revoke (RFC 7009) and soft-deletes', async () => {
    const { id, apiKey } = await connected(world);
    const res = await client(world.gateway.baseUrl, apiKey).delete(`/api/v1/connections/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: true });
    await world.gateway.services.providerRevocation.settle();
    const revoked = world.provider.revocations.at(-1)!;
    expect(revoked).toMatchObject({ tokenTypeHint: 'refresh_token' });
    expect(revoked.token).toMatch(/^rt_/);
    const row = await world.gateway.dataSource.query(
      'SELECT status, secret, deleted_at FROM connections WHERE id = $1',
      [id],
    );
    expect(row[0]).toMatchObject({ status: 'revoked', secret: null });
  });

  it('revokes here even when the provider is down, without blocking the 200', async () => {
    const { id, apiKey } = await connected(world);
    await world.provider.close(); // the provider is gone
    const started = Date.now();
    const res = await client(world.gateway.baseUrl, apiKey).delete(`/api/v1/connections/${id}`);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    await world.gateway.services.providerRevocation.settle();
    expect((await client(world.gateway.baseUrl, apiKey).get(`/api/v1/connections/${id}`)).status).toBe(404);
    const row = await world.gateway.dataSource.query('SELECT status, secret FROM connections WHERE id = $1', [
      id,
    ]);
    expect(row[0]).toEqual({ status: 'revoked', secret: null });
  });
});

describe('two gateway instances on one database', () => {
  let world: OAuthWorld;
  let second: Awaited<ReturnType<typeof startGateway>>;
  beforeAll(async () => {
    world = await startOAuthWorld();
    second = await startGateway({ env: world.env });
  });
  afterAll(async () => {
    await second.close();
    await world.close();
  });

  it('finishes on one instance a handshake begun on the other', async () => {
    const { id, oauthUrl, apiKey } = await createOAuthConnection(world);
    const browser = world.browser();
    const { callbackUrl } = await consent(world, browser, oauthUrl); // opened on instance one
    const cookie = [...browser.cookiesFor('http://gateway.test').entries()]
      .map(([k, v]) => `${k}=${v.value}`)
      .join('; ');
    const callback = new URL(callbackUrl);
    const res = await request('GET', `${second.baseUrl}${callback.pathname}${callback.search}`, {
      headers: { cookie, accept: 'text/html' },
    });
    expect(res.status).toBe(200);
    const record = await client(second.baseUrl, apiKey).get(`/api/v1/connections/${id}`);
    expect(record.body.connection.status).toBe('connected');
  });

  it('refreshes once across both instances when reads arrive on each at the same time', async () => {
    const { id, oauthUrl } = await createOAuthConnection(world);
    const browser = world.browser();
    await browser.get((await consent(world, browser, oauthUrl)).callbackUrl);
    await nearExpiry(world, id);
    const before = refreshCalls(world);
    const reads = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        client(i % 2 ? second.baseUrl : world.gateway.baseUrl, RUNTIME_TOKEN).get(
          `/internal/v1/connections/${id}/credentials`,
        ),
      ),
    );
    expect(reads.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(reads.map((r) => r.body.credentials.accessToken)).size).toBe(1);
    expect(refreshCalls(world)).toBe(before + 1);
  });
});
