/**
 * The security test cases (docs/security.md) for the REST connection and catalog routes and the
 * GraphQL door: authentication, tenant isolation, mass assignment, the error envelope and the
 * canary secret. Every response this file receives is recorded, so the last checks can prove what
 * none of them held.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request, type HttpResponse, type RequestOptions } from '../support/http';
import { startGateway, type TestGateway } from '../support/gateway';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const base62 = (n: number) => Array.from(randomBytes(n), (b) => BASE62[b % 62]).join('');
const OTHER_ID = '6f1c1a2e-8a53-4c38-9d5c-1f6a2b3c4d5e';
const FORBIDDEN_IN_ERRORS = ['stack', 'at Object.', 'SELECT ', 'QueryFailedError', 'node_modules'];

const recorded: { what: string; status: number; headers: string; text: string }[] = [];

describe('security', () => {
  let gw: TestGateway;
  let alice: { ownerId: string; apiKey: string };
  let bob: { ownerId: string; apiKey: string };
  let revokedKey: string;
  let aliceConnection: string;
  const canary = `sk-CANARY${base62(32)}`;

  /** Every request of this file goes through here and is recorded. */
  async function call(method: string, path: string, key: string | undefined, options: RequestOptions = {}) {
    const headers = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...options.headers };
    const res = await request(method, `${gw.baseUrl}${path}`, { ...options, headers });
    recorded.push({
      what: `${method} ${path}`,
      status: res.status,
      headers: JSON.stringify([...res.headers.entries()]),
      text: res.text,
    });
    return res;
  }

  async function liveRows(ownerId: string) {
    const rows: Record<string, any>[] = await gw.dataSource.query(
      'SELECT id, status, secret, updated_at, owner_id FROM connections WHERE owner_id = $1 AND deleted_at IS NULL',
      [ownerId],
    );
    return rows;
  }

  beforeAll(async () => {
    gw = await startGateway();
    alice = await gw.newOwner('alice');
    bob = await gw.newOwner('bob');
    const created = await call('POST', '/api/v1/connections', alice.apiKey, {
      json: { connectorSlug: 'openai' },
    });
    aliceConnection = created.body.connection.id;

    const doomed = await gw.newOwner('revoked');
    expect((await call('GET', '/api/v1/connections', doomed.apiKey)).status).toBe(200);
    await gw.services.owners.revokeKey(doomed.apiKey.slice(0, 'alm_live_'.length + 6));
    revokedKey = doomed.apiKey;
  });
  afterAll(() => gw.close());

  describe('authentication', () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/v1/connections', undefined],
      ['POST', '/api/v1/connections', { connectorSlug: 'openai' }],
      ['GET', '/api/v1/connections/:id', undefined],
      ['DELETE', '/api/v1/connections/:id', undefined],
      ['POST', '/api/v1/connections/:id/credentials', { credentials: { apiKey: `sk-${'a'.repeat(30)}` } }],
      ['GET', '/api/v1/connectors', undefined],
      ['GET', '/api/v1/connectors/openai', undefined],
      ['POST', '/graphql', { query: '{ connectors { slug } }' }],
    ];

    it.each(routes)(
      '%s %s: missing, Basic, malformed, unknown and revoked keys get one identical 401',
      async (method, route, json) => {
        const path = route.replace(':id', aliceConnection);
        const authorizations = [
          undefined,
          'Basic dXNlcjpwYXNz',
          'Bearer not-a-key',
          `Bearer alm_live_${base62(32)}`,
          `Bearer ${revokedKey}`,
        ];
        const responses: HttpResponse[] = [];
        for (const authorization of authorizations) {
          responses.push(
            await call(method, path, undefined, { json, headers: authorization ? { authorization } : {} }),
          );
        }
        for (const res of responses) {
          expect(res.status).toBe(401);
          expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
          const code = route === '/graphql' ? res.body.errors[0].extensions.code : res.body.error.code;
          expect(code).toBe('UNAUTHORIZED');
        }
        expect(new Set(responses.map((r) => r.text)).size).toBe(1);
        // The connection was neither touched nor removed.
        expect((await liveRows(alice.ownerId)).map((r) => [r.id, r.status, r.secret])).toEqual([
          [aliceConnection, 'pending', null],
        ]);
      },
    );

    it('accepts the same routes with a valid key (the 401s are about the key alone)', async () => {
      expect((await call('GET', '/api/v1/connections', alice.apiKey)).status).toBe(200);
      expect((await call('GET', `/api/v1/connections/${aliceConnection}`, alice.apiKey)).status).toBe(200);
      expect((await call('GET', '/api/v1/connectors', alice.apiKey)).status).toBe(200);
      const gql = await call('POST', '/graphql', alice.apiKey, {
        json: { query: '{ connectors { slug } }' },
      });
      expect(gql.status).toBe(200);
    });
  });

  describe('tenant isolation', () => {
    const idRoutes: [string, string, unknown?][] = [
      ['GET', '/api/v1/connections/:id', undefined],
      ['DELETE', '/api/v1/connections/:id', undefined],
      ['POST', '/api/v1/connections/:id/credentials', { credentials: { apiKey: `sk-${'b'.repeat(30)}` } }],
    ];

    it.each(idRoutes)(
      "%s %s: another owner's id and a random id are the same 404",
      async (method, route, json) => {
        const others = await call(method, route.replace(':id', aliceConnection), bob.apiKey, { json });
        const upper = await call(method, route.replace(':id', aliceConnection.toUpperCase()), bob.apiKey, {
          json,
        });
        const random = await call(method, route.replace(':id', OTHER_ID), bob.apiKey, { json });
        for (const res of [others, upper, random]) {
          expect(res.status).toBe(404);
          expect(res.body.error.code).toBe('NOT_FOUND');
        }
        expect(others.text).toBe(random.text);
        expect(upper.text).toBe(random.text);
        const [row] = await liveRows(alice.ownerId);
        expect(row).toMatchObject({ id: aliceConnection, status: 'pending', secret: null });
      },
    );

    it.each(idRoutes)('%s %s: a malformed id is a 400', async (method, route, json) => {
      for (const id of ['123', 'not-a-uuid', '..%2Fetc', `${OTHER_ID}x`, `{${OTHER_ID}}`]) {
        const res = await call(method, route.replace(':id', id), bob.apiKey, { json });
        expect([id, res.status, res.body.error.code]).toEqual([id, 400, 'BAD_REQUEST']);
      }
    });

    it("leaves the other owner's connection as it was, visible only to its owner", async () => {
      const own = await call('GET', `/api/v1/connections/${aliceConnection}`, alice.apiKey);
      expect(own.status).toBe(200);
      expect(own.body.connection.status).toBe('pending');
      const list = await call('GET', '/api/v1/connections', bob.apiKey);
      expect(list.body.connections.map((c: { id: string }) => c.id)).not.toContain(aliceConnection);
    });
  });

  describe('mass assignment', () => {
    it.each([
      ['status', { status: 'connected' }],
      ['ownerId', { ownerId: OTHER_ID }],
      ['accessToken', { accessToken: 'gho_injected' }],
      ['id', { id: OTHER_ID }],
      ['connectedAt', { connectedAt: '2020-01-01T00:00:00.000Z' }],
    ])('refuses a create with an extra `%s` field (400) and creates nothing', async (field, extra) => {
      const owner = await gw.newOwner('mass');
      const res = await call('POST', '/api/v1/connections', owner.apiKey, {
        json: { connectorSlug: 'openai', ...extra },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await liveRows(owner.ownerId)).toEqual([]);
      const elsewhere: unknown[] = await gw.dataSource.query('SELECT id FROM connections WHERE id = $1', [
        OTHER_ID,
      ]);
      expect(elsewhere).toEqual([]);
    });

    it.each([['__proto__'], ['constructor'], ['hasOwnProperty']])(
      'refuses a create whose JSON carries a `%s` key (400) and creates nothing',
      async (key) => {
        const owner = await gw.newOwner('proto');
        const raw = `{"connectorSlug":"openai","${key}":{"status":"connected","ownerId":"${alice.ownerId}"}}`;
        const res = await call('POST', '/api/v1/connections', owner.apiKey, {
          raw,
          headers: { 'content-type': 'application/json' },
        });
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('BAD_REQUEST');
        expect(await liveRows(owner.ownerId)).toEqual([]);
      },
    );

    it('refuses extra fields on an existing connection and leaves its row unchanged', async () => {
      const owner = await gw.newOwner('existing');
      const created = await call('POST', '/api/v1/connections', owner.apiKey, {
        json: { connectorSlug: 'stripe' },
      });
      expect(created.status).toBe(201);
      const before = await liveRows(owner.ownerId);
      const id = created.body.connection.id;
      for (const extra of [{ status: 'connected' }, { ownerId: bob.ownerId }, { accessToken: 'x' }]) {
        const res = await call('POST', '/api/v1/connections', owner.apiKey, {
          json: { connectorSlug: 'stripe', ...extra },
        });
        expect(res.status).toBe(400);
      }
      const credentials = { apiKey: `sk_test_${base62(24)}` };
      for (const extra of [{ status: 'connected' }, { connectedAt: '2020-01-01T00:00:00.000Z' }]) {
        const res = await call('POST', `/api/v1/connections/${id}/credentials`, owner.apiKey, {
          json: { credentials, ...extra },
        });
        expect(res.status).toBe(400);
      }
      expect(await liveRows(owner.ownerId)).toEqual(before);
      expect(await liveRows(bob.ownerId)).toEqual([]);
    });
  });

  describe('write-only secrets', () => {
    it('never lets a canary credential reach a response, a log line or the database in plaintext', async () => {
      const owner = await gw.newOwner('canary');
      const created = await call('POST', '/api/v1/connections', owner.apiKey, {
        json: { connectorSlug: 'openai' },
      });
      const id = created.body.connection.id;
      const twilio = await call('POST', '/api/v1/connections', owner.apiKey, {
        json: { connectorSlug: 'twilio' },
      });
      const credentialsUrl = `/api/v1/connections/${id}/credentials`;

      // Rejected submissions that carry the canary: as an unknown key's value, in a bad-format field, too long.
      const rejected = [
        call('POST', credentialsUrl, owner.apiKey, {
          json: { credentials: { apiKey: canary, extra: canary } },
        }),
        call('POST', credentialsUrl, owner.apiKey, { json: { credentials: { apiKey: canary.repeat(200) } } }),
        call('POST', `/api/v1/connections/${twilio.body.connection.id}/credentials`, owner.apiKey, {
          json: { credentials: { accountSid: canary, authToken: canary } },
        }),
        call('POST', credentialsUrl, owner.apiKey, {
          json: { credentials: { apiKey: canary }, note: canary },
        }),
        call('POST', credentialsUrl, owner.apiKey, {
          raw: `{"credentials":{"apiKey":"${canary}"`,
          headers: { 'content-type': 'application/json' },
        }),
      ];
      for (const res of await Promise.all(rejected)) expect(res.status).toBe(400);
      const gqlRejected = await call('POST', '/graphql', owner.apiKey, {
        json: {
          query: `mutation { submitCredentials(input: {connectionId: "${id}", credentials: {nope: "${canary}"}}) { connection { id } } }`,
        },
      });
      expect(gqlRejected.body.errors[0].extensions.code).toBe('BAD_REQUEST');

      const ok = await call('POST', credentialsUrl, owner.apiKey, {
        json: { credentials: { apiKey: canary } },
      });
      expect(ok.status).toBe(200);
      await call('GET', `/api/v1/connections/${id}`, owner.apiKey);
      await call('GET', '/api/v1/connections', owner.apiKey);
      await call('POST', '/api/v1/connections', owner.apiKey, { json: { connectorSlug: 'openai' } });
      await call('POST', '/graphql', owner.apiKey, {
        json: { query: `{ connection(id: "${id}") { id status connectedAt } connections { nodes { id } } }` },
      });

      // The stored secret is sealed; no table (those named, and any added since) holds the canary or a raw API key.
      const tables: { tablename: string }[] = await gw.dataSource.query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
      );
      const names = tables.map((t) => t.tablename);
      expect(names).toEqual(expect.arrayContaining(['connections', 'owners', 'api_keys', 'oauth_flows']));
      const dump: string[] = [];
      for (const table of names) {
        dump.push(JSON.stringify(await gw.dataSource.query(`SELECT * FROM "${table}"`)));
      }
      const text = dump.join('\n');
      expect(text).toContain(id);
      expect(text).not.toContain(canary);
      expect(text).not.toContain(canary.slice(3));
      for (const key of [alice.apiKey, bob.apiKey, owner.apiKey, revokedKey]) {
        expect(text).not.toContain(key);
        expect(text).toContain(createHash('sha256').update(key).digest('hex'));
      }
      const logs = gw.logs.join('\n');
      expect(gw.logs.length).toBeGreaterThan(0);
      expect(logs).not.toContain(canary.slice(3));
      expect(logs).not.toContain(owner.apiKey);
    });
  });

  describe('what every response of this file held', () => {
    it('answered every REST error with the JSON envelope {error: {code, message, details?}}', () => {
      const errors = recorded.filter((r) => r.status >= 400 && !r.what.includes('/graphql'));
      expect(errors.length).toBeGreaterThan(60);
      for (const r of errors) {
        const body = JSON.parse(r.text);
        expect(Object.keys(body)).toEqual(['error']);
        expect(Object.keys(body.error).filter((k) => !['code', 'message', 'details'].includes(k))).toEqual(
          [],
        );
        expect(body.error.code).toMatch(/^[A-Z_]+$/);
        expect(typeof body.error.message).toBe('string');
        if (body.error.details !== undefined) expect(Array.isArray(body.error.details)).toBe(true);
      }
    });

    it('never put a stack, SQL or a driver error in a body, and never answered 500', () => {
      for (const r of recorded) {
        expect([r.what, r.status < 500]).toEqual([r.what, true]);
        if (r.status >= 400) for (const needle of FORBIDDEN_IN_ERRORS) expect(r.text).not.toContain(needle);
        expect(r.text).not.toMatch(/"stack"\s*:/);
      }
    });

    it('never echoed the canary in any body or header', () => {
      expect(recorded.length).toBeGreaterThan(80);
      for (const r of recorded) {
        expect(r.text).not.toContain(canary.slice(3));
        expect(r.headers).not.toContain(canary.slice(3));
      }
    });
  });
});
