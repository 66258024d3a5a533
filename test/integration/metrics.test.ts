/**
 * Prometheus metrics behind METRICS_ENABLED: GET /metrics serves the text format from a registry
 * of the gateway's own (two gateways in one process count apart), labels requests by the matched
 * route template (never the raw URL), counts token refreshes by outcome, and reads the database
 * pool's gauges at scrape time. METRICS_TOKEN guards the endpoint; disabled, there is none.
 */
import { startGateway, type TestGateway } from '../support/gateway';
import { client, request } from '../support/http';
import {
  consent,
  createOAuthConnection,
  runtimeRead,
  startOAuthWorld,
  type OAuthWorld,
} from '../support/oauth-setup';

const METRICS_TOKEN = 'metrics-token-0123456789';

async function scrape(gw: TestGateway, token?: string) {
  const res = await fetch(`${gw.baseUrl}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

/** The value of one sample line, e.g. `http_requests_total{method="GET",route="/x",status="200"}`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = match[2]!.split(',');
    if (wanted.every((pair) => have.includes(pair)) && have.length === wanted.length) return Number(match[3]);
  }
  return undefined;
}

describe('metrics (METRICS_ENABLED=true)', () => {
  let gw: TestGateway;
  let other: TestGateway;
  let apiKey: string;

  beforeAll(async () => {
    gw = await startGateway({ env: { METRICS_ENABLED: 'true' } });
    other = await startGateway({ env: { METRICS_ENABLED: 'true' } });
    ({ apiKey } = await gw.newOwner('metrics'));
  });
  afterAll(async () => {
    await gw.close();
    await other.close();
  });

  it('counts requests by method, route template and status, and times them', async () => {
    const api = client(gw.baseUrl, apiKey);
    const made = await api.post('/api/v1/connections', { connectorSlug: 'openai' });
    expect(made.status).toBe(201);
    const id = made.body.connection.id as string;
    for (let i = 0; i < 3; i++) expect((await api.get(`/api/v1/connections/${id}`)).status).toBe(200);
    // An error raised inside a route keeps that route's template.
    expect((await api.get('/api/v1/connections/not-a-uuid')).status).toBe(400);
    expect((await api.get('/api/v1/no-such-thing')).status).toBe(404);
    expect((await request('GET', `${gw.baseUrl}/api/v1/connections`)).status).toBe(401);
    const gql = await fetch(`${gw.baseUrl}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(gql.status).toBe(200);

    const { status, contentType, text } = await scrape(gw);
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const route = '/api/v1/connections/:id';
    expect(sample(text, 'http_requests_total', { method: 'GET', route, status: '200' })).toBe(3);
    expect(sample(text, 'http_requests_total', { method: 'GET', route, status: '400' })).toBe(1);
    expect(
      sample(text, 'http_requests_total', { method: 'POST', route: '/api/v1/connections', status: '201' }),
    ).toBe(1);
    expect(sample(text, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(sample(text, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '401' })).toBe(1);
    expect(sample(text, 'http_requests_total', { method: 'POST', route: '/graphql', status: '200' })).toBe(1);
    // The raw URL never becomes a label.
    expect(text).not.toContain(id);
    expect(text).not.toContain('not-a-uuid');
    expect(text).not.toContain('no-such-thing');

    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route })).toBe(4);
    expect(sample(text, 'http_request_duration_seconds_bucket', { method: 'GET', route, le: '+Inf' })).toBe(
      4,
    );
    expect(sample(text, 'http_request_duration_seconds_sum', { method: 'GET', route })).toBeGreaterThan(0);
  });

  it('reads the pool gauges at scrape time', async () => {
    const { text } = await scrape(gw);
    const total = sample(text, 'db_pool_connections', { state: 'total' });
    const idle = sample(text, 'db_pool_connections', { state: 'idle' });
    const waiting = sample(text, 'db_pool_connections', { state: 'waiting' });
    expect(total).toBeGreaterThanOrEqual(1);
    expect(total).toBeLessThanOrEqual(5); // DATABASE_POOL_SIZE of the harness
    expect(idle).toBeGreaterThanOrEqual(0);
    expect(idle).toBeLessThanOrEqual(total!);
    expect(waiting).toBe(0);
  });

  it('keeps one registry per gateway', async () => {
    const { text } = await scrape(other);
    expect(
      sample(text, 'http_requests_total', { method: 'GET', route: '/api/v1/connections/:id', status: '200' }),
    ).toBe(undefined);
    // Counters with outcomes exist at zero from the start.
    expect(sample(text, 'token_refreshes_total', { outcome: 'refreshed' })).toBe(0);
    expect(sample(text, 'webhook_deliveries_total', { outcome: 'delivered' })).toBe(0);
  });

  it('counts webhook delivery outcomes reported to it', async () => {
    gw.services.metrics.webhookDelivery('delivered');
    gw.services.metrics.webhookDelivery('retried');
    gw.services.metrics.webhookDelivery('retried');
    const { text } = await scrape(gw);
    expect(sample(text, 'webhook_deliveries_total', { outcome: 'delivered' })).toBe(1);
    expect(sample(text, 'webhook_deliveries_total', { outcome: 'retried' })).toBe(2);
    expect(sample(text, 'webhook_deliveries_total', { outcome: 'gave_up' })).toBe(0);
  });
});

describe('token refresh metrics', () => {
  let world: OAuthWorld;
  beforeAll(async () => {
    world = await startOAuthWorld({ env: { METRICS_ENABLED: 'true' } });
  });
  afterAll(() => world.close());

  async function connected() {
    const conn = await createOAuthConnection(world);
    const browser = world.browser();
    const done = await browser.get((await consent(world, browser, conn.oauthUrl)).callbackUrl);
    if (done.status !== 200) throw new Error(`handshake failed: ${done.text}`);
    return conn;
  }
  const nearExpiry = (id: string) =>
    world.gateway.dataSource.query(
      `UPDATE connections SET token_expires_at = now() + interval '30 seconds' WHERE id = $1`,
      [id],
    );

  it('counts refreshed, expired and failed refreshes', async () => {
    const a = await connected();
    await nearExpiry(a.id);
    expect((await runtimeRead(world, a.id)).status).toBe(200);

    const b = await connected();
    const token = (await runtimeRead(world, b.id)).body.credentials.accessToken as string;
    world.provider.revokeAllRefreshTokens(token);
    await nearExpiry(b.id);
    expect((await runtimeRead(world, b.id)).status).toBe(409);

    const c = await connected();
    world.provider.setTokenFault('status500', { count: 1 });
    await nearExpiry(c.id);
    await runtimeRead(world, c.id);

    const { text } = await scrape(world.gateway);
    expect(sample(text, 'token_refreshes_total', { outcome: 'refreshed' })).toBe(1);
    expect(sample(text, 'token_refreshes_total', { outcome: 'expired' })).toBe(1);
    expect(sample(text, 'token_refreshes_total', { outcome: 'failed' })).toBe(1);
  });
});

describe('metrics endpoint access', () => {
  it('requires Bearer METRICS_TOKEN when it is set', async () => {
    const gw = await startGateway({ env: { METRICS_ENABLED: 'true', METRICS_TOKEN } });
    try {
      const none = await scrape(gw);
      expect(none.status).toBe(401);
      expect(none.text).not.toContain('http_requests_total');
      expect((await scrape(gw, 'metrics-token-wrong-00000')).status).toBe(401);
      const ok = await scrape(gw, METRICS_TOKEN);
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('db_pool_connections');
    } finally {
      await gw.close();
    }
  });

  it('serves no /metrics when METRICS_ENABLED is off (the default)', async () => {
    const gw = await startGateway();
    try {
      expect(gw.config.metricsEnabled).toBe(false);
      expect(gw.services.metrics.enabled).toBe(false);
      expect((await scrape(gw)).status).toBe(404);
    } finally {
      await gw.close();
    }
  });
});
