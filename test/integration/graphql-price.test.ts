/**
 * The GraphQL price does not depend on spelling (docs/security.md#graphql-limits): a page size
 * given literally, as a variable, as a variable's default, or left out (the server's default) is
 * charged the same points, a persisted-query hash sent without its document is refused
 * (PERSISTED_QUERY_NOT_SUPPORTED) instead of priced as 1, and the cost limit refuses an over-costly
 * document in every spelling. `Connection.events` loads in one statement per page.
 */
import { createHash } from 'node:crypto';
import { Kind, parse } from 'graphql';
import { Client } from 'pg';
import { loadTypeDefs } from '../../src/graphql/schema';
import { PAGED_FIELDS } from '../../src/rate-limits/graphql-cost';
import { gqlRaw } from '../support/graphql';
import { client, type HttpResponse } from '../support/http';
import { startGateway, type TestGateway } from '../support/gateway';

const DAY = '86400';
const POINTS = 1_000;

function charged(res: HttpResponse): number {
  const match = /;r=(\d+);/.exec(res.headers.get('ratelimit') ?? '');
  if (!match) throw new Error(`no RateLimit header: ${res.headers.get('ratelimit')}`);
  return POINTS - Number(match[1]);
}

describe('GraphQL price', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      env: { RATE_LIMIT_WINDOW_SECONDS: DAY, RATE_LIMIT_API_KEY_POINTS: String(POINTS) },
    });
  });
  afterAll(() => gw.close());

  /** The points one request costs a fresh owner. */
  async function priceOf(body: unknown): Promise<{ points: number; res: HttpResponse }> {
    const { apiKey } = await gw.newOwner('price');
    const res = await gqlRaw(gw.baseUrl, apiKey, body);
    return { points: charged(res), res };
  }

  const selection = '{ nodes { id status connectorSlug } pageInfo { hasNextPage } }';

  it('charges the same document spelled four ways the same: literal first: 100, a variable of 100, a variable defaulting to 100; a hash-only persisted query is refused', async () => {
    const literal = await priceOf({ query: `query L { connections(first: 100) ${selection} }` });
    expect(literal.res.body.errors).toBeUndefined();
    expect(literal.points).toBeGreaterThan(10);
    const variable = await priceOf({
      query: `query V($n: Int) { connections(first: $n) ${selection} }`,
      variables: { n: 100 },
    });
    expect(variable.res.body.errors).toBeUndefined();
    const defaulted = await priceOf({
      query: `query D($n: Int = 100) { connections(first: $n) ${selection} }`,
    });
    expect(defaulted.res.body.errors).toBeUndefined();
    expect({ variable: variable.points, defaulted: defaulted.points }).toEqual({
      variable: literal.points,
      defaulted: literal.points,
    });

    // A persisted-query hash alone: refused (the server keeps no documents), not run at price 1.
    const query = `query P { connections(first: 100) ${selection} }`;
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const { apiKey } = await gw.newOwner('price-apq');
    await gqlRaw(gw.baseUrl, apiKey, { query, extensions });
    const hashOnly = await gqlRaw(gw.baseUrl, apiKey, { extensions });
    // Nothing ran (no data); Apollo answers this refusal with HTTP 200, as APQ clients expect.
    expect(hashOnly.body.data ?? null).toBeNull();
    expect(hashOnly.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_REQUEST',
      reason: 'PERSISTED_QUERY_NOT_SUPPORTED',
    });
  });

  it('charges fields the same written in place, in a named fragment, or in an inline fragment', async () => {
    const fields = 'id status connectorSlug connector { slug name }';
    const inPlace = await priceOf({ query: `{ connections(first: 100) { nodes { ${fields} } } }` });
    const named = await priceOf({
      query: `query N { connections(first: 100) { nodes { ...F } } }\nfragment F on Connection { ${fields} }`,
    });
    const nested = await priceOf({
      query: `query M { connections(first: 100) { ...P } }\nfragment P on ConnectionList { nodes { ...F } }\nfragment F on Connection { ${fields} }`,
    });
    const inline = await priceOf({
      query: `{ connections(first: 100) { nodes { ... on Connection { ${fields} } } } }`,
    });
    for (const spelled of [inPlace, named, nested, inline]) expect(spelled.res.body.errors).toBeUndefined();
    expect(inPlace.points).toBeGreaterThan(10);
    expect({ named: named.points, nested: nested.points, inline: inline.points }).toEqual({
      named: inPlace.points,
      nested: inPlace.points,
      inline: inPlace.points,
    });
  });

  it('charges an omitted page size as the server default (50), like a literal first: 50', async () => {
    const omitted = await priceOf({ query: `{ connections ${selection} }` });
    const fifty = await priceOf({ query: `{ connections(first: 50) ${selection} }` });
    const nullVariable = await priceOf({
      query: `query N($n: Int) { connections(first: $n) ${selection} }`,
      variables: { n: null },
    });
    expect(omitted.res.body.errors).toBeUndefined();
    expect(fifty.points).toBeGreaterThan(5);
    expect({ omitted: omitted.points, nullVariable: nullVariable.points }).toEqual({
      omitted: fifty.points,
      nullVariable: fifty.points,
    });
  });

  it("knows every schema field that takes a page size, with the service's default and maximum", () => {
    const paged: string[] = [];
    for (const definition of parse(loadTypeDefs()).definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION)
        continue;
      for (const field of definition.fields ?? []) {
        if (field.arguments?.some((arg) => ['first', 'last'].includes(arg.name.value)))
          paged.push(field.name.value);
      }
    }
    expect(paged.sort()).toEqual([...PAGED_FIELDS.keys()].sort());
    for (const sizes of PAGED_FIELDS.values()) expect(sizes).toEqual({ default: 50, max: 100 });
  });

  it('lets a full page (first: 100) of every connection field through, charged as its literal spelling', async () => {
    const fields = `id connectorSlug authType label status createdAt updatedAt connectedAt
      lastError { code message at } expiresAt scopes account lastRefreshedAt connector { slug name authType }`;
    const page = `connections(first: $n) { nodes { ${fields} } pageInfo { hasNextPage endCursor } }`;
    const variable = await priceOf({ query: `query F($n: Int) { ${page} }`, variables: { n: 100 } });
    const literal = await priceOf({ query: `{ ${page.replace('$n', '100')} }` });
    expect(variable.res.status).toBe(200);
    expect(variable.res.body.errors).toBeUndefined();
    expect(literal.res.body.errors).toBeUndefined();
    expect(variable.points).toBe(literal.points);
    expect(variable.points).toBeGreaterThan(50);
  });

  it('refuses a document over the cost limit in every spelling, before running it', async () => {
    const nested = (first: string, inner: string) =>
      `connections(first: ${first}) { nodes { id events(first: ${inner}) { nodes { id type at } } } }`;
    const literal = await priceOf({ query: `{ ${nested('100', '100')} }` });
    expect(literal.res.status).toBe(400);
    expect(literal.res.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    const variables = await priceOf({
      query: `query C($a: Int, $b: Int) { ${nested('$a', '$b')} }`,
      variables: { a: 100, b: 100 },
    });
    expect(variables.res.status).toBe(400);
    expect(variables.res.body.data ?? null).toBeNull();
    expect(variables.res.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(variables.res.body.errors?.[0]?.extensions?.reason).toBe('COST_LIMIT_EXCEEDED');
    expect(variables.res.body.errors?.[0]?.message).toMatch(/cost/i);
    // Refused documents are charged 1 point, not a price no window could hold (a useless 429).
    expect({ literal: literal.points, variables: variables.points }).toEqual({ literal: 1, variables: 1 });
    const omitted = await priceOf({
      query: `{ connections { nodes { id events { nodes { id type at } } } } }`,
    });
    expect(omitted.res.status).toBe(400);
    expect(omitted.res.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});

describe('Connection.events in one statement per page', () => {
  let gw: TestGateway;
  let spy: jest.SpyInstance;
  beforeAll(async () => {
    spy = jest.spyOn(Client.prototype as unknown as { query: (...args: unknown[]) => unknown }, 'query');
    gw = await startGateway();
  });
  afterAll(async () => {
    spy.mockRestore();
    await gw.close();
  });

  const textOf = (args: unknown[]): string => {
    const [first] = args;
    if (typeof first === 'string') return first;
    const text = (first as { text?: unknown } | undefined)?.text;
    return typeof text === 'string' ? text : '';
  };

  /** An owner with `count` connections (one per api_key or none connector), each with a trail. */
  async function ownerWith(count: number): Promise<string> {
    const { apiKey } = await gw.newOwner('events-n1');
    const api = client(gw.baseUrl, apiKey);
    const catalog = (await api.get('/api/v1/connectors')).body.connectors as {
      slug: string;
      authType: string;
      availability: string;
      connectionConfig: { required: boolean }[];
    }[];
    // Connectors that connect without per-connection config (a subdomain, a host).
    const slugs = catalog
      .filter(
        (c) =>
          c.authType !== 'oauth' &&
          c.availability === 'available' &&
          !c.connectionConfig.some((field) => field.required),
      )
      .map((c) => c.slug)
      .slice(0, count);
    expect(slugs).toHaveLength(count);
    for (const connectorSlug of slugs) {
      expect([200, 201]).toContain((await api.post('/api/v1/connections', { connectorSlug })).status);
    }
    return apiKey;
  }

  async function eventStatements(apiKey: string, expectedNodes: number): Promise<string[]> {
    const query = `{ connections(first: 20) { nodes { id events(first: 5) { nodes { id type } pageInfo { hasNextPage } } } } }`;
    spy.mockClear();
    const res = await gqlRaw(gw.baseUrl, apiKey, { query });
    expect(res.body.errors).toBeUndefined();
    const nodes = (res.body.data as any).connections.nodes as { events: { nodes: { type: string }[] } }[];
    expect(nodes).toHaveLength(expectedNodes);
    for (const node of nodes) expect(node.events.nodes.map((e) => e.type)).toContain('CONNECTION_CREATED');
    return spy.mock.calls
      .map((args: unknown[]) => textOf(args))
      .filter((text) => /connection_events/i.test(text));
  }

  it('answers each set of arguments on its own: one statement per distinct set, each page right', async () => {
    const apiKey = await ownerWith(3);
    const query = `{ connections(first: 20) { nodes { id
      created: events(first: 1, type: CONNECTION_CREATED) { nodes { type } pageInfo { hasNextPage } }
      all: events(first: 5) { nodes { type } }
      none: events(first: 5, type: CONNECTION_REVOKED) { nodes { type } }
    } } }`;
    spy.mockClear();
    const res = await gqlRaw(gw.baseUrl, apiKey, { query });
    expect(res.body.errors).toBeUndefined();
    const nodes = (res.body.data as any).connections.nodes as any[];
    expect(nodes).toHaveLength(3);
    for (const node of nodes) {
      expect(node.created).toEqual({
        nodes: [{ type: 'CONNECTION_CREATED' }],
        pageInfo: { hasNextPage: false },
      });
      expect(node.all.nodes.map((e: { type: string }) => e.type)).toContain('CONNECTION_CREATED');
      expect(node.none.nodes).toEqual([]);
    }
    const statements = spy.mock.calls
      .map((args: unknown[]) => textOf(args))
      .filter((text) => /connection_events/i.test(text));
    expect(statements).toHaveLength(3);
  });

  it('reads the events of 12 connections with as many statements as those of 1 (one)', async () => {
    const many = await eventStatements(await ownerWith(12), 12);
    const one = await eventStatements(await ownerWith(1), 1);
    expect({ many: many.length, one: one.length }).toEqual({ many: 1, one: 1 });
  });
});
