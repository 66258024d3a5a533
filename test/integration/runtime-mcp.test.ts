/**
 * MCP for the agent runtime (README "MCP for the agent runtime"): `/internal/v1/mcp`
 * over Streamable HTTP, with the runtime token, `X-Owner-Id` and `X-Allowed-Connectors`. Driven by
 * real MCP clients: the official TypeScript SDK's Client and the Vercel AI SDK's MCP client
 * (@ai-sdk/mcp, its own implementation of the protocol), plus raw HTTP for what a client library
 * hides (headers, the protocol version, 405s). The provider is the API fixture on loopback.
 */
import { createMCPClient } from '@ai-sdk/mcp';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { builtinConnectors } from '../../src/connectors/catalog.loader';
import { startOAuthProvider, type OAuthProvider } from '../fixtures/oauth-provider';
import {
  PROVIDER_API_ITEMS,
  oauthBearerValidator,
  startProviderApi,
  type ProviderApi,
} from '../fixtures/provider-api';
import { TestBrowser } from '../support/browser';
import { connectorsFiles } from '../support/connectors-file';
import { startGateway, type TestGateway } from '../support/gateway';
import { client } from '../support/http';
import { assertMatchesOpenApi } from '../support/openapi-contract';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  GATEWAY_CLIENT,
  PUBLIC_URL,
  RUNTIME_TOKEN,
  consent,
} from '../support/oauth-setup';

const writeConnectors = connectorsFiles('gw-runtime-mcp');

const KEY_A = 'mcp-key-owner-a-0123456789';
const KEY_B = 'mcp-key-owner-b-0123456789';

function tools(api: ProviderApi) {
  return [
    {
      slug: 'acme-mcp',
      name: 'Acme MCP',
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
              title: { type: 'string' },
            },
            required: ['tenant'],
            additionalProperties: false,
          },
          request: { method: 'POST', path: '/t/{tenant}/echo', query: ['limit'], body: ['title'] },
        },
        { name: 'describe_only', description: 'A tool an agent reads about but the gateway cannot run.' },
      ],
    },
    {
      slug: 'acme-notes',
      name: 'Acme Notes',
      description: 'Acme notes, another connector of the same owner.',
      authType: 'api_key',
      availability: 'available',
      categories: ['productivity'],
      credentialFields: [{ key: 'apiKey', label: 'API key', required: true, secret: true }],
      api: { baseUrl: `${api.url}/t/notes`, headers: { 'X-Api-Key': '${credentials.apiKey}' } },
      tools: [
        {
          name: 'whoami',
          description: 'Name the account of the key.',
          inputSchema: { type: 'object', properties: {}, additionalProperties: false },
          request: { method: 'GET', path: '/me' },
        },
      ],
    },
  ];
}

const MCP_PATH = '/internal/v1/mcp';

/** The official SDK's client, connected for `headers` (the runtime token unless told otherwise). */
async function sdkClient(gw: TestGateway, headers: Record<string, string>, token = RUNTIME_TOKEN) {
  const mcp = new Client({ name: 'gateway-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${gw.baseUrl}${MCP_PATH}`), {
    requestInit: { headers: { authorization: `Bearer ${token}`, ...headers } },
  });
  await mcp.connect(transport);
  return mcp;
}

/** One JSON-RPC message over raw HTTP, as curl sends it. */
async function rpc(
  gw: TestGateway,
  message: object,
  /** A header whose value is undefined is not sent. */
  headers: Record<string, string | undefined>,
  init: { method?: string; token?: string | null } = {},
) {
  const res = await fetch(`${gw.baseUrl}${MCP_PATH}`, {
    method: init.method ?? 'POST',
    headers: {
      ...(init.token === null ? {} : { authorization: `Bearer ${init.token ?? RUNTIME_TOKEN}` }),
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      ...(Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) as Record<
        string,
        string
      >),
    },
    ...((init.method ?? 'POST') === 'POST' ? { body: JSON.stringify(message) } : {}),
  });
  const text = await res.text();
  assertMatchesOpenApi({
    method: init.method ?? 'POST',
    url: res.url,
    status: res.status,
    headers: res.headers,
    text,
  });
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

const INITIALIZE = (protocolVersion: string) => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion, capabilities: {}, clientInfo: { name: 'curl', version: '8' } },
});

describe('MCP for the agent runtime (/internal/v1/mcp)', () => {
  let api: ProviderApi;
  let gw: TestGateway;
  let ownerA: string;
  let ownerB: string;
  let ownerPending: string;
  let keyA: string;

  beforeAll(async () => {
    api = await startProviderApi();
    api.acceptApiKey(KEY_A, { id: 'a', email: 'a@example.test', name: 'Owner A' });
    api.acceptApiKey(KEY_B, { id: 'b', email: 'b@example.test', name: 'Owner B' });
    gw = await startGateway({
      env: { CONNECTORS_FILE: writeConnectors('mcp.json', tools(api)), RUNTIME_TOKEN },
    });

    const connect = async (apiKey: string, slug: string, key?: string) => {
      const o = client(gw.baseUrl, apiKey);
      const id = (await o.post('/api/v1/connections', { connectorSlug: slug })).body.connection.id as string;
      if (key !== undefined) {
        const stored = await o.post(`/api/v1/connections/${id}/credentials`, {
          credentials: { apiKey: key },
        });
        expect(stored.status).toBe(200);
      }
      return id;
    };
    const a = await gw.newOwner('mcp-a');
    ownerA = a.ownerId;
    keyA = a.apiKey;
    await connect(a.apiKey, 'acme-mcp', KEY_A);
    await connect(a.apiKey, 'acme-notes', KEY_A);
    const b = await gw.newOwner('mcp-b');
    ownerB = b.ownerId;
    await connect(b.apiKey, 'acme-mcp', KEY_B);
    const pending = await gw.newOwner('mcp-pending');
    ownerPending = pending.ownerId;
    await connect(pending.apiKey, 'acme-mcp');
  });
  afterAll(async () => {
    await gw.close();
    await api.close();
  });
  beforeEach(() => api.clearRequests());
  afterEach(() => api.setMode('normal'));

  it("lists the owner's runnable tools as <slug>__<tool>, with descriptions and input schemas", async () => {
    const mcp = await sdkClient(gw, { 'x-owner-id': ownerA });
    try {
      expect(mcp.getServerVersion()?.name).toBe('connections-gateway');
      expect(mcp.getServerCapabilities()?.tools).toBeDefined();
      const { tools: listed } = await mcp.listTools();
      expect(listed.map((tool) => tool.name).sort()).toEqual([
        'acme-mcp__echo',
        'acme-mcp__list_items',
        'acme-notes__whoami',
      ]);
      const echo = listed.find((tool) => tool.name === 'acme-mcp__echo')!;
      expect(echo.description).toBe('Send an item to the echo endpoint of a tenant.');
      expect(echo.inputSchema).toMatchObject({ type: 'object', required: ['tenant'] });
      // The request a tool makes is the gateway's business, never the client's.
      expect(JSON.stringify(listed)).not.toContain('/t/{tenant}/echo');
    } finally {
      await mcp.close();
    }
    // Nothing reached the provider to list tools.
    expect(api.requests).toHaveLength(0);
  });

  it('calls a tool with the connection credentials: the body as JSON text and as structured content', async () => {
    const mcp = await sdkClient(gw, { 'x-owner-id': ownerA });
    try {
      const result = await mcp.callTool({ name: 'acme-mcp__list_items', arguments: {} });
      const expected = { items: PROVIDER_API_ITEMS, tenant: 'root' };
      expect(result.isError).toBe(false);
      expect(result.content).toEqual([{ type: 'text', text: JSON.stringify(expected) }]);
      expect(result.structuredContent).toEqual(expected);
      expect(result._meta).toEqual({ status: 200 });
      expect(api.requests).toHaveLength(1);
      expect(api.requests[0]).toMatchObject({ method: 'GET', path: '/items' });
      expect(api.requests[0]!.headers['x-api-key']).toBe(KEY_A);

      api.clearRequests();
      const echoed = await mcp.callTool({
        name: 'acme-mcp__echo',
        arguments: { tenant: 'north', limit: 3, title: 'Hello' },
      });
      expect(echoed.isError).toBe(false);
      expect(api.requests[0]).toMatchObject({
        method: 'POST',
        path: '/t/north/echo?limit=3',
        tenant: 'north',
      });
      expect(JSON.parse(api.requests[0]!.body)).toEqual({ title: 'Hello' });
    } finally {
      await mcp.close();
    }
  });

  it("acts for the owner it is told: another owner's tools run with that owner's credentials", async () => {
    const mcp = await sdkClient(gw, { 'x-owner-id': ownerB });
    try {
      expect((await mcp.listTools()).tools.map((tool) => tool.name).sort()).toEqual([
        'acme-mcp__echo',
        'acme-mcp__list_items',
      ]);
      const result = await mcp.callTool({ name: 'acme-mcp__list_items', arguments: {} });
      expect(result.isError).toBe(false);
      expect(api.requests[0]!.headers['x-api-key']).toBe(KEY_B);
      // Owner A's other connector is not B's: an unknown tool, and nothing sent.
      api.clearRequests();
      await expect(mcp.callTool({ name: 'acme-notes__whoami', arguments: {} })).rejects.toThrow(McpError);
      expect(api.requests).toHaveLength(0);
    } finally {
      await mcp.close();
    }
  });

  it("narrows the tools to the agent's allowed connectors (X-Allowed-Connectors)", async () => {
    const narrowed = await sdkClient(gw, {
      'x-owner-id': ownerA,
      'x-allowed-connectors': 'acme-notes, github',
    });
    try {
      expect((await narrowed.listTools()).tools.map((tool) => tool.name)).toEqual(['acme-notes__whoami']);
      const allowed = await narrowed.callTool({ name: 'acme-notes__whoami', arguments: {} });
      expect(allowed.isError).toBe(false);
      expect(allowed.structuredContent).toMatchObject({ tenant: 'notes', user: { id: 'a' } });
      api.clearRequests();
      const refused = narrowed.callTool({ name: 'acme-mcp__list_items', arguments: {} });
      await expect(refused).rejects.toMatchObject({ code: -32602 });
      expect(api.requests).toHaveLength(0);
    } finally {
      await narrowed.close();
    }
    // An empty list allows nothing.
    const none = await sdkClient(gw, { 'x-owner-id': ownerA, 'x-allowed-connectors': '' });
    try {
      expect((await none.listTools()).tools).toEqual([]);
    } finally {
      await none.close();
    }
  });

  it('answers input the schema refuses with isError, naming the property, and sends nothing', async () => {
    const mcp = await sdkClient(gw, { 'x-owner-id': ownerA });
    try {
      const result = await mcp.callTool({ name: 'acme-mcp__echo', arguments: { tenant: '', limit: 500 } });
      expect(result.isError).toBe(true);
      const { error } = result.structuredContent as {
        error: { code: string; details: Array<{ field: string }> };
      };
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.details.map((detail) => detail.field).sort()).toEqual(['input.limit', 'input.tenant']);
      expect(JSON.parse((result.content as Array<{ text: string }>)[0]!.text)).toEqual(
        result.structuredContent,
      );
      const extra = await mcp.callTool({ name: 'acme-mcp__list_items', arguments: { surprise: 1 } });
      expect(extra.isError).toBe(true);
      expect(JSON.stringify(extra.structuredContent)).toContain('input.surprise');
      expect(api.requests).toHaveLength(0);
    } finally {
      await mcp.close();
    }
  });

  it.each([
    [404, { message: 'Not Found' }],
    [422, { message: 'Validation Failed', errors: [{ field: 'title' }] }],
    [500, { error: 'boom' }],
  ])('passes a provider %i back as a result with isError and the provider body', async (status, body) => {
    const mcp = await sdkClient(gw, { 'x-owner-id': ownerA });
    try {
      api.setMode('status', { status, body });
      const result = await mcp.callTool({ name: 'acme-mcp__list_items', arguments: {} });
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toEqual(body);
      expect(result.content).toEqual([{ type: 'text', text: JSON.stringify(body) }]);
      expect(result._meta).toEqual({ status });
    } finally {
      await mcp.close();
    }
  });

  it('says isError when the provider cannot be reached (502 PROVIDER_UNAVAILABLE)', async () => {
    const mcp = await sdkClient(gw, { 'x-owner-id': ownerA });
    try {
      api.setMode('reset');
      const result = await mcp.callTool({ name: 'acme-mcp__list_items', arguments: {} });
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toMatchObject({ error: { code: 'PROVIDER_UNAVAILABLE' } });
    } finally {
      await mcp.close();
    }
  });

  it('lists nothing for a connection that is not connected, and a call to it is a refusal with isError', async () => {
    const mcp = await sdkClient(gw, { 'x-owner-id': ownerPending });
    try {
      expect((await mcp.listTools()).tools).toEqual([]);
      const result = await mcp.callTool({ name: 'acme-mcp__list_items', arguments: {} });
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toMatchObject({ error: { code: 'CONFLICT' } });
      expect(api.requests).toHaveLength(0);
    } finally {
      await mcp.close();
    }
  });

  it.each([
    'nope',
    'acme-mcp__nope',
    'acme-mcp__describe_only',
    '__list_items',
    'acme-mcp_list_items',
    'github__list_issues',
  ])('answers the unknown tool %s with a JSON-RPC error', async (name) => {
    const res = await rpc(
      gw,
      { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name, arguments: {} } },
      { 'x-owner-id': ownerA, 'mcp-protocol-version': '2025-11-25' },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: -32602 } });
    expect(res.body.error.message).toContain(name);
    expect(res.body.result).toBeUndefined();
    expect(api.requests).toHaveLength(0);
  });

  it.each(['2025-06-18', '2025-11-25'])(
    'speaks protocol version %s over plain HTTP, as curl does',
    async (version) => {
      const init = await rpc(gw, INITIALIZE(version), { 'x-owner-id': ownerA });
      expect(init.status).toBe(200);
      expect(init.headers.get('content-type')).toMatch(/^application\/json/);
      expect(init.headers.get('mcp-session-id')).toBeNull();
      expect(init.body.result).toMatchObject({
        protocolVersion: version,
        capabilities: { tools: {} },
        serverInfo: { name: 'connections-gateway' },
      });
      const headers = { 'x-owner-id': ownerA, 'mcp-protocol-version': version };
      const initialized = await rpc(gw, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
      expect(initialized.status).toBe(202);
      const listed = await rpc(gw, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, headers);
      expect(listed.body.result.tools.map((tool: { name: string }) => tool.name)).toContain(
        'acme-mcp__list_items',
      );
    },
  );

  it.each<[string, Record<string, string | undefined>, string | null | undefined, number, string]>([
    ['no token', { 'x-owner-id': '' }, null, 401, 'UNAUTHORIZED'],
    ["an owner's API key", {}, 'owner', 401, 'UNAUTHORIZED'],
    ['no X-Owner-Id', { 'x-owner-id': undefined }, undefined, 400, 'BAD_REQUEST'],
    ['an X-Owner-Id that is not a UUID', { 'x-owner-id': 'acme' }, undefined, 400, 'BAD_REQUEST'],
    [
      'an X-Owner-Id no owner has',
      { 'x-owner-id': '00000000-0000-4000-8000-000000000000' },
      undefined,
      404,
      'NOT_FOUND',
    ],
    [
      'X-Allowed-Connectors with a non-slug',
      { 'x-allowed-connectors': 'acme-mcp,../x' },
      undefined,
      400,
      'BAD_REQUEST',
    ],
  ])('refuses %s before any MCP message is read', async (_what, headers, token, status, code) => {
    const res = await rpc(
      gw,
      INITIALIZE('2025-11-25'),
      { 'x-owner-id': ownerA, ...headers },
      {
        token: token === 'owner' ? keyA : token,
      },
    );
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });

  it.each(['GET', 'DELETE'])(
    'answers %s with 405: a stateless server has no stream and no session',
    async (method) => {
      const res = await rpc(gw, {}, { 'x-owner-id': ownerA }, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      // The runtime token is still required first.
      expect((await rpc(gw, {}, { 'x-owner-id': ownerA }, { method, token: null })).status).toBe(401);
    },
  );

  it('works with another MCP client: the Vercel AI SDK (@ai-sdk/mcp), listing and running tools', async () => {
    const mcp = await createMCPClient({
      transport: {
        type: 'http',
        url: `${gw.baseUrl}${MCP_PATH}`,
        headers: { authorization: `Bearer ${RUNTIME_TOKEN}`, 'x-owner-id': ownerA },
      },
    });
    try {
      const listed = await mcp.listTools();
      expect(listed.tools.map((tool) => tool.name).sort()).toEqual([
        'acme-mcp__echo',
        'acme-mcp__list_items',
        'acme-notes__whoami',
      ]);
      const set = await mcp.tools();
      const output = await set['acme-mcp__echo']!.execute!(
        { tenant: 'south', title: 'From the AI SDK' },
        { toolCallId: 'call-1', messages: [] },
      );
      expect(output).toMatchObject({ isError: false });
      expect(api.requests[0]).toMatchObject({ method: 'POST', path: '/t/south/echo', tenant: 'south' });
      expect(JSON.parse(api.requests[0]!.body)).toEqual({ title: 'From the AI SDK' });
    } finally {
      await mcp.close();
    }
  });

  // (The fixture's /echo answers the headers it saw, a credential among them: not called here.)
  it('never puts a credential in an answer or a log line', async () => {
    const mcp = await sdkClient(gw, { 'x-owner-id': ownerA });
    try {
      const answers = [
        await mcp.listTools(),
        await mcp.callTool({ name: 'acme-mcp__list_items', arguments: {} }),
        await mcp.callTool({ name: 'acme-mcp__echo', arguments: {} }),
      ];
      const text = JSON.stringify(answers);
      for (const secret of [KEY_A, KEY_B, RUNTIME_TOKEN]) expect(text).not.toContain(secret);
    } finally {
      await mcp.close();
    }
    const logs = gw.logs.join('\n');
    for (const secret of [KEY_A, KEY_B, RUNTIME_TOKEN, ...api.credentialsSeen()])
      expect(logs).not.toContain(secret);
  });
});

describe('MCP with a built-in connector (GitHub, its API played by the fixture)', () => {
  let provider: OAuthProvider;
  let api: ProviderApi;
  let gw: TestGateway;
  let ownerId: string;
  let accessToken: string;

  beforeAll(async () => {
    provider = await startOAuthProvider({ clients: [GATEWAY_CLIENT] });
    api = await startProviderApi({ validateBearer: oauthBearerValidator(provider) });
    // The built-in definition as it ships, tools and all; only where it signs in and calls moves
    // to loopback (its `verify` names a route the fixture does not play).
    const { verify: _verify, ...github } = builtinConnectors().find(
      (definition) => definition.slug === 'github',
    )!;
    const definition = {
      ...github,
      oauth: { ...provider.connectorDefinition('github').oauth, scopes: github.oauth!.scopes },
      api: { ...github.api!, baseUrl: `${api.url}/t/github` },
    };
    gw = await startGateway({
      env: {
        CONNECTORS_FILE: writeConnectors('github.json', [definition]),
        CONNECTOR_GITHUB_CLIENT_ID: CLIENT_ID,
        CONNECTOR_GITHUB_CLIENT_SECRET: CLIENT_SECRET,
        PUBLIC_URL,
        RUNTIME_TOKEN,
      },
    });
    const owner = await gw.newOwner('mcp-github');
    ownerId = owner.ownerId;
    const created = await client(gw.baseUrl, owner.apiKey).post('/api/v1/connections', {
      connectorSlug: 'github',
    });
    expect(created.status).toBe(201);
    const browser = new TestBrowser({ [PUBLIC_URL]: gw.baseUrl });
    const { callbackUrl } = await consent({ provider } as never, browser, created.body.oauthUrl);
    await browser.get(callbackUrl);
    const read = await client(gw.baseUrl, RUNTIME_TOKEN).get(
      `/internal/v1/connections/${created.body.connection.id}/credentials`,
    );
    expect(read.status).toBe(200);
    accessToken = read.body.credentials.accessToken;
  });
  afterAll(async () => {
    await gw.services.providerRevocation.settle(1_000);
    await gw.close();
    await api.close();
    await provider.close();
  });
  afterEach(() => api.setMode('normal'));

  it("lists GitHub's runnable tools and runs them with the connection's access token", async () => {
    const mcp = await sdkClient(gw, { 'x-owner-id': ownerId });
    try {
      const { tools: listed } = await mcp.listTools();
      const shipped = builtinConnectors()
        .find((definition) => definition.slug === 'github')!
        .tools.filter((tool) => tool.request !== undefined)
        .map((tool) => `github__${tool.name}`);
      expect(listed.map((tool) => tool.name)).toEqual(shipped);
      expect(shipped.length).toBeGreaterThanOrEqual(10);
      expect(listed.find((tool) => tool.name === 'github__create_issue')!.inputSchema.required).toEqual(
        expect.arrayContaining(['owner', 'repo', 'title']),
      );

      // GitHub's answer to "create an issue", played by the fixture.
      const issue = {
        number: 42,
        title: 'Found by an agent',
        html_url: 'https://github.com/octo/hello/issues/42',
      };
      api.clearRequests();
      api.setMode('status', { status: 201, body: issue });
      const created = await mcp.callTool({
        name: 'github__create_issue',
        arguments: { owner: 'octo', repo: 'hello', title: 'Found by an agent', body: 'Details.' },
      });
      expect(created.isError).toBe(false);
      expect(created.structuredContent).toEqual(issue);
      expect(created._meta).toEqual({ status: 201 });
      expect(api.requests).toHaveLength(1);
      expect(api.requests[0]).toMatchObject({ method: 'POST', path: '/t/github/repos/octo/hello/issues' });
      expect(api.requests[0]!.headers.authorization).toBe(`Bearer ${accessToken}`);
      expect(JSON.parse(api.requests[0]!.body)).toMatchObject({
        title: 'Found by an agent',
        body: 'Details.',
      });

      // A list answer (a JSON array): text only, no structured content.
      api.clearRequests();
      api.setMode('status', { status: 200, body: [issue] });
      const issues = await mcp.callTool({
        name: 'github__list_issues',
        arguments: { owner: 'octo', repo: 'hello', state: 'open' },
      });
      expect(issues.isError).toBe(false);
      expect(issues.structuredContent).toBeUndefined();
      expect(JSON.parse((issues.content as Array<{ text: string }>)[0]!.text)).toEqual([issue]);
      expect(api.requests[0]!.path).toBe('/t/github/repos/octo/hello/issues?state=open');
    } finally {
      await mcp.close();
    }
    const logs = gw.logs.join('\n');
    for (const token of provider.issuedTokens()) expect(logs).not.toContain(token);
  });
});
