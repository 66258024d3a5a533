/**
 * Browser sessions (docs/security.md#browser-sessions-not-keys-in-browsers): a frontend holds an
 * `alm_sess_` token instead of its owner's API key. Creation and its bounds, where the token works
 * and where it does not, `allowedConnectors` enforced alike by REST and GraphQL, expiry,
 * revocation, and CORS.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/config';
import {
  ConnectDocument,
  ConnectionDocument,
  ConnectionsDocument,
  ConnectorDocument,
  ConnectorsDocument,
  CreateSessionDocument,
  RevokeDocument,
  RevokeSessionDocument,
  SubmitCredentialsDocument,
} from '../graphql/generated/graphql';
import { startGateway, type TestGateway } from '../support/gateway';
import { gql } from '../support/graphql';
import { client, request } from '../support/http';

const TOKEN = /^alm_sess_[0-9A-Za-z]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const OPENAI_KEY = 'sk-sessionTestKey00000000000000000000';
const ANTHROPIC_KEY = 'sk-ant-sessionTestKey000000000000000000';
const UNKNOWN_SESSION = `alm_sess_${'A'.repeat(32)}`;
const OAUTH_ENV = {
  CONNECTOR_GITHUB_CLIENT_ID: 'gh-client',
  CONNECTOR_GITHUB_CLIENT_SECRET: 'gh-secret',
  CONNECTOR_GITLAB_CLIENT_ID: 'gl-client',
  CONNECTOR_GITLAB_CLIENT_SECRET: 'gl-secret',
};

type Owner = { ownerId: string; apiKey: string };

describe('browser sessions', () => {
  let gw: TestGateway;
  let alice: Owner;
  let bob: Owner;

  beforeAll(async () => {
    gw = await startGateway({ env: OAUTH_ENV });
    alice = await gw.newOwner('sess-alice');
    bob = await gw.newOwner('sess-bob');
  });
  afterAll(() => gw.close());

  async function createSession(owner: Owner, body: unknown = {}) {
    const res = await client(gw.baseUrl, owner.apiKey).post('/api/v1/sessions', body);
    if (res.status !== 201) throw new Error(`createSession: ${res.status} ${res.text}`);
    return { id: res.body.session.id as string, token: res.body.token as string, body: res.body };
  }

  /** The 401 an unknown token gets on a route: what every refused session token must look like. */
  async function unknownTokenAnswer(method: string, path: string, json?: unknown) {
    const res = await request(method, `${gw.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${UNKNOWN_SESSION}` },
      json,
    });
    expect(res.status).toBe(401);
    return res;
  }

  async function expectSameAsUnknown(token: string, method: string, path: string, json?: unknown) {
    const reference = await unknownTokenAnswer(method, path, json);
    const res = await request(method, `${gw.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${token}` },
      json,
    });
    expect(res.status).toBe(401);
    expect(res.text).toBe(reference.text);
    expect(res.headers.get('www-authenticate')).toBe(reference.headers.get('www-authenticate'));
  }

  describe('POST /api/v1/sessions', () => {
    it('creates a session: 201, the token shown once, expiry 900 s by default, unrestricted', async () => {
      const before = Date.now();
      const res = await client(gw.baseUrl, alice.apiKey).post('/api/v1/sessions', {});
      expect(res.status).toBe(201);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(Object.keys(res.body).sort()).toEqual(['session', 'token']);
      expect(res.body.token).toMatch(TOKEN);
      const session = res.body.session;
      expect(Object.keys(session).sort()).toEqual(['allowedConnectors', 'createdAt', 'expiresAt', 'id']);
      expect(session.id).toMatch(UUID);
      expect(session.allowedConnectors).toBeNull();
      const lifetime = Date.parse(session.expiresAt) - Date.parse(session.createdAt);
      expect(lifetime).toBe(900_000);
      expect(Date.parse(session.createdAt)).toBeGreaterThanOrEqual(before - 1_000);
    });

    it('keeps allowedConnectors (deduplicated) and the requested lifetime', async () => {
      const { body } = await createSession(alice, {
        allowedConnectors: ['openai', 'github', 'openai'],
        expiresInSeconds: 60,
      });
      expect(body.session.allowedConnectors).toEqual(['openai', 'github']);
      expect(Date.parse(body.session.expiresAt) - Date.parse(body.session.createdAt)).toBe(60_000);
      const longest = await createSession(alice, { expiresInSeconds: 3600 });
      const s = longest.body.session;
      expect(Date.parse(s.expiresAt) - Date.parse(s.createdAt)).toBe(3_600_000);
    });

    it('stores only the SHA-256 hash of the token: the database holds no token', async () => {
      const { id, token } = await createSession(alice, { allowedConnectors: ['openai'] });
      const rows: Record<string, unknown>[] = await gw.dataSource.query(
        'SELECT * FROM browser_sessions WHERE id = $1',
        [id],
      );
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      expect(row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
      expect(row.owner_id).toBe(alice.ownerId);
      const dump: { dump: string }[] = await gw.dataSource.query(
        "SELECT string_agg(t::text, '\n') AS dump FROM browser_sessions t",
      );
      expect(dump[0]!.dump).not.toContain(token);
      expect(dump[0]!.dump).not.toContain(token.slice('alm_sess_'.length));
    });

    it.each([
      ['expiresInSeconds 59', { expiresInSeconds: 59 }, 'expiresInSeconds'],
      ['expiresInSeconds 3601', { expiresInSeconds: 3601 }, 'expiresInSeconds'],
      ['expiresInSeconds "x"', { expiresInSeconds: 'x' }, 'expiresInSeconds'],
      ['expiresInSeconds 90.5', { expiresInSeconds: 90.5 }, 'expiresInSeconds'],
      ['an unknown connector', { allowedConnectors: ['openai', 'no-such-connector'] }, 'allowedConnectors.1'],
      ['an empty allowedConnectors', { allowedConnectors: [] }, 'allowedConnectors'],
      ['101 allowedConnectors', { allowedConnectors: Array(101).fill('openai') }, 'allowedConnectors'],
      ['a non-string slug', { allowedConnectors: [42] }, 'allowedConnectors'],
      ['allowedConnectors as a string', { allowedConnectors: 'openai' }, 'allowedConnectors'],
      ['an extra field ownerId', { ownerId: randomUUID() }, 'ownerId'],
      ['an extra field token', { token: UNKNOWN_SESSION }, 'token'],
      ['an extra field tokenHash', { tokenHash: 'x'.repeat(64) }, 'tokenHash'],
    ])('refuses %s with 400 naming the field, and stores nothing', async (_what, body, field) => {
      const count = async () =>
        (
          (await gw.dataSource.query('SELECT count(*)::int AS n FROM browser_sessions WHERE owner_id = $1', [
            bob.ownerId,
          ])) as { n: number }[]
        )[0]!.n;
      const before = await count();
      const res = await client(gw.baseUrl, bob.apiKey).post('/api/v1/sessions', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await count()).toBe(before);
    });

    it('refuses a body that is not a JSON object', async () => {
      const res = await client(gw.baseUrl, bob.apiKey).post('/api/v1/sessions', ['openai']);
      expect(res.status).toBe(400);
    });

    it('needs an API key: none, unknown, or a session token all get the same 401', async () => {
      const { token, id } = await createSession(alice);
      const noKey = await request('POST', `${gw.baseUrl}/api/v1/sessions`, { json: {} });
      expect(noKey.status).toBe(401);
      await expectSameAsUnknown(token, 'POST', '/api/v1/sessions', {});
      await expectSameAsUnknown(token, 'DELETE', `/api/v1/sessions/${id}`);
      // The session still works where it is meant to.
      const res = await client(gw.baseUrl, token).get('/api/v1/connectors');
      expect(res.status).toBe(200);
    });
  });

  describe('an unrestricted session token', () => {
    let token: string;
    let owner: Owner;

    beforeAll(async () => {
      owner = await gw.newOwner('sess-open');
      token = (await createSession(owner)).token;
    });

    it('works on every connection and catalog route, acting for its owner', async () => {
      const api = client(gw.baseUrl, token);
      const ownerApi = client(gw.baseUrl, owner.apiKey);

      const connectors = await api.get('/api/v1/connectors');
      expect(connectors.status).toBe(200);
      expect(connectors.body.connectors.length).toBe(
        (await ownerApi.get('/api/v1/connectors')).body.connectors.length,
      );
      expect((await api.get('/api/v1/connectors/openai')).status).toBe(200);

      const created = await api.post('/api/v1/connections', { connectorSlug: 'openai' });
      expect(created.status).toBe(201);
      const id = created.body.connection.id as string;
      // It is the owner's connection.
      expect((await ownerApi.get(`/api/v1/connections/${id}`)).status).toBe(200);

      const list = await api.get('/api/v1/connections');
      expect(list.status).toBe(200);
      expect(list.body.connections.map((c: { id: string }) => c.id)).toEqual([id]);
      expect((await api.get(`/api/v1/connections/${id}`)).body.connection.id).toBe(id);

      const submitted = await api.post(`/api/v1/connections/${id}/credentials`, {
        credentials: { apiKey: OPENAI_KEY },
      });
      expect(submitted.status).toBe(200);
      expect(submitted.body.connection.status).toBe('connected');

      const github = await api.post('/api/v1/connections', { connectorSlug: 'github' });
      expect(github.status).toBe(201);
      const reauth = await api.post(`/api/v1/connections/${github.body.connection.id}/oauth`, {});
      expect(reauth.status).toBe(200);
      expect(reauth.body.oauthUrl).toContain(
        `/api/v1/connections/${github.body.connection.id}/oauth?ticket=`,
      );

      const deleted = await api.delete(`/api/v1/connections/${id}`);
      expect(deleted.status).toBe(200);
      expect((await ownerApi.get(`/api/v1/connections/${id}`)).status).toBe(404);
    });

    it('works on GraphQL', async () => {
      const result = await gql(gw.baseUrl, token, ConnectDocument, { input: { connectorSlug: 'anthropic' } });
      expect(result.status).toBe(200);
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data?.connect.connection.connectorSlug).toBe('anthropic');
      const connectors = await gql(gw.baseUrl, token, ConnectorsDocument, {});
      expect(connectors.body.data?.connectors.length).toBeGreaterThan(10);
    });

    it('gets the same 401 as an unknown token on /internal', async () => {
      await expectSameAsUnknown(token, 'GET', `/internal/v1/connections/${randomUUID()}/credentials`);
    });

    it('cannot create or revoke sessions over GraphQL either (UNAUTHORIZED)', async () => {
      const created = await gql(gw.baseUrl, token, CreateSessionDocument, { input: {} });
      expect(created.body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED');
      expect(created.body.data).toBeNull();
      const revoked = await gql(gw.baseUrl, token, RevokeSessionDocument, { id: randomUUID() });
      expect(revoked.body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED');
    });
  });

  describe('allowedConnectors', () => {
    let owner: Owner;
    let token: string;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      owner = await gw.newOwner('sess-restricted');
      const ownerApi = client(gw.baseUrl, owner.apiKey);
      for (const slug of ['openai', 'anthropic', 'gitlab']) {
        const res = await ownerApi.post('/api/v1/connections', { connectorSlug: slug });
        expect(res.status).toBe(201);
        ids[slug] = res.body.connection.id;
      }
      token = (await createSession(owner, { allowedConnectors: ['openai', 'github'] })).token;
    });

    it('GET /api/v1/connectors lists only the allowed connectors; another one is 404', async () => {
      const api = client(gw.baseUrl, token);
      const res = await api.get('/api/v1/connectors');
      expect(res.status).toBe(200);
      expect(res.body.connectors.map((c: { slug: string }) => c.slug).sort()).toEqual(['github', 'openai']);
      expect((await api.get('/api/v1/connectors?authType=api_key')).body.connectors).toHaveLength(1);
      expect((await api.get('/api/v1/connectors/openai')).status).toBe(200);
      expect((await api.get('/api/v1/connectors/anthropic')).status).toBe(404);
    });

    it('connect to another connector is 400 naming connectorSlug, and creates nothing', async () => {
      const api = client(gw.baseUrl, token);
      const res = await api.post('/api/v1/connections', { connectorSlug: 'stripe' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
      expect(res.body.error.details).toEqual([
        { field: 'connectorSlug', message: 'is not allowed for this session' },
      ]);
      const rows: unknown[] = await gw.dataSource.query(
        "SELECT id FROM connections WHERE owner_id = $1 AND connector_slug = 'stripe'",
        [owner.ownerId],
      );
      expect(rows).toHaveLength(0);
      const allowed = await api.post('/api/v1/connections', { connectorSlug: 'openai' });
      expect(allowed.status).toBe(200); // the owner's existing one
      expect(allowed.body.connection.id).toBe(ids.openai);
    });

    it('lists only the connections of allowed connectors', async () => {
      const api = client(gw.baseUrl, token);
      const res = await api.get('/api/v1/connections');
      expect(res.body.connections.map((c: { id: string }) => c.id)).toEqual([ids.openai]);
      const filtered = await api.get('/api/v1/connections?connectorSlug=anthropic');
      expect(filtered.status).toBe(200);
      expect(filtered.body).toEqual({ connections: [], nextCursor: null });
      // The owner's key still sees all three.
      const all = await client(gw.baseUrl, owner.apiKey).get('/api/v1/connections');
      expect(all.body.connections).toHaveLength(3);
    });

    it('treats connections of other connectors as nonexistent: get, credentials, oauth, delete are 404', async () => {
      const api = client(gw.baseUrl, token);
      const notFound = await api.get(`/api/v1/connections/${randomUUID()}`);
      for (const res of [
        await api.get(`/api/v1/connections/${ids.anthropic}`),
        await api.post(`/api/v1/connections/${ids.anthropic}/credentials`, {
          credentials: { apiKey: ANTHROPIC_KEY },
        }),
        await api.post(`/api/v1/connections/${ids.gitlab}/oauth`, {}),
        await api.delete(`/api/v1/connections/${ids.anthropic}`),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body).toEqual(notFound.body);
      }
      const row: { status: string; deleted_at: Date | null; secret: string | null }[] =
        await gw.dataSource.query('SELECT status, deleted_at, secret FROM connections WHERE id = $1', [
          ids.anthropic,
        ]);
      expect(row[0]).toEqual({ status: 'pending', deleted_at: null, secret: null });
      expect((await api.get(`/api/v1/connections/${ids.openai}`)).status).toBe(200);
    });

    it('applies the same rules on GraphQL', async () => {
      const connectors = await gql(gw.baseUrl, token, ConnectorsDocument, {});
      expect(connectors.body.data?.connectors.map((c) => c.slug).sort()).toEqual(['github', 'openai']);
      const one = await gql(gw.baseUrl, token, ConnectorDocument, { slug: 'anthropic' });
      expect(one.body.data?.connector).toBeNull();

      const list = await gql(gw.baseUrl, token, ConnectionsDocument, {});
      expect(list.body.data?.connections.nodes.map((n) => n.id)).toEqual([ids.openai]);
      const hidden = await gql(gw.baseUrl, token, ConnectionDocument, { id: ids.anthropic! });
      expect(hidden.body.errors).toBeUndefined();
      expect(hidden.body.data?.connection).toBeNull();

      const connect = await gql(gw.baseUrl, token, ConnectDocument, { input: { connectorSlug: 'stripe' } });
      expect(connect.body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_REQUEST',
        details: [{ field: 'connectorSlug', message: 'is not allowed for this session' }],
      });
      const submit = await gql(gw.baseUrl, token, SubmitCredentialsDocument, {
        input: { connectionId: ids.anthropic!, credentials: { apiKey: ANTHROPIC_KEY } },
      });
      expect(submit.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const revoke = await gql(gw.baseUrl, token, RevokeDocument, { id: ids.anthropic! });
      expect(revoke.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });
  });

  describe('expiry and revocation', () => {
    it('an expired session gets the same 401 as an unknown token', async () => {
      const { id, token } = await createSession(alice);
      expect((await client(gw.baseUrl, token).get('/api/v1/connections')).status).toBe(200);
      await gw.dataSource.query(
        "UPDATE browser_sessions SET expires_at = now() - interval '1 second' WHERE id = $1",
        [id],
      );
      await expectSameAsUnknown(token, 'GET', '/api/v1/connections');
      await expectSameAsUnknown(token, 'POST', '/graphql', { query: '{ connectors { slug } }' });
    });

    it('DELETE /api/v1/sessions/:id revokes: 200 {revoked: true}, then the token gets 401', async () => {
      const { id, token } = await createSession(alice);
      const res = await client(gw.baseUrl, alice.apiKey).delete(`/api/v1/sessions/${id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ revoked: true });
      await expectSameAsUnknown(token, 'GET', '/api/v1/connectors');
      const rows: { revoked_at: Date | null }[] = await gw.dataSource.query(
        'SELECT revoked_at FROM browser_sessions WHERE id = $1',
        [id],
      );
      expect(rows[0]!.revoked_at).not.toBeNull();
    });

    it("another owner's session id and a random id are 404, a malformed id is 400", async () => {
      const { id, token } = await createSession(alice);
      const bobApi = client(gw.baseUrl, bob.apiKey);
      const theirs = await bobApi.delete(`/api/v1/sessions/${id}`);
      const random = await bobApi.delete(`/api/v1/sessions/${randomUUID()}`);
      expect(theirs.status).toBe(404);
      expect(theirs.body).toEqual(random.body);
      expect((await bobApi.delete('/api/v1/sessions/not-a-uuid')).status).toBe(400);
      // Alice's session survived Bob's attempt.
      expect((await client(gw.baseUrl, token).get('/api/v1/connectors')).status).toBe(200);
    });

    it('a session dies with the API key that created it', async () => {
      const owner = await gw.newOwner('sess-keyrevoke');
      const { token } = await createSession(owner);
      expect((await client(gw.baseUrl, token).get('/api/v1/connectors')).status).toBe(200);
      await gw.services.owners.revokeKey(owner.apiKey.slice(0, 'alm_live_'.length + 6));
      await expectSameAsUnknown(token, 'GET', '/api/v1/connectors');
    });
  });

  describe('GraphQL createSession and revokeSession', () => {
    it('create with the owner key, use the token, revoke it', async () => {
      const created = await gql(gw.baseUrl, alice.apiKey, CreateSessionDocument, {
        input: { allowedConnectors: ['openai'], expiresInSeconds: 120 },
      });
      expect(created.body.errors).toBeUndefined();
      const payload = created.body.data!.createSession;
      expect(payload.token).toMatch(TOKEN);
      expect(payload.session.allowedConnectors).toEqual(['openai']);
      expect(Date.parse(payload.session.expiresAt) - Date.parse(payload.session.createdAt)).toBe(120_000);

      const seen = await gql(gw.baseUrl, payload.token, ConnectorsDocument, {});
      expect(seen.body.data?.connectors.map((c) => c.slug)).toEqual(['openai']);

      const theirs = await gql(gw.baseUrl, bob.apiKey, RevokeSessionDocument, { id: payload.session.id });
      expect(theirs.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

      const revoked = await gql(gw.baseUrl, alice.apiKey, RevokeSessionDocument, { id: payload.session.id });
      expect(revoked.body.errors).toBeUndefined();
      expect(revoked.body.data?.revokeSession).toEqual({
        revoked: true,
        session: { id: payload.session.id, expiresAt: payload.session.expiresAt },
      });
      await expectSameAsUnknown(payload.token, 'POST', '/graphql', { query: '{ connectors { slug } }' });
    });

    it('validates input as REST does (BAD_REQUEST with details)', async () => {
      const tooShort = await gql(gw.baseUrl, alice.apiKey, CreateSessionDocument, {
        input: { expiresInSeconds: 59 },
      });
      expect(tooShort.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      const unknown = await gql(gw.baseUrl, alice.apiKey, CreateSessionDocument, {
        input: { allowedConnectors: ['nope'] },
      });
      expect(unknown.body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_REQUEST',
        details: [{ field: 'allowedConnectors.0', message: '"nope" is not in the catalog' }],
      });
      const malformed = await gql(gw.baseUrl, alice.apiKey, RevokeSessionDocument, { id: 'nope' });
      expect(malformed.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    });
  });
});

describe('live sessions per owner (SESSIONS_PER_OWNER)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ env: { SESSIONS_PER_OWNER: '3' } });
  });
  afterAll(() => gw.close());

  it('refuses the next create with 409 CONFLICT saying so; a revoked or expired session frees its place', async () => {
    const owner = await gw.newOwner('sess-cap');
    const api = client(gw.baseUrl, owner.apiKey);
    const ids: string[] = [];
    for (let n = 0; n < 3; n += 1) {
      const res = await api.post('/api/v1/sessions', {});
      expect(res.status).toBe(201);
      ids.push(res.body.session.id as string);
    }
    const refused = await api.post('/api/v1/sessions', {});
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      error: { code: 'CONFLICT', message: expect.stringContaining('3 live sessions') },
    });
    const overGraphql = await gql(gw.baseUrl, owner.apiKey, CreateSessionDocument, { input: {} });
    expect(overGraphql.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    // Another owner is not affected.
    const other = await gw.newOwner('sess-cap-other');
    expect((await client(gw.baseUrl, other.apiKey).post('/api/v1/sessions', {})).status).toBe(201);

    expect((await api.delete(`/api/v1/sessions/${ids[0]}`)).status).toBe(200);
    expect((await api.post('/api/v1/sessions', {})).status).toBe(201);
    expect((await api.post('/api/v1/sessions', {})).status).toBe(409);
    await gw.dataSource.query(
      "UPDATE browser_sessions SET expires_at = now() - interval '1 second' WHERE id = $1",
      [ids[1]],
    );
    expect((await api.post('/api/v1/sessions', {})).status).toBe(201);
  });

  it('holds under concurrent creates: never more than the limit', async () => {
    const owner = await gw.newOwner('sess-cap-race');
    const api = client(gw.baseUrl, owner.apiKey);
    const statuses = (
      await Promise.all(Array.from({ length: 12 }, () => api.post('/api/v1/sessions', {})))
    ).map((res) => res.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    const rows: { n: number }[] = await gw.dataSource.query(
      'SELECT count(*)::int AS n FROM browser_sessions WHERE owner_id = $1',
      [owner.ownerId],
    );
    expect(rows[0]!.n).toBe(3);
  });

  it('SESSIONS_PER_OWNER is a whole number of at least 1 (default 1000)', () => {
    expect(loadConfig({}).sessionsPerOwner).toBe(1000);
    expect(() => loadConfig({ SESSIONS_PER_OWNER: '0' })).toThrow(ConfigError);
  });
});

/**
 * A CORS preflight is answered by the CORS layer, not by an API operation, so it goes through
 * fetch directly rather than the client that checks answers against openapi/openapi.yaml.
 */
async function preflight(url: string, headers: Record<string, string>) {
  const res = await fetch(url, { method: 'OPTIONS', headers, redirect: 'manual' });
  await res.arrayBuffer();
  return res;
}

describe('CORS', () => {
  const APP = 'https://app.example';
  let gw: TestGateway;
  let token: string;

  beforeAll(async () => {
    gw = await startGateway({ env: { CORS_ORIGINS: `${APP}, http://localhost:5173` } });
    const owner = await gw.newOwner('cors');
    const res = await client(gw.baseUrl, owner.apiKey).post('/api/v1/sessions', {});
    token = res.body.token;
  });
  afterAll(() => gw.close());

  it('CORS_ORIGINS is parsed into origins and refuses what is not an http(s) URL', () => {
    expect(gw.config.corsOrigins).toEqual([APP, 'http://localhost:5173']);
    expect(() => loadConfig({ CORS_ORIGINS: '*' })).toThrow(ConfigError);
    expect(() => loadConfig({ CORS_ORIGINS: 'ftp://files.example' })).toThrow(/CORS_ORIGINS/);
    expect(loadConfig({}).corsOrigins).toEqual([]);
  });

  it('an allowed origin gets Access-Control-Allow-Origin (no credentials) on REST and GraphQL', async () => {
    const rest = await request('GET', `${gw.baseUrl}/api/v1/connectors`, {
      headers: { origin: APP, authorization: `Bearer ${token}` },
    });
    expect(rest.status).toBe(200);
    expect(rest.headers.get('access-control-allow-origin')).toBe(APP);
    expect(rest.headers.get('access-control-allow-credentials')).toBeNull();
    expect(rest.headers.get('vary')).toMatch(/origin/i);

    const graphql = await request('POST', `${gw.baseUrl}/graphql`, {
      headers: { origin: APP, authorization: `Bearer ${token}` },
      json: { query: '{ connectors { slug } }' },
    });
    expect(graphql.status).toBe(200);
    expect(graphql.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('another origin gets no Access-Control-Allow-Origin', async () => {
    const res = await request('GET', `${gw.baseUrl}/api/v1/connectors`, {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${token}` },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const refused = await preflight(`${gw.baseUrl}/api/v1/connections`, {
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
    });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it.each(['/api/v1/connections', '/graphql'])(
    'answers the preflight of %s with 204 and no authentication',
    async (path) => {
      const res = await preflight(`${gw.baseUrl}${path}`, {
        origin: APP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(APP);
      const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
      expect(allowed).toContain('authorization');
      expect(allowed).toContain('content-type');
      expect(allowed).toContain('apollo-require-preflight');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    },
  );

  it('does not apply to /internal', async () => {
    const res = await request(
      'OPTIONS',
      `${gw.baseUrl}/internal/v1/connections/${randomUUID()}/credentials`,
      {
        headers: { origin: APP, 'access-control-request-method': 'GET' },
      },
    );
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.status).toBe(401);
  });
});
