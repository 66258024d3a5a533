/**
 * The response checker that keeps openapi/openapi.yaml true (test/support/openapi-contract.ts):
 * it must catch a leaked field, an undocumented status, a wrong content type and a missing
 * header, and match concrete URLs to the right path template.
 */
import { loadOpenApiDocument } from '../../src/openapi/openapi.document';
import { OpenApiContract, openApiContract } from '../support/openapi-contract';

const BASE = 'http://127.0.0.1:4000';
const ID = '3f2a9c4e-1b7d-4e8a-9c6f-5d2e1a0b7c3d';

const connection = {
  id: ID,
  connectorSlug: 'openai',
  authType: 'api_key',
  label: null,
  status: 'pending',
  createdAt: '2026-01-15T09:30:00.000Z',
  updatedAt: '2026-01-15T09:30:00.000Z',
  connectedAt: null,
  lastError: null,
  expiresAt: null,
  scopes: null,
  account: null,
  lastRefreshedAt: null,
  lastCheckedAt: null,
  config: {},
};

function json(body: unknown, extra: Record<string, string> = {}): { headers: Headers; text: string } {
  return {
    headers: new Headers({ 'content-type': 'application/json; charset=utf-8', ...extra }),
    text: JSON.stringify(body),
  };
}

describe('the OpenAPI response checker', () => {
  const contract = openApiContract();
  const check = (
    method: string,
    path: string,
    status: number,
    response: { headers: Headers; text: string },
  ) => contract.check({ method, url: `${BASE}${path}`, status, ...response });

  it('compiles every response schema and header schema of the document under strict Ajv', () => {
    const fresh = new OpenApiContract(loadOpenApiDocument());
    let compiled = 0;
    for (const method of ['GET', 'POST', 'DELETE']) {
      for (const path of [
        '/api/v1/openapi.json',
        '/api/v1/connectors',
        `/api/v1/connectors/openai`,
        '/api/v1/connections',
        `/api/v1/connections/${ID}`,
        `/api/v1/connections/${ID}/credentials`,
        `/api/v1/connections/${ID}/check`,
        `/api/v1/connections/${ID}/oauth`,
        '/api/v1/connections/oauth/start',
        '/api/v1/connections/oauth/callback',
        '/api/v1/sessions',
        `/api/v1/sessions/${ID}`,
        `/internal/v1/connections/${ID}/credentials`,
      ]) {
        if (!fresh.match(method, path)) continue;
        for (const status of [200, 201, 400, 401, 404, 409, 413, 500, 502, 503]) {
          // Whatever the verdict, checking must not throw (every schema it reaches compiles).
          fresh.check({ method, url: `${BASE}${path}`, status, ...json({}) });
          compiled += 1;
        }
      }
    }
    expect(compiled).toBeGreaterThan(100);
  });

  it('accepts a connection exactly as the serializer makes it', () => {
    expect(check('GET', `/api/v1/connections/${ID}`, 200, json({ connection }))).toEqual([]);
  });

  it('names method, path template, status and field when a connection leaks a field', () => {
    const [problem, ...rest] = check(
      'GET',
      `/api/v1/connections/${ID}`,
      200,
      json({ connection: { ...connection, secret: 'v1.sealed' } }),
    );
    expect(rest).toEqual([]);
    expect(problem).toContain('GET /api/v1/connections/{id} → 200');
    expect(problem).toContain('/connection must NOT have additional properties ("secret")');
  });

  it('refuses a connection missing a field, or with a null where none is allowed', () => {
    const { account: _account, ...withoutAccount } = connection;
    expect(check('GET', `/api/v1/connections/${ID}`, 200, json({ connection: withoutAccount }))).toEqual([
      expect.stringContaining("must have required property 'account'"),
    ]);
    expect(
      check(
        'GET',
        `/api/v1/connections/${ID}`,
        200,
        json({ connection: { ...connection, createdAt: null } }),
      ),
    ).toEqual([expect.stringContaining('/connection/createdAt must be string')]);
  });

  it('fails a status the operation does not document', () => {
    const problems = check(
      'GET',
      `/api/v1/connections/${ID}`,
      409,
      json({ error: { code: 'CONFLICT', message: 'x' } }),
    );
    expect(problems).toEqual([expect.stringContaining('status 409 is not documented')]);
  });

  it('checks the error envelope and its code per status', () => {
    const unauthorized = json(
      { error: { code: 'UNAUTHORIZED', message: 'no' } },
      { 'www-authenticate': 'Bearer realm="connections-gateway"' },
    );
    expect(check('GET', '/api/v1/connections', 401, unauthorized)).toEqual([]);
    const wrongCode = json(
      { error: { code: 'NOT_FOUND', message: 'no' } },
      { 'www-authenticate': 'Bearer realm="connections-gateway"' },
    );
    expect(check('GET', '/api/v1/connections', 401, wrongCode)).toEqual([
      expect.stringContaining('/error/code must be equal to constant'),
    ]);
    const noChallenge = json({ error: { code: 'UNAUTHORIZED', message: 'no' } });
    expect(check('GET', '/api/v1/connections', 401, noChallenge)).toEqual([
      expect.stringContaining('the required header WWW-Authenticate is missing'),
    ]);
  });

  it('fails a content type the response does not document', () => {
    const html = { headers: new Headers({ 'content-type': 'text/html; charset=utf-8' }), text: '<p>hi</p>' };
    expect(check('GET', '/api/v1/connections', 200, html)).toEqual([
      expect.stringContaining('content type "text/html" is not documented'),
    ]);
    // The OAuth callback is a browser page: HTML is what it documents.
    expect(check('GET', '/api/v1/connections/oauth/callback', 200, html)).toEqual([]);
  });

  it('matches concrete URLs to templates, literal segments first, case-insensitively like express', () => {
    expect(contract.match('GET', '/api/v1/connections/oauth/callback')?.template).toBe(
      '/api/v1/connections/oauth/callback',
    );
    expect(contract.match('GET', '/api/v1/connections/oauth/start')?.template).toBe(
      '/api/v1/connections/oauth/start',
    );
    expect(contract.match('GET', `/api/v1/connections/${ID}/oauth`)?.template).toBe(
      '/api/v1/connections/{id}/oauth',
    );
    expect(contract.match('GET', '/api/v1/connections/oauth')?.template).toBe('/api/v1/connections/{id}');
    expect(contract.match('GET', '/API/V1/CONNECTIONS/')?.template).toBe('/api/v1/connections');
    expect(contract.match('GET', '/api/v1//connections')).toBeUndefined();
    expect(contract.match('PUT', '/api/v1/connections')).toBeUndefined();
  });

  it('wants the documented 401 or 404 envelope from an unknown route', () => {
    const notFound = json({ error: { code: 'NOT_FOUND', message: 'No route for GET /api/v1/nope.' } });
    expect(check('GET', '/api/v1/nope', 404, notFound)).toEqual([]);
    expect(check('GET', '/api/v1/nope', 200, json({ ok: true }))).toEqual([
      expect.stringContaining('an unknown route must answer the documented 401 or 404'),
    ]);
  });

  it("checks express's OPTIONS answer against the documented methods of the path", () => {
    const allow = (methods: string) => ({
      headers: new Headers({ allow: methods, 'content-type': 'text/plain' }),
      text: methods,
    });
    expect(check('OPTIONS', '/api/v1/connections', 200, allow('GET, HEAD, POST'))).toEqual([]);
    expect(check('OPTIONS', '/api/v1/connections', 200, allow('GET, HEAD, POST, PATCH'))).toEqual([
      expect.stringContaining('Allow lists undocumented methods: PATCH'),
    ]);
  });

  it('speaks only for /api/v1 and /internal/v1', () => {
    expect(contract.covers(`${BASE}/api/v1/connections`)).toBe(true);
    expect(contract.covers(`${BASE}/internal/v1/connections/${ID}/credentials`)).toBe(true);
    expect(contract.covers(`${BASE}/graphql`)).toBe(false);
    expect(contract.covers(`${BASE}/readyz`)).toBe(false);
    expect(contract.covers(`${BASE}/api/v10/x`)).toBe(false);
  });
});
