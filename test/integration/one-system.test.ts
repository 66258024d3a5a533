/**
 * Two gateway instances on one database behave as one system. Requests alternate between instance A
 * and instance B, as behind a load balancer, and:
 * - one API key's rate limit is one budget across both;
 * - an Idempotency-Key used on one is replayed by the other;
 * - lifecycle webhooks are delivered once each (by whichever worker claims them), signed, in
 *   order per connection, whichever instance made the change;
 * - a token due for refresh is refreshed once, by one instance, however many ask.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { TestBrowser } from '../support/browser';
import { startGateway, type TestGateway } from '../support/gateway';
import { client } from '../support/http';
import { until } from '../support/wait';
import {
  postFormOf,
  PUBLIC_URL,
  RUNTIME_TOKEN,
  startOAuthWorld,
  type OAuthWorld,
} from '../support/oauth-setup';

const LIMIT = 30;
const ENV = {
  RATE_LIMIT_API_KEY_POINTS: String(LIMIT),
  RATE_LIMIT_WINDOW_SECONDS: '3600',
  WEBHOOK_POLL_INTERVAL_MS: '50',
  WEBHOOK_RETRY_BASE_MS: '50',
  WEBHOOK_RETRY_MAX_MS: '200',
  TOKEN_REFRESH_INTERVAL_SECONDS: '0',
};

interface Received {
  id: string;
  type: string;
  connectionId: string;
}

/** A webhook receiver on loopback that verifies every signature with the Standard Webhooks library. */
async function startReceiver() {
  const received: Received[] = [];
  let verifier: Webhook | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        const payload = verifier!.verify(body, req.headers as Record<string, string>) as {
          type: string;
          data: { connection: { id: string } };
        };
        received.push({
          id: String(req.headers['webhook-id']),
          type: payload.type,
          connectionId: payload.data.connection.id,
        });
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    setSecret(secret: string) {
      verifier = new Webhook(secret.replace(/^whsec_/, ''));
    },
    /** The distinct events received (a redelivery counts once), in order of first arrival. */
    distinct(connectionId: string) {
      const seen = new Set<string>();
      return received.filter((r) => r.connectionId === connectionId && !seen.has(r.id) && seen.add(r.id));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('two instances, one system', () => {
  let world: OAuthWorld;
  let a: TestGateway;
  let b: TestGateway;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    world = await startOAuthWorld({ env: ENV });
    a = world.gateway;
    b = await startGateway({ env: world.env });
    receiver = await startReceiver();
    // Both instances deliver webhooks (the harness starts workers only where a test asks).
    await a.services.webhookWorker.start();
    await b.services.webhookWorker.start();
  });
  afterAll(async () => {
    await b.close();
    await world.close();
    await receiver.close();
  });

  it('spends one rate-limit budget per key across both instances', async () => {
    const { apiKey } = await a.newOwner('one-limit');
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 10; i++) {
      const res = await client((i % 2 === 0 ? a : b).baseUrl, apiKey).get('/api/v1/connections');
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.body.error.code).toBe('RATE_LIMITED');
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.slice(LIMIT).every((s) => s === 429)).toBe(true);
  });

  it('replays an Idempotency-Key on the other instance, delivers webhooks in order, and refreshes once', async () => {
    const { apiKey, ownerId } = await a.newOwner('one-system');
    // Both instances' workers may send this owner's webhooks (see webhookWorker in the harness).
    b.webhookOwners.add(ownerId);
    const onA = client(a.baseUrl, apiKey);
    const onB = client(b.baseUrl, apiKey);

    const hook = await onA.post('/api/v1/webhooks', { url: receiver.url });
    expect(hook.status).toBe(201);
    receiver.setSecret(hook.body.secret);

    // Idempotency: A runs it, B replays it, a different body under the same key is refused.
    const headers = { 'idempotency-key': 'one-system-create-1' };
    const created = await onA.post('/api/v1/connections', { connectorSlug: 'openai' }, { headers });
    expect(created.status).toBe(201);
    const replayed = await onB.post('/api/v1/connections', { connectorSlug: 'openai' }, { headers });
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body).toEqual(created.body);
    const other = await onB.post('/api/v1/connections', { connectorSlug: 'anthropic' }, { headers });
    expect(other.status).toBe(422);
    const apiKeyConnection = created.body.connection.id as string;
    const rows = await a.dataSource.query(
      `SELECT count(*)::int AS n FROM connections WHERE owner_id = (SELECT owner_id FROM connections WHERE id = $1)`,
      [apiKeyConnection],
    );
    expect(rows[0].n).toBe(1);

    // Changes made on either instance.
    const submitted = await onB.post(`/api/v1/connections/${apiKeyConnection}/credentials`, {
      credentials: { apiKey: `sk-${'a'.repeat(48)}` },
    });
    expect(submitted.status).toBe(200);

    // OAuth: begun on A, the browser's callback lands on B (the flow lives in the database).
    const oauth = await onA.post('/api/v1/connections', { connectorSlug: world.slug });
    const oauthConnection = oauth.body.connection.id as string;
    const hosts: Record<string, string> = { [PUBLIC_URL]: a.baseUrl };
    const browser = new TestBrowser(hosts);
    const page = await browser.get(oauth.body.oauthUrl);
    expect(page.status).toBe(200);
    // The confirmation page was served by A; its Continue lands on B.
    hosts[PUBLIC_URL] = b.baseUrl;
    const form = postFormOf(page.text, oauth.body.oauthUrl, 'continue');
    const opened = await browser.post(form.action, form.fields);
    expect(opened.status).toBe(302);
    const callback = await world.provider.authorize(opened.location!, 'approve');
    expect((await browser.get(callback.toString())).status).toBe(200);

    // Refresh: both instances' schedulers and runtime reads on both at once: one provider call.
    await a.dataSource.query(
      `UPDATE connections SET token_expires_at = now() + interval '30 seconds' WHERE id = $1`,
      [oauthConnection],
    );
    const refreshesBefore = world.provider.tokenRequests.filter(
      (r) => r.grantType === 'refresh_token',
    ).length;
    const runtimeRead = (gw: TestGateway) =>
      client(gw.baseUrl, RUNTIME_TOKEN).get(`/internal/v1/connections/${oauthConnection}/credentials`);
    const [, , ...reads] = await Promise.all([
      a.services.tokens.refreshDue(),
      b.services.tokens.refreshDue(),
      ...Array.from({ length: 6 }, (_, i) => runtimeRead(i % 2 ? a : b)),
    ]);
    expect(reads.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(world.provider.tokenRequests.filter((r) => r.grantType === 'refresh_token')).toHaveLength(
      refreshesBefore + 1,
    );
    const trail = await onB.get(`/api/v1/connections/${oauthConnection}/events?limit=100`);
    expect(
      trail.body.events.filter((e: { type: string }) => e.type === 'connection.token_refreshed'),
    ).toHaveLength(1);

    expect((await onB.delete(`/api/v1/connections/${apiKeyConnection}`)).status).toBe(200);

    // Every lifecycle event arrives, signed, in order per connection, whichever instance made it.
    await until(
      () => receiver.distinct(apiKeyConnection).length >= 3,
      10_000,
      "the api_key connection's webhooks",
    );
    const apiKeyEvents = receiver.distinct(apiKeyConnection);
    expect(apiKeyEvents.map((e) => e.type)).toEqual([
      'connection.created',
      'connection.connected',
      'connection.revoked',
    ]);
    await until(
      () => receiver.distinct(oauthConnection).length >= 2,
      10_000,
      "the OAuth connection's webhooks",
    );
    const oauthEvents = receiver.distinct(oauthConnection);
    expect(oauthEvents.map((e) => e.type)).toEqual(['connection.created', 'connection.connected']);
    // The webhook-id is the audit event's id.
    const auditIds = (
      await onA.get(`/api/v1/connections/${oauthConnection}/events?limit=100`)
    ).body.events.map((e: { id: string }) => e.id);
    expect(auditIds).toEqual(expect.arrayContaining(oauthEvents.map((e) => e.id)));
  });
});
