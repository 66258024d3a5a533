/**
 * Connectors that know their API (README "Connector definition reference"): per-connection config
 * on connect, credentials checked at the provider before they are stored, fields filled from the
 * OAuth token response, the check after sign-in, and the private-network rule for hosts a config
 * value decides. The provider is our API fixture on loopback (test/fixtures/provider-api.ts),
 * which records every request; the gateway is pointed at it through CONNECTORS_FILE.
 */
import Ajv2020 from 'ajv/dist/2020';
import { ConnectionSecrets } from '../../src/connections/connection-secrets';
import type { Sealed } from '../../src/shared/crypto/cipher';
import { resolveCipher } from '../../src/shared/crypto/keyring';
import { startOAuthProvider, type OAuthProvider } from '../fixtures/oauth-provider';
import { oauthBearerValidator, startProviderApi, type ProviderApi } from '../fixtures/provider-api';
import { TestBrowser } from '../support/browser';
import { connectorsFiles } from '../support/connectors-file';
import { startGateway, type TestGateway } from '../support/gateway';
import { gqlRaw } from '../support/graphql';
import { client } from '../support/http';
import { CLIENT_ID, CLIENT_SECRET, GATEWAY_CLIENT, PUBLIC_URL, consent } from '../support/oauth-setup';

const writeConnectors = connectorsFiles('gw-connector-api');

/** An api_key connector on a per-tenant path of the fixture, checked with GET /me. */
function tenantConnector(api: ProviderApi, slug: string, extra: Record<string, unknown> = {}) {
  return {
    slug,
    name: 'Acme Tenant API',
    description: 'Acme, one tenant per connection.',
    authType: 'api_key',
    availability: 'available',
    categories: ['dev-tools'],
    tools: [{ name: 'list_items', description: 'List the items of the tenant.' }],
    credentialFields: [{ key: 'apiKey', label: 'API key', required: true, secret: true }],
    connectionConfig: [
      { key: 'tenant', label: 'Tenant', required: true, pattern: '^[a-z0-9-]{1,63}$', example: 'acme' },
      { key: 'region', label: 'Region', required: false, enum: ['eu', 'us'] },
    ],
    api: { baseUrl: `${api.url}/t/\${config.tenant}`, headers: { 'X-Api-Key': '${credentials.apiKey}' } },
    verify: { method: 'GET', path: '/me', account: '/user/email' },
    ...extra,
  };
}

describe('config and verification of an api_key connector', () => {
  let api: ProviderApi;
  let gw: TestGateway;
  let secrets: ConnectionSecrets;
  const slug = 'acme-tenant';

  beforeAll(async () => {
    api = await startProviderApi();
    const file = writeConnectors('tenant.json', [
      tenantConnector(api, slug),
      {
        ...tenantConnector(api, 'acme-unchecked'),
        verify: undefined,
      },
    ]);
    gw = await startGateway({ env: { CONNECTORS_FILE: file, VERIFY_TIMEOUT_MS: '700' } });
    secrets = new ConnectionSecrets(resolveCipher(gw.config).cipher);
  });
  afterAll(async () => {
    await gw.close();
    await api.close();
  });
  afterEach(() => api.setMode('normal'));

  async function owner() {
    const created = await gw.newOwner('cfg');
    return { ...created, api: client(gw.baseUrl, created.apiKey) };
  }

  function fields(res: { status: number; body: any }): string[] {
    return (res.body.error.details as { field: string }[]).map((d) => d.field).sort();
  }

  async function storedCredentials(id: string): Promise<Record<string, string> | null> {
    const rows: { secret: string | null }[] = await gw.dataSource.query(
      'SELECT secret FROM connections WHERE id = $1',
      [id],
    );
    const sealed = rows[0]?.secret;
    if (!sealed) return null;
    const secret = secrets.open(id, sealed as Sealed);
    return secret.kind === 'api_key' ? secret.credentials : null;
  }

  it('shows the config fields in the catalog, and never api or verify', async () => {
    const o = await owner();
    const res = await o.api.get(`/api/v1/connectors/${slug}`);
    expect(res.status).toBe(200);
    expect(res.body.connector.connectionConfig).toEqual([
      { key: 'tenant', label: 'Tenant', required: true, pattern: '^[a-z0-9-]{1,63}$', example: 'acme' },
      { key: 'region', label: 'Region', required: false, enum: ['eu', 'us'] },
    ]);
    expect(res.body.connector.verifiesCredentials).toBe(true);
    expect(res.body.connector.categories).toEqual(['dev-tools']);
    expect(res.text).not.toContain(api.url);
    expect(res.text).not.toContain('/me');
  });

  it('refuses bad config with 400 naming each config field, and creates nothing', async () => {
    const o = await owner();
    const cases: Array<[unknown, string[]]> = [
      [undefined, ['config.tenant']],
      [{}, ['config.tenant']],
      [{ tenant: 'Not A Tenant' }, ['config.tenant']],
      [{ tenant: 'acme', region: 'mars' }, ['config.region']],
      [{ tenant: 'acme', colour: 'blue' }, ['config.colour']],
      [{ tenant: 42 }, ['config.tenant']],
      [{ tenant: 'acme\u0000' }, ['config.tenant']],
      ['acme', ['config']],
    ];
    for (const [config, expected] of cases) {
      const res = await o.api.post('/api/v1/connections', {
        connectorSlug: slug,
        ...(config !== undefined ? { config } : {}),
      });
      expect({ config, status: res.status, code: res.body.error?.code }).toEqual({
        config,
        status: 400,
        code: 'BAD_REQUEST',
      });
      if (typeof config === 'string') expect(res.body.error.code).toBe('BAD_REQUEST');
      else expect(fields(res)).toEqual(expected);
    }
    const list = await o.api.get(`/api/v1/connections?connectorSlug=${slug}`);
    expect(list.body.connections).toEqual([]);
  });

  it('keeps the config on the record; a repeat replaces it until connected, then a different one is 409', async () => {
    const o = await owner();
    const created = await o.api.post('/api/v1/connections', {
      connectorSlug: slug,
      config: { tenant: 'one' },
    });
    expect(created.status).toBe(201);
    expect(created.body.connection.config).toEqual({ tenant: 'one' });
    expect(created.body.connection.lastCheckedAt).toBeNull();
    const id = created.body.connection.id as string;

    const replaced = await o.api.post('/api/v1/connections', {
      connectorSlug: slug,
      config: { tenant: 'two', region: 'eu' },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.connection).toMatchObject({ id, config: { tenant: 'two', region: 'eu' } });

    api.acceptApiKey('key-two-0001');
    const submitted = await o.api.post(`/api/v1/connections/${id}/credentials`, {
      credentials: { apiKey: 'key-two-0001' },
    });
    expect(submitted.status).toBe(200);

    const same = await o.api.post('/api/v1/connections', {
      connectorSlug: slug,
      config: { tenant: 'two', region: 'eu' },
    });
    expect(same.status).toBe(200);
    const omitted = await o.api.post('/api/v1/connections', { connectorSlug: slug });
    expect(omitted.status).toBe(200);
    expect(omitted.body.connection.config).toEqual({ tenant: 'two', region: 'eu' });

    const other = await o.api.post('/api/v1/connections', {
      connectorSlug: slug,
      config: { tenant: 'three' },
    });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('CONFLICT');
    const after = await o.api.get(`/api/v1/connections/${id}`);
    expect(after.body.connection).toMatchObject({
      status: 'connected',
      config: { tenant: 'two', region: 'eu' },
    });
  });

  it('takes config through GraphQL connect too, with the same field-level errors', async () => {
    const o = await owner();
    const mutation = `mutation($input: ConnectInput!) { connect(input: $input) { created connection { id config status } } }`;
    const bad = await gqlRaw(gw.baseUrl, o.apiKey, {
      query: mutation,
      variables: { input: { connectorSlug: slug, config: { tenant: 'UPPER' } } },
    });
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(bad.body.errors?.[0]?.extensions?.details)).toContain('config.tenant');
    const good = await gqlRaw(gw.baseUrl, o.apiKey, {
      query: mutation,
      variables: { input: { connectorSlug: slug, config: { tenant: 'graph' } } },
    });
    expect(good.body.errors).toBeUndefined();
    expect(good.body.data).toMatchObject({
      connect: { created: true, connection: { config: { tenant: 'graph' }, status: 'PENDING' } },
    });
  });

  async function pending(o: Awaited<ReturnType<typeof owner>>, tenant: string): Promise<string> {
    const res = await o.api.post('/api/v1/connections', { connectorSlug: slug, config: { tenant } });
    expect(res.status).toBe(201);
    return res.body.connection.id as string;
  }

  it('checks a key at the provider before storing it: accepted keys connect and name the account', async () => {
    const o = await owner();
    const id = await pending(o, 'globex');
    api.acceptApiKey('globex-key-1', { email: 'ops@globex.test', id: 'g-1', name: 'Globex Ops' });
    api.clearRequests();
    const res = await o.api.post(`/api/v1/connections/${id}/credentials`, {
      credentials: { apiKey: 'globex-key-1' },
    });
    expect(res.status).toBe(200);
    expect(res.body.connection).toMatchObject({ status: 'connected', account: 'ops@globex.test' });
    expect(res.body.connection.lastCheckedAt).toEqual(expect.any(String));
    // One call, on the tenant's path, with the key where the definition puts it; redirects unused.
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]).toMatchObject({ method: 'GET', path: '/t/globex/me', tenant: 'globex' });
    expect(api.requests[0]!.headers['x-api-key']).toBe('globex-key-1');
    expect(api.requests[0]!.headers.authorization).toBeUndefined();
  });

  it.each([401, 403, 404, 400])(
    'refuses a key the provider answers %i to with 400 naming credentials, storing nothing',
    async (status) => {
      const o = await owner();
      const id = await pending(o, `rejected-${status}`);
      api.setMode('status', { status, count: 1 });
      const res = await o.api.post(`/api/v1/connections/${id}/credentials`, {
        credentials: { apiKey: `never-stored-${status}` },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
      expect(res.body.error.details).toEqual([
        { field: 'credentials', message: expect.stringContaining(String(status)) },
      ]);
      expect(res.text).not.toContain(`never-stored-${status}`);
      const after = await o.api.get(`/api/v1/connections/${id}`);
      expect(after.body.connection).toMatchObject({ status: 'pending', lastCheckedAt: null });
      expect(await storedCredentials(id)).toBeNull();
    },
  );

  it('keeps a connected connection and its old key when a new key is refused', async () => {
    const o = await owner();
    const id = await pending(o, 'keeper');
    api.acceptApiKey('keeper-old-key');
    expect(
      (
        await o.api.post(`/api/v1/connections/${id}/credentials`, {
          credentials: { apiKey: 'keeper-old-key' },
        })
      ).status,
    ).toBe(200);
    const before = (await o.api.get(`/api/v1/connections/${id}`)).body.connection;
    const refused = await o.api.post(`/api/v1/connections/${id}/credentials`, {
      credentials: { apiKey: 'keeper-wrong-key' },
    });
    expect(refused.status).toBe(400);
    const after = (await o.api.get(`/api/v1/connections/${id}`)).body.connection;
    expect(after).toEqual(before);
    expect(await storedCredentials(id)).toEqual({ apiKey: 'keeper-old-key' });
    const events = await o.api.get(`/api/v1/connections/${id}/events`);
    expect(JSON.stringify(events.body)).not.toContain('keeper-wrong-key');
  });

  it.each([
    ['429 with Retry-After', () => api.setMode('status', { status: 429, retryAfter: 30, count: 1 })],
    ['500', () => api.setMode('status', { status: 500, count: 1 })],
    ['503', () => api.setMode('status', { status: 503, count: 1 })],
    ['a redirect (not followed)', () => api.setMode('redirect', { count: 1 })],
    ['a reset connection', () => api.setMode('reset', { count: 1 })],
    ['silence beyond VERIFY_TIMEOUT_MS', () => api.setMode('silent', { count: 1 })],
  ])(
    'answers 502 PROVIDER_UNAVAILABLE and changes nothing when the provider gives %s',
    async (_what, mode) => {
      const o = await owner();
      const id = await pending(o, 'flaky');
      api.acceptApiKey('flaky-key-1');
      mode();
      api.clearRequests();
      const started = Date.now();
      const res = await o.api.post(`/api/v1/connections/${id}/credentials`, {
        credentials: { apiKey: 'flaky-key-1' },
      });
      expect(res.status).toBe(502);
      expect(res.body.error.code).toBe('PROVIDER_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(api.requests).toHaveLength(1); // a redirect is not followed
      const after = await o.api.get(`/api/v1/connections/${id}`);
      expect(after.body.connection).toMatchObject({
        status: 'pending',
        lastCheckedAt: null,
        lastError: null,
      });
      expect(await storedCredentials(id)).toBeNull();
    },
  );

  it('stores credentials of a connector without a check as before, with no call to the provider', async () => {
    const o = await owner();
    const res = await o.api.post('/api/v1/connections', {
      connectorSlug: 'acme-unchecked',
      config: { tenant: 'nocheck' },
    });
    api.clearRequests();
    const submitted = await o.api.post(`/api/v1/connections/${res.body.connection.id}/credentials`, {
      credentials: { apiKey: 'anything-goes' },
    });
    expect(submitted.status).toBe(200);
    expect(submitted.body.connection).toMatchObject({ status: 'connected', lastCheckedAt: null });
    expect(api.requests).toHaveLength(0);
  });

  it('asks for the config on the hosted connect page, shows its problems, and connects with it', async () => {
    const o = await owner();
    const session = await o.api.post('/api/v1/sessions', { allowedConnectors: [slug] });
    expect(session.status).toBe(201);
    const browser = new TestBrowser();
    expect((await browser.get(`${gw.baseUrl}/connect?session=${session.body.token}`)).status).toBe(303);
    const page = await browser.get(`${gw.baseUrl}/connect`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<input id="acme-tenant-config-tenant" name="config.tenant"[^>]* required/);
    expect(page.text).toMatch(/<select id="acme-tenant-config-region" name="config.region"/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)![1]!;

    const refused = await browser.post(`${gw.baseUrl}/connect/credentials`, {
      connectorSlug: slug,
      csrf,
      'config.tenant': 'Not Valid',
      'credentials.apiKey': 'page-key-secret-1',
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(
      /id="acme-tenant-config-tenant-error"[^>]*>.*does not have the expected format/,
    );
    expect(refused.text).toContain('value="Not Valid"'); // config is not secret: kept to fix
    expect(refused.text).not.toContain('page-key-secret-1');

    api.acceptApiKey('page-key-secret-1');
    const connected = await browser.post(`${gw.baseUrl}/connect/credentials`, {
      connectorSlug: slug,
      csrf,
      'config.tenant': 'paged',
      'config.region': 'eu',
      'credentials.apiKey': 'page-key-secret-1',
    });
    expect(connected.status).toBe(303);
    const list = await o.api.get(`/api/v1/connections?connectorSlug=${slug}`);
    expect(list.body.connections[0]).toMatchObject({
      status: 'connected',
      config: { tenant: 'paged', region: 'eu' },
      account: 'ada@example.test',
    });
  });

  it('writes no credential into any log line', () => {
    const logs = gw.logs.join('\n');
    for (const secret of api.credentialsSeen()) expect(logs).not.toContain(secret);
  });
});

describe('hosts a config value decides', () => {
  let gw: TestGateway;
  let open: TestGateway;
  const hostConnector = {
    slug: 'acme-self-hosted',
    name: 'Acme Self-Hosted',
    description: 'Acme on your own server.',
    authType: 'api_key',
    availability: 'available',
    tools: [{ name: 'list_items', description: 'List items.' }],
    credentialFields: [{ key: 'token', label: 'Token', required: true, secret: true }],
    connectionConfig: [
      {
        key: 'host',
        label: 'Host',
        required: true,
        pattern: '^[A-Za-z0-9.:\\[\\]-]{1,255}$',
        example: 'acme.example.com',
      },
    ],
    api: { baseUrl: 'https://${config.host}/api', headers: { Authorization: 'Bearer ${credentials.token}' } },
    verify: { method: 'GET', path: '/me' },
  };
  const loose = {
    ...hostConnector,
    slug: 'acme-loose',
    connectionConfig: [
      { key: 'sub', label: 'Subdomain', required: true, pattern: '^.{1,100}$', example: 'team' },
    ],
    api: {
      baseUrl: 'https://${config.sub}.acme.example/api',
      headers: { Authorization: 'Bearer ${credentials.token}' },
    },
  };

  beforeAll(async () => {
    const file = writeConnectors('hosts.json', [hostConnector, loose]);
    gw = await startGateway({ env: { CONNECTORS_FILE: file, PROXY_ALLOW_PRIVATE_NETWORKS: 'false' } });
    open = await startGateway({ env: { CONNECTORS_FILE: file, PROXY_ALLOW_PRIVATE_NETWORKS: 'true' } });
  });
  afterAll(async () => {
    await gw.close();
    await open.close();
  });

  it.each(['127.0.0.1', 'localhost', '10.1.2.3', '169.254.169.254', '[::1]', '[::ffff:127.0.0.1]', '0x7f.1'])(
    'refuses %s with 400 naming config.host when private networks are not allowed',
    async (host) => {
      const { apiKey } = await gw.newOwner('host');
      const res = await client(gw.baseUrl, apiKey).post('/api/v1/connections', {
        connectorSlug: 'acme-self-hosted',
        config: { host },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ field: 'config.host', message: expect.any(String) }]);
    },
  );

  it('accepts a private host when PROXY_ALLOW_PRIVATE_NETWORKS is on, and a public one always', async () => {
    const { apiKey } = await open.newOwner('host');
    const res = await client(open.baseUrl, apiKey).post('/api/v1/connections', {
      connectorSlug: 'acme-self-hosted',
      config: { host: '127.0.0.1' },
    });
    expect(res.status).toBe(201);
    const other = await gw.newOwner('host');
    const pub = await client(gw.baseUrl, other.apiKey).post('/api/v1/connections', {
      connectorSlug: 'acme-self-hosted',
      config: { host: 'api.acme.example' },
    });
    expect(pub.status).toBe(201);
  });

  it.each([
    'evil.example?',
    'evil.example#',
    'evil.example/x',
    'user@evil.example',
    'evil.example:444',
    'a%2fb',
  ])(
    'refuses a value that would move the request to another host (%s), even under a loose pattern',
    async (sub) => {
      const { apiKey } = await open.newOwner('loose');
      const res = await client(open.baseUrl, apiKey).post('/api/v1/connections', {
        connectorSlug: 'acme-loose',
        config: { sub },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ field: 'config.sub', message: expect.any(String) }]);
    },
  );
});

describe('an OAuth connector with a field from the token response and a check after sign-in', () => {
  let provider: OAuthProvider;
  let api: ProviderApi;
  let gw: TestGateway;
  const slug = 'acme-instance';

  beforeAll(async () => {
    provider = await startOAuthProvider({ clients: [GATEWAY_CLIENT] });
    const validate = oauthBearerValidator(provider);
    // The API names the account differently from the token response, to tell who filled `account`.
    api = await startProviderApi({
      validateBearer: async (token) => {
        const account = await validate(token);
        return account && { ...account, email: `api-${account.email}` };
      },
    });
    provider.setOptions({ extraTokenResponse: { instance_url: api.url } });
    const definition = {
      ...provider.connectorDefinition(slug),
      categories: ['crm'],
      connectionConfig: [
        {
          key: 'instanceUrl',
          label: 'Instance URL',
          required: false,
          pattern: '^http://127\\.0\\.0\\.1:[0-9]{2,5}$',
          example: 'http://127.0.0.1:8080',
          fromTokenResponse: 'instance_url',
        },
      ],
      api: { baseUrl: '${config.instanceUrl}/t/instance' },
      verify: { method: 'GET', path: '/me', account: '/user/email' },
    };
    gw = await startGateway({
      env: {
        CONNECTORS_FILE: writeConnectors('instance.json', [definition]),
        CONNECTOR_ACME_INSTANCE_CLIENT_ID: CLIENT_ID,
        CONNECTOR_ACME_INSTANCE_CLIENT_SECRET: CLIENT_SECRET,
        PUBLIC_URL,
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await api.close();
    await provider.close();
  });

  async function signIn() {
    const { apiKey } = await gw.newOwner('instance');
    const o = client(gw.baseUrl, apiKey);
    const created = await o.post('/api/v1/connections', { connectorSlug: slug });
    expect(created.status).toBe(201);
    const browser = new TestBrowser({ [PUBLIC_URL]: gw.baseUrl });
    const { callbackUrl } = await consent({ provider } as never, browser, created.body.oauthUrl);
    await browser.get(callbackUrl);
    return { o, id: created.body.connection.id as string };
  }

  it('refuses the field on connect: the provider fills it', async () => {
    const { apiKey } = await gw.newOwner('instance');
    const res = await client(gw.baseUrl, apiKey).post('/api/v1/connections', {
      connectorSlug: slug,
      config: { instanceUrl: 'http://127.0.0.1:1' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('config.instanceUrl');
  });

  it('fills config from the token response and names the account from the check, with the new token', async () => {
    api.clearRequests();
    const { o, id } = await signIn();
    const res = await o.get(`/api/v1/connections/${id}`);
    expect(res.body.connection).toMatchObject({
      status: 'connected',
      config: { instanceUrl: api.url },
      account: 'api-ada@example.test',
    });
    expect(res.body.connection.lastCheckedAt).toEqual(expect.any(String));
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]).toMatchObject({ path: '/t/instance/me' });
    expect(api.requests[0]!.headers.authorization).toMatch(/^Bearer /);
  });

  it('fails the sign-in when the token response points somewhere the pattern does not allow', async () => {
    provider.setOptions({ extraTokenResponse: { instance_url: 'https://evil.example' } });
    try {
      const { o, id } = await signIn();
      const res = await o.get(`/api/v1/connections/${id}`);
      expect(res.body.connection).toMatchObject({
        status: 'error',
        config: {},
        lastError: { code: 'invalid_token_response' },
      });
    } finally {
      provider.setOptions({ extraTokenResponse: { instance_url: api.url } });
    }
  });

  it('still connects when the check after sign-in fails, without naming the account from it', async () => {
    api.setMode('status', { status: 503, count: 1 });
    const { o, id } = await signIn();
    const res = await o.get(`/api/v1/connections/${id}`);
    expect(res.body.connection).toMatchObject({
      status: 'connected',
      account: 'ada@example.test',
      lastCheckedAt: null,
    });
  });
});

describe('GET /api/v1/connector-definition.schema.json', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  it('serves the definition schema without auth, and it validates what the catalog lists', async () => {
    const res = await fetch(`${gw.baseUrl}/api/v1/connector-definition.schema.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/schema+json');
    const schema = (await res.json()) as Record<string, unknown>;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const ajv = new Ajv2020({ strict: true, strictRequired: false });
    const validate = ajv.compile(schema);
    expect(
      validate({
        slug: 'x',
        name: 'X',
        description: 'X.',
        authType: 'none',
        availability: 'available',
        tools: [],
      }),
    ).toBe(true);
    expect(
      validate({
        slug: 'x',
        name: 'X',
        description: 'X.',
        authType: 'none',
        availability: 'available',
        tools: [],
        bogus: 1,
      }),
    ).toBe(false);
  });
});
