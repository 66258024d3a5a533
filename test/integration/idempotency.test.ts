/**
 * Idempotency-Key on POST /api/v1/connections, POST /api/v1/connections/:id/credentials and
 * POST /graphql (README "Idempotency"): replay across instances, exactly one execution, 422 on a
 * reused key, 409 while the first run is in progress, per-owner scope, expiry, and sealed storage.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { TEST_ENCRYPTION_KEY, testDatabaseUrl } from '../support/env';
import { gqlRaw } from '../support/graphql';
import { client, type HttpResponse } from '../support/http';
import { startGateway, type TestGateway } from '../support/gateway';
import { sleep } from '../support/wait';

const openaiKey = () => `sk-${randomBytes(24).toString('hex')}`;
const onPostgres = process.env.TEST_DATABASE_KIND === 'postgres';
const GITHUB = {
  CONNECTOR_GITHUB_CLIENT_ID: 'gh-client-id',
  CONNECTOR_GITHUB_CLIENT_SECRET: 'gh-client-secret',
};

const withKey = (key: string) => ({ headers: { 'idempotency-key': key } });

function expectReplayOf(replay: HttpResponse, first: HttpResponse): void {
  expect(replay.status).toBe(first.status);
  expect(replay.text).toBe(first.text);
  expect(replay.headers.get('content-type')).toBe(first.headers.get('content-type'));
  expect(replay.headers.get('idempotent-replayed')).toBe('true');
  expect(first.headers.get('idempotent-replayed')).toBeNull();
}

describe('Idempotency-Key', () => {
  let a: TestGateway;
  let b: TestGateway;

  beforeAll(async () => {
    a = await startGateway({ env: GITHUB });
    b = await startGateway({ env: GITHUB });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  async function owner() {
    const created = await a.newOwner('idem');
    return { ...created, onA: client(a.baseUrl, created.apiKey), onB: client(b.baseUrl, created.apiKey) };
  }

  async function liveConnections(ownerId: string, slug: string): Promise<number> {
    const rows: { n: string }[] = await a.dataSource.query(
      'SELECT count(*) AS n FROM connections WHERE owner_id = $1 AND connector_slug = $2 AND deleted_at IS NULL',
      [ownerId, slug],
    );
    return Number(rows[0]!.n);
  }

  /** The credential column of an owner's (only) API key. */
  async function credentialOf(ownerId: string): Promise<string> {
    const rows: { id: string }[] = await a.dataSource.query('SELECT id FROM api_keys WHERE owner_id = $1', [
      ownerId,
    ]);
    return `api_key:${rows[0]!.id}`;
  }

  async function storedKey(ownerId: string, key: string) {
    const rows: Record<string, any>[] = await a.dataSource.query(
      'SELECT * FROM idempotency_keys WHERE owner_id = $1 AND idempotency_key = $2',
      [ownerId, key],
    );
    return rows[0];
  }

  describe('POST /api/v1/connections', () => {
    it('replays the first answer on another instance (same status and body, Idempotent-Replayed) and creates one connection', async () => {
      const o = await owner();
      const key = randomUUID();
      const first = await o.onA.post('/api/v1/connections', { connectorSlug: 'openai' }, withKey(key));
      expect(first.status).toBe(201);
      const replay = await o.onB.post('/api/v1/connections', { connectorSlug: 'openai' }, withKey(key));
      expectReplayOf(replay, first);
      // Run again, connect would have answered 200 (existing connection): the replay ran nothing.
      expect(await liveConnections(o.ownerId, 'openai')).toBe(1);
    });

    it('identifies a request by its canonical JSON: the same body with its keys reordered replays', async () => {
      const o = await owner();
      const key = randomUUID();
      const first = await o.onA.post(
        '/api/v1/connections',
        { connectorSlug: 'openai', label: 'Team' },
        withKey(key),
      );
      expect(first.status).toBe(201);
      const reordered = await o.onB.post(
        '/api/v1/connections',
        { label: 'Team', connectorSlug: 'openai' },
        withKey(key),
      );
      expectReplayOf(reordered, first);
    });

    it('replays the same oauthUrl (one handshake) and keeps the answer sealed, never in plaintext', async () => {
      const o = await owner();
      const key = randomUUID();
      const first = await o.onA.post('/api/v1/connections', { connectorSlug: 'github' }, withKey(key));
      expect(first.status).toBe(201);
      const oauthUrl: string = first.body.oauthUrl;
      expect(oauthUrl).toContain('ticket=');
      const replay = await o.onB.post('/api/v1/connections', { connectorSlug: 'github' }, withKey(key));
      expectReplayOf(replay, first);
      expect(replay.body.oauthUrl).toBe(oauthUrl);
      const stored = await storedKey(o.ownerId, key);
      expect(stored!.response_status).toBe(201);
      expect(stored!.response_body).toMatch(/^v1\./);
      const ticket = new URL(oauthUrl).searchParams.get('ticket')!;
      expect(stored!.response_body).not.toContain(ticket);
      expect(stored!.response_body).not.toContain('oauthUrl');
      const flows: { n: string }[] = await a.dataSource.query(
        'SELECT count(*) AS n FROM oauth_flows WHERE connection_id = $1',
        [first.body.connection.id],
      );
      expect(Number(flows[0]!.n)).toBe(1);
    });

    it('refuses the same key with a different body, or on another route, with 422 IDEMPOTENCY_KEY_REUSED', async () => {
      const o = await owner();
      const key = randomUUID();
      expect(
        (await o.onA.post('/api/v1/connections', { connectorSlug: 'openai' }, withKey(key))).status,
      ).toBe(201);
      const otherBody = await o.onB.post('/api/v1/connections', { connectorSlug: 'twilio' }, withKey(key));
      expect(otherBody.status).toBe(422);
      expect(otherBody.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await liveConnections(o.ownerId, 'twilio')).toBe(0);
      const id = (await o.onA.post('/api/v1/connections', { connectorSlug: 'openai' })).body.connection.id;
      const otherRoute = await o.onA.post(
        `/api/v1/connections/${id}/credentials`,
        { credentials: { apiKey: openaiKey() } },
        withKey(key),
      );
      expect(otherRoute.status).toBe(422);
      expect(otherRoute.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it('scopes keys per owner: the same key from two owners runs twice, independently', async () => {
      const alice = await owner();
      const bob = await owner();
      const key = randomUUID();
      const fromAlice = await alice.onA.post(
        '/api/v1/connections',
        { connectorSlug: 'openai' },
        withKey(key),
      );
      const fromBob = await bob.onB.post('/api/v1/connections', { connectorSlug: 'openai' }, withKey(key));
      expect(fromAlice.status).toBe(201);
      expect(fromBob.status).toBe(201);
      expect(fromBob.headers.get('idempotent-replayed')).toBeNull();
      expect(fromBob.body.connection.id).not.toBe(fromAlice.body.connection.id);
    });

    it('keeps a 400 too: the same invalid request replays its 400', async () => {
      const o = await owner();
      const key = randomUUID();
      const first = await o.onA.post(
        '/api/v1/connections',
        { connectorSlug: 'no-such-connector' },
        withKey(key),
      );
      expect(first.status).toBe(400);
      expectReplayOf(
        await o.onB.post('/api/v1/connections', { connectorSlug: 'no-such-connector' }, withKey(key)),
        first,
      );
    });

    it.each([
      ['empty', ''],
      ['containing a space', 'a b'],
      ['256 characters long', 'k'.repeat(256)],
    ])('answers 400 BAD_REQUEST naming the header for a key that is %s', async (_name, key) => {
      const o = await owner();
      const res = await o.onA.post('/api/v1/connections', { connectorSlug: 'openai' }, withKey(key));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
      expect(res.body.error.message).toContain('Idempotency-Key');
      expect(res.body.error.details).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
      expect(await liveConnections(o.ownerId, 'openai')).toBe(0);
    });

    it('accepts a 255-character key of visible ASCII', async () => {
      const o = await owner();
      const key = '!~'.repeat(127) + 'x';
      expect(
        (await o.onA.post('/api/v1/connections', { connectorSlug: 'openai' }, withKey(key))).status,
      ).toBe(201);
      expect(
        (await o.onB.post('/api/v1/connections', { connectorSlug: 'openai' }, withKey(key))).headers.get(
          'idempotent-replayed',
        ),
      ).toBe('true');
    });
  });

  describe('in progress', () => {
    async function insertInProgress(ownerId: string, key: string, fingerprint: string, lockedFor: string) {
      await a.dataSource.query(
        `INSERT INTO idempotency_keys (credential, owner_id, idempotency_key, fingerprint, lock_token, locked_until, expires_at)
         VALUES ($1, $2, $3, $4, $5, now() + $6::interval, now() + interval '1 day')`,
        [await credentialOf(ownerId), ownerId, key, fingerprint, randomUUID(), lockedFor],
      );
    }
    const requestFingerprint = (method: string, route: string, body: unknown) =>
      a.services.idempotency.fingerprints(method, route, body)[0]!;

    it('answers 409 CONFLICT with Retry-After: 1 while the first request holds the key', async () => {
      const o = await owner();
      const key = randomUUID();
      const body = { connectorSlug: 'openai' };
      await insertInProgress(
        o.ownerId,
        key,
        requestFingerprint('POST', '/api/v1/connections', body),
        '1 minute',
      );
      const res = await o.onA.post('/api/v1/connections', body, withKey(key));
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('CONFLICT');
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await liveConnections(o.ownerId, 'openai')).toBe(0);
    });

    it("takes over a crashed instance's key once its lock has expired", async () => {
      const o = await owner();
      const key = randomUUID();
      const body = { connectorSlug: 'openai' };
      await insertInProgress(
        o.ownerId,
        key,
        requestFingerprint('POST', '/api/v1/connections', body),
        '-1 second',
      );
      const res = await o.onB.post('/api/v1/connections', body, withKey(key));
      expect(res.status).toBe(201);
      expect(res.headers.get('idempotent-replayed')).toBeNull();
      expectReplayOf(await o.onA.post('/api/v1/connections', body, withKey(key)), res);
    });

    (onPostgres ? it : it.skip)(
      'a concurrent duplicate gets 409 while the first blocks on a row lock, then the first completes and a third replays (PostgreSQL only: the embedded engine serves every client from one backend, so no row lock can hold one request while another runs)',
      async () => {
        const o = await owner();
        const id: string = (await o.onA.post('/api/v1/connections', { connectorSlug: 'openai' })).body
          .connection.id;
        const key = randomUUID();
        const body = { credentials: { apiKey: openaiKey() } };
        const path = `/api/v1/connections/${id}/credentials`;
        const locker = new Client({ connectionString: testDatabaseUrl() });
        await locker.connect();
        try {
          await locker.query('BEGIN');
          await locker.query('SELECT id FROM connections WHERE id = $1 FOR UPDATE', [id]);
          const firstPromise = o.onA.post(path, body, withKey(key));
          // Wait until the first submission is blocked on the lock.
          let waiting = 0;
          for (let i = 0; i < 200 && waiting === 0; i += 1) {
            const rows: { n: string }[] = await locker
              .query(
                `SELECT count(*) AS n FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
              )
              .then((r) => r.rows);
            waiting = Number(rows[0]!.n);
            if (waiting === 0) await sleep(20);
          }
          expect(waiting).toBe(1);
          const second = await o.onB.post(path, body, withKey(key));
          expect(second.status).toBe(409);
          expect(second.body.error.code).toBe('CONFLICT');
          expect(second.headers.get('retry-after')).toBe('1');
          await locker.query('COMMIT');
          const first = await firstPromise;
          expect(first.status).toBe(200);
          expect(first.body.connection.status).toBe('connected');
          const third = await o.onB.post(path, body, withKey(key));
          expectReplayOf(third, first);
        } finally {
          await locker.end();
        }
      },
    );
  });

  describe('POST /api/v1/connections/:id/credentials', () => {
    it('replays the answer and stores nothing a second time', async () => {
      const o = await owner();
      const id: string = (await o.onA.post('/api/v1/connections', { connectorSlug: 'openai' })).body
        .connection.id;
      const key = randomUUID();
      const body = { credentials: { apiKey: openaiKey() } };
      const first = await o.onA.post(`/api/v1/connections/${id}/credentials`, body, withKey(key));
      expect(first.status).toBe(200);
      const before: { updated_at: Date; secret: string }[] = await a.dataSource.query(
        'SELECT updated_at, secret FROM connections WHERE id = $1',
        [id],
      );
      await sleep(5);
      const replay = await o.onB.post(`/api/v1/connections/${id}/credentials`, body, withKey(key));
      expectReplayOf(replay, first);
      const after: { updated_at: Date; secret: string }[] = await a.dataSource.query(
        'SELECT updated_at, secret FROM connections WHERE id = $1',
        [id],
      );
      // A second run would have re-sealed the secret (fresh nonce) and moved updated_at.
      expect(after[0]!.secret).toBe(before[0]!.secret);
      expect(new Date(after[0]!.updated_at).toISOString()).toBe(
        new Date(before[0]!.updated_at).toISOString(),
      );
      // The stored answer holds no credential value in plaintext.
      const stored = await storedKey(o.ownerId, key);
      expect(stored!.response_body).not.toContain(body.credentials.apiKey);
    });
  });

  describe('POST /graphql', () => {
    const connect = `mutation Connect($input: ConnectInput!) {
      connect(input: $input) { created connection { id connectorSlug status } credentialSubmitUrl }
    }`;

    it('replays a connect mutation across instances, running it once', async () => {
      const o = await owner();
      const key = randomUUID();
      const request = { query: connect, variables: { input: { connectorSlug: 'openai' } } };
      const first = await gqlRaw(a.baseUrl, o.apiKey, request, { 'idempotency-key': key });
      expect(first.status).toBe(200);
      expect(first.body.errors).toBeUndefined();
      expect((first.body.data as any).connect.created).toBe(true);
      const replay = await gqlRaw(b.baseUrl, o.apiKey, request, { 'idempotency-key': key });
      expectReplayOf(replay, first);
      expect((replay.body.data as any).connect.created).toBe(true);
      expect(await liveConnections(o.ownerId, 'openai')).toBe(1);
    });

    it('refuses the same key with other variables: HTTP 422, extensions.code IDEMPOTENCY_KEY_REUSED', async () => {
      const o = await owner();
      const key = randomUUID();
      const headers = { 'idempotency-key': key };
      const first = await gqlRaw(
        a.baseUrl,
        o.apiKey,
        { query: connect, variables: { input: { connectorSlug: 'openai' } } },
        headers,
      );
      expect(first.status).toBe(200);
      const other = await gqlRaw(
        b.baseUrl,
        o.apiKey,
        { query: connect, variables: { input: { connectorSlug: 'twilio' } } },
        headers,
      );
      expect(other.status).toBe(422);
      expect(other.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await liveConnections(o.ownerId, 'twilio')).toBe(0);
    });
  });

  describe('per credential', () => {
    const createSession = `mutation CreateSession($input: CreateSessionInput!) {
      createSession(input: $input) { token session { id allowedConnectors } }
    }`;
    const createWebhook = `mutation CreateWebhook($input: CreateWebhookEndpointInput!) {
      createWebhookEndpoint(input: $input) { secret webhook { id } }
    }`;
    const connect = `mutation Connect($input: ConnectInput!) {
      connect(input: $input) { created connection { id connectorSlug } }
    }`;

    async function restrictedSession(apiKey: string): Promise<string> {
      const res = await client(a.baseUrl, apiKey).post('/api/v1/sessions', { allowedConnectors: ['openai'] });
      expect(res.status).toBe(201);
      return res.body.token;
    }

    it("a session restricted to one connector replaying the owner key's Idempotency-Key and body runs its own request: never the key's session token, webhook secret or a connection outside its connectors", async () => {
      const o = await owner();
      const session = await restrictedSession(o.apiKey);
      const cases: { request: unknown; secretOf: (body: any) => string }[] = [
        {
          request: { query: createSession, variables: { input: {} } },
          secretOf: (body) => body.data.createSession.token,
        },
        {
          request: { query: createWebhook, variables: { input: { url: 'https://hooks.example.com/in' } } },
          secretOf: (body) => body.data.createWebhookEndpoint.secret,
        },
        {
          request: { query: connect, variables: { input: { connectorSlug: 'twilio' } } },
          secretOf: (body) => body.data.connect.connection.id,
        },
      ];
      for (const { request, secretOf } of cases) {
        const key = randomUUID();
        const byKey = await gqlRaw(a.baseUrl, o.apiKey, request, { 'idempotency-key': key });
        expect(byKey.body.errors).toBeUndefined();
        const secret = secretOf(byKey.body);
        const bySession = await gqlRaw(b.baseUrl, session, request, { 'idempotency-key': key });
        expect(bySession.headers.get('idempotent-replayed')).toBeNull();
        expect(bySession.text).not.toContain(secret);
        expect(bySession.body.errors?.[0]?.extensions?.code).toMatch(/^(UNAUTHORIZED|BAD_REQUEST)$/);
      }
      // REST too: the key's twilio connection is not handed to a session limited to openai.
      const key = randomUUID();
      const byKey = await o.onA.post('/api/v1/connections', { connectorSlug: 'twilio' }, withKey(key));
      expect([200, 201]).toContain(byKey.status);
      const bySession = await client(b.baseUrl, session).post(
        '/api/v1/connections',
        { connectorSlug: 'twilio' },
        withKey(key),
      );
      expect(bySession.headers.get('idempotent-replayed')).toBeNull();
      expect(bySession.status).toBe(400);
      expect(bySession.text).not.toContain(byKey.body.connection.id);
    });

    it("a session's UNAUTHORIZED answer is not kept: the owner key then runs the same key and body itself", async () => {
      const o = await owner();
      const session = await restrictedSession(o.apiKey);
      const key = randomUUID();
      const request = { query: createSession, variables: { input: { allowedConnectors: ['openai'] } } };
      const bySession = await gqlRaw(a.baseUrl, session, request, { 'idempotency-key': key });
      expect(bySession.body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED');
      const rows: unknown[] = await a.dataSource.query(
        'SELECT 1 FROM idempotency_keys WHERE owner_id = $1 AND idempotency_key = $2',
        [o.ownerId, key],
      );
      expect(rows).toEqual([]);
      const byKey = await gqlRaw(b.baseUrl, o.apiKey, request, { 'idempotency-key': key });
      expect(byKey.headers.get('idempotent-replayed')).toBeNull();
      expect(byKey.body.errors).toBeUndefined();
      expect((byKey.body.data as any).createSession.token).toMatch(/^alm_sess_/);
    });

    it('keeps no plain SHA-256 of a body that holds a secret: the fingerprint is keyed', async () => {
      const o = await owner();
      const id: string = (await o.onA.post('/api/v1/connections', { connectorSlug: 'openai' })).body
        .connection.id;
      const key = randomUUID();
      const body = { credentials: { apiKey: openaiKey() } };
      const route = `/api/v1/connections/${id}/credentials`;
      expect((await o.onA.post(route, body, withKey(key))).status).toBe(200);
      const stored = await storedKey(o.ownerId, key);
      const sha = (text: string) => createHash('sha256').update(text).digest('hex');
      expect(stored!.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      for (const plain of [
        sha(JSON.stringify(['POST', route, body])),
        sha(JSON.stringify(body)),
        sha(body.credentials.apiKey),
      ])
        expect(stored!.fingerprint).not.toBe(plain);
      // The same request still replays (the keyed fingerprint is stable).
      expect((await o.onB.post(route, body, withKey(key))).headers.get('idempotent-replayed')).toBe('true');
    });
  });

  describe('across a key rotation', () => {
    it('a retry on an instance with a new ENCRYPTION_KEY (the old one in ENCRYPTION_KEYS_PREVIOUS) still replays', async () => {
      const rotated = await startGateway({
        env: {
          ...GITHUB,
          ENCRYPTION_KEY: randomBytes(32).toString('base64'),
          ENCRYPTION_KEYS_PREVIOUS: TEST_ENCRYPTION_KEY,
        },
      });
      try {
        const o = await owner();
        const key = randomUUID();
        const first = await o.onA.post('/api/v1/connections', { connectorSlug: 'openai' }, withKey(key));
        expect(first.status).toBe(201);
        const retry = await client(rotated.baseUrl, o.apiKey).post(
          '/api/v1/connections',
          { connectorSlug: 'openai' },
          withKey(key),
        );
        expectReplayOf(retry, first);
      } finally {
        await rotated.close();
      }
    });
  });

  describe('expiry', () => {
    let short: TestGateway;
    beforeAll(async () => {
      short = await startGateway({ env: { IDEMPOTENCY_TTL_SECONDS: '1' } });
    });
    afterAll(() => short.close());

    it('forgets a key after IDEMPOTENCY_TTL_SECONDS: the same key then runs a new request', async () => {
      const { apiKey, ownerId } = await short.newOwner('idem-ttl');
      const api = client(short.baseUrl, apiKey);
      const key = randomUUID();
      expect((await api.post('/api/v1/connections', { connectorSlug: 'openai' }, withKey(key))).status).toBe(
        201,
      );
      expect((await api.post('/api/v1/connections', { connectorSlug: 'twilio' }, withKey(key))).status).toBe(
        422,
      );
      await sleep(1_200);
      const again = await api.post('/api/v1/connections', { connectorSlug: 'twilio' }, withKey(key));
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBeNull();
      expect(await liveConnections(ownerId, 'twilio')).toBe(1);
    });

    it('deletes expired keys (at most once a minute per instance, on traffic)', async () => {
      const fresh = await startGateway({ env: { IDEMPOTENCY_TTL_SECONDS: '1' } });
      try {
        const { apiKey, ownerId } = await fresh.newOwner('idem-prune');
        await fresh.dataSource.query(
          `INSERT INTO idempotency_keys (credential, owner_id, idempotency_key, fingerprint, response_status, expires_at)
           VALUES ($1, $2, 'expired-key', $3, 201, now() - interval '1 second')`,
          [await credentialOf(ownerId), ownerId, '0'.repeat(64)],
        );
        const res = await client(fresh.baseUrl, apiKey).post(
          '/api/v1/connections',
          { connectorSlug: 'openai' },
          withKey(randomUUID()),
        );
        expect(res.status).toBe(201);
        let left = 1;
        for (let i = 0; i < 50 && left > 0; i += 1) {
          left = (await storedKey(ownerId, 'expired-key')) ? 1 : 0;
          if (left > 0) await sleep(20);
        }
        expect(left).toBe(0);
      } finally {
        await fresh.close();
      }
    });
  });
});
