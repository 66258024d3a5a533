/**
 * The docs pages (/docs: Swagger UI over the OpenAPI document; /graphiql: GraphiQL on /graphql)
 * over plain HTTP: every page and every file it loads answers 200 with the right type and cache
 * header, without an API key; nothing points at another host; each page has its own strict CSP
 * while the rest of the gateway keeps helmet's; and DOCS_ENABLED=false, or production by default,
 * turns all of it into 404s. The browser half is test/browser/docs-pages.test.ts.
 */
import fs from 'node:fs';
import { ConfigError, loadConfig } from '../../src/config';
import { DOCS_ASSETS } from '../../src/docs/pages';
import { startGateway, type TestGateway } from '../support/gateway';
import { request } from '../support/http';

const PAGES = ['/docs', '/graphiql'];

/** The installed version of a package (its URLs carry it). */
function version(name: string): string {
  return (JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string })
    .version;
}

/** The local URLs a page loads or links to (scripts, stylesheets, links), in document order. */
function localRefs(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)]
    .map((m) => m[1]!.replace(/&#38;/g, '&'))
    .filter((ref) => ref.startsWith('/'));
}

function csp(headers: Headers): Map<string, string> {
  return new Map(
    (headers.get('content-security-policy') ?? '')
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [name, ...values] = part.split(/\s+/);
        return [name!, values.join(' ')] as [string, string];
      }),
  );
}

describe('docs pages, enabled (the default outside production)', () => {
  let gw: TestGateway;
  const pages = new Map<string, string>();

  beforeAll(async () => {
    gw = await startGateway();
    for (const page of PAGES) pages.set(page, (await request('GET', `${gw.baseUrl}${page}`)).text);
  });
  afterAll(() => gw.close());

  it.each(PAGES)('%s answers an HTML page without an API key', async (page) => {
    const res = await request('GET', `${gw.baseUrl}${page}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.text).toMatch(/^<!doctype html>/);
    // Both pages link to each other and to the raw document.
    expect(localRefs(res.text)).toEqual(
      expect.arrayContaining(['/docs', '/graphiql', '/api/v1/openapi.json']),
    );
  });

  it.each(PAGES)('%s names no other host: no absolute http(s) URL at all', (page) => {
    const html = pages.get(page)!;
    const absolute = html.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
    expect(absolute.filter((url) => !url.startsWith(gw.baseUrl))).toEqual([]);
    // Nor a protocol-relative one (//cdn.example/...).
    expect(html).not.toMatch(/(?:src|href)="\/\//);
  });

  it.each(PAGES)('%s has no inline script or style: everything comes from the gateway', (page) => {
    const html = pages.get(page)!;
    for (const tag of html.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) ?? []) {
      expect(tag).toMatch(/^<script src="\/[^"]+"><\/script>$/);
    }
    expect(html).not.toMatch(/<style\b|\sstyle="|\son\w+="/i);
  });

  it.each(PAGES)('%s loads only files that answer 200 with the right type', async (page) => {
    const files = localRefs(pages.get(page)!).filter((ref) => /\.(js|css)$/.test(ref));
    expect(files.filter((f) => f.endsWith('.js')).length).toBeGreaterThanOrEqual(2);
    expect(files.filter((f) => f.endsWith('.css')).length).toBeGreaterThanOrEqual(2);
    for (const file of files) {
      const res = await request('GET', `${gw.baseUrl}${file}`);
      expect([file, res.status]).toEqual([file, 200]);
      const type = res.headers.get('content-type') ?? '';
      if (file.endsWith('.js')) expect(type).toMatch(/^(text|application)\/javascript\b/);
      else expect(type).toMatch(/^text\/css\b/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.text.length).toBeGreaterThan(file.includes('/vendor/') ? 10_000 : 100);
      // Package files carry their version in the URL and are cached for a year; the gateway's own
      // small files revalidate.
      expect(res.headers.get('cache-control')).toBe(
        file.includes('/vendor/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    }
  });

  it('serves the bundles from the installed packages, versioned', () => {
    const refs = [...localRefs(pages.get('/docs')!), ...localRefs(pages.get('/graphiql')!)];
    expect(refs).toEqual(
      expect.arrayContaining([
        `/docs/vendor/swagger-ui-dist@${version('swagger-ui-dist')}/swagger-ui-bundle.js`,
        `/docs/vendor/swagger-ui-dist@${version('swagger-ui-dist')}/swagger-ui.css`,
        `/graphiql/vendor/graphiql@${version('graphiql')}/graphiql.min.js`,
        `/graphiql/vendor/graphiql@${version('graphiql')}/graphiql.min.css`,
        `/graphiql/vendor/react@${version('react')}/react.production.min.js`,
        `/graphiql/vendor/react-dom@${version('react-dom')}/react-dom.production.min.js`,
        DOCS_ASSETS.css,
        DOCS_ASSETS.reference,
        DOCS_ASSETS.graphiql,
      ]),
    );
  });

  it('serves only those exact files, nothing else of the packages or the source tree', async () => {
    const swagger = `/docs/vendor/swagger-ui-dist@${version('swagger-ui-dist')}`;
    for (const path of [
      `${swagger}/package.json`,
      `${swagger}/swagger-ui-bundle.js.map`,
      `${swagger}/index.html`,
      `${swagger}/../../../package.json`,
      `${swagger}/%2e%2e/%2e%2e/package.json`,
      '/docs/vendor/swagger-ui-dist@0.0.0/swagger-ui-bundle.js',
      '/docs/assets/docs.routes.ts',
      '/docs/assets/',
      '/graphiql/vendor/',
    ]) {
      const res = await request('GET', `${gw.baseUrl}${path}`);
      expect([path, res.status]).toEqual([path, 404]);
    }
  });

  it.each(PAGES)("%s has its own CSP: 'self' only, nothing inline, no other host", async (page) => {
    const policy = csp((await request('GET', `${gw.baseUrl}${page}`)).headers);
    expect(Object.fromEntries(policy)).toEqual({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'img-src': "'self' data:",
      'font-src': "'self' data:",
      'connect-src': "'self'",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
      'object-src': "'none'",
    });
  });

  it("keeps helmet's default CSP and headers everywhere else", async () => {
    for (const path of ['/healthz', '/api/v1/openapi.json', '/docs/assets/docs.css']) {
      const res = await request('GET', `${gw.baseUrl}${path}`);
      const policy = csp(res.headers);
      expect([path, policy.get('default-src'), policy.get('script-src')]).toEqual([path, "'self'", "'self'"]);
      expect(policy.has('upgrade-insecure-requests')).toBe(true);
    }
    const page = await request('GET', `${gw.baseUrl}/docs`);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('the document /docs renders is the real one, served without a key', async () => {
    const res = await request('GET', `${gw.baseUrl}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toContain('/api/v1/connections');
  });

  it('the pages do not open /graphql: a call from GraphiQL still needs a key', async () => {
    const anonymous = await request('POST', `${gw.baseUrl}/graphql`, { json: { query: '{ __typename }' } });
    expect(anonymous.status).toBe(401);
  });
});

describe('docs pages, disabled', () => {
  const ALL = [
    ...PAGES,
    DOCS_ASSETS.css,
    DOCS_ASSETS.reference,
    DOCS_ASSETS.graphiql,
    `/docs/vendor/swagger-ui-dist@${version('swagger-ui-dist')}/swagger-ui-bundle.js`,
    `/graphiql/vendor/graphiql@${version('graphiql')}/graphiql.min.js`,
  ];

  it.each([
    ['DOCS_ENABLED=false', { DOCS_ENABLED: 'false' }],
    ['NODE_ENV=production (default off)', { NODE_ENV: 'production' }],
  ])('%s: every docs path answers 404', async (_name, env) => {
    const gw = await startGateway({ env });
    try {
      expect(gw.config.docsEnabled).toBe(false);
      for (const path of ALL) {
        const res = await request('GET', `${gw.baseUrl}${path}`);
        expect([path, res.status]).toEqual([path, 404]);
      }
      // The rest of the gateway is unchanged.
      expect((await request('GET', `${gw.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      await gw.close();
    }
  });

  it('NODE_ENV=production with DOCS_ENABLED=true serves them', async () => {
    const gw = await startGateway({ env: { NODE_ENV: 'production', DOCS_ENABLED: 'true' } });
    try {
      expect((await request('GET', `${gw.baseUrl}/docs`)).status).toBe(200);
      expect((await request('GET', `${gw.baseUrl}/graphiql`)).status).toBe(200);
    } finally {
      await gw.close();
    }
  });
});

describe('DOCS_ENABLED', () => {
  const KEY = Buffer.alloc(32, 1).toString('base64');

  it('defaults to on outside production and off in production', () => {
    expect(loadConfig({}).docsEnabled).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).docsEnabled).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: KEY }).docsEnabled).toBe(false);
  });

  it('takes true/false, 1/0, yes/no, and refuses anything else', () => {
    expect(loadConfig({ DOCS_ENABLED: 'no' }).docsEnabled).toBe(false);
    expect(loadConfig({ DOCS_ENABLED: '0' }).docsEnabled).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: KEY, DOCS_ENABLED: 'yes' }).docsEnabled).toBe(
      true,
    );
    expect(() => loadConfig({ DOCS_ENABLED: 'sometimes' })).toThrow(ConfigError);
    expect(() => loadConfig({ DOCS_ENABLED: 'sometimes' })).toThrow(/^DOCS_ENABLED: /);
  });
});
