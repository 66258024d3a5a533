/**
 * docs/security.md#no-input-gets-a-500, the input side: malformed and oversized bodies, wrong
 * content types, unknown routes and parameters, and a burst of odd requests that must never produce
 * a 500.
 */
import { request, type RequestOptions } from '../support/http';
import { startGateway, type TestGateway } from '../support/gateway';

const RANDOM_ID = '6f1c1a2e-8a53-4c38-9d5c-1f6a2b3c4d5e';
const FORBIDDEN_IN_ERRORS = ['stack', 'at Object.', 'SELECT ', 'QueryFailedError', 'node_modules'];
const JSON_TYPE = { 'content-type': 'application/json' };

const recorded: { what: string; status: number; contentType: string; text: string }[] = [];

describe('security: input handling', () => {
  let gw: TestGateway;
  let small: TestGateway;
  let owner: { ownerId: string; apiKey: string };
  let connectionId: string;

  async function call(
    target: TestGateway,
    method: string,
    path: string,
    options: RequestOptions & { key?: string | null } = {},
  ) {
    const key = options.key === undefined ? owner.apiKey : options.key;
    const headers = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...options.headers };
    const res = await request(method, `${target.baseUrl}${path}`, { ...options, headers });
    recorded.push({
      what: `${method} ${path}`,
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      text: res.text,
    });
    return res;
  }

  async function liveCount(): Promise<number> {
    const rows: { n: number }[] = await gw.dataSource.query(
      'SELECT count(*)::int AS n FROM connections WHERE owner_id = $1 AND deleted_at IS NULL',
      [owner.ownerId],
    );
    return rows[0]!.n;
  }

  beforeAll(async () => {
    gw = await startGateway();
    small = await startGateway({ env: { BODY_LIMIT_BYTES: '2048' } });
    owner = await gw.newOwner('input');
    const created = await call(gw, 'POST', '/api/v1/connections', { json: { connectorSlug: 'openai' } });
    connectionId = created.body.connection.id;
  });
  afterAll(async () => {
    await small.close();
    await gw.close();
  });

  function expectBadRequest(res: { status: number; body: any }) {
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
  }

  describe('bodies', () => {
    /** Both routes that read a JSON body answer `raw` with 400, and no connection appears. */
    async function expectRefusedByBothBodyRoutes(raw: string): Promise<void> {
      const before = await liveCount();
      expectBadRequest(await call(gw, 'POST', '/api/v1/connections', { raw, headers: JSON_TYPE }));
      expectBadRequest(
        await call(gw, 'POST', `/api/v1/connections/${connectionId}/credentials`, {
          raw,
          headers: JSON_TYPE,
        }),
      );
      expect(await liveCount()).toBe(before);
    }

    it('authenticates before reading a body: an anonymous malformed or oversized body is 401', async () => {
      for (const path of ['/api/v1/connections', '/graphql']) {
        const malformed = await call(gw, 'POST', path, {
          key: null,
          raw: '{"connectorSlug":',
          headers: { 'content-type': 'application/json' },
        });
        expect(malformed.status).toBe(401);
        const oversized = await call(small, 'POST', path, {
          key: null,
          raw: JSON.stringify({ connectorSlug: 'x'.repeat(8192) }),
          headers: { 'content-type': 'application/json' },
        });
        expect(oversized.status).toBe(401);
      }
    });

    it.each([
      ['truncated JSON', '{"connectorSlug":'],
      ['single quotes', "{'connectorSlug':'stripe'}"],
      ['a trailing comma', '{"connectorSlug":"stripe",}'],
      ['not JSON at all', 'connectorSlug=stripe'],
      ['an empty body', ''],
    ])('answers malformed JSON (%s) with 400 BAD_REQUEST, not 500', async (_name, raw) => {
      await expectRefusedByBothBodyRoutes(raw);
    });

    it.each([
      ['an array', '[{"connectorSlug":"stripe"}]'],
      ['a string', '"stripe"'],
      ['a number', '42'],
      ['null', 'null'],
      ['true', 'true'],
    ])('refuses a JSON body that is %s with 400', async (_name, raw) => {
      await expectRefusedByBothBodyRoutes(raw);
    });

    it.each([
      ['text/plain', { 'content-type': 'text/plain' }],
      ['form encoding', { 'content-type': 'application/x-www-form-urlencoded' }],
    ])('refuses a JSON-looking body sent as %s with 400', async (_name, headers) => {
      const before = await liveCount();
      const res = await call(gw, 'POST', '/api/v1/connections', {
        raw: '{"connectorSlug":"stripe"}',
        headers: headers as Record<string, string>,
      });
      expectBadRequest(res);
      expect(await liveCount()).toBe(before);
    });

    it('answers a body over BODY_LIMIT_BYTES with 413 PAYLOAD_TOO_LARGE in the JSON envelope', async () => {
      const key = (await small.newOwner('limit')).apiKey;
      const big = { connectorSlug: 'openai', label: 'x'.repeat(4096) };
      const res = await call(small, 'POST', '/api/v1/connections', { key, json: big });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(Object.keys(res.body)).toEqual(['error']);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(typeof res.body.error.message).toBe('string');

      const credentials = { credentials: { apiKey: `sk-${'a'.repeat(4000)}` } };
      const tooBig = await call(small, 'POST', `/api/v1/connections/${RANDOM_ID}/credentials`, {
        key,
        json: credentials,
      });
      expect(tooBig.status).toBe(413);
      // The limit is the limit: a body under it goes through on the same gateway.
      const fits = await call(small, 'POST', '/api/v1/connections', {
        key,
        json: { connectorSlug: 'openai' },
      });
      expect(fits.status).toBe(201);
    });
  });

  describe('routes and parameters', () => {
    it.each([
      ['GET', '/api/v1/nope'],
      ['GET', '/api/v1/connections/oauth-like/extra/segments'],
      ['PUT', '/api/v1/connections'],
      ['PATCH', `/api/v1/connections/${RANDOM_ID}`],
      ['DELETE', '/api/v1/connections'],
      ['POST', '/api/v1/connectors'],
      ['GET', `/api/v1/connections/${RANDOM_ID}/credentials`],
    ])('answers an unknown route %s %s with a 404 JSON envelope', async (method, path) => {
      const res = await call(gw, method, path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body.error.code).toBe('NOT_FOUND');
    });

    it('asks for a key before answering an unknown route under /api/v1', async () => {
      const res = await call(gw, 'GET', '/api/v1/nope', { key: null });
      expect(res.status).toBe(401);
    });

    it('ignores unknown query parameters', async () => {
      const plain = await call(gw, 'GET', '/api/v1/connections');
      const extra = await call(gw, 'GET', '/api/v1/connections?foo=bar&ownerId=x&deleted=true&limit=50');
      expect(extra.status).toBe(200);
      expect(extra.body).toEqual(plain.body);
      const catalog = await call(gw, 'GET', '/api/v1/connectors');
      const catalogExtra = await call(gw, 'GET', '/api/v1/connectors?foo=bar&include=oauth');
      expect(catalogExtra.status).toBe(200);
      expect(catalogExtra.body).toEqual(catalog.body);
    });
  });

  /** Nesting as deep as BODY_LIMIT_BYTES (100 KiB) allows; the connection id is filled in by `at`. */
  const deepArray = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
  const CONNECTION = ':connection';
  const deeplyNested: [string, string, string][] = [
    ['a REST body that is a nested array', '/api/v1/connections', deepArray(50_000)],
    [
      'a REST label that is a nested array',
      '/api/v1/connections',
      `{"connectorSlug":"openai","label":${deepArray(49_000)}}`,
    ],
    [
      'a REST body of nested objects',
      '/api/v1/connections',
      `${'{"a":'.repeat(17_000)}1${'}'.repeat(17_000)}`,
    ],
    [
      'a REST credential that is a nested array',
      `/api/v1/connections/${CONNECTION}/credentials`,
      `{"credentials":{"apiKey":${deepArray(49_000)}}}`,
    ],
    [
      'a GraphQL input field that is a nested array',
      '/graphql',
      `{"query":"mutation C($input: ConnectInput!) { connect(input: $input) { created } }","variables":{"input":{"connectorSlug":"openai","label":${deepArray(49_000)}}}}`,
    ],
    [
      'a GraphQL JSONObject credential that is a nested array',
      '/graphql',
      `{"query":"mutation S($id: ID!, $c: JSONObject!) { submitCredentials(input: {connectionId: $id, credentials: $c}) { connection { id } } }","variables":{"id":"${CONNECTION}","c":{"apiKey":${deepArray(49_000)}}}}`,
    ],
    [
      'an unused GraphQL variable that is a nested array',
      '/graphql',
      `{"query":"{ connectors { slug } }","variables":{"x":${deepArray(49_000)}}}`,
    ],
  ];

  describe('deeply nested JSON with an Idempotency-Key', () => {
    const at = (text: string) => text.split(CONNECTION).join(connectionId);

    it.each(deeplyNested)('answers %s as it does without the key (never 500)', async (_name, path, raw) => {
      const without = await call(gw, 'POST', at(path), { raw: at(raw), headers: JSON_TYPE });
      const withKey = await call(gw, 'POST', at(path), {
        raw: at(raw),
        headers: { ...JSON_TYPE, 'idempotency-key': `deep-${Math.random()}` },
      });
      expect(without.status).toBeLessThan(500);
      expect(withKey.status).toBe(without.status);
      expect(withKey.text).toBe(without.text);
    });

    it('answers the nested REST bodies and the GraphQL input field with a 400 BAD_REQUEST', async () => {
      for (const [name, path, raw] of deeplyNested.slice(0, 5)) {
        const res = await call(gw, 'POST', at(path), {
          raw: at(raw),
          headers: { ...JSON_TYPE, 'idempotency-key': `deep-${Math.random()}` },
        });
        expect([name, res.status]).toEqual([name, 400]);
        const code = path === '/graphql' ? res.body.errors[0].extensions.code : res.body.error.code;
        expect([name, code]).toEqual([name, 'BAD_REQUEST']);
      }
    });
  });

  describe('a burst of odd requests', () => {
    const long = 'a'.repeat(3000);
    const burst: [string, string, RequestOptions][] = [
      ['GET', '/api/v1/connections/%E0%A4%A', {}],
      ['GET', '/api/v1/connections/%', {}],
      ['GET', '/api/v1/connectors/%zz', {}],
      ['DELETE', '/api/v1/connections/%E0%A4%A', {}],
      ['GET', '/api/v1/connections/%00', {}],
      ['GET', '/api/v1/connectors/%00', {}],
      ['GET', `/api/v1/connections/${encodeURIComponent("' OR '1'='1")}`, {}],
      ['GET', `/api/v1/connections/${long}`, {}],
      ['GET', '/api/v1/connections?limit=%ff', {}],
      ['GET', '/api/v1/connections?cursor=%E0%A4%A', {}],
      ['GET', '/api/v1/connections?connectorSlug=%00', {}],
      ['GET', `/api/v1/connections?connectorSlug=${encodeURIComponent("x' OR 1=1 --")}`, {}],
      ['GET', '/api/v1/connections?status=%00', {}],
      ['GET', '/api/v1/connections?status[]=pending&connectorSlug[a]=b', {}],
      ['GET', '/api/v1/connections?limit=1&limit=1', {}],
      ['GET', `/api/v1/connections?limit=${'9'.repeat(500)}`, {}],
      ['GET', `/api/v1/connections?cursor=${long}`, {}],
      ['GET', '/api/v1/connectors?authType=%00', {}],
      ['GET', '/api/v1/connectors?availability[]=x', {}],
      ['GET', '/api/v1//connections', {}],
      ['GET', '/API/V1/CONNECTIONS', {}],
      ['GET', '/api/v1/connections/', {}],
      ['OPTIONS', '/api/v1/connections', {}],
      ['HEAD', '/api/v1/connections', {}],
      ['PROPFIND', '/api/v1/connections', {}],
      ['POST', '/api/v1/connections', { json: { connectorSlug: 'openai', label: 'a\u0000b' } }],
      ['POST', '/api/v1/connections', { json: { connectorSlug: 'stripe', label: '\ud800' } }],
      ['POST', '/api/v1/connections', { json: { connectorSlug: 'open\u0000ai' } }],
      ['POST', '/api/v1/connections', { json: { connectorSlug: ['openai'] } }],
      ['POST', '/api/v1/webhooks', { json: { url: 'https://hooks.example.com/x', description: 'a\u0000b' } }],
      ['POST', '/api/v1/webhooks', { json: { url: 'https://hooks.example.com/\u0000' } }],
      ['POST', '/api/v1/webhooks', { json: { url: 'https://hooks.example.com/x', eventTypes: ['\u0000'] } }],
      ['POST', '/api/v1/connections', { json: { connectorSlug: { toString: 'openai' } } }],
      ['POST', '/api/v1/connections', { json: { connectorSlug: 'x'.repeat(5000) } }],
      ['POST', '/api/v1/connections', { raw: `${'['.repeat(5000)}${']'.repeat(5000)}`, headers: JSON_TYPE }],
      [
        'POST',
        '/api/v1/connections',
        {
          raw: '{"connectorSlug":"openai"}',
          headers: { 'content-type': 'application/json; charset=utf-16' },
        },
      ],
      [
        'POST',
        '/api/v1/connections',
        { raw: '{"connectorSlug":"openai"}', headers: { ...JSON_TYPE, 'content-encoding': 'gzip' } },
      ],
      [
        'POST',
        '/api/v1/connections',
        { raw: '{"connectorSlug":"openai"}', headers: { ...JSON_TYPE, 'content-encoding': 'deflate' } },
      ],
      [
        'POST',
        '/api/v1/connections',
        { raw: '{"connectorSlug":"openai"}', headers: { ...JSON_TYPE, 'content-encoding': 'foo' } },
      ],
      ['POST', '/api/v1/connections', { raw: '\u00ff\u00fe{', headers: JSON_TYPE }],
      [
        'POST',
        `/api/v1/connections/${RANDOM_ID}/credentials`,
        { json: { credentials: { apiKey: { $gt: '' } } } },
      ],
      [
        'POST',
        `/api/v1/connections/${RANDOM_ID}/credentials`,
        { json: { credentials: { apiKey: 'sk-\u0000' } } },
      ],
      ['GET', '/api/v1/connections', { headers: { authorization: `Bearer ${long}` } }],
      ['GET', '/api/v1/connections', { headers: { authorization: 'Bearer alm_live_' } }],
      ['GET', '/api/v1/connections', { headers: { authorization: 'Bearer' } }],
      ['GET', '/api/v1/connections', { headers: { 'x-request-id': `bad id ${long}` } }],
      ['GET', '/api/v1/connections', { headers: { accept: 'text/html' } }],
      ['GET', '/graphql', {}],
      ['POST', '/graphql', { json: [{ query: '{ connectors { slug } }' }] }],
      ['POST', '/graphql', { json: { query: 1 } }],
      ['POST', '/graphql', { json: { query: '{' } }],
      ['POST', '/graphql', { json: { query: `{ ${'connectors { slug } '.repeat(600)}}` } }],
      ['POST', '/graphql', { json: { query: '{ connection(id: "nope") { id } }' } }],
      [
        'POST',
        '/graphql',
        {
          json: {
            query:
              'mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }',
            variables: { i: { url: 'https://hooks.example.com/x', description: 'a\u0000b' } },
          },
        },
      ],
      ['POST', '/graphql', { raw: '{"query":', headers: JSON_TYPE }],
      ['POST', '/graphql', { raw: '{ connectors { slug } }', headers: { 'content-type': 'text/plain' } }],
      // Deeply nested JSON (within the body limit) with an Idempotency-Key, whose fingerprint walks it.
      ...deeplyNested.map(([, path, raw]): [string, string, RequestOptions] => [
        'POST',
        path.replace(CONNECTION, RANDOM_ID),
        {
          raw: raw.replace(CONNECTION, RANDOM_ID),
          headers: { ...JSON_TYPE, 'idempotency-key': `deep-${Math.random()}` },
        },
      ]),
    ];

    it(`never answers 500 to any of ${burst.length} odd requests, and leaves no stray row`, async () => {
      const before = await liveCount();
      const results: [string, number][] = [];
      for (const [method, path, options] of burst) {
        const res = await call(gw, method, path, options);
        results.push([`#${results.length} ${method} ${path.slice(0, 80)}`, res.status]);
      }
      for (const [what, status] of results) expect([what, status < 500]).toEqual([what, true]);
      // Of the odd creates only the lone-surrogate label could be a valid input (a stripe connection).
      expect(await liveCount()).toBeLessThanOrEqual(before + 1);
      const slugs: { connector_slug: string }[] = await gw.dataSource.query(
        'SELECT connector_slug FROM connections WHERE owner_id = $1 AND deleted_at IS NULL',
        [owner.ownerId],
      );
      expect(slugs.map((r) => r.connector_slug).filter((s) => !['openai', 'stripe'].includes(s))).toEqual([]);
    });

    it('answers the malformed paths, parameters, labels and GraphQL documents of the burst with 400', async () => {
      for (const path of [
        '/api/v1/connections/%E0%A4%A',
        '/api/v1/connections/%',
        '/api/v1/connections?connectorSlug=%00',
      ]) {
        const res = await call(gw, 'GET', path);
        expect([path, res.status]).toEqual([path, 400]);
      }
      // A GraphQL document that does not parse, or has too many tokens, is refused before execution.
      for (const query of ['{', `{ ${'connectors { slug } '.repeat(600)}}`]) {
        const gql = await call(gw, 'POST', '/graphql', { json: { query } });
        expect([query.slice(0, 20), gql.status]).toEqual([query.slice(0, 20), 400]);
        expect(gql.body.errors[0].extensions.code).toBe('BAD_REQUEST');
      }
      const res = await call(gw, 'POST', '/api/v1/connections', {
        json: { connectorSlug: 'openai', label: 'a\u0000b' },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['label']);
      // A NUL anywhere in a string field is refused the same way on every route (PostgreSQL text cannot hold it).
      const webhook = await call(gw, 'POST', '/api/v1/webhooks', {
        json: { url: 'https://hooks.example.com/x', description: 'a\u0000b' },
      });
      expectBadRequest(webhook);
      expect(webhook.body.error.details).toEqual([
        { field: 'description', message: 'must not contain NUL characters' },
      ]);
      const gql = await call(gw, 'POST', '/graphql', {
        json: {
          query: 'mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }',
          variables: { i: { url: 'https://hooks.example.com/x', description: 'a\u0000b' } },
        },
      });
      expect(gql.body.errors[0].extensions.code).toBe('BAD_REQUEST');
      const endpoints: { n: number }[] = await gw.dataSource.query(
        'SELECT count(*)::int AS n FROM webhook_endpoints WHERE owner_id = $1',
        [owner.ownerId],
      );
      expect(endpoints[0]!.n).toBe(0);
    });
  });

  describe('what every response of this file held', () => {
    it('answered every REST error with the JSON envelope and no stack, SQL or driver error', () => {
      const errors = recorded.filter((r) => r.status >= 400 && r.what.includes(' /api/'));
      expect(errors.length).toBeGreaterThan(50);
      for (const r of errors) {
        if (r.what.startsWith('HEAD ')) continue;
        expect([r.what, r.contentType]).toEqual([r.what, expect.stringMatching(/^application\/json/)]);
        const body = JSON.parse(r.text);
        expect(Object.keys(body)).toEqual(['error']);
        expect(Object.keys(body.error).filter((k) => !['code', 'message', 'details'].includes(k))).toEqual(
          [],
        );
        expect(typeof body.error.code).toBe('string');
        expect(typeof body.error.message).toBe('string');
      }
      for (const r of recorded.filter((x) => x.status >= 400)) {
        for (const needle of FORBIDDEN_IN_ERRORS)
          expect([r.what, r.text]).not.toEqual([r.what, expect.stringContaining(needle)]);
      }
    });
  });
});
