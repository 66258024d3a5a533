/**
 * Tools that run (README "Tools that run"): `POST /internal/v1/connections/:id/tools/:name` checks
 * the input against the tool's inputSchema, builds the tool's request (path placeholders encoded
 * as one segment, query and body keys picked) and sends it through the runtime's proxy with the
 * connection's credentials, answering `{status, body}` whatever the provider said. The provider is
 * the API fixture on loopback, whose /echo answers the request it saw.
 */
import { PROVIDER_API_ITEMS, startProviderApi, type ProviderApi } from '../fixtures/provider-api';
import { connectorsFiles } from '../support/connectors-file';
import { startGateway, type TestGateway } from '../support/gateway';
import { client } from '../support/http';
import { RUNTIME_TOKEN } from '../support/oauth-setup';

const writeConnectors = connectorsFiles('gw-runtime-tools');

const SLUG = 'acme-tools';
const KEY = 'tools-key-0123456789';

function connector(api: ProviderApi) {
  return {
    slug: SLUG,
    name: 'Acme Tools',
    description: 'Acme, with tools that run.',
    authType: 'api_key',
    availability: 'available',
    categories: ['dev-tools'],
    credentialFields: [{ key: 'apiKey', label: 'API key', required: true, secret: true }],
    api: { baseUrl: api.url, headers: { 'X-Api-Key': '${credentials.apiKey}' } },
    tools: [
      {
        name: 'list_items',
        description: 'List the items.',
        inputSchema: { type: 'object', properties: {}, additionalProperties: false },
        request: { method: 'GET', path: '/items' },
      },
      {
        name: 'echo',
        description: 'Send an item to the echo endpoint of a tenant.',
        inputSchema: {
          type: 'object',
          properties: {
            tenant: { type: 'string', minLength: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 100 },
            tags: { type: 'array', items: { type: 'string' } },
            title: { type: 'string' },
            done: { type: 'boolean' },
          },
          required: ['tenant'],
          additionalProperties: false,
        },
        request: {
          method: 'POST',
          path: '/t/{tenant}/echo',
          query: ['limit', 'tags'],
          body: ['title', 'done'],
        },
      },
      { name: 'describe_only', description: 'A tool an agent reads about but the gateway cannot run.' },
    ],
  };
}

describe('POST /internal/v1/connections/:id/tools/:name', () => {
  let api: ProviderApi;
  let gw: TestGateway;
  let id: string;
  let pendingId: string;
  let ownerKey: string;

  beforeAll(async () => {
    api = await startProviderApi();
    api.acceptApiKey(KEY);
    const file = writeConnectors('tools.json', [connector(api)]);
    gw = await startGateway({ env: { CONNECTORS_FILE: file, RUNTIME_TOKEN } });
    const owner = await gw.newOwner('tools');
    ownerKey = owner.apiKey;
    const o = client(gw.baseUrl, owner.apiKey);
    id = (await o.post('/api/v1/connections', { connectorSlug: SLUG })).body.connection.id;
    expect(
      (await o.post(`/api/v1/connections/${id}/credentials`, { credentials: { apiKey: KEY } })).status,
    ).toBe(200);
    const other = await gw.newOwner('tools-pending');
    pendingId = (await client(gw.baseUrl, other.apiKey).post('/api/v1/connections', { connectorSlug: SLUG }))
      .body.connection.id;
  });
  afterAll(async () => {
    await gw.close();
    await api.close();
  });
  afterEach(() => api.setMode('normal'));

  const run = (connectionId: string, name: string, body: unknown, token = RUNTIME_TOKEN) =>
    client(gw.baseUrl, token).post(`/internal/v1/connections/${connectionId}/tools/${name}`, body);

  it('shows the input schema in the catalog and never the request', async () => {
    const res = await client(gw.baseUrl, ownerKey).get(`/api/v1/connectors/${SLUG}`);
    const echo = res.body.connector.tools.find((t: { name: string }) => t.name === 'echo');
    expect(echo.inputSchema.required).toEqual(['tenant']);
    expect(echo.request).toBeUndefined();
    expect(res.text).not.toContain('/t/{tenant}/echo');
  });

  it('runs a tool with the connection credentials and answers the provider status and JSON body', async () => {
    api.clearRequests();
    const res = await run(id, 'list_items', { input: {} });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 200, body: { items: PROVIDER_API_ITEMS, tenant: 'root' } });
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]).toMatchObject({ method: 'GET', path: '/items' });
    expect(api.requests[0]!.headers['x-api-key']).toBe(KEY);
  });

  it('fills the path as one encoded segment, the query and the JSON body from the input', async () => {
    api.clearRequests();
    const res = await run(id, 'echo', {
      input: { tenant: 'north-1', limit: 5, tags: ['a b', 'c&d'], title: 'Hello', done: false },
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe(200);
    expect(api.requests[0]).toMatchObject({
      method: 'POST',
      path: '/t/north-1/echo?limit=5&tags=a+b&tags=c%26d',
      tenant: 'north-1',
    });
    expect(JSON.parse(api.requests[0]!.body)).toEqual({ title: 'Hello', done: false });
    expect(api.requests[0]!.headers['content-type']).toBe('application/json');

    api.clearRequests();
    await run(id, 'echo', { input: { tenant: 'a/b?c' } });
    // One segment, whatever the value holds: never a second segment or a query.
    expect(api.requests[0]!.path).toBe('/t/a%2Fb%3Fc/echo');
  });

  it.each([
    [{}, 'input.tenant'],
    [{ tenant: '' }, 'input.tenant'],
    [{ tenant: 'x', limit: 'many' }, 'input.limit'],
    [{ tenant: 'x', limit: 1000 }, 'input.limit'],
    [{ tenant: 'x', extra: true }, 'input.extra'],
    [{ tenant: 'x', tags: [1] }, 'input.tags.0'],
  ])('refuses input %j with 400 naming %s, sending nothing', async (input, field) => {
    api.clearRequests();
    const res = await run(id, 'echo', { input });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(api.requests).toHaveLength(0);
  });

  it('refuses a body that is not {input} and an input that is not an object', async () => {
    expect((await run(id, 'echo', { input: 'x' })).status).toBe(400);
    expect((await run(id, 'echo', { input: { tenant: 'x' }, other: 1 })).status).toBe(400);
  });

  it('answers 200 with the provider status whatever the provider said', async () => {
    api.setMode('status', { status: 500, body: { error: 'boom' }, count: 1 });
    const res = await run(id, 'list_items', { input: {} });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 500, body: { error: 'boom' } });
  });

  it('is 404 for an unknown tool or one without a request, 409 for a connection not connected', async () => {
    expect((await run(id, 'nope', { input: {} })).status).toBe(404);
    expect((await run(id, 'describe_only', { input: {} })).status).toBe(404);
    const pending = await run(pendingId, 'list_items', { input: {} });
    expect(pending.status).toBe(409);
    expect(pending.body.error.code).toBe('CONFLICT');
  });

  it('is 401 for an owner key and 400 for an id that is not a UUID', async () => {
    expect((await run(id, 'list_items', { input: {} }, ownerKey)).status).toBe(401);
    expect((await run('not-a-uuid', 'list_items', { input: {} })).status).toBe(400);
  });

  it('writes no credential into any log line', () => {
    const logs = gw.logs.join('\n');
    for (const secret of api.credentialsSeen()) expect(logs).not.toContain(secret);
  });
});
