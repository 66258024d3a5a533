/**
 * Signed lifecycle webhooks: endpoint management (REST, GraphQL), the outbox written in the
 * change's transaction, and the delivery worker — Standard Webhooks signatures verified by a
 * real receiver on loopback, retries across a receiver outage, in-order delivery per connection
 * and endpoint with two instances sending, giving up, filtering, and no secret at rest or in logs.
 *
 * Suites share one database: every assertion concerns the endpoints and owners this file made,
 * and every endpoint is deleted when its block ends (its pending deliveries are given up), so no
 * later worker inherits them.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { inTransaction } from '../../src/db/transaction';
import type { LifecycleEventType } from '../../src/webhooks/lifecycle-event';
import { WebhookDeliveryRepository } from '../../src/webhooks/webhook-delivery.repository';
import { startGateway, type TestGateway } from '../support/gateway';
import { gqlRaw } from '../support/graphql';
import { client } from '../support/http';
import { sleep, until } from '../support/wait';

jest.setTimeout(120_000);

const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
/** Short timings so retries happen within a test; attempts enough to outlast a few seconds' outage. */
const FAST_ENV = {
  WEBHOOK_POLL_INTERVAL_MS: '50',
  WEBHOOK_RETRY_BASE_MS: '50',
  WEBHOOK_RETRY_MAX_MS: '400',
  WEBHOOK_MAX_ATTEMPTS: '60',
  WEBHOOK_TIMEOUT_MS: '2000',
};

type Owner = { ownerId: string; apiKey: string };

interface Received {
  path: string;
  webhookId: string;
  timestamp: number;
  body: {
    type: string;
    timestamp: string;
    data: { connection: { id: string; seq?: number; status?: string } };
  };
}

/**
 * A webhook receiver on loopback: every request's signature is verified with the secret of its
 * path (an unverifiable one fails the test), then it is recorded and answered `status(path)`.
 */
class Receiver {
  readonly received: Received[] = [];
  readonly badSignatures: string[] = [];
  readonly secrets = new Map<string, string>();
  /** The answer for a delivery; 204 unless a test says otherwise. */
  answer: (path: string, webhookId: string) => number = () => 204;
  /** How long the receiver takes to answer. */
  delayMs = 0;
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async start(port = 0): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        if (this.delayMs > 0) await sleep(this.delayMs);
        const raw = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '';
        const secret = this.secrets.get(path);
        const headers = {
          'webhook-id': String(req.headers['webhook-id']),
          'webhook-timestamp': String(req.headers['webhook-timestamp']),
          'webhook-signature': String(req.headers['webhook-signature']),
        };
        try {
          if (!secret) throw new Error(`no secret for ${path}`);
          if (req.method !== 'POST' || req.headers['content-type'] !== 'application/json') {
            throw new Error('not a JSON POST');
          }
          const body = new Webhook(secret).verify(raw, headers) as Received['body'];
          const status = this.answer(path, headers['webhook-id']);
          if (status >= 200 && status < 300) {
            this.received.push({
              path,
              webhookId: headers['webhook-id'],
              timestamp: Number(headers['webhook-timestamp']),
              body,
            });
          }
          res.writeHead(status, status >= 300 && status < 400 ? { location: this.url('/elsewhere') } : {});
          res.end('ok');
        } catch (err) {
          this.badSignatures.push(`${path}: ${(err as Error).message}`);
          res.writeHead(400).end();
        }
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Gone at once: stops listening and cuts every open connection. */
  async kill(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** First arrivals (deduplicated by webhook-id) at `path`, in arrival order. */
  unique(path: string): Received[] {
    const seen = new Set<string>();
    return this.received.filter((r) => r.path === path && !seen.has(r.webhookId) && seen.add(r.webhookId));
  }
}

/** Creates an endpoint through the REST API and registers its secret with the receiver. */
async function createEndpoint(
  gw: TestGateway,
  owner: Owner,
  receiver: Receiver,
  path: string,
  extra: { eventTypes?: string[]; description?: string } = {},
) {
  const res = await client(gw.baseUrl, owner.apiKey).post('/api/v1/webhooks', {
    url: receiver.url(path),
    ...extra,
  });
  if (res.status !== 201) throw new Error(`create webhook: ${res.status} ${res.text}`);
  receiver.secrets.set(path, res.body.secret as string);
  return { id: res.body.webhook.id as string, secret: res.body.secret as string, body: res.body };
}

/** Enqueues a lifecycle event as the journal does: in a transaction, through the real outbox. */
async function emit(
  gw: TestGateway,
  event: { ownerId: string; connectionId: string; type?: LifecycleEventType; seq?: number },
): Promise<string> {
  const id = randomUUID();
  const outbox = new WebhookDeliveryRepository(gw.dataSource);
  await inTransaction(gw.dataSource, (tx) =>
    outbox.enqueue(tx, {
      id,
      type: event.type ?? 'connection.connected',
      ownerId: event.ownerId,
      connectionId: event.connectionId,
      occurredAt: new Date(),
      data: { connection: { id: event.connectionId, seq: event.seq ?? 0 } },
    }),
  );
  return id;
}

/** For each connection, the `seq` of its first arrivals at `path`: must be 0..n-1 in order. */
function sequencesByConnection(receiver: Receiver, path: string): Map<string, number[]> {
  const byConnection = new Map<string, number[]>();
  for (const r of receiver.unique(path)) {
    const id = r.body.data.connection.id;
    byConnection.set(id, [...(byConnection.get(id) ?? []), r.body.data.connection.seq ?? -1]);
  }
  return byConnection;
}

/** The instance's `webhook_deliveries_total{outcome="delivered"}` (its worker's onOutcome). */
async function deliveredCount(gw: TestGateway): Promise<number> {
  const text = await (await fetch(`${gw.baseUrl}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('webhook_deliveries_total{') && l.includes('outcome="delivered"'));
  return line ? Number(line.split(' ').pop()) : 0;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('webhook endpoints: management', () => {
  let gw: TestGateway;
  let alice: Owner;
  let bob: Owner;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.start();
    gw = await startGateway({ env: FAST_ENV, webhookWorker: true });
    alice = await gw.newOwner('wh-alice');
    bob = await gw.newOwner('wh-bob');
  });
  afterAll(async () => {
    await gw.close();
    await receiver.kill();
  });

  it('shows the secret once, never again in answers, logs or the database, and deletes an endpoint', async () => {
    const api = client(gw.baseUrl, alice.apiKey);
    const created = await createEndpoint(gw, alice, receiver, '/mgmt/one', {
      eventTypes: ['connection.connected', 'connection.revoked', 'connection.connected'],
      description: 'CRM sync',
    });
    expect(created.secret).toMatch(SECRET);
    expect(created.body.webhook).toEqual({
      id: created.id,
      url: receiver.url('/mgmt/one'),
      description: 'CRM sync',
      eventTypes: ['connection.connected', 'connection.revoked'],
      createdAt: expect.any(String),
    });

    const one = await api.get(`/api/v1/webhooks/${created.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ webhook: created.body.webhook });
    const list = await api.get('/api/v1/webhooks');
    expect(list.status).toBe(200);
    expect(list.body.webhooks).toEqual([created.body.webhook]);
    const key = created.secret.slice('whsec_'.length);
    for (const answer of [one.text, list.text]) {
      expect(answer).not.toContain(key);
      expect(answer).not.toMatch(/secret/i);
    }

    // At rest only sealed; bound to the row (a sealed value, not the plaintext or its key).
    const rows: { secret: string }[] = await gw.dataSource.query(
      'SELECT secret FROM webhook_endpoints WHERE id = $1',
      [created.id],
    );
    expect(rows[0]!.secret).toMatch(/^v1\./);
    expect(rows[0]!.secret).not.toContain(key);

    // Another owner sees nothing of it.
    const bobApi = client(gw.baseUrl, bob.apiKey);
    expect((await bobApi.get(`/api/v1/webhooks/${created.id}`)).status).toBe(404);
    expect((await bobApi.delete(`/api/v1/webhooks/${created.id}`)).status).toBe(404);
    expect((await bobApi.get(`/api/v1/webhooks/${created.id}/deliveries`)).status).toBe(404);
    expect((await bobApi.get('/api/v1/webhooks')).body).toEqual({ webhooks: [] });

    // A delivery happens, and the listing shows it without a payload.
    const connectionId = randomUUID();
    const eventId = await emit(gw, { ownerId: alice.ownerId, connectionId, type: 'connection.connected' });
    await until(() => receiver.unique('/mgmt/one').length === 1, 10_000, 'the delivery');
    await until(
      async () =>
        (await api.get(`/api/v1/webhooks/${created.id}/deliveries`)).body.deliveries[0]?.status ===
        'delivered',
      5_000,
      'the delivered row',
    );
    const deliveries = await api.get(`/api/v1/webhooks/${created.id}/deliveries?limit=10`);
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.deliveries).toEqual([
      {
        id: expect.stringMatching(/^\d+$/),
        eventId,
        eventType: 'connection.connected',
        connectionId,
        attempts: 1,
        status: 'delivered',
        lastStatus: 204,
        lastError: null,
        createdAt: expect.any(String),
        deliveredAt: expect.any(String),
        nextAttemptAt: null,
      },
    ]);
    expect((await api.get(`/api/v1/webhooks/${created.id}/deliveries?limit=0`)).status).toBe(400);
    expect((await api.get(`/api/v1/webhooks/${created.id}/deliveries?limit=101`)).status).toBe(400);

    expect(await api.delete(`/api/v1/webhooks/${created.id}`)).toMatchObject({
      status: 200,
      body: { deleted: true },
    });
    expect((await api.get(`/api/v1/webhooks/${created.id}`)).status).toBe(404);
    expect((await api.delete(`/api/v1/webhooks/${created.id}`)).status).toBe(404);
    expect((await api.get('/api/v1/webhooks')).body).toEqual({ webhooks: [] });

    expect(gw.logs.join('\n')).not.toContain(key);
    expect(receiver.badSignatures).toEqual([]);
  });

  it('refuses bad input with 400 naming the field', async () => {
    const api = client(gw.baseUrl, alice.apiKey);
    const cases: [unknown, string][] = [
      [{}, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ url: '/relative/path' }, 'url'],
      [{ url: 'ftp://example.com/hook' }, 'url'],
      [{ url: 'https://user:pw@example.com/hook' }, 'url'],
      [{ url: 'https://example.com/hook', eventTypes: [] }, 'eventTypes'],
      [{ url: 'https://example.com/hook', eventTypes: ['connection.deleted'] }, 'eventTypes'],
      [{ url: 'https://example.com/hook', eventTypes: 'connection.created' }, 'eventTypes'],
      [{ url: 'https://example.com/hook', secret: 'whsec_mine' }, 'secret'],
      [{ url: 'https://example.com/hook', description: 'x'.repeat(501) }, 'description'],
    ];
    for (const [body, field] of cases) {
      const res = await api.post('/api/v1/webhooks', body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({
        body,
        status: 400,
        code: 'BAD_REQUEST',
      });
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect((await api.get('/api/v1/webhooks/not-a-uuid')).status).toBe(400);
    expect((await api.get(`/api/v1/webhooks/${randomUUID()}`)).status).toBe(404);
    expect((await api.get('/api/v1/webhooks')).body).toEqual({ webhooks: [] });
  });

  it('refuses plain http under NODE_ENV=production unless WEBHOOK_ALLOW_HTTP=true', async () => {
    const prod = await startGateway({ env: { NODE_ENV: 'production', LOG_LEVEL: 'silent' } });
    const allowed = await startGateway({
      env: { NODE_ENV: 'production', LOG_LEVEL: 'silent', WEBHOOK_ALLOW_HTTP: 'true' },
    });
    try {
      const owner = await prod.newOwner('wh-prod');
      const refused = await client(prod.baseUrl, owner.apiKey).post('/api/v1/webhooks', {
        url: 'http://hooks.example.com/x',
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.details).toEqual([{ field: 'url', message: expect.stringMatching(/https/) }]);
      const https = await client(prod.baseUrl, owner.apiKey).post('/api/v1/webhooks', {
        url: 'https://hooks.example.com/x',
      });
      expect(https.status).toBe(201);
      const http = await client(allowed.baseUrl, owner.apiKey).post('/api/v1/webhooks', {
        url: 'http://hooks.example.com/x',
      });
      expect(http.status).toBe(201);
      for (const id of [https.body.webhook.id, http.body.webhook.id]) {
        expect((await client(prod.baseUrl, owner.apiKey).delete(`/api/v1/webhooks/${id}`)).status).toBe(200);
      }
    } finally {
      await prod.close();
      await allowed.close();
    }
  });

  it('refuses browser session tokens on every webhook route, REST and GraphQL, like the sessions routes', async () => {
    const session = await client(gw.baseUrl, alice.apiKey).post('/api/v1/sessions', {});
    expect(session.status).toBe(201);
    const token = session.body.token as string;
    const asSession = client(gw.baseUrl, token);
    const id = randomUUID();
    for (const res of [
      await asSession.post('/api/v1/webhooks', { url: 'https://example.com/x' }),
      await asSession.get('/api/v1/webhooks'),
      await asSession.get(`/api/v1/webhooks/${id}`),
      await asSession.delete(`/api/v1/webhooks/${id}`),
      await asSession.get(`/api/v1/webhooks/${id}/deliveries`),
    ]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    }
    const gqlAnswer = await gqlRaw(gw.baseUrl, token, { query: '{ webhookEndpoints { id } }' });
    expect(gqlAnswer.body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED');
    expect((await client(gw.baseUrl, alice.apiKey).get('/api/v1/webhooks')).body).toEqual({ webhooks: [] });
  });

  it('manages endpoints over GraphQL with the same service (secret in the create payload only)', async () => {
    const created = await gqlRaw(gw.baseUrl, alice.apiKey, {
      query: `mutation($input: CreateWebhookEndpointInput!) {
        createWebhookEndpoint(input: $input) { secret webhook { id url description eventTypes createdAt } }
      }`,
      variables: { input: { url: 'https://hooks.example.com/gql', eventTypes: ['connection.revoked'] } },
    });
    expect(created.body.errors).toBeUndefined();
    const payload = (created.body.data as any).createWebhookEndpoint;
    expect(payload.secret).toMatch(SECRET);
    expect(payload.webhook).toEqual({
      id: expect.any(String),
      url: 'https://hooks.example.com/gql',
      description: null,
      eventTypes: ['connection.revoked'],
      createdAt: expect.any(String),
    });
    const rest = await client(gw.baseUrl, alice.apiKey).get(`/api/v1/webhooks/${payload.webhook.id}`);
    expect(rest.body.webhook).toEqual(payload.webhook);

    const listed = await gqlRaw(gw.baseUrl, alice.apiKey, {
      query: '{ webhookEndpoints { id url eventTypes } }',
    });
    expect((listed.body.data as any).webhookEndpoints).toEqual([
      { id: payload.webhook.id, url: 'https://hooks.example.com/gql', eventTypes: ['connection.revoked'] },
    ]);
    const bad = await gqlRaw(gw.baseUrl, alice.apiKey, {
      query: `mutation { createWebhookEndpoint(input: {url: "https://x.example", eventTypes: ["nope"]}) { secret } }`,
    });
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    const other = await gqlRaw(gw.baseUrl, bob.apiKey, {
      query: `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { deleted } }`,
      variables: { id: payload.webhook.id },
    });
    expect(other.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const deleted = await gqlRaw(gw.baseUrl, alice.apiKey, {
      query: `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { deleted } }`,
      variables: { id: payload.webhook.id },
    });
    expect(deleted.body.data).toEqual({ deleteWebhookEndpoint: { deleted: true } });
    expect((await client(gw.baseUrl, alice.apiKey).get('/api/v1/webhooks')).body).toEqual({ webhooks: [] });
  });
});

describe('webhook delivery', () => {
  let gw: TestGateway;
  const receiver = new Receiver();
  const endpoints: { gw: TestGateway; owner: Owner; id: string }[] = [];

  beforeAll(async () => {
    await receiver.start();
    gw = await startGateway({ env: FAST_ENV, webhookWorker: true });
  });
  afterAll(async () => {
    for (const e of endpoints) await client(e.gw.baseUrl, e.owner.apiKey).delete(`/api/v1/webhooks/${e.id}`);
    await gw.close();
    await receiver.kill();
  });

  async function endpoint(owner: Owner, path: string, extra: { eventTypes?: string[] } = {}) {
    const created = await createEndpoint(gw, owner, receiver, path, extra);
    endpoints.push({ gw, owner, id: created.id });
    return created;
  }

  it('delivers the connection lifecycle through the API: created, connected, reauthorized, revoked', async () => {
    const owner = await gw.newOwner('wh-e2e');
    await endpoint(owner, '/e2e');
    const api = client(gw.baseUrl, owner.apiKey);
    const connect = await api.post('/api/v1/connections', { connectorSlug: 'openai' });
    expect(connect.status).toBe(201);
    const id = connect.body.connection.id as string;
    const credentials = { credentials: { apiKey: 'sk-webhookTest000000000000000000000' } };
    expect((await api.post(`/api/v1/connections/${id}/credentials`, credentials)).status).toBe(200);
    expect((await api.post(`/api/v1/connections/${id}/credentials`, credentials)).status).toBe(200);
    expect((await api.delete(`/api/v1/connections/${id}`)).status).toBe(200);

    await until(() => receiver.unique('/e2e').length >= 4, 15_000, 'four lifecycle events');
    const events = receiver.unique('/e2e');
    expect(events.map((e) => e.body.type)).toEqual([
      'connection.created',
      'connection.connected',
      'connection.reauthorized',
      'connection.revoked',
    ]);
    expect(events.map((e) => e.body.data.connection.status)).toEqual([
      'pending',
      'connected',
      'connected',
      'revoked',
    ]);
    for (const e of events) {
      expect(e.body.data.connection.id).toBe(id);
      expect(e.webhookId).toMatch(/^[0-9a-f-]{36}$/);
      expect(Object.keys(e.body).sort()).toEqual(['data', 'timestamp', 'type']);
      expect(new Date(e.body.timestamp).toISOString()).toBe(e.body.timestamp);
      expect(Math.abs(e.timestamp - Date.now() / 1000)).toBeLessThan(60);
      expect(JSON.stringify(e.body)).not.toContain('sk-webhookTest');
    }
    expect(receiver.badSignatures).toEqual([]);
  });

  it('filters by event types and owner; an operator-wide endpoint gets every owner’s events', async () => {
    const alice = await gw.newOwner('wh-filter-a');
    const bob = await gw.newOwner('wh-filter-b');
    await endpoint(alice, '/filter/alice-all');
    await endpoint(alice, '/filter/alice-revoked', { eventTypes: ['connection.revoked'] });
    await endpoint(bob, '/filter/bob-all');
    // Operator-wide (the admin CLI's `webhooks add` without --owner): the same service call.
    const operator = await gw.services.webhooks.addAsOperator({ url: receiver.url('/filter/operator') });
    receiver.secrets.set('/filter/operator', operator.secret);

    const aliceConnection = randomUUID();
    const bobConnection = randomUUID();
    const a1 = await emit(gw, {
      ownerId: alice.ownerId,
      connectionId: aliceConnection,
      type: 'connection.created',
    });
    const a2 = await emit(gw, {
      ownerId: alice.ownerId,
      connectionId: aliceConnection,
      type: 'connection.revoked',
    });
    const b1 = await emit(gw, {
      ownerId: bob.ownerId,
      connectionId: bobConnection,
      type: 'connection.created',
    });

    const ids = (path: string) => receiver.unique(path).map((r) => r.webhookId);
    try {
      await until(() => ids('/filter/operator').length >= 3, 10_000, 'the operator-wide deliveries');
      await until(() => ids('/filter/alice-all').length >= 2, 10_000, 'alice’s deliveries');
      await until(() => ids('/filter/bob-all').length >= 1, 10_000, 'bob’s delivery');
      await sleep(300);
      expect(ids('/filter/alice-all')).toEqual([a1, a2]);
      expect(ids('/filter/alice-revoked')).toEqual([a2]);
      expect(ids('/filter/bob-all')).toEqual([b1]);
      // Other suites' owners may add theirs while it exists: it gets every owner's events.
      expect(ids('/filter/operator')).toEqual(expect.arrayContaining([a1, a2, b1]));
      // One event id, the same webhook-id on every endpoint.
      expect(receiver.unique('/filter/alice-revoked')[0]!.webhookId).toBe(
        ids('/filter/operator').find((i) => i === a2),
      );
      // The operator-wide endpoint is not any owner's to see.
      expect(
        (await client(gw.baseUrl, alice.apiKey).get(`/api/v1/webhooks/${operator.webhook.id}`)).status,
      ).toBe(404);
    } finally {
      await gw.services.webhooks.removeAsOperator(operator.webhook.id);
    }
    expect(receiver.badSignatures).toEqual([]);
  });

  it('survives the receiver going away mid-stream: every event arrives once it is back, in order per connection', async () => {
    const owner = await gw.newOwner('wh-outage');
    await endpoint(owner, '/outage');
    const connections = range(5).map(() => randomUUID());
    const perConnection = 12;
    const produce = async (from: number, to: number) => {
      for (let seq = from; seq < to; seq++) {
        for (const connectionId of connections) await emit(gw, { ownerId: owner.ownerId, connectionId, seq });
        await sleep(20);
      }
    };
    await produce(0, 4);
    await until(() => receiver.unique('/outage').length >= 5, 10_000, 'the first deliveries');
    const port = receiver.port;
    await receiver.kill();
    await produce(4, 8);
    await sleep(2_500);
    const beforeRestart = receiver.unique('/outage').length;
    expect(beforeRestart).toBeLessThan(connections.length * 8);
    await receiver.start(port);
    await produce(8, perConnection);

    try {
      await until(
        () => receiver.unique('/outage').length === connections.length * perConnection,
        30_000,
        'every event after the outage',
      );
    } catch (err) {
      // Say where the missing ones are stuck, so a failure on a loaded machine can be read.
      const rows = await gw.dataSource.query(
        `SELECT d.id, d.connection_id, d.attempts, d.last_error, d.lease_until > now() AS leased,
                d.next_attempt_at, d.failed_at IS NOT NULL AS failed
           FROM webhook_deliveries d WHERE d.owner_id = $1 AND d.delivered_at IS NULL ORDER BY d.id`,
        [owner.ownerId],
      );
      throw new Error(`${(err as Error).message}; undelivered: ${JSON.stringify(rows)}`);
    }
    const sequences = sequencesByConnection(receiver, '/outage');
    for (const connectionId of connections) expect(sequences.get(connectionId)).toEqual(range(perConnection));
    expect(receiver.badSignatures).toEqual([]);
    // The outage was seen and retried (warned without secrets), not silently skipped.
    expect(gw.logs.some((line) => line.includes('webhook delivery failed; will retry'))).toBe(true);
  });
});

describe('webhook delivery with two instances', () => {
  const receiver = new Receiver();
  let one: TestGateway;
  let two: TestGateway;
  let owner: Owner;
  let endpointId: string;

  beforeAll(async () => {
    await receiver.start();
    // Metrics on: each instance counts the deliveries its own worker made.
    one = await startGateway({ env: { ...FAST_ENV, METRICS_ENABLED: 'true' }, webhookWorker: true });
    two = await startGateway({ env: { ...FAST_ENV, METRICS_ENABLED: 'true' }, webhookWorker: true });
    owner = await one.newOwner('wh-two');
    two.webhookOwners.add(owner.ownerId);
    endpointId = (await createEndpoint(one, owner, receiver, '/two')).id;
  });
  afterAll(async () => {
    await client(one.baseUrl, owner.apiKey).delete(`/api/v1/webhooks/${endpointId}`);
    await one.close();
    await two.close();
    await receiver.kill();
  });

  it('delivers every event once each, in order per connection, while both workers send', async () => {
    const connections = range(6).map(() => randomUUID());
    const perConnection = 10;
    // Answers take a while, so both workers have rows in flight at once.
    receiver.delayMs = 30;
    for (let seq = 0; seq < perConnection; seq++) {
      await Promise.all(
        connections.map((connectionId, i) =>
          emit(i % 2 === 0 ? one : two, { ownerId: owner.ownerId, connectionId, seq }),
        ),
      );
    }
    await until(
      () => receiver.unique('/two').length === connections.length * perConnection,
      30_000,
      'every event',
    );
    await sleep(500);
    const sequences = sequencesByConnection(receiver, '/two');
    for (const connectionId of connections) expect(sequences.get(connectionId)).toEqual(range(perConnection));
    // No row was sent twice: the lease keeps the two workers off each other's rows.
    expect(receiver.received.filter((r) => r.path === '/two')).toHaveLength(
      connections.length * perConnection,
    );
    // Between them the two workers delivered every row: the database says each was delivered
    // once, and their /metrics counted at least that many (an operator-wide endpoint another
    // suite registers meanwhile gets this owner's events too, and they count there). Which
    // worker sends how many is up to the race for rows.
    const rows: { n: number }[] = await one.dataSource.query(
      'SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1 AND delivered_at IS NOT NULL',
      [endpointId],
    );
    expect(rows[0]!.n).toBe(connections.length * perConnection);
    const delivered = await Promise.all([one, two].map(deliveredCount));
    expect(delivered[0]! + delivered[1]!).toBeGreaterThanOrEqual(connections.length * perConnection);
    expect(receiver.badSignatures).toEqual([]);
  });
});

describe('webhook delivery: giving up', () => {
  const receiver = new Receiver();
  let gw: TestGateway;
  let owner: Owner;
  let endpointId: string;

  beforeAll(async () => {
    await receiver.start();
    gw = await startGateway({
      env: {
        ...FAST_ENV,
        WEBHOOK_MAX_ATTEMPTS: '3',
        WEBHOOK_RETRY_BASE_MS: '20',
        WEBHOOK_RETRY_MAX_MS: '100',
      },
      webhookWorker: true,
    });
    owner = await gw.newOwner('wh-giveup');
    endpointId = (await createEndpoint(gw, owner, receiver, '/giveup')).id;
  });
  afterAll(async () => {
    await client(gw.baseUrl, owner.apiKey).delete(`/api/v1/webhooks/${endpointId}`);
    await gw.close();
    await receiver.kill();
  });

  it('gives up after WEBHOOK_MAX_ATTEMPTS (redirects and errors alike), then the connection’s later events flow', async () => {
    const connectionId = randomUUID();
    const attemptsSeen = new Map<string, number>();
    const failing = new Set<string>();
    receiver.answer = (_path, id) => {
      attemptsSeen.set(id, (attemptsSeen.get(id) ?? 0) + 1);
      if (!failing.has(id)) return 204;
      // A redirect is never followed: it counts as a failed attempt like a 500.
      return attemptsSeen.get(id) === 1 ? 302 : 500;
    };
    const doomed = randomUUID();
    failing.add(doomed);
    // The doomed event first, then two more for the same connection.
    const outbox = new WebhookDeliveryRepository(gw.dataSource);
    await inTransaction(gw.dataSource, (tx) =>
      outbox.enqueue(tx, {
        id: doomed,
        type: 'connection.error',
        ownerId: owner.ownerId,
        connectionId,
        occurredAt: new Date(),
        data: { connection: { id: connectionId, seq: 0 } },
      }),
    );
    const later = [
      await emit(gw, { ownerId: owner.ownerId, connectionId, seq: 1 }),
      await emit(gw, { ownerId: owner.ownerId, connectionId, seq: 2 }),
    ];

    await until(() => receiver.unique('/giveup').length === 2, 15_000, 'the later events');
    expect(receiver.unique('/giveup').map((r) => r.webhookId)).toEqual(later);
    expect(attemptsSeen.get(doomed)).toBe(3);
    // Later events waited for the doomed one to be given up. The receiver answers before the
    // worker records the answer, so the list is read once no delivery is left pending.
    const listDeliveries = () =>
      client(gw.baseUrl, owner.apiKey).get(`/api/v1/webhooks/${endpointId}/deliveries`);
    await until(
      async () => (await listDeliveries()).body.deliveries.every((d: any) => d.status !== 'pending'),
      5_000,
      'the deliveries recorded',
    );
    const deliveries = await listDeliveries();
    expect(
      deliveries.body.deliveries.map((d: any) => [d.eventId, d.status, d.attempts, d.lastStatus]),
    ).toEqual([
      [later[1], 'delivered', 1, 204],
      [later[0], 'delivered', 1, 204],
      [doomed, 'failed', 3, 500],
    ]);
    expect(deliveries.body.deliveries[2]).toMatchObject({
      lastError: 'HTTP 500',
      nextAttemptAt: null,
      deliveredAt: null,
    });
    const warnings = gw.logs.filter((line) => line.includes('webhook delivery failed'));
    expect(warnings.some((line) => line.includes('giving up'))).toBe(true);
    const secret = receiver.secrets.get('/giveup')!.slice('whsec_'.length);
    expect(gw.logs.join('\n')).not.toContain(secret);
    expect(receiver.badSignatures).toEqual([]);
  });
});

describe('webhook delivery: a receiver that never answers', () => {
  const sockets = new Set<Socket>();
  // Accepts connections and reads requests, but never answers.
  const silent = http.createServer(() => undefined);
  silent.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  let gw: TestGateway;
  let owner: Owner;

  beforeAll(async () => {
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    gw = await startGateway({
      env: { ...FAST_ENV, WEBHOOK_TIMEOUT_MS: '300', WEBHOOK_MAX_ATTEMPTS: '2' },
      webhookWorker: true,
    });
    owner = await gw.newOwner('wh-silent');
  });
  afterAll(async () => {
    await gw.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('ends each attempt at WEBHOOK_TIMEOUT_MS, closes its connection, and gives up after the last', async () => {
    const { port } = silent.address() as AddressInfo;
    const created = await client(gw.baseUrl, owner.apiKey).post('/api/v1/webhooks', {
      url: `http://127.0.0.1:${port}/never`,
    });
    expect(created.status).toBe(201);
    const eventId = await emit(gw, { ownerId: owner.ownerId, connectionId: randomUUID() });
    const started = Date.now();
    let delivery: any;
    await until(
      async () => {
        const res = await client(gw.baseUrl, owner.apiKey).get(
          `/api/v1/webhooks/${created.body.webhook.id}/deliveries`,
        );
        delivery = res.body.deliveries.find((d: any) => d.eventId === eventId);
        return delivery?.status === 'failed';
      },
      15_000,
      'the delivery to be given up',
    );
    expect(delivery).toMatchObject({ attempts: 2, lastStatus: null, lastError: 'timed out after 300 ms' });
    // Two attempts of 300 ms and a short backoff: bounded by the timeout, not by the lease.
    expect(Date.now() - started).toBeLessThan(10_000);
    await until(() => sockets.size === 0, 5_000, 'the timed-out connections to close');
  });
});

describe('the outbox queue of a receiver that is down', () => {
  const receiver = new Receiver();
  let gw: TestGateway;
  beforeAll(async () => {
    await receiver.start();
    gw = await startGateway({ env: FAST_ENV }); // no worker: this test moves the queue by hand
  });
  afterAll(async () => {
    await gw.close();
    await receiver.kill();
  });

  it('keeps deliveries queued behind a backed-off one out of the due range until it may go', async () => {
    const owner = await gw.newOwner('wh-queue');
    const endpointId = (await createEndpoint(gw, owner, receiver, '/queue')).id as string;
    const [connectionId, other] = [randomUUID(), randomUUID()];
    for (let seq = 0; seq < 3; seq++) await emit(gw, { ownerId: owner.ownerId, connectionId, seq });
    const queue = async (connection: string) =>
      (
        (await gw.dataSource.query(
          `SELECT id::text AS id, next_attempt_at <= now() AS due, next_attempt_at AS at
             FROM webhook_deliveries WHERE endpoint_id = $1 AND connection_id = $2 ORDER BY id`,
          [endpointId, connection],
        )) as Array<{ id: string; due: boolean; at: Date }>
      ).map((row) => ({ ...row, at: new Date(row.at).getTime() }));
    const before = await queue(connectionId);
    expect(before.map((row) => row.due)).toEqual([true, true, true]);

    // The first one fails and is backed off ten minutes: the two behind it move with it.
    await new WebhookDeliveryRepository(gw.dataSource).markRetry(before[0]!.id, 503, 'HTTP 503', 600_000);
    const backedOff = await queue(connectionId);
    const head = backedOff[0]!.at;
    expect(head).toBeGreaterThan(Date.now() + 500_000);
    expect(backedOff.map((row) => [row.due, row.at])).toEqual([
      [false, head],
      [false, head],
      [false, head],
    ]);
    // A new event of the same connection queues behind it too; another connection's is due now.
    await emit(gw, { ownerId: owner.ownerId, connectionId, seq: 3 });
    await emit(gw, { ownerId: owner.ownerId, connectionId: other, seq: 0 });
    expect((await queue(connectionId)).map((row) => [row.due, row.at])).toEqual(Array(4).fill([false, head]));
    expect((await queue(other)).map((row) => row.due)).toEqual([true]);
    // The owner sees when the queued ones can go.
    const listed = await client(gw.baseUrl, owner.apiKey).get(`/api/v1/webhooks/${endpointId}/deliveries`);
    const pending = (listed.body.deliveries as Array<{ connectionId: string; nextAttemptAt: string }>).filter(
      (d) => d.connectionId === connectionId,
    );
    expect(pending.map((d) => new Date(d.nextAttemptAt).getTime())).toEqual(Array(4).fill(head));
  });
});
