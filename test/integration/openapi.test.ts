/**
 * `GET /api/v1/openapi.json`: the hand-written openapi/openapi.yaml, served as JSON without a key.
 * (That the document is true is proven by every other suite: test/support/openapi-contract.ts
 * checks each response they receive against it.)
 */
import { loadOpenApiDocument } from '../../src/openapi/openapi.document';
import { startGateway, type TestGateway } from '../support/gateway';
import { client, request } from '../support/http';
import {
  consent,
  createOAuthConnection,
  PUBLIC_URL,
  startOAuthWorld,
  type OAuthWorld,
} from '../support/oauth-setup';

describe('the OpenAPI document', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  it('is served as JSON at /api/v1/openapi.json without authentication', async () => {
    const res = await client(gw.baseUrl).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(loadOpenApiDocument())));
    expect(res.body.openapi).toMatch(/^3\.1\./);
  });

  it('describes every REST route of the gateway, with its security', async () => {
    const res = await client(gw.baseUrl).get('/api/v1/openapi.json');
    const operations = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, item]) =>
        Object.keys(item)
          .filter((k) => k !== 'parameters')
          .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'GET /api/v1/openapi.json',
        'GET /api/v1/connector-definition.schema.json',
        'GET /api/v1/connectors',
        'GET /api/v1/connectors/{slug}',
        'GET /api/v1/connections',
        'POST /api/v1/connections',
        'GET /api/v1/connections/{id}',
        'DELETE /api/v1/connections/{id}',
        'POST /api/v1/connections/{id}/credentials',
        'POST /api/v1/connections/{id}/check',
        'POST /api/v1/connections/{id}/oauth',
        'GET /api/v1/connections/{id}/oauth',
        'GET /api/v1/connections/{id}/events',
        'GET /api/v1/connections/oauth/start',
        'GET /api/v1/connections/oauth/callback',
        'POST /api/v1/sessions',
        'DELETE /api/v1/sessions/{id}',
        'POST /api/v1/webhooks',
        'GET /api/v1/webhooks',
        'GET /api/v1/webhooks/{id}',
        'DELETE /api/v1/webhooks/{id}',
        'GET /api/v1/webhooks/{id}/deliveries',
        'GET /internal/v1/connections/{id}/credentials',
        'GET /internal/v1/connections/{id}/proxy/{path}',
        'POST /internal/v1/connections/{id}/proxy/{path}',
        'PUT /internal/v1/connections/{id}/proxy/{path}',
        'PATCH /internal/v1/connections/{id}/proxy/{path}',
        'DELETE /internal/v1/connections/{id}/proxy/{path}',
        'POST /internal/v1/connections/{id}/tools/{name}',
        'POST /internal/v1/mcp',
        'GET /internal/v1/mcp',
        'DELETE /internal/v1/mcp',
      ].sort(),
    );
    expect(Object.keys(res.body.components.securitySchemes).sort()).toEqual([
      'ownerKey',
      'runtimeToken',
      'sessionToken',
    ]);
  });

  it('is the same document with or without a key, and never needs one', async () => {
    const { apiKey } = await gw.newOwner('openapi');
    const anonymous = await client(gw.baseUrl).get('/api/v1/openapi.json');
    const keyed = await client(gw.baseUrl, apiKey).get('/api/v1/openapi.json');
    const broken = await client(gw.baseUrl, 'not-a-key').get('/api/v1/openapi.json');
    expect(keyed.text).toBe(anonymous.text);
    expect(broken.status).toBe(200);
  });
});

/**
 * The OAuth browser doors also answer JSON on request. The other suites drive them as a browser
 * (HTML); these calls make the checker see the JSON shapes the document promises.
 */
describe('the OAuth browser doors, asked for JSON', () => {
  let world: OAuthWorld;
  beforeAll(async () => {
    world = await startOAuthWorld();
  });
  afterAll(() => world.close());

  const asJson = { accept: 'application/json' };

  /** Delivers the provider's redirect to the gateway with the browser's cookies, asking for JSON. */
  async function callback(browser: ReturnType<OAuthWorld['browser']>, callbackUrl: string) {
    const url = new URL(callbackUrl);
    const cookie = [...browser.cookiesFor(PUBLIC_URL).entries()]
      .map(([k, v]) => `${k}=${v.value}`)
      .join('; ');
    return request('GET', `${world.gateway.baseUrl}${url.pathname}${url.search}`, {
      headers: { ...asJson, cookie },
    });
  }

  it('answers a successful callback with {connection}', async () => {
    const { oauthUrl, id } = await createOAuthConnection(world);
    const browser = world.browser();
    const { callbackUrl } = await consent(world, browser, oauthUrl);
    const res = await callback(browser, callbackUrl);
    expect(res.status).toBe(200);
    expect(res.body.connection).toMatchObject({ id, status: 'connected' });
  });

  it('answers a denied callback with the connection and its lastError, and a replay with the error envelope', async () => {
    const { oauthUrl, id } = await createOAuthConnection(world);
    const browser = world.browser();
    const { callbackUrl } = await consent(world, browser, oauthUrl, 'deny');
    const denied = await callback(browser, callbackUrl);
    expect(denied.status).toBe(400);
    expect(denied.body.connection).toMatchObject({ id, status: 'pending' });
    expect(denied.body.error.code).toBe('access_denied');
    const replayed = await callback(browser, callbackUrl);
    expect(replayed.status).toBe(400);
    expect(replayed.body.error.code).toBe('BAD_REQUEST');
  });

  it('answers a dead ticket with the JSON error envelope', async () => {
    const { id } = await createOAuthConnection(world);
    const res = await request('GET', `${world.gateway.baseUrl}/api/v1/connections/${id}/oauth?ticket=nope`, {
      headers: asJson,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
  });
});
