/**
 * GraphQL over real HTTP: the typed operations of test/graphql against a real gateway,
 * REST/GraphQL agreement, error codes, and the limits of docs/security.md#graphql-limits, each
 * of which must reject a document before anything executes.
 */
import {
  ConnectDocument,
  ConnectionDocument,
  ConnectionsDocument,
  ConnectorDocument,
  ConnectorsDocument,
  RevokeDocument,
  SubmitCredentialsDocument,
  type ConnectionStatus,
  type ConnectionsQuery,
} from '../graphql/generated/graphql';
import { startGateway, type TestGateway } from '../support/gateway';
import { gql, gqlRaw, type GraphQLResult } from '../support/graphql';
import { client, request } from '../support/http';
import { GRAPHQL_LIMITS } from '../../src/graphql/server';

const OPENAI_KEY = 'sk-graphqlTestKey000000000000000000';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Owner = { ownerId: string; apiKey: string };

function codes(result: GraphQLResult<unknown>): (string | undefined)[] {
  return (result.errors ?? []).map((e) => e.extensions?.code);
}

/** True when the response carries no executed result: no data at all, or only nulls. */
function hasNoData(result: GraphQLResult<unknown> | undefined): boolean {
  const data = result?.data;
  return data === undefined || data === null || Object.values(data).every((v) => v === null);
}

async function rowCount(gw: TestGateway, ownerId: string): Promise<number> {
  const rows: { n: number }[] = await gw.dataSource.query(
    'SELECT count(*)::int AS n FROM connections WHERE owner_id = $1',
    [ownerId],
  );
  return rows[0]!.n;
}

describe('GraphQL API', () => {
  let gw: TestGateway;
  let alice: Owner;
  let bob: Owner;

  beforeAll(async () => {
    gw = await startGateway({
      env: { CONNECTOR_GITHUB_CLIENT_ID: 'gh-client', CONNECTOR_GITHUB_CLIENT_SECRET: 'gh-secret' },
    });
    alice = await gw.newOwner('gql-alice');
    bob = await gw.newOwner('gql-bob');
  });
  afterAll(() => gw.close());

  describe('connectors', () => {
    it('lists the whole catalog with upper-case AuthType enums, sorted by slug, same as REST', async () => {
      const res = await gql(gw.baseUrl, alice.apiKey, ConnectorsDocument, {});
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      const connectors = res.body.data!.connectors;
      expect(connectors.length).toBeGreaterThanOrEqual(25);
      expect(new Set(connectors.map((c) => c.authType))).toEqual(new Set(['OAUTH', 'API_KEY', 'NONE']));
      const slugs = connectors.map((c) => c.slug);
      expect(slugs).toEqual([...slugs].sort((a, b) => a.localeCompare(b)));

      const rest = await client(gw.baseUrl, alice.apiKey).get('/api/v1/connectors');
      const restBySlug = new Map<
        string,
        { authType: string; configured: boolean; availability: string; tools: unknown[] }
      >(rest.body.connectors.map((c: { slug: string }) => [c.slug, c]));
      expect([...restBySlug.keys()]).toEqual(slugs);
      for (const c of connectors) {
        const r = restBySlug.get(c.slug)!;
        expect({
          authType: c.authType.toLowerCase(),
          configured: c.configured,
          availability: c.availability,
        }).toEqual({ authType: r.authType, configured: r.configured, availability: r.availability });
        // The same tools, input schemas included (null in GraphQL where REST leaves it out).
        expect(c.tools.map((t) => ({ ...t, inputSchema: t.inputSchema ?? undefined }))).toEqual(r.tools);
      }
      const github = connectors.find((c) => c.slug === 'github')!;
      expect(github.tools.find((t) => t.name === 'create_issue')!.inputSchema).toMatchObject({
        type: 'object',
        required: ['owner', 'repo', 'title'],
      });
    });

    it.each<['OAUTH' | 'API_KEY' | 'NONE', string]>([
      ['OAUTH', 'oauth'],
      ['API_KEY', 'api_key'],
      ['NONE', 'none'],
    ])('filters by authType %s, matching REST ?authType=%s', async (authType, restSpelling) => {
      const res = await gql(gw.baseUrl, alice.apiKey, ConnectorsDocument, { authType });
      const connectors = res.body.data!.connectors;
      expect(connectors.length).toBeGreaterThan(0);
      expect(connectors.every((c) => c.authType === authType)).toBe(true);
      const rest = await client(gw.baseUrl, alice.apiKey).get(`/api/v1/connectors?authType=${restSpelling}`);
      expect(connectors.map((c) => c.slug)).toEqual(
        rest.body.connectors.map((c: { slug: string }) => c.slug),
      );
      for (const c of connectors) {
        // Only api_key connectors have a credential form; only OAuth ones have scopes.
        expect(c.credentialFields !== null).toBe(authType === 'API_KEY');
        expect(c.scopes !== null).toBe(authType === 'OAUTH');
      }
    });

    it('filters by availability, and gives every unavailable connector a reason', async () => {
      const res = await gql(gw.baseUrl, alice.apiKey, ConnectorsDocument, { availability: 'coming_soon' });
      const connectors = res.body.data!.connectors;
      expect(connectors.length).toBeGreaterThanOrEqual(1);
      for (const c of connectors) {
        expect(c.availability).toBe('coming_soon');
        expect(c.availabilityReason).toEqual(expect.any(String));
      }
      const available = await gql(gw.baseUrl, alice.apiKey, ConnectorsDocument, {
        availability: 'available',
      });
      expect(available.body.data!.connectors.every((c) => c.availabilityReason === null)).toBe(true);
    });

    it('combines the authType and availability filters', async () => {
      const res = await gql(gw.baseUrl, alice.apiKey, ConnectorsDocument, {
        authType: 'API_KEY',
        availability: 'coming_soon',
      });
      for (const c of res.body.data!.connectors) {
        expect(c).toMatchObject({ authType: 'API_KEY', availability: 'coming_soon' });
      }
    });

    it('refuses the lower-case REST spelling of an AuthType as BAD_REQUEST', async () => {
      const res = await gqlRaw(gw.baseUrl, alice.apiKey, {
        query: 'query($t: AuthType) { connectors(authType: $t) { slug } }',
        variables: { t: 'oauth' },
      });
      expect(res.status).toBe(400);
      expect(codes(res.body)).toEqual(['BAD_REQUEST']);
      expect(hasNoData(res.body)).toBe(true);
    });

    it('returns one connector by slug, with configured reflecting the OAuth client env', async () => {
      const github = await gql(gw.baseUrl, alice.apiKey, ConnectorDocument, { slug: 'github' });
      expect(github.body.data!.connector).toEqual({ slug: 'github', authType: 'OAUTH', configured: true });
      const slack = await gql(gw.baseUrl, alice.apiKey, ConnectorDocument, { slug: 'slack' });
      expect(slack.body.data!.connector).toEqual({ slug: 'slack', authType: 'OAUTH', configured: false });
      const openai = await gql(gw.baseUrl, alice.apiKey, ConnectorDocument, { slug: 'openai' });
      expect(openai.body.data!.connector).toEqual({ slug: 'openai', authType: 'API_KEY', configured: true });
    });

    it('returns null, not an error, for an unknown slug', async () => {
      const res = await gql(gw.baseUrl, alice.apiKey, ConnectorDocument, { slug: 'no-such-connector' });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data).toEqual({ connector: null });
    });
  });

  describe('connect', () => {
    it('creates an api_key connection once (created: true), then returns the same one (created: false)', async () => {
      const owner = await gw.newOwner('gql-connect');
      const first = await gql(gw.baseUrl, owner.apiKey, ConnectDocument, {
        input: { connectorSlug: 'anthropic', label: 'Work account' },
      });
      expect(first.body.errors).toBeUndefined();
      const payload = first.body.data!.connect;
      expect(payload).toMatchObject({
        created: true,
        oauthUrl: null,
        credentialSubmitUrl: `http://gateway.test/api/v1/connections/${payload.connection.id}/credentials`,
        connection: {
          connectorSlug: 'anthropic',
          authType: 'API_KEY',
          label: 'Work account',
          status: 'PENDING',
          connectedAt: null,
          lastError: null,
          connector: { slug: 'anthropic', authType: 'API_KEY' },
        },
      });
      expect(payload.connection.id).toMatch(UUID);

      const second = await gql(gw.baseUrl, owner.apiKey, ConnectDocument, {
        input: { connectorSlug: 'anthropic' },
      });
      expect(second.body.data!.connect).toMatchObject({
        created: false,
        credentialSubmitUrl: payload.credentialSubmitUrl,
        connection: { id: payload.connection.id, status: 'PENDING' },
      });
      expect(await rowCount(gw, owner.ownerId)).toBe(1);
    });

    it('connects a none connector at once (CONNECTED, no URLs)', async () => {
      const owner = await gw.newOwner('gql-none');
      const res = await gql(gw.baseUrl, owner.apiKey, ConnectDocument, {
        input: { connectorSlug: 'wikipedia' },
      });
      const payload = res.body.data!.connect;
      expect(payload).toMatchObject({
        created: true,
        oauthUrl: null,
        credentialSubmitUrl: null,
        connection: { authType: 'NONE', status: 'CONNECTED', lastError: null },
      });
      expect(payload.connection.connectedAt).toEqual(payload.connection.createdAt);
    });

    it('begins an OAuth handshake for a configured OAuth connector: PENDING with an oauthUrl carrying a ticket', async () => {
      const owner = await gw.newOwner('gql-oauth');
      const res = await gql(gw.baseUrl, owner.apiKey, ConnectDocument, {
        input: { connectorSlug: 'github' },
      });
      expect(res.body.errors).toBeUndefined();
      const payload = res.body.data!.connect;
      expect(payload).toMatchObject({
        created: true,
        credentialSubmitUrl: null,
        connection: { authType: 'OAUTH', status: 'PENDING', connectorSlug: 'github' },
      });
      const url = new URL(payload.oauthUrl!);
      expect(`${url.origin}${url.pathname}`).toBe(
        `http://gateway.test/api/v1/connections/${payload.connection.id}/oauth`,
      );
      expect(url.searchParams.get('ticket')).toMatch(/^[A-Za-z0-9_-]{20,}$/);

      // Not connected yet: connecting again hands out a fresh ticket for the same connection.
      const again = await gql(gw.baseUrl, owner.apiKey, ConnectDocument, {
        input: { connectorSlug: 'github' },
      });
      expect(again.body.data!.connect.created).toBe(false);
      expect(again.body.data!.connect.connection.id).toBe(payload.connection.id);
      expect(again.body.data!.connect.oauthUrl).not.toBe(payload.oauthUrl);
    });

    it.each([
      ['an unknown slug', 'no-such-connector'],
      ['an OAuth connector that is not configured', 'slack'],
      ['a coming_soon connector', 'salesforce'],
    ])('refuses %s with BAD_REQUEST naming connectorSlug, creating nothing', async (_name, connectorSlug) => {
      const owner = await gw.newOwner('gql-bad-connect');
      const res = await gql(gw.baseUrl, owner.apiKey, ConnectDocument, { input: { connectorSlug } });
      expect(res.body.data ?? null).toBeNull();
      expect(codes(res.body)).toEqual(['BAD_REQUEST']);
      expect(res.body.errors![0]!.extensions!.details).toEqual([
        expect.objectContaining({ field: 'connectorSlug' }),
      ]);
      expect(await rowCount(gw, owner.ownerId)).toBe(0);
    });

    it('refuses an over-long label with BAD_REQUEST', async () => {
      const owner = await gw.newOwner('gql-label');
      const res = await gql(gw.baseUrl, owner.apiKey, ConnectDocument, {
        input: { connectorSlug: 'openai', label: 'x'.repeat(201) },
      });
      expect(codes(res.body)).toEqual(['BAD_REQUEST']);
      expect(await rowCount(gw, owner.ownerId)).toBe(0);
    });
  });

  describe('submitCredentials', () => {
    it('stores valid credentials and marks the connection CONNECTED, never echoing them', async () => {
      const owner = await gw.newOwner('gql-submit');
      const connect = await gql(gw.baseUrl, owner.apiKey, ConnectDocument, {
        input: { connectorSlug: 'openai' },
      });
      const id = connect.body.data!.connect.connection.id;
      const res = await gql(gw.baseUrl, owner.apiKey, SubmitCredentialsDocument, {
        input: { connectionId: id, credentials: { apiKey: OPENAI_KEY } },
      });
      expect(res.body.errors).toBeUndefined();
      const connection = res.body.data!.submitCredentials.connection;
      expect(connection).toMatchObject({ id, status: 'CONNECTED', lastError: null });
      expect(connection.connectedAt).toEqual(expect.any(String));
      expect(res.text).not.toContain(OPENAI_KEY);
      expect(gw.logs.join('\n')).not.toContain(OPENAI_KEY);
    });

    it('refuses an unknown field with BAD_REQUEST and details naming credentials.<key>', async () => {
      const owner = await gw.newOwner('gql-submit-bad');
      const connect = await gql(gw.baseUrl, owner.apiKey, ConnectDocument, {
        input: { connectorSlug: 'openai' },
      });
      const id = connect.body.data!.connect.connection.id;
      const res = await gql(gw.baseUrl, owner.apiKey, SubmitCredentialsDocument, {
        input: { connectionId: id, credentials: { apiKey: OPENAI_KEY, organization: 'org-1' } },
      });
      expect(res.body.data ?? null).toBeNull();
      expect(codes(res.body)).toEqual(['BAD_REQUEST']);
      expect(res.body.errors![0]!.extensions!.details).toEqual([
        expect.objectContaining({ field: 'credentials.organization' }),
      ]);
      const after = await gql(gw.baseUrl, owner.apiKey, ConnectionDocument, { id });
      expect(after.body.data!.connection!.status).toBe('PENDING');
    });

    it('refuses a value that does not match the field pattern, naming the field without echoing the value', async () => {
      const owner = await gw.newOwner('gql-submit-pattern');
      const connect = await gql(gw.baseUrl, owner.apiKey, ConnectDocument, {
        input: { connectorSlug: 'openai' },
      });
      const id = connect.body.data!.connect.connection.id;
      const wrong = 'not-an-openai-key-canary-4411';
      const res = await gql(gw.baseUrl, owner.apiKey, SubmitCredentialsDocument, {
        input: { connectionId: id, credentials: { apiKey: wrong } },
      });
      expect(codes(res.body)).toEqual(['BAD_REQUEST']);
      expect(res.body.errors![0]!.extensions!.details).toEqual([
        expect.objectContaining({ field: 'credentials.apiKey' }),
      ]);
      expect(res.text).not.toContain(wrong);
    });

    it('refuses credentials for a none connection with BAD_REQUEST', async () => {
      const owner = await gw.newOwner('gql-submit-none');
      const connect = await gql(gw.baseUrl, owner.apiKey, ConnectDocument, {
        input: { connectorSlug: 'arxiv' },
      });
      const res = await gql(gw.baseUrl, owner.apiKey, SubmitCredentialsDocument, {
        input: { connectionId: connect.body.data!.connect.connection.id, credentials: { apiKey: 'x' } },
      });
      expect(codes(res.body)).toEqual(['BAD_REQUEST']);
    });

    it("answers NOT_FOUND for another owner's connection, and leaves it untouched", async () => {
      const victim = await gw.newOwner('gql-victim');
      const connect = await gql(gw.baseUrl, victim.apiKey, ConnectDocument, {
        input: { connectorSlug: 'openai' },
      });
      const id = connect.body.data!.connect.connection.id;
      const res = await gql(gw.baseUrl, bob.apiKey, SubmitCredentialsDocument, {
        input: { connectionId: id, credentials: { apiKey: OPENAI_KEY } },
      });
      expect(codes(res.body)).toEqual(['NOT_FOUND']);
      const after = await gql(gw.baseUrl, victim.apiKey, ConnectionDocument, { id });
      expect(after.body.data!.connection!.status).toBe('PENDING');
    });
  });

  describe('connections and connection', () => {
    const SLUGS = ['openai', 'anthropic', 'stripe', 'web-fetch', 'wikipedia', 'hacker-news', 'arxiv'];
    let created: string[];

    beforeAll(async () => {
      created = [];
      for (const connectorSlug of SLUGS) {
        const res = await gql(gw.baseUrl, alice.apiKey, ConnectDocument, { input: { connectorSlug } });
        created.push(res.body.data!.connect.connection.id);
      }
      await gql(gw.baseUrl, alice.apiKey, SubmitCredentialsDocument, {
        input: { connectionId: created[0]!, credentials: { apiKey: OPENAI_KEY } },
      });
    });

    it('walks every page with first/after: each connection exactly once, newest first', async () => {
      const seen: { id: string; createdAt: string }[] = [];
      const pageSizes: number[] = [];
      let after: string | null = null;
      for (let guard = 0; guard < 10; guard++) {
        const res = await gql(gw.baseUrl, alice.apiKey, ConnectionsDocument, { first: 3, after });
        expect(res.body.errors).toBeUndefined();
        const page: ConnectionsQuery['connections'] = res.body.data!.connections;
        pageSizes.push(page.nodes.length);
        seen.push(...page.nodes.map((n) => ({ id: n.id, createdAt: n.createdAt })));
        expect(page.pageInfo.endCursor === null).toBe(!page.pageInfo.hasNextPage);
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(pageSizes).toEqual([3, 3, 1]);
      expect(seen.map((s) => s.id).sort()).toEqual([...created].sort());
      // Newest first, ids breaking ties the same way on every page.
      const order = [...seen].sort((a, b) =>
        a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
      );
      expect(seen).toEqual(order);
    });

    it('returns everything on one page when first is large, with no next page', async () => {
      const res = await gql(gw.baseUrl, alice.apiKey, ConnectionsDocument, { first: 100 });
      expect(res.body.data!.connections.nodes).toHaveLength(SLUGS.length);
      expect(res.body.data!.connections.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
    });

    it.each<[ConnectionStatus, number]>([
      ['CONNECTED', 5],
      ['PENDING', 2],
      ['ERROR', 0],
    ])('filters by status %s', async (status, expected) => {
      const res = await gql(gw.baseUrl, alice.apiKey, ConnectionsDocument, { status });
      const nodes = res.body.data!.connections.nodes;
      expect(nodes).toHaveLength(expected);
      expect(nodes.every((n) => n.status === status)).toBe(true);
    });

    it('filters by connectorSlug', async () => {
      const res = await gql(gw.baseUrl, alice.apiKey, ConnectionsDocument, { connectorSlug: 'stripe' });
      expect(res.body.data!.connections.nodes.map((n) => n.id)).toEqual([created[2]]);
    });

    it('resolves the connector of each node from the catalog', async () => {
      const res = await gql(gw.baseUrl, alice.apiKey, ConnectionsDocument, { first: 100 });
      for (const node of res.body.data!.connections.nodes) {
        expect(node.connector.slug).toBe(node.connectorSlug);
        expect(node.connector.authType).toBe(node.authType);
        expect(node.connector.name.length).toBeGreaterThan(0);
      }
      const openai = res.body.data!.connections.nodes.find((n) => n.connectorSlug === 'openai');
      expect(openai?.connector.name).toBe('OpenAI');
    });

    it('only ever lists the caller’s own connections', async () => {
      const res = await gql(gw.baseUrl, bob.apiKey, ConnectionsDocument, { first: 100 });
      const ids = res.body.data!.connections.nodes.map((n) => n.id);
      for (const id of created) expect(ids).not.toContain(id);
    });

    it.each([
      ['first: 0', { first: 0 }],
      ['first: 101', { first: 101 }],
      ['a forged cursor', { after: 'bm90LWEtY3Vyc29y' }],
    ])('refuses %s with BAD_REQUEST', async (_name, vars) => {
      const res = await gql(gw.baseUrl, alice.apiKey, ConnectionsDocument, vars);
      expect(codes(res.body)).toEqual(['BAD_REQUEST']);
      expect(res.body.data ?? null).toBeNull();
    });

    it('fetches one connection by id', async () => {
      const res = await gql(gw.baseUrl, alice.apiKey, ConnectionDocument, { id: created[0]! });
      expect(res.body.data!.connection).toMatchObject({
        id: created[0],
        connectorSlug: 'openai',
        status: 'CONNECTED',
        connector: { slug: 'openai' },
      });
    });

    it("returns null for another owner's id and for an unknown id", async () => {
      const foreign = await gql(gw.baseUrl, bob.apiKey, ConnectionDocument, { id: created[0]! });
      expect(foreign.body.errors).toBeUndefined();
      expect(foreign.body.data).toEqual({ connection: null });
      const unknown = await gql(gw.baseUrl, alice.apiKey, ConnectionDocument, {
        id: '00000000-0000-4000-8000-000000000000',
      });
      expect(unknown.body.data).toEqual({ connection: null });
    });

    it('refuses a malformed id with BAD_REQUEST', async () => {
      const res = await gql(gw.baseUrl, alice.apiKey, ConnectionDocument, { id: 'not-a-uuid' });
      expect(codes(res.body)).toEqual(['BAD_REQUEST']);
      expect(res.body.data ?? { connection: null }).toEqual({ connection: null });
    });
  });

  describe('REST and GraphQL agree', () => {
    type RestConnection = {
      id: string;
      connectorSlug: string;
      authType: string;
      label: string | null;
      status: string;
      createdAt: string;
      updatedAt: string;
      connectedAt: string | null;
      lastError: { code: string; message: string; at: string } | null;
    };

    async function bothDoors(owner: Owner, id: string) {
      const rest = await client(gw.baseUrl, owner.apiKey).get<{ connection: RestConnection }>(
        `/api/v1/connections/${id}`,
      );
      expect(rest.status).toBe(200);
      const graph = await gql(gw.baseUrl, owner.apiKey, ConnectionDocument, { id });
      expect(graph.body.errors).toBeUndefined();
      const { connector: _connector, ...viaGraphql } = graph.body.data!.connection!;
      return { viaRest: rest.body.connection, viaGraphql };
    }

    it('shows a connected connection identically through both doors (enum case aside)', async () => {
      const owner = await gw.newOwner('gql-agree');
      const connect = await client(gw.baseUrl, owner.apiKey).post('/api/v1/connections', {
        connectorSlug: 'openai',
        label: 'Agreement',
      });
      expect(connect.status).toBe(201);
      const id = connect.body.connection.id as string;
      await gql(gw.baseUrl, owner.apiKey, SubmitCredentialsDocument, {
        input: { connectionId: id, credentials: { apiKey: OPENAI_KEY } },
      });
      const { viaRest, viaGraphql } = await bothDoors(owner, id);
      expect(viaRest.connectedAt).toEqual(expect.any(String));
      expect({
        ...viaGraphql,
        authType: viaGraphql.authType.toLowerCase(),
        status: viaGraphql.status.toLowerCase(),
      }).toEqual(viaRest);
    });

    it('shows a lastError identically through both doors', async () => {
      const owner = await gw.newOwner('gql-agree-error');
      const connect = await gql(gw.baseUrl, owner.apiKey, ConnectDocument, {
        input: { connectorSlug: 'github' },
      });
      const id = connect.body.data!.connect.connection.id;
      // What a provider's `error=access_denied` leaves behind (the OAuth suites drive the real callback).
      await gw.dataSource.query(
        `UPDATE connections SET status = 'error', last_error = $2::jsonb, updated_at = now() WHERE id = $1`,
        [
          id,
          JSON.stringify({
            code: 'access_denied',
            message: 'The user denied access.',
            at: '2026-03-04T05:06:07.089Z',
          }),
        ],
      );
      const { viaRest, viaGraphql } = await bothDoors(owner, id);
      expect(viaRest.lastError).toEqual({
        code: 'access_denied',
        message: 'The user denied access.',
        at: '2026-03-04T05:06:07.089Z',
      });
      expect({
        ...viaGraphql,
        authType: viaGraphql.authType.toLowerCase(),
        status: viaGraphql.status.toLowerCase(),
      }).toEqual(viaRest);
    });
  });

  describe('revoke', () => {
    it('revokes (deleted: true, REVOKED), hides the connection, and answers NOT_FOUND the second time', async () => {
      const owner = await gw.newOwner('gql-revoke');
      const connect = await gql(gw.baseUrl, owner.apiKey, ConnectDocument, {
        input: { connectorSlug: 'openai' },
      });
      const id = connect.body.data!.connect.connection.id;
      await gql(gw.baseUrl, owner.apiKey, SubmitCredentialsDocument, {
        input: { connectionId: id, credentials: { apiKey: OPENAI_KEY } },
      });

      const revoked = await gql(gw.baseUrl, owner.apiKey, RevokeDocument, { id });
      expect(revoked.body.errors).toBeUndefined();
      expect(revoked.body.data!.revoke).toMatchObject({
        deleted: true,
        connection: { id, status: 'REVOKED' },
      });

      const after = await gql(gw.baseUrl, owner.apiKey, ConnectionDocument, { id });
      expect(after.body.data).toEqual({ connection: null });
      const list = await gql(gw.baseUrl, owner.apiKey, ConnectionsDocument, {});
      expect(list.body.data!.connections.nodes).toEqual([]);
      const rest = await client(gw.baseUrl, owner.apiKey).get(`/api/v1/connections/${id}`);
      expect(rest.status).toBe(404);
      const rows: { secret: string | null }[] = await gw.dataSource.query(
        'SELECT secret FROM connections WHERE id = $1',
        [id],
      );
      expect(rows[0]!.secret).toBeNull();

      const again = await gql(gw.baseUrl, owner.apiKey, RevokeDocument, { id });
      expect(codes(again.body)).toEqual(['NOT_FOUND']);
      expect(again.body.data ?? null).toBeNull();
    });

    it("cannot revoke another owner's connection (NOT_FOUND, still live)", async () => {
      const owner = await gw.newOwner('gql-revoke-victim');
      const connect = await gql(gw.baseUrl, owner.apiKey, ConnectDocument, {
        input: { connectorSlug: 'wikipedia' },
      });
      const id = connect.body.data!.connect.connection.id;
      const res = await gql(gw.baseUrl, bob.apiKey, RevokeDocument, { id });
      expect(codes(res.body)).toEqual(['NOT_FOUND']);
      const still = await gql(gw.baseUrl, owner.apiKey, ConnectionDocument, { id });
      expect(still.body.data!.connection!.status).toBe('CONNECTED');
    });

    it('allows a new connection to the same connector after a revoke', async () => {
      const owner = await gw.newOwner('gql-revoke-reconnect');
      const first = await gql(gw.baseUrl, owner.apiKey, ConnectDocument, {
        input: { connectorSlug: 'arxiv' },
      });
      await gql(gw.baseUrl, owner.apiKey, RevokeDocument, { id: first.body.data!.connect.connection.id });
      const second = await gql(gw.baseUrl, owner.apiKey, ConnectDocument, {
        input: { connectorSlug: 'arxiv' },
      });
      expect(second.body.data!.connect.created).toBe(true);
      expect(second.body.data!.connect.connection.id).not.toBe(first.body.data!.connect.connection.id);
    });
  });

  describe('authentication', () => {
    it.each([
      ['no Authorization header', {}],
      ['a Basic scheme', { authorization: 'Basic YWxpY2U6c2VjcmV0' }],
      ['a malformed key', { authorization: 'Bearer not-a-key' }],
      ['an unknown key', { authorization: `Bearer alm_live_${'Z'.repeat(32)}` }],
    ])('answers %s with HTTP 401, WWW-Authenticate: Bearer and code UNAUTHORIZED', async (_name, headers) => {
      const res = await gqlRaw(gw.baseUrl, undefined, { query: '{ connectors { slug } }' }, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED');
      expect(hasNoData(res.body)).toBe(true);
    });

    it('runs no mutation for an unauthenticated caller', async () => {
      const before = await rowCount(gw, alice.ownerId);
      const res = await gqlRaw(gw.baseUrl, undefined, {
        query: 'mutation { connect(input: {connectorSlug: "exa"}) { created } }',
      });
      expect(res.status).toBe(401);
      expect(await rowCount(gw, alice.ownerId)).toBe(before);
    });
  });

  describe('HTTP framing (graphql/express-handler.ts)', () => {
    it('sends its byte length and UTF-8 JSON, multi-byte text included', async () => {
      const owner = await gw.newOwner('gql-framing');
      const label = 'Zoë’s 🚀 notes';
      const connect = await gqlRaw(gw.baseUrl, owner.apiKey, {
        query:
          'mutation($label: String) { connect(input: {connectorSlug: "web-fetch", label: $label}) { connection { label } } }',
        variables: { label },
      });
      expect(connect.status).toBe(200);
      const res = await fetch(`${gw.baseUrl}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ connections { nodes { label } } }' }),
      });
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.headers.get('transfer-encoding')).toBeNull();
      expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
      expect(bytes.length).toBeGreaterThan(bytes.toString('utf8').length);
      expect(JSON.parse(bytes.toString('utf8'))).toEqual({ data: { connections: { nodes: [{ label }] } } });
    });

    it('passes the query string of a GET, and answers HEAD with the length of the answer it does not send', async () => {
      const query = `?query=${encodeURIComponent('{ connector(slug: "github") { slug } }')}`;
      const headers = { authorization: `Bearer ${alice.apiKey}`, 'apollo-require-preflight': 'true' };
      const get = await fetch(`${gw.baseUrl}/graphql${query}`, { headers });
      const body = await get.text();
      expect(get.status).toBe(200);
      expect(JSON.parse(body)).toEqual({ data: { connector: { slug: 'github' } } });
      const head = await fetch(`${gw.baseUrl}/graphql${query}`, { method: 'HEAD', headers });
      expect(await head.text()).toBe('');
      expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
      expect(head.headers.get('content-type')).toMatch(/^application\/json; charset=utf-8$/);
    });

    it('serves the landing page (outside production) as UTF-8 HTML', async () => {
      const res = await fetch(`${gw.baseUrl}/graphql`, {
        headers: { authorization: `Bearer ${alice.apiKey}`, accept: 'text/html' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toMatch(/<html/i);
    });
  });

  describe('limits, checked before execution', () => {
    /** A document that connects to `slug` if it ever executes: the row count proves it did not. */
    function connectMutation(slug: string, selection = 'created'): string {
      return `mutation { connect(input: {connectorSlug: "${slug}"}) { ${selection} } }`;
    }

    function expectRejected(res: { status: number; body: GraphQLResult<unknown> | undefined }): void {
      expect(hasNoData(res.body)).toBe(true);
      const rejectedByStatus = res.status === 400;
      const rejectedByCode = codes(res.body ?? {}).includes('BAD_REQUEST');
      expect(rejectedByStatus || rejectedByCode).toBe(true);
    }

    it('accepts a document at the depth limit', async () => {
      // connect(1) connection(2) connector(3) tools(4) name(5) and 5 inline fragments: depth 10.
      const nested = (levels: number, inner: string): string =>
        levels === 0 ? inner : `... on Connection { ${nested(levels - 1, inner)} }`;
      const owner = await gw.newOwner('gql-depth-ok');
      const res = await gqlRaw(gw.baseUrl, owner.apiKey, {
        query: `mutation { connect(input: {connectorSlug: "web-fetch"}) { connection { ${nested(
          GRAPHQL_LIMITS.maxDepth - 5,
          'connector { tools { name } }',
        )} } } }`,
      });
      expect(res.body.errors).toBeUndefined();
      expect(await rowCount(gw, owner.ownerId)).toBe(1);
    });

    it('rejects a document nested deeper than the depth limit, and runs none of it', async () => {
      // The schema has no cycles, so depth comes from inline fragments, which the limit counts.
      const nested = (levels: number, inner: string): string =>
        levels === 0 ? inner : `... on Connection { ${nested(levels - 1, inner)} }`;
      const owner = await gw.newOwner('gql-depth');
      const res = await gqlRaw(gw.baseUrl, owner.apiKey, {
        query: connectMutation(
          'web-fetch',
          `connection { ${nested(GRAPHQL_LIMITS.maxDepth, 'connector { tools { name } }')} }`,
        ),
      });
      expectRejected(res);
      expect(res.body.errors?.map((e) => e.message).join(' ')).toMatch(/depth/i);
      expect(await rowCount(gw, owner.ownerId)).toBe(0);
    });

    it('rejects a deep document built from fragment spreads', async () => {
      const fragments = Array.from(
        { length: GRAPHQL_LIMITS.maxDepth },
        (_, i) =>
          `fragment F${i} on Connection { ${i === GRAPHQL_LIMITS.maxDepth - 1 ? 'id' : `...F${i + 1}`} }`,
      ).join('\n');
      const res = await gqlRaw(gw.baseUrl, alice.apiKey, {
        query: `query { connections { nodes { ...F0 } } }\n${fragments}`,
      });
      expectRejected(res);
      expect(res.body.errors?.map((e) => e.message).join(' ')).toMatch(/depth/i);
    });

    it('rejects an alias flood of 50 aliased connectors fields', async () => {
      const aliases = Array.from({ length: 50 }, (_, i) => `a${i}: connectors { slug }`).join(' ');
      const res = await gqlRaw(gw.baseUrl, alice.apiKey, { query: `query { ${aliases} }` });
      expectRejected(res);
      expect(res.body.errors?.map((e) => e.message).join(' ')).toMatch(/alias/i);
    });

    it('rejects one alias over the limit on a mutation, and runs none of it', async () => {
      const owner = await gw.newOwner('gql-alias');
      const aliases = Array.from(
        { length: GRAPHQL_LIMITS.maxAliases + 1 },
        (_, i) => `c${i}: connect(input: {connectorSlug: "hacker-news"}) { created }`,
      ).join(' ');
      const res = await gqlRaw(gw.baseUrl, owner.apiKey, { query: `mutation { ${aliases} }` });
      expectRejected(res);
      expect(await rowCount(gw, owner.ownerId)).toBe(0);
    });

    it('rejects a token flood', async () => {
      const owner = await gw.newOwner('gql-tokens');
      const filler = Array.from({ length: GRAPHQL_LIMITS.maxTokens }, () => '__typename').join(' ');
      const res = await gqlRaw(gw.baseUrl, owner.apiKey, {
        query: connectMutation('web-fetch', `created ${filler}`),
      });
      expectRejected(res);
      expect(res.body.errors?.map((e) => e.message).join(' ')).toMatch(/token/i);
      expect(await rowCount(gw, owner.ownerId)).toBe(0);
    });

    it('rejects a batched array body with HTTP 400, running none of its operations', async () => {
      const owner = await gw.newOwner('gql-batch');
      const res = await gqlRaw(gw.baseUrl, owner.apiKey, [
        { query: connectMutation('web-fetch') },
        { query: connectMutation('wikipedia') },
      ]);
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.message).toMatch(/batching/i);
      expect(await rowCount(gw, owner.ownerId)).toBe(0);
    });

    it('rejects a text/plain POST (CSRF prevention) with HTTP 400, running nothing', async () => {
      const owner = await gw.newOwner('gql-csrf');
      const res = await request('POST', `${gw.baseUrl}/graphql`, {
        headers: { authorization: `Bearer ${owner.apiKey}`, 'content-type': 'text/plain' },
        raw: JSON.stringify({ query: connectMutation('web-fetch') }),
      });
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.message).toMatch(/Cross-Site Request Forgery/);
      expect(await rowCount(gw, owner.ownerId)).toBe(0);
    });

    it('rejects a simple GET without a preflight header (CSRF prevention)', async () => {
      const res = await request(
        'GET',
        `${gw.baseUrl}/graphql?query=${encodeURIComponent('{ connectors { slug } }')}`,
        { headers: { authorization: `Bearer ${alice.apiKey}` } },
      );
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.message).toMatch(/Cross-Site Request Forgery/);
      expect(hasNoData(res.body)).toBe(true);
    });

    it('answers a query over GET with the preflight header (the door the mutation test uses is open)', async () => {
      const res = await request(
        'GET',
        `${gw.baseUrl}/graphql?query=${encodeURIComponent('{ connector(slug: "github") { slug } }')}`,
        { headers: { authorization: `Bearer ${alice.apiKey}`, 'apollo-require-preflight': 'true' } },
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: { connector: { slug: 'github' } } });
    });

    it('refuses a mutation over GET, even with the preflight header, and runs nothing', async () => {
      const owner = await gw.newOwner('gql-get-mutation');
      const res = await request(
        'GET',
        `${gw.baseUrl}/graphql?query=${encodeURIComponent(connectMutation('web-fetch'))}`,
        { headers: { authorization: `Bearer ${owner.apiKey}`, 'apollo-require-preflight': 'true' } },
      );
      expect([400, 405]).toContain(res.status);
      expect(res.body.errors?.[0]?.message).toMatch(/mutation/i);
      expect(hasNoData(res.body)).toBe(true);
      expect(await rowCount(gw, owner.ownerId)).toBe(0);
    });
  });

  describe('introspection and suggestions outside production', () => {
    it('allows introspection in test/development', async () => {
      const res = await gqlRaw(gw.baseUrl, alice.apiKey, { query: '{ __schema { queryType { name } } }' });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    });

    it('suggests the intended field for a typo in test/development', async () => {
      const res = await gqlRaw(gw.baseUrl, alice.apiKey, { query: '{ connectorz { slug } }' });
      expect(codes(res.body)).toEqual(['BAD_REQUEST']);
      expect(res.body.errors![0]!.message).toMatch(/Did you mean/);
    });
  });
});

describe('GraphQL in production', () => {
  let prod: TestGateway;
  let prodWithIntrospection: TestGateway;
  let key: string;
  let keyB: string;

  beforeAll(async () => {
    prod = await startGateway({ env: { NODE_ENV: 'production' } });
    prodWithIntrospection = await startGateway({
      env: { NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' },
    });
    key = (await prod.newOwner('gql-prod')).apiKey;
    keyB = (await prodWithIntrospection.newOwner('gql-prod-introspect')).apiKey;
  });
  afterAll(async () => {
    await prod?.close();
    await prodWithIntrospection?.close();
  });

  it('turns introspection off', async () => {
    for (const query of ['{ __schema { queryType { name } } }', '{ __type(name: "Connection") { name } }']) {
      const res = await gqlRaw(prod.baseUrl, key, { query });
      expect(res.status).toBe(400);
      expect(codes(res.body)).toEqual(['BAD_REQUEST']);
      expect(hasNoData(res.body)).toBe(true);
    }
  });

  it('still answers ordinary queries', async () => {
    const res = await gql(prod.baseUrl, key, ConnectorDocument, { slug: 'openai' });
    expect(res.body.data!.connector).toMatchObject({ slug: 'openai', authType: 'API_KEY' });
  });

  it('re-enables introspection with GRAPHQL_INTROSPECTION=true', async () => {
    const res = await gqlRaw(prodWithIntrospection.baseUrl, keyB, {
      query: '{ __schema { queryType { name } } }',
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('gives no "Did you mean" field suggestion for an unknown field', async () => {
    const res = await gqlRaw(prod.baseUrl, key, { query: '{ connectorz { slug } }' });
    expect(codes(res.body)).toEqual(['BAD_REQUEST']);
    expect(hasNoData(res.body)).toBe(true);
    for (const error of res.body.errors!) expect(error.message).not.toMatch(/did you mean/i);
    expect(res.text).not.toContain('connectors');
  });
});
