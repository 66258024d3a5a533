import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtinConnectors as readBuiltins } from '../../src/connectors/catalog.loader';

const builtinConnectors = readBuiltins();
import { CatalogFileError, loadCatalog } from '../../src/connectors/catalog.loader';
import { client } from '../support/http';
import { startGateway, type TestGateway } from '../support/gateway';

type View = Record<string, any> & { slug: string; authType: string; availability: string };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function writeFile(name: string, content: unknown): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const acmeCrm = {
  slug: 'acme-crm',
  name: 'Acme CRM',
  description: 'Search and update Acme CRM records.',
  authType: 'api_key',
  availability: 'available',
  tools: [{ name: 'search_records', description: 'Search records by keyword.' }],
  credentialFields: [
    { key: 'token', label: 'API token', required: true, secret: true, pattern: '^acme_[a-z0-9]{8,}$' },
  ],
};
const acmeDocs = {
  slug: 'acme-docs',
  name: 'Acme Docs',
  description: 'Read Acme documents.',
  authType: 'oauth',
  availability: 'available',
  tools: [{ name: 'read_document', description: 'Read one document.' }],
  oauth: {
    authorizationUrl: 'http://127.0.0.1:9/authorize',
    tokenUrl: 'http://127.0.0.1:9/acme-token-endpoint',
    scopes: ['docs.read'],
  },
};
const openaiReplacement = {
  slug: 'openai',
  name: 'OpenAI via corporate proxy',
  description: 'OpenAI models through the company proxy.',
  authType: 'api_key',
  availability: 'available',
  tools: [{ name: 'create_response', description: 'Generate a model response.' }],
  credentialFields: [{ key: 'proxyToken', label: 'Proxy token', required: true, secret: true }],
};

describe('GET /api/v1/connectors', () => {
  let gw: TestGateway;
  let key: string;
  const list = async (query = ''): Promise<{ status: number; body: any; text: string }> =>
    client(gw.baseUrl, key).get(`/api/v1/connectors${query}`);

  beforeAll(async () => {
    gw = await startGateway({
      env: {
        CONNECTOR_GITHUB_CLIENT_ID: 'gh-client-id',
        CONNECTOR_GITHUB_CLIENT_SECRET: 'gh-client-secret-VALUE',
      },
    });
    key = (await gw.newOwner()).apiKey;
  });
  afterAll(() => gw.close());

  it('lists the built-in catalog with the contract fields', async () => {
    const res = await client(gw.baseUrl, key).get('/api/v1/connectors');
    expect(res.status).toBe(200);
    const slugs = res.body.connectors.map((c: { slug: string }) => c.slug);
    expect(slugs.length).toBeGreaterThanOrEqual(25);
    expect(slugs).toEqual(expect.arrayContaining(['github', 'slack', 'notion', 'openai', 'stripe']));
    const github = res.body.connectors.find((c: { slug: string }) => c.slug === 'github');
    expect(github).toMatchObject({ authType: 'oauth', configured: true, availability: 'available' });
    expect(github).not.toHaveProperty('oauth');
    expect(github).not.toHaveProperty('credentialFields');
  });

  it('filters by authType: each filter gives exactly the entries of that type, together all of them', async () => {
    const all: View[] = (await list()).body.connectors;
    let total = 0;
    for (const authType of ['api_key', 'oauth', 'none']) {
      const res = await list(`?authType=${authType}`);
      expect(res.status).toBe(200);
      const entries: View[] = res.body.connectors;
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.every((c) => c.authType === authType)).toBe(true);
      expect(entries.map((c) => c.slug)).toEqual(
        all.filter((c) => c.authType === authType).map((c) => c.slug),
      );
      total += entries.length;
    }
    expect(total).toBe(all.length);
  });

  it.each([['bogus'], ['API_KEY'], ['']])('rejects authType=%p with 400 BAD_REQUEST', async (authType) => {
    const res = await list(`?authType=${authType}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    expect(res.body.error.details[0].field).toBe('authType');
  });

  it('filters by availability: coming_soon entries each carry an availabilityReason', async () => {
    const res = await list('?availability=coming_soon');
    expect(res.status).toBe(200);
    const entries: View[] = res.body.connectors;
    expect(entries.length).toBeGreaterThan(0);
    for (const c of entries) {
      expect(c.availability).toBe('coming_soon');
      expect(typeof c.availabilityReason).toBe('string');
      expect(c.availabilityReason.length).toBeGreaterThan(0);
    }
    const available: View[] = (await list('?availability=available')).body.connectors;
    expect(available.length).toBeGreaterThan(0);
    for (const c of available) {
      expect(c.availability).toBe('available');
      expect(c).not.toHaveProperty('availabilityReason');
    }
  });

  it('gives credentialFields (key, label, required, secret) to api_key entries only', async () => {
    const all: View[] = (await list()).body.connectors;
    for (const c of all) {
      if (c.authType !== 'api_key') {
        expect([c.slug, c.credentialFields]).toEqual([c.slug, undefined]);
        continue;
      }
      expect(Array.isArray(c.credentialFields)).toBe(true);
      expect(c.credentialFields.length).toBeGreaterThan(0);
      for (const field of c.credentialFields) {
        expect(typeof field.key).toBe('string');
        expect(typeof field.label).toBe('string');
        expect(typeof field.required).toBe('boolean');
        expect(typeof field.secret).toBe('boolean');
      }
    }
    const twilio = all.find((c) => c.slug === 'twilio')!;
    expect(twilio.credentialFields.map((f: { key: string }) => f.key)).toEqual(['accountSid', 'authToken']);
  });

  it('marks api_key and none connectors configured, and OAuth ones only when their client is set', async () => {
    const all: View[] = (await list()).body.connectors;
    for (const c of all) {
      const expected = c.authType !== 'oauth' || c.slug === 'github';
      expect([c.slug, c.configured]).toEqual([c.slug, expected]);
    }
  });

  it("shows each runnable tool's inputSchema and never its request", async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('"request"');
    expect(res.text).not.toContain('/repos/{owner}/{repo}/issues');
    const github = res.body.connectors.find((c: View) => c.slug === 'github');
    const getIssue = github.tools.find((t: { name: string }) => t.name === 'get_issue');
    expect(Object.keys(getIssue).sort()).toEqual(['description', 'inputSchema', 'name']);
    expect(getIssue.inputSchema).toEqual(
      builtinConnectors.find((c) => c.slug === 'github')!.tools.find((t) => t.name === 'get_issue')!
        .inputSchema,
    );
    const withoutRequest = github.tools.find((t: { name: string }) => t.name === 'get_file_contents');
    expect(withoutRequest).toEqual({
      name: 'get_file_contents',
      description: 'Read a file or list a directory at a given ref of a repository.',
    });
  });

  it('never sends OAuth client settings: no tokenUrl, no client secret', async () => {
    const res = await list();
    expect(res.text).not.toContain('tokenUrl');
    expect(res.text).not.toMatch(/client_?secret/i);
    expect(res.text).not.toContain('gh-client-secret-VALUE');
    for (const definition of builtinConnectors) {
      if (definition.oauth) expect(res.text).not.toContain(definition.oauth.tokenUrl);
    }
    const one = await client(gw.baseUrl, key).get('/api/v1/connectors/github');
    expect(one.status).toBe(200);
    expect(one.body.connector.slug).toBe('github');
    expect(one.text).not.toContain('tokenUrl');
    expect(one.text).not.toContain('gh-client-secret-VALUE');
  });
});

describe('OAuth client configuration (CONNECTOR_<SLUG>_CLIENT_ID and _SECRET)', () => {
  async function configuredOf(env: Record<string, string>, slug: string) {
    const gw = await startGateway({ env });
    try {
      const { apiKey } = await gw.newOwner('oauth-config');
      const res = await client(gw.baseUrl, apiKey).get(`/api/v1/connectors/${slug}`);
      expect(res.status).toBe(200);
      for (const value of Object.values(env)) expect(res.text).not.toContain(value);
      const listed = await client(gw.baseUrl, apiKey).get('/api/v1/connectors');
      for (const value of Object.values(env)) expect(listed.text).not.toContain(value);
      return res.body.connector.configured as boolean;
    } finally {
      await gw.close();
    }
  }

  it('configures google-drive when both CONNECTOR_GOOGLE_DRIVE_CLIENT_ID and _SECRET are set', async () => {
    const env = {
      CONNECTOR_GOOGLE_DRIVE_CLIENT_ID: 'gd-client-id-123',
      CONNECTOR_GOOGLE_DRIVE_CLIENT_SECRET: 'gd-client-secret-VALUE-456',
    };
    expect(await configuredOf(env, 'google-drive')).toBe(true);
  });

  it('leaves google-drive unconfigured with only the client id, or only the secret', async () => {
    expect(await configuredOf({ CONNECTOR_GOOGLE_DRIVE_CLIENT_ID: 'gd-only-id' }, 'google-drive')).toBe(
      false,
    );
    expect(
      await configuredOf({ CONNECTOR_GOOGLE_DRIVE_CLIENT_SECRET: 'gd-only-secret' }, 'google-drive'),
    ).toBe(false);
  });
});

describe('CONNECTORS_FILE', () => {
  let gw: TestGateway;
  let key: string;

  beforeAll(async () => {
    const file = writeFile('connectors.json', [acmeCrm, acmeDocs, openaiReplacement]);
    gw = await startGateway({
      env: {
        CONNECTORS_FILE: file,
        CONNECTOR_ACME_DOCS_CLIENT_ID: 'acme-docs-id',
        CONNECTOR_ACME_DOCS_CLIENT_SECRET: 'acme-docs-secret-XYZ',
      },
    });
    key = (await gw.newOwner('file')).apiKey;
  });
  afterAll(() => gw.close());

  it('adds the file’s connectors and lets its entry replace the built-in one with the same slug', async () => {
    const res = await client(gw.baseUrl, key).get('/api/v1/connectors');
    expect(res.status).toBe(200);
    const all: View[] = res.body.connectors;
    const slugs = all.map((c) => c.slug);
    expect(slugs).toEqual(expect.arrayContaining(['acme-crm', 'acme-docs', 'openai', 'github']));
    expect(slugs.filter((s) => s === 'openai')).toHaveLength(1);
    expect(all.find((c) => c.slug === 'openai')).toMatchObject({
      name: 'OpenAI via corporate proxy',
      credentialFields: [{ key: 'proxyToken', label: 'Proxy token', required: true, secret: true }],
    });
    expect(all.find((c) => c.slug === 'acme-docs')).toMatchObject({ authType: 'oauth', configured: true });
    expect(res.text).not.toContain('acme-token-endpoint');
    expect(res.text).not.toContain('acme-docs-secret-XYZ');
  });

  it('serves a file connector by slug, and 404 for an unknown slug', async () => {
    const api = client(gw.baseUrl, key);
    const one = await api.get('/api/v1/connectors/acme-crm');
    expect(one.status).toBe(200);
    expect(one.body.connector).toMatchObject({
      slug: 'acme-crm',
      name: 'Acme CRM',
      authType: 'api_key',
      configured: true,
      tools: [{ name: 'search_records', description: 'Search records by keyword.' }],
    });
    const missing = await api.get('/api/v1/connectors/no-such-connector');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });

  it('connects to a file connector and checks credentials against the file’s fields', async () => {
    const api = client(gw.baseUrl, key);
    const created = await api.post('/api/v1/connections', { connectorSlug: 'acme-crm' });
    expect(created.status).toBe(201);
    const url = `/api/v1/connections/${created.body.connection.id}/credentials`;
    expect((await api.post(url, { credentials: { token: 'wrong' } })).status).toBe(400);
    const ok = await api.post(url, { credentials: { token: 'acme_abcdef1234' } });
    expect(ok.status).toBe(200);
    expect(ok.body.connection.status).toBe('connected');
  });
});

describe('an operator-supplied credential pattern', () => {
  // `(a+)+$` backtracks catastrophically in a backtracking engine: on a string of a's ending in
  // something else it tries every way of splitting the a's (2^n), blocking the event loop for
  // seconds at this length (minutes a few characters later). A linear-time engine answers at once.
  const nested = {
    ...acmeCrm,
    slug: 'acme-nested',
    credentialFields: [{ key: 'token', label: 'API token', required: true, secret: true, pattern: '(a+)+$' }],
  };
  let gw: TestGateway;
  let key: string;
  beforeAll(async () => {
    gw = await startGateway({ env: { CONNECTORS_FILE: writeFile('nested.json', [nested]) } });
    key = (await gw.newOwner('pattern')).apiKey;
  });
  afterAll(() => gw.close());

  it('runs in linear time: a 30-character value that backtracks for seconds elsewhere is refused at once', async () => {
    const api = client(gw.baseUrl, key);
    const created = await api.post('/api/v1/connections', { connectorSlug: 'acme-nested' });
    expect(created.status).toBe(201);
    const url = `/api/v1/connections/${created.body.connection.id}/credentials`;
    const refused = await api.post(url, { credentials: { token: `${'a'.repeat(29)}!` } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([
      { field: 'credentials.token', message: 'does not have the expected format (API token)' },
    ]);
    const ok = await api.post(url, { credentials: { token: 'a'.repeat(30) } });
    expect(ok.status).toBe(200);
  }, 5_000);
});

describe('loadCatalog with a bad CONNECTORS_FILE', () => {
  const load = (file: string) => () => loadCatalog({ connectorsFile: file, oauthClients: new Map() });

  function expectFailure(file: string, ...parts: (string | RegExp)[]) {
    let error: unknown;
    try {
      load(file)();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CatalogFileError);
    const message = (error as Error).message;
    expect(message).toContain(file);
    for (const part of parts) {
      if (typeof part === 'string') expect(message).toContain(part);
      else expect(message).toMatch(part);
    }
  }

  it('loads a good file (the failures below are about their one defect)', () => {
    const catalog = load(writeFile('good.json', [acmeCrm, acmeDocs, openaiReplacement]))();
    expect(catalog.get('acme-crm')?.name).toBe('Acme CRM');
    expect(catalog.get('openai')?.name).toBe('OpenAI via corporate proxy');
  });

  it('stops on a file that is not JSON', () => {
    expectFailure(writeFile('broken.json', '[{"slug": "acme-crm",'), 'not valid JSON');
  });

  it('stops on a file that cannot be read', () => {
    expectFailure(path.join(tmp, 'missing.json'), 'cannot be read');
  });

  it('stops on a file that holds neither a definition nor an array of them', () => {
    expectFailure(writeFile('number.json', 42), 'connector definition or an array');
  });

  it('names the entry and field of a bad slug', () => {
    expectFailure(writeFile('slug.json', [acmeCrm, { ...acmeDocs, slug: 'Acme_Docs' }]), '#1', '"slug"');
  });

  it('names the entry and field of an http tokenUrl that is not loopback', () => {
    const entry = { ...acmeDocs, oauth: { ...acmeDocs.oauth, tokenUrl: 'http://auth.acme.example/token' } };
    expectFailure(writeFile('http.json', [entry]), '#0', '"oauth.tokenUrl"', 'https');
  });

  it('names the entry and field of a coming_soon connector without availabilityReason', () => {
    const entry = { ...acmeCrm, availability: 'coming_soon' };
    expectFailure(
      writeFile('reason.json', [acmeDocs, openaiReplacement, entry]),
      '#2',
      '"availabilityReason"',
    );
  });

  it('names the entry and field of an unknown field', () => {
    expectFailure(
      writeFile('unknown.json', [{ ...acmeCrm, colour: 'blue' }]),
      '#0',
      '"colour"',
      'not a known field',
    );
  });

  it.each([
    ['a backreference', '^(a+)\\1$'],
    ['a lookahead', '^(?=.*[0-9])[a-z0-9]+$'],
    ['a lookbehind', '^[a-z]+(?<!x)$'],
  ])(
    'names the entry and field of a credential pattern with %s (the linear-time engine cannot run it)',
    (_, pattern) => {
      const entry = { ...acmeCrm, credentialFields: [{ ...acmeCrm.credentialFields[0], pattern }] };
      expectFailure(
        writeFile('re2.json', [acmeDocs, entry]),
        '#1',
        'acme-crm',
        '"credentialFields[0].pattern"',
        'linear-time',
      );
    },
  );

  it('names the entry and field of a slug that appears twice', () => {
    expectFailure(writeFile('twice.json', [acmeCrm, { ...acmeCrm, name: 'Again' }]), '#1', '"slug"');
  });
});
