/**
 * Health checks (POST /api/v1/connections/:id/check, GraphQL checkConnection, and the background
 * pass): the connector's verify call with the stored credentials, against the provider API
 * fixture over real HTTP. Refused credentials turn a connection error, accepted ones bring it back
 * (connection.recovered, in the audit trail and as a webhook), a provider that does not answer
 * changes nothing; the pass checks each due connection once across instances, within its
 * concurrency, and OAuth connections with a refreshed token.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ConnectionSecrets, type OAuthSecret } from '../../src/connections/connection-secrets';
import type { Sealed } from '../../src/shared/crypto/cipher';
import { resolveCipher } from '../../src/shared/crypto/keyring';
import { startOAuthProvider, type OAuthProvider } from '../fixtures/oauth-provider';
import { startProviderApi, type ProviderApi } from '../fixtures/provider-api';
import { CheckConnectionDocument } from '../graphql/generated/graphql';
import { startGateway, type TestGateway } from '../support/gateway';
import { gql } from '../support/graphql';
import { client } from '../support/http';
import { CALLBACK, CLIENT_ID, CLIENT_SECRET, openOAuthUrl, PUBLIC_URL } from '../support/oauth-setup';
import { TestBrowser } from '../support/browser';
import { until } from '../support/wait';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-health-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function connectorsFile(definitions: object[]): string {
  const file = path.join(tmp, `connectors-${randomBytes(4).toString('hex')}.json`);
  fs.writeFileSync(file, JSON.stringify(definitions));
  return file;
}

/** An api_key connector whose key goes in X-Api-Key, checked with GET /me (slug unique per file). */
function apiKeyConnector(slug: string, baseUrl: string, withVerify = true) {
  return {
    slug,
    name: `Health ${slug}`,
    description: 'An API checked by the health-check tests.',
    authType: 'api_key',
    availability: 'available',
    tools: [{ name: 'list_items', description: 'List items.' }],
    credentialFields: [{ key: 'apiKey', label: 'API key', required: true, secret: true }],
    api: { baseUrl, headers: { 'X-Api-Key': '${credentials.apiKey}' } },
    ...(withVerify ? { verify: { method: 'GET', path: '/me', account: '/user/email' } } : {}),
  };
}

const newKey = () => `hk_${randomBytes(16).toString('hex')}`;
const suffix = () => randomBytes(3).toString('hex');

interface Owner {
  ownerId: string;
  apiKey: string;
  api: ReturnType<typeof client>;
}

async function owner(gw: TestGateway): Promise<Owner> {
  const created = await gw.newOwner('health');
  return { ...created, api: client(gw.baseUrl, created.apiKey) };
}

/** Connects `o` to an api_key connector with `key` (the provider checks it on submit). */
async function connectWithKey(o: Owner, slug: string, key: string): Promise<string> {
  const created = await o.api.post('/api/v1/connections', { connectorSlug: slug });
  expect(created.status).toBe(201);
  const id = created.body.connection.id as string;
  const submitted = await o.api.post(`/api/v1/connections/${id}/credentials`, {
    credentials: { apiKey: key },
  });
  expect(submitted.status).toBe(200);
  return id;
}

async function stored(gw: TestGateway, id: string) {
  const rows: Record<string, any>[] = await gw.dataSource.query(
    `SELECT status, last_error, last_checked_at, updated_at, token_version, check_lease_until,
            check_lease_until > now() AS leased
       FROM connections WHERE id = $1`,
    [id],
  );
  return rows[0]!;
}

async function eventTypes(o: Owner, id: string): Promise<string[]> {
  const res = await o.api.get(`/api/v1/connections/${id}/events`);
  expect(res.status).toBe(200);
  return (res.body.events as { type: string }[]).map((e) => e.type);
}

/** Makes connections due for the pass: never checked. */
async function makeDue(gw: TestGateway, ids: string[]): Promise<void> {
  await gw.dataSource.query(
    'UPDATE connections SET last_checked_at = NULL, check_lease_until = NULL WHERE id = ANY($1::uuid[])',
    [ids],
  );
}

/** Requests of the fixture that carried `key`. */
const requestsWith = (api: ProviderApi, key: string) =>
  api.requests.filter((r) => r.headers['x-api-key'] === key).length;

/** A receiver of webhook POSTs on loopback: records each body. */
async function startReceiver() {
  const bodies: any[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        bodies.push(null);
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    bodies,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('checking a connection now', () => {
  let api: ProviderApi;
  let gw: TestGateway;
  const slug = `health-key-${suffix()}`;
  const plainSlug = `health-plain-${suffix()}`;
  const otherSlug = `health-other-${suffix()}`;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    api = await startProviderApi();
    receiver = await startReceiver();
    gw = await startGateway({
      env: {
        CONNECTORS_FILE: connectorsFile([
          apiKeyConnector(slug, api.url),
          apiKeyConnector(plainSlug, api.url, false),
          apiKeyConnector(otherSlug, api.url),
        ]),
        VERIFY_TIMEOUT_MS: '1500',
        WEBHOOK_POLL_INTERVAL_MS: '50',
      },
      webhookWorker: true,
    });
  });
  afterAll(async () => {
    await gw.close();
    await api.close();
    await receiver.close();
  });
  afterEach(() => api.setMode('normal'));

  it('a check the provider accepts sets lastCheckedAt and the account, and keeps it connected', async () => {
    const o = await owner(gw);
    const key = newKey();
    api.acceptApiKey(key, { email: 'grace@example.test', id: 'acct-2', name: 'Grace' });
    const id = await connectWithKey(o, slug, key);
    await makeDue(gw, [id]);
    const before = requestsWith(api, key);

    const res = await o.api.post(`/api/v1/connections/${id}/check`);
    expect(res.status).toBe(200);
    expect(res.body.connection).toMatchObject({
      id,
      status: 'connected',
      lastError: null,
      account: 'grace@example.test',
    });
    expect(Date.parse(res.body.connection.lastCheckedAt)).toBeGreaterThan(Date.now() - 10_000);
    expect(requestsWith(api, key)).toBe(before + 1);
    // Nothing changed but the time of the check: no event.
    expect(await eventTypes(o, id)).toEqual(['connection.connected', 'connection.created']);
  });

  it('a key revoked at the provider turns the connection error (credentials_rejected, connection.error once); accepted again, it recovers (connection.recovered, in the trail and as a webhook)', async () => {
    const o = await owner(gw);
    const hook = await o.api.post('/api/v1/webhooks', { url: receiver.url });
    expect(hook.status).toBe(201);
    const key = newKey();
    api.acceptApiKey(key);
    const id = await connectWithKey(o, slug, key);

    api.revoke(key);
    const refused = await o.api.post(`/api/v1/connections/${id}/check`);
    expect(refused.status).toBe(200);
    expect(refused.body.connection.status).toBe('error');
    expect(refused.body.connection.lastError).toMatchObject({ code: 'credentials_rejected' });
    expect(refused.body.connection.lastError.message).toContain(`Health ${slug}`);
    expect(refused.body.connection.lastError.message).toContain('401');

    // Refused again: the time moves on, no second event.
    const again = await o.api.post(`/api/v1/connections/${id}/check`);
    expect(again.status).toBe(200);
    expect(again.body.connection.status).toBe('error');
    expect(Date.parse(again.body.connection.lastCheckedAt)).toBeGreaterThanOrEqual(
      Date.parse(refused.body.connection.lastCheckedAt),
    );
    expect(await eventTypes(o, id)).toEqual([
      'connection.error',
      'connection.connected',
      'connection.created',
    ]);

    api.acceptApiKey(key);
    const recovered = await o.api.post(`/api/v1/connections/${id}/check`);
    expect(recovered.status).toBe(200);
    expect(recovered.body.connection).toMatchObject({ status: 'connected', lastError: null });
    expect(await eventTypes(o, id)).toEqual([
      'connection.recovered',
      'connection.error',
      'connection.connected',
      'connection.created',
    ]);

    await until(
      () => receiver.bodies.some((b) => b?.type === 'connection.recovered' && b.data.connection.id === id),
      15_000,
      'the connection.recovered webhook',
    );
    const delivered = receiver.bodies.filter((b) => b?.data?.connection?.id === id).map((b) => b.type);
    expect(delivered).toEqual(expect.arrayContaining(['connection.error', 'connection.recovered']));
    const recoveredHook = receiver.bodies.find(
      (b) => b?.type === 'connection.recovered' && b.data.connection.id === id,
    );
    expect(recoveredHook.data.connection.status).toBe('connected');
  });

  it.each([
    ['answers 500', () => api.setMode('status', { status: 500 })],
    ['rate limits (429)', () => api.setMode('status', { status: 429, retryAfter: 30 })],
    ['answers another 4xx (404)', () => api.setMode('status', { status: 404 })],
    ['is silent beyond VERIFY_TIMEOUT_MS', () => api.setMode('silent')],
    ['resets the connection', () => api.setMode('reset')],
  ])('a provider that %s: 502 PROVIDER_UNAVAILABLE and nothing changed', async (_name, misbehave) => {
    const o = await owner(gw);
    const key = newKey();
    api.acceptApiKey(key);
    const id = await connectWithKey(o, slug, key);
    const before = await stored(gw, id);

    misbehave();
    const res = await o.api.post(`/api/v1/connections/${id}/check`);
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('PROVIDER_UNAVAILABLE');
    expect(await stored(gw, id)).toEqual(before);
    expect(await eventTypes(o, id)).toEqual(['connection.connected', 'connection.created']);
  });

  it('credentials re-submitted while a check runs win: the check of the old ones is dropped', async () => {
    const o = await owner(gw);
    const oldKey = newKey();
    api.acceptApiKey(oldKey);
    const id = await connectWithKey(o, slug, oldKey);
    api.revoke(oldKey);
    // The check's request (the next one) is answered late: 401, after the new key is stored.
    api.setMode('slow', { delayMs: 800, count: 1 });
    const checking = o.api.post(`/api/v1/connections/${id}/check`);
    await until(() => requestsWith(api, oldKey) >= 2, 5_000, 'the check reaching the provider');
    const newerKey = newKey();
    api.acceptApiKey(newerKey);
    const submitted = await o.api.post(`/api/v1/connections/${id}/credentials`, {
      credentials: { apiKey: newerKey },
    });
    expect(submitted.status).toBe(200);

    const checked = await checking;
    expect(checked.status).toBe(200);
    expect(checked.body.connection).toMatchObject({ status: 'connected', lastError: null });
    expect((await stored(gw, id)).status).toBe('connected');
    expect(await eventTypes(o, id)).toEqual([
      'connection.reauthorized',
      'connection.connected',
      'connection.created',
    ]);
  });

  it('a connection with nothing to check (no verify, not OAuth) is 400', async () => {
    const o = await owner(gw);
    const id = await connectWithKey(o, plainSlug, newKey());
    const res = await o.api.post(`/api/v1/connections/${id}/check`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    expect(res.body.error.message).toContain('nothing to check');
  });

  it('a pending connection is 409; an unknown id or another owner is 404; a malformed id 400', async () => {
    const o = await owner(gw);
    const created = await o.api.post('/api/v1/connections', { connectorSlug: slug });
    const id = created.body.connection.id as string;
    const pending = await o.api.post(`/api/v1/connections/${id}/check`);
    expect(pending.status).toBe(409);
    expect(pending.body.error.code).toBe('CONFLICT');
    expect(pending.body.error.message).toContain('pending');

    const stranger = await owner(gw);
    expect((await stranger.api.post(`/api/v1/connections/${id}/check`)).status).toBe(404);
    expect((await o.api.post('/api/v1/connections/8d3c1c1e-0000-4000-8000-000000000000/check')).status).toBe(
      404,
    );
    expect((await o.api.post('/api/v1/connections/not-a-uuid/check')).status).toBe(400);
  });

  it('a browser session restricted to other connectors sees the connection as 404', async () => {
    const o = await owner(gw);
    const key = newKey();
    api.acceptApiKey(key);
    const id = await connectWithKey(o, slug, key);
    const session = await o.api.post('/api/v1/sessions', { allowedConnectors: [otherSlug] });
    expect(session.status).toBe(201);
    const res = await client(gw.baseUrl, session.body.token).post(`/api/v1/connections/${id}/check`);
    expect(res.status).toBe(404);
  });

  it('GraphQL checkConnection runs the same check (and PROVIDER_UNAVAILABLE in extensions.code)', async () => {
    const o = await owner(gw);
    const key = newKey();
    api.acceptApiKey(key);
    const id = await connectWithKey(o, slug, key);
    api.revoke(key);
    const res = await gql(gw.baseUrl, o.apiKey, CheckConnectionDocument, { id });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.checkConnection).toMatchObject({
      id,
      status: 'ERROR',
      lastError: { code: 'credentials_rejected' },
    });
    expect(res.body.data?.checkConnection.lastCheckedAt).toBeTruthy();

    api.setMode('status', { status: 503 });
    const down = await gql(gw.baseUrl, o.apiKey, CheckConnectionDocument, { id });
    expect(down.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
  });

  it('no credential reaches a log line', () => {
    const secrets = api.credentialsSeen();
    expect(secrets.length).toBeGreaterThan(5);
    for (const line of gw.logs) {
      for (const secret of secrets) expect(line).not.toContain(secret);
    }
  });
});

describe('the background pass', () => {
  let api: ProviderApi;
  let file: string;
  const slug = `health-pass-${suffix()}`;
  const env = () => ({
    CONNECTORS_FILE: file,
    HEALTH_CHECK_INTERVAL_SECONDS: '3600',
    VERIFY_TIMEOUT_MS: '300',
  });

  beforeAll(async () => {
    api = await startProviderApi();
    file = connectorsFile([apiKeyConnector(slug, api.url)]);
  });
  afterAll(() => api.close());
  afterEach(() => api.setMode('normal'));

  it('two instances on one database, each running a pass: each due connection is checked exactly once', async () => {
    const one = await startGateway({ env: env() });
    const two = await startGateway({ env: env() });
    try {
      const keys: string[] = [];
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        const key = newKey();
        api.acceptApiKey(key);
        keys.push(key);
        ids.push(await connectWithKey(await owner(one), slug, key));
      }
      await makeDue(one, ids);
      api.clearRequests();

      const [a, b] = await Promise.all([
        one.services.connectionHealth.runPass(),
        two.services.connectionHealth.runPass(),
      ]);
      expect(a.accepted + b.accepted).toBe(8);
      for (const key of keys) expect(requestsWith(api, key)).toBe(1);
      for (const id of ids) {
        const row = await stored(one, id);
        expect(row.last_checked_at).not.toBeNull();
        // The next scheduled check: one interval after this one.
        expect(row.leased).toBe(true);
      }
      // Checked now: not due again within the interval.
      expect(await one.services.connectionHealth.runPass()).toEqual({
        accepted: 0,
        rejected: 0,
        deferred: 0,
      });
      expect(api.requests).toHaveLength(8);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('a refused key is recorded by the pass; a provider that is down is left alone until its backoff ends', async () => {
    const gw = await startGateway({ env: env() });
    try {
      const o = await owner(gw);
      const refusedKey = newKey();
      api.acceptApiKey(refusedKey);
      const refusedId = await connectWithKey(o, slug, refusedKey);
      api.revoke(refusedKey);
      const o2 = await owner(gw);
      const downKey = newKey();
      api.acceptApiKey(downKey);
      const downId = await connectWithKey(o2, slug, downKey);
      await makeDue(gw, [refusedId, downId]);

      const refused = await gw.services.connectionHealth.runPass();
      expect(refused).toEqual({ accepted: 1, rejected: 1, deferred: 0 });
      expect((await stored(gw, refusedId)).last_error).toMatchObject({ code: 'credentials_rejected' });
      expect(await eventTypes(o, refusedId)).toContain('connection.error');

      // The rest is down: one attempt, then a not-before lease, not an attempt every pass.
      api.setMode('status', { status: 500 });
      await makeDue(gw, [downId]);
      const before = await stored(gw, downId);
      const asked = requestsWith(api, downKey);
      const first = await gw.services.connectionHealth.runPass();
      expect(first).toEqual({ accepted: 0, rejected: 0, deferred: 1 });
      expect(requestsWith(api, downKey)).toBe(asked + 1);
      const after = await stored(gw, downId);
      expect(after.status).toBe('connected');
      expect(after.last_checked_at).toBeNull();
      expect(after.leased).toBe(true);
      expect(after.token_version).toBe(before.token_version);
      expect(await gw.services.connectionHealth.runPass()).toEqual({ accepted: 0, rejected: 0, deferred: 0 });
      expect(requestsWith(api, downKey)).toBe(asked + 1);
    } finally {
      await gw.close();
    }
  });

  it('the healthChecks job, turned on, checks a due connection by itself', async () => {
    const gw = await startGateway({
      env: { ...env(), HEALTH_CHECK_INTERVAL_SECONDS: '1' },
      healthChecks: true,
    });
    try {
      const key = newKey();
      api.acceptApiKey(key);
      const id = await connectWithKey(await owner(gw), slug, key);
      await makeDue(gw, [id]);
      await until(async () => (await stored(gw, id)).last_checked_at !== null, 10_000, 'a scheduled check');
      expect(requestsWith(api, key)).toBeGreaterThanOrEqual(2);
    } finally {
      await gw.close();
    }
  });
});

describe('the background pass: concurrency', () => {
  let server: http.Server;
  let inFlight = 0;
  let maxInFlight = 0;
  let served = 0;
  const slug = `health-slow-${suffix()}`;

  beforeAll(async () => {
    // Holds every answer 150 ms, counting requests in flight.
    server = http.createServer((req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      req.resume();
      setTimeout(() => {
        inFlight--;
        served++;
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"user":{"email":"slow@example.test"}}');
      }, 150);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('never runs more than HEALTH_CHECK_CONCURRENCY checks at once', async () => {
    const { port } = server.address() as AddressInfo;
    const gw = await startGateway({
      env: {
        CONNECTORS_FILE: connectorsFile([apiKeyConnector(slug, `http://127.0.0.1:${port}`)]),
        HEALTH_CHECK_INTERVAL_SECONDS: '3600',
        HEALTH_CHECK_CONCURRENCY: '2',
      },
    });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push(await connectWithKey(await owner(gw), slug, newKey()));
      await makeDue(gw, ids);
      maxInFlight = 0;
      served = 0;
      const result = await gw.services.connectionHealth.runPass();
      expect(result.accepted).toBe(7);
      expect(served).toBe(7);
      expect(maxInFlight).toBe(2);
    } finally {
      await gw.close();
    }
  });
});

describe('OAuth connections', () => {
  let provider: OAuthProvider;
  let api: ProviderApi;
  let gw: TestGateway;
  let secrets: ConnectionSecrets;
  const slug = `health-oauth-${suffix()}`;
  /** The same provider without verify: a check is a refresh. */
  const refreshOnlySlug = `health-oauth-plain-${suffix()}`;
  /** Every bearer token the API was shown, in order. */
  const presented: string[] = [];
  /** Tokens the API refuses; `refuseAll` refuses every one (the user removed the app). */
  const dead = new Set<string>();
  let refuseAll = false;

  beforeAll(async () => {
    provider = await startOAuthProvider({
      clients: [
        {
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          redirectUris: [CALLBACK],
          auth: 'client_secret_basic',
        },
      ],
    });
    api = await startProviderApi({
      validateBearer: (token) => {
        presented.push(token);
        return refuseAll || dead.has(token)
          ? undefined
          : { email: 'oauth@example.test', id: 'o-1', name: 'O' };
      },
    });
    const definition = {
      ...provider.connectorDefinition(slug),
      api: { baseUrl: api.url },
      verify: { method: 'GET', path: '/me', account: '/user/email' },
    };
    const envSlug = slug.toUpperCase().replace(/[^A-Z0-9]/g, '_');
    const plainEnvSlug = refreshOnlySlug.toUpperCase().replace(/[^A-Z0-9]/g, '_');
    gw = await startGateway({
      env: {
        CONNECTORS_FILE: connectorsFile([definition, provider.connectorDefinition(refreshOnlySlug)]),
        [`CONNECTOR_${envSlug}_CLIENT_ID`]: CLIENT_ID,
        [`CONNECTOR_${envSlug}_CLIENT_SECRET`]: CLIENT_SECRET,
        [`CONNECTOR_${plainEnvSlug}_CLIENT_ID`]: CLIENT_ID,
        [`CONNECTOR_${plainEnvSlug}_CLIENT_SECRET`]: CLIENT_SECRET,
        PUBLIC_URL,
        HEALTH_CHECK_INTERVAL_SECONDS: '3600',
      },
    });
    secrets = new ConnectionSecrets(resolveCipher(gw.config).cipher);
  });
  afterAll(async () => {
    await gw.services.providerRevocation.settle(1_000);
    await gw.close();
    await provider.close();
    await api.close();
  });

  async function accessTokenOf(id: string): Promise<string> {
    const rows: { secret: string }[] = await gw.dataSource.query(
      'SELECT secret FROM connections WHERE id = $1',
      [id],
    );
    return (secrets.open(id, rows[0]!.secret as Sealed) as OAuthSecret).accessToken;
  }

  /** Makes the stored access token close to expiry, so a check must refresh it first. */
  async function nearExpiry(id: string): Promise<void> {
    await gw.dataSource.query(
      `UPDATE connections SET token_expires_at = now() + interval '30 seconds' WHERE id = $1`,
      [id],
    );
  }

  const refreshes = () => provider.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;

  async function connectOAuth(o: Owner, connectorSlug = slug): Promise<string> {
    const res = await o.api.post('/api/v1/connections', { connectorSlug });
    expect(res.status).toBe(201);
    const browser = new TestBrowser({ [PUBLIC_URL]: gw.baseUrl });
    const callback = await provider.authorize((await openOAuthUrl(browser, res.body.oauthUrl)).toString());
    const done = await browser.get(callback.toString());
    expect(done.status).toBe(200);
    return res.body.connection.id as string;
  }

  it('an OAuth connection with verify is checked with a refreshed token (by the pass and by the route)', async () => {
    const o = await owner(gw);
    const id = await connectOAuth(o);
    const first = await accessTokenOf(id);
    dead.add(first);
    await nearExpiry(id);
    await makeDue(gw, [id]);
    const refreshesBefore = refreshes();
    const shownBefore = presented.length;

    const result = await gw.services.connectionHealth.runPass();
    expect(result).toEqual({ accepted: 1, rejected: 0, deferred: 0 });
    const second = await accessTokenOf(id);
    expect(second).not.toBe(first);
    expect(refreshes()).toBe(refreshesBefore + 1);
    // The API saw the refreshed token only, never the one near expiry.
    expect(presented.slice(shownBefore)).toEqual([second]);
    const row = await stored(gw, id);
    expect(row.status).toBe('connected');
    expect(row.last_checked_at).not.toBeNull();

    // The route: the provider refuses the token → error (and a refresh first keeps it in error).
    refuseAll = true;
    await nearExpiry(id);
    const refused = await o.api.post(`/api/v1/connections/${id}/check`);
    expect(refused.status).toBe(200);
    expect(refused.body.connection).toMatchObject({
      status: 'error',
      lastError: { code: 'credentials_rejected' },
    });
    const third = await accessTokenOf(id);
    expect(third).not.toBe(second);
    expect(presented[presented.length - 1]).toBe(third);

    // Accepted again: connected, recovered.
    refuseAll = false;
    await nearExpiry(id);
    const back = await o.api.post(`/api/v1/connections/${id}/check`);
    expect(back.status).toBe(200);
    expect(back.body.connection).toMatchObject({
      status: 'connected',
      lastError: null,
      account: 'oauth@example.test',
    });
    const types = await eventTypes(o, id);
    expect(types.slice(0, 2)).toEqual(['connection.recovered', 'connection.token_refreshed']);
    expect(types).toContain('connection.error');
  });

  it('an OAuth connector without verify is checked by refreshing the token; a grant the provider ended turns it expired', async () => {
    const o = await owner(gw);
    const id = await connectOAuth(o, refreshOnlySlug);
    const before = await accessTokenOf(id);
    const refreshesBefore = refreshes();
    const checked = await o.api.post(`/api/v1/connections/${id}/check`);
    expect(checked.status).toBe(200);
    expect(checked.body.connection.status).toBe('connected');
    expect(checked.body.connection.lastCheckedAt).not.toBeNull();
    expect(refreshes()).toBe(refreshesBefore + 1);
    expect(await accessTokenOf(id)).not.toBe(before);

    provider.revokeAllRefreshTokens(await accessTokenOf(id));
    const ended = await o.api.post(`/api/v1/connections/${id}/check`);
    expect(ended.status).toBe(200);
    expect(ended.body.connection).toMatchObject({ status: 'expired', lastError: { code: 'invalid_grant' } });
    // Expired is not checked again: it needs a re-authorisation.
    expect((await o.api.post(`/api/v1/connections/${id}/check`)).status).toBe(409);
  });

  it('no token reaches a log line', () => {
    const tokens = provider.issuedTokens();
    expect(tokens.length).toBeGreaterThan(2);
    for (const line of gw.logs) for (const token of tokens) expect(line).not.toContain(token);
  });
});
