/**
 * REST connections (openapi/openapi.yaml, the non-OAuth routes): list, create, get and delete, over
 * real HTTP against a live gateway. The database is read directly only to prove what is stored.
 */
import { createHash } from 'node:crypto';
import { client } from '../support/http';
import { startGateway, type TestGateway } from '../support/gateway';
import { sleep } from '../support/wait';

/** The connection record of openapi/openapi.yaml, exactly. */
const CONTRACT_KEYS = [
  'authType',
  'connectedAt',
  'connectorSlug',
  'createdAt',
  'id',
  'label',
  'lastError',
  'status',
  'updatedAt',
];
/** Non-secret OAuth metadata the serializer adds beyond §3 (null for api_key and none connections). */
const OAUTH_METADATA_KEYS = ['account', 'expiresAt', 'lastRefreshedAt', 'scopes'];
/** The exact key set of a serialized connection: any other field (a leak) fails. */
/** The connector's config values, and when the credentials were last checked at the provider. */
const CHECK_KEYS = ['config', 'lastCheckedAt'];
const CONNECTION_KEYS = [...CONTRACT_KEYS, ...OAUTH_METADATA_KEYS, ...CHECK_KEYS].sort();
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const VALID_OPENAI = { apiKey: `sk-${'a'.repeat(40)}` };
/** Connectors that can be connected without OAuth: api_key and none, all available. */
const PLAIN_SLUGS = ['openai', 'anthropic', 'stripe', 'sendgrid', 'web-fetch', 'wikipedia', 'hacker-news'];

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('REST connections', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startGateway({
      env: { CONNECTOR_GITHUB_CLIENT_ID: 'gh-client-id', CONNECTOR_GITHUB_CLIENT_SECRET: 'gh-client-secret' },
    });
  });
  afterAll(() => gw.close());

  async function owner() {
    const created = await gw.newOwner('rest');
    return { ...created, api: client(gw.baseUrl, created.apiKey) };
  }
  type Owner = Awaited<ReturnType<typeof owner>>;

  async function connect(o: Owner, connectorSlug: string, label?: string) {
    const res = await o.api.post(
      '/api/v1/connections',
      label === undefined ? { connectorSlug } : { connectorSlug, label },
    );
    expect([200, 201]).toContain(res.status);
    return res.body.connection as { id: string; [key: string]: unknown };
  }

  async function liveRows(ownerId: string): Promise<number> {
    const rows: { n: number }[] = await gw.dataSource.query(
      'SELECT count(*)::int AS n FROM connections WHERE owner_id = $1 AND deleted_at IS NULL',
      [ownerId],
    );
    return rows[0]!.n;
  }

  async function row(id: string) {
    const rows: Record<string, any>[] = await gw.dataSource.query('SELECT * FROM connections WHERE id = $1', [
      id,
    ]);
    return rows[0]!;
  }

  function expectBadRequest(res: { status: number; body: any }, field?: string) {
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    expect(typeof res.body.error.message).toBe('string');
    if (field) expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  }

  describe('GET /api/v1/connections', () => {
    it('answers an empty list with a null nextCursor for an owner without connections', async () => {
      const o = await owner();
      const res = await o.api.get('/api/v1/connections');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ connections: [], nextCursor: null });
    });

    it('lists the caller’s connections newest first, as full records', async () => {
      const o = await owner();
      const created = [];
      for (const slug of ['openai', 'web-fetch', 'stripe']) {
        created.push(await connect(o, slug));
        await sleep(5);
      }
      const res = await o.api.get('/api/v1/connections');
      expect(res.status).toBe(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.connections.map((c: { id: string }) => c.id)).toEqual(
        created.map((c) => c.id).reverse(),
      );
      for (const c of res.body.connections) expect(Object.keys(c).sort()).toEqual(CONNECTION_KEYS);
    });

    it.each([['0'], ['101'], ['-1'], ['abc'], ['1.5'], [''], ['1e2'], ['9999999999']])(
      'rejects limit=%p with 400 BAD_REQUEST',
      async (limit) => {
        const o = await owner();
        expectBadRequest(await o.api.get(`/api/v1/connections?limit=${limit}`), 'limit');
      },
    );

    it('rejects a repeated limit parameter with 400', async () => {
      const o = await owner();
      expectBadRequest(await o.api.get('/api/v1/connections?limit=1&limit=2'), 'limit');
    });

    it('accepts the bounds limit=1 and limit=100', async () => {
      const o = await owner();
      await connect(o, 'openai');
      await connect(o, 'web-fetch');
      const one = await o.api.get('/api/v1/connections?limit=1');
      expect(one.status).toBe(200);
      expect(one.body.connections).toHaveLength(1);
      expect(typeof one.body.nextCursor).toBe('string');
      const hundred = await o.api.get('/api/v1/connections?limit=100');
      expect(hundred.status).toBe(200);
      expect(hundred.body.connections).toHaveLength(2);
      expect(hundred.body.nextCursor).toBeNull();
    });

    it('walks every page with the cursor: no duplicates, no gaps, same order as one big page', async () => {
      const o = await owner();
      for (const slug of PLAIN_SLUGS) await connect(o, slug);
      const all = await o.api.get('/api/v1/connections?limit=100');
      const expected = all.body.connections.map((c: { id: string }) => c.id);
      expect(expected).toHaveLength(PLAIN_SLUGS.length);

      const seen: string[] = [];
      const pageSizes: number[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
        const page = await o.api.get(`/api/v1/connections?limit=3${query}`);
        expect(page.status).toBe(200);
        pageSizes.push(page.body.connections.length);
        seen.push(...page.body.connections.map((c: { id: string }) => c.id));
        cursor = page.body.nextCursor;
      } while (cursor !== null && pageSizes.length < 10);
      expect(pageSizes).toEqual([3, 3, 1]);
      expect(seen).toEqual(expected);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it.each([
      ['not base64url', 'not a cursor!'],
      ['base64 of plain text', b64('hello')],
      ['an object', b64('{"createdAt":"2024-01-01T00:00:00.000Z"}')],
      ['a one-element array', b64('["2024-01-01T00:00:00.000Z"]')],
      ['a non-canonical date', b64('["2024-01-01T00:00:00Z","6f1c1a2e-8a53-4c38-9d5c-1f6a2b3c4d5e"]')],
      ['an invalid date', b64('["2024-13-45T00:00:00.000Z","6f1c1a2e-8a53-4c38-9d5c-1f6a2b3c4d5e"]')],
      ['a non-uuid id', b64('["2024-01-01T00:00:00.000Z","1 OR 1=1"]')],
      ['an over-long value', 'A'.repeat(400)],
    ])('rejects a malformed or forged cursor (%s) with 400', async (_name, cursor) => {
      const o = await owner();
      expectBadRequest(await o.api.get(`/api/v1/connections?cursor=${encodeURIComponent(cursor)}`), 'cursor');
    });

    it('filters by connectorSlug and by status, and rejects an unknown status or a malformed slug', async () => {
      const o = await owner();
      const openai = await connect(o, 'openai');
      const stripe = await connect(o, 'stripe');
      const web = await connect(o, 'web-fetch');

      const bySlug = await o.api.get('/api/v1/connections?connectorSlug=openai');
      expect(bySlug.body.connections.map((c: { id: string }) => c.id)).toEqual([openai.id]);

      const pending = await o.api.get('/api/v1/connections?status=pending');
      expect(pending.body.connections.map((c: { id: string }) => c.id).sort()).toEqual(
        [openai.id, stripe.id].sort(),
      );
      const connected = await o.api.get('/api/v1/connections?status=connected');
      expect(connected.body.connections.map((c: { id: string }) => c.id)).toEqual([web.id]);
      const both = await o.api.get('/api/v1/connections?status=pending&connectorSlug=web-fetch');
      expect(both.body).toEqual({ connections: [], nextCursor: null });

      expectBadRequest(await o.api.get('/api/v1/connections?status=bogus'), 'status');
      expectBadRequest(await o.api.get('/api/v1/connections?status=CONNECTED'), 'status');
      expectBadRequest(await o.api.get('/api/v1/connections?connectorSlug=Not%20a%20slug'), 'connectorSlug');
    });

    it('never lists revoked connections, not even with status=revoked', async () => {
      const o = await owner();
      const gone = await connect(o, 'openai');
      const kept = await connect(o, 'web-fetch');
      expect((await o.api.delete(`/api/v1/connections/${gone.id}`)).status).toBe(200);
      const res = await o.api.get('/api/v1/connections');
      expect(res.body.connections.map((c: { id: string }) => c.id)).toEqual([kept.id]);
      const revoked = await o.api.get('/api/v1/connections?status=revoked');
      expect(revoked.body).toEqual({ connections: [], nextCursor: null });
    });

    it('lists only the caller’s connections', async () => {
      const a = await owner();
      const b = await owner();
      await connect(a, 'openai');
      const mine = await connect(b, 'stripe');
      const res = await b.api.get('/api/v1/connections');
      expect(res.body.connections.map((c: { id: string }) => c.id)).toEqual([mine.id]);
    });
  });

  describe('POST /api/v1/connections', () => {
    it.each([
      ['a missing connectorSlug', {}],
      ['a numeric connectorSlug', { connectorSlug: 42 }],
      ['an empty connectorSlug', { connectorSlug: '' }],
      ['an unknown slug', { connectorSlug: 'no-such-connector' }],
      ['a prototype-named slug', { connectorSlug: 'constructor' }],
      ['a coming_soon connector', { connectorSlug: 'salesforce' }],
      ['an OAuth connector that is not configured', { connectorSlug: 'gitlab' }],
    ])('rejects %s with 400 BAD_REQUEST naming connectorSlug, and creates nothing', async (_name, body) => {
      const o = await owner();
      expectBadRequest(await o.api.post('/api/v1/connections', body), 'connectorSlug');
      expect(await liveRows(o.ownerId)).toBe(0);
    });

    it('creates an api_key connection as pending with its credentialSubmitUrl (201), then returns it (200)', async () => {
      const o = await owner();
      const first = await o.api.post('/api/v1/connections', { connectorSlug: 'openai' });
      expect(first.status).toBe(201);
      expect(Object.keys(first.body).sort()).toEqual(['connection', 'credentialSubmitUrl', 'oauthUrl']);
      const { connection } = first.body;
      expect(connection).toMatchObject({
        connectorSlug: 'openai',
        authType: 'api_key',
        status: 'pending',
        label: null,
        connectedAt: null,
        lastError: null,
      });
      expect(connection.id).toMatch(UUID);
      expect(connection.createdAt).toMatch(ISO);
      expect(first.body.oauthUrl).toBeNull();
      expect(first.body.credentialSubmitUrl).toBe(
        `http://gateway.test/api/v1/connections/${connection.id}/credentials`,
      );

      const second = await o.api.post('/api/v1/connections', { connectorSlug: 'openai' });
      expect(second.status).toBe(200);
      expect(second.body).toEqual(first.body);
    });

    it('keeps handing out the credentialSubmitUrl once an api_key connection is connected', async () => {
      const o = await owner();
      const { id } = await connect(o, 'openai');
      const submit = await o.api.post(`/api/v1/connections/${id}/credentials`, { credentials: VALID_OPENAI });
      expect(submit.status).toBe(200);
      const again = await o.api.post('/api/v1/connections', { connectorSlug: 'openai' });
      expect(again.status).toBe(200);
      expect(again.body.connection).toMatchObject({ id, status: 'connected' });
      expect(again.body.oauthUrl).toBeNull();
      expect(again.body.credentialSubmitUrl).toBe(`http://gateway.test/api/v1/connections/${id}/credentials`);
    });

    it('connects a `none` connector at once (201, connectedAt set, no URLs), then returns it (200)', async () => {
      const o = await owner();
      const first = await o.api.post('/api/v1/connections', { connectorSlug: 'web-fetch' });
      expect(first.status).toBe(201);
      expect(first.body.connection).toMatchObject({ authType: 'none', status: 'connected', lastError: null });
      expect(first.body.connection.connectedAt).toMatch(ISO);
      expect(first.body.oauthUrl).toBeNull();
      expect(first.body.credentialSubmitUrl).toBeNull();
      const second = await o.api.post('/api/v1/connections', { connectorSlug: 'web-fetch' });
      expect(second.status).toBe(200);
      expect(second.body).toEqual(first.body);
    });

    it('creates a configured OAuth connection as pending with a ticketed oauthUrl; a second POST gives a fresh ticket', async () => {
      const o = await owner();
      const first = await o.api.post('/api/v1/connections', { connectorSlug: 'github' });
      expect(first.status).toBe(201);
      const { id } = first.body.connection;
      expect(first.body.connection).toMatchObject({
        authType: 'oauth',
        status: 'pending',
        connectedAt: null,
      });
      expect(first.body.credentialSubmitUrl).toBeNull();
      const ticketUrl = new RegExp(
        `^http://gateway\\.test/api/v1/connections/${id}/oauth\\?ticket=([A-Za-z0-9_-]{43})$`,
      );
      expect(first.body.oauthUrl).toMatch(ticketUrl);

      const second = await o.api.post('/api/v1/connections', { connectorSlug: 'github' });
      expect(second.status).toBe(200);
      expect(second.body.connection.id).toBe(id);
      expect(second.body.credentialSubmitUrl).toBeNull();
      expect(second.body.oauthUrl).toMatch(ticketUrl);
      const ticket1 = ticketUrl.exec(first.body.oauthUrl)![1]!;
      const ticket2 = ticketUrl.exec(second.body.oauthUrl)![1]!;
      expect(ticket2).not.toBe(ticket1);

      // Only the newest handshake lives, and only the hash of its ticket is stored.
      const flows: { ticket_hash: string }[] = await gw.dataSource.query(
        'SELECT ticket_hash FROM oauth_flows WHERE connection_id = $1',
        [id],
      );
      expect(flows.map((f) => f.ticket_hash.trim())).toEqual([
        createHash('sha256').update(ticket2).digest('hex'),
      ]);
    });

    it('stores the label, and null when none is given', async () => {
      const o = await owner();
      const labelled = await connect(o, 'openai', 'Work account');
      expect(labelled.label).toBe('Work account');
      const unlabelled = await connect(o, 'stripe');
      expect(unlabelled.label).toBeNull();
      expect((await o.api.get(`/api/v1/connections/${labelled.id}`)).body.connection.label).toBe(
        'Work account',
      );
      expect((await row(labelled.id)).label).toBe('Work account');
      expect((await row(unlabelled.id)).label).toBeNull();
    });

    it('accepts a 200-character label and rejects a 201-character or non-string one with 400', async () => {
      const o = await owner();
      expectBadRequest(
        await o.api.post('/api/v1/connections', { connectorSlug: 'openai', label: 'x'.repeat(201) }),
        'label',
      );
      expectBadRequest(
        await o.api.post('/api/v1/connections', { connectorSlug: 'openai', label: 7 }),
        'label',
      );
      expect(await liveRows(o.ownerId)).toBe(0);
      const ok = await o.api.post('/api/v1/connections', { connectorSlug: 'openai', label: 'x'.repeat(200) });
      expect(ok.status).toBe(201);
    });

    it('settles 10 simultaneous creates of one connector into exactly one row: one 201, nine 200', async () => {
      const o = await owner();
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => o.api.post('/api/v1/connections', { connectorSlug: 'anthropic' })),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      const ids = new Set(responses.map((r) => r.body.connection.id));
      expect(ids.size).toBe(1);
      for (const r of responses) expect(r.body.credentialSubmitUrl).toMatch(/\/credentials$/);
      expect(await liveRows(o.ownerId)).toBe(1);
    });

    it('gives two owners connecting the same connector two different rows', async () => {
      const a = await owner();
      const b = await owner();
      const [ra, rb] = await Promise.all([
        a.api.post('/api/v1/connections', { connectorSlug: 'openai' }),
        b.api.post('/api/v1/connections', { connectorSlug: 'openai' }),
      ]);
      expect([ra.status, rb.status]).toEqual([201, 201]);
      expect(ra.body.connection.id).not.toBe(rb.body.connection.id);
      expect((await row(ra.body.connection.id)).owner_id).toBe(a.ownerId);
      expect((await row(rb.body.connection.id)).owner_id).toBe(b.ownerId);
    });
  });

  describe('GET /api/v1/connections/:id', () => {
    it('answers {connection} with exactly the contract fields, equal to what create returned', async () => {
      const o = await owner();
      const created = await o.api.post('/api/v1/connections', { connectorSlug: 'openai', label: 'Mine' });
      const res = await o.api.get(`/api/v1/connections/${created.body.connection.id}`);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['connection']);
      expect(Object.keys(res.body.connection).sort()).toEqual(CONNECTION_KEYS);
      expect(res.body.connection).toEqual(created.body.connection);
    });

    it('keeps to the contract fields once credentials are stored', async () => {
      const o = await owner();
      const { id } = await connect(o, 'openai');
      await o.api.post(`/api/v1/connections/${id}/credentials`, { credentials: VALID_OPENAI });
      const res = await o.api.get(`/api/v1/connections/${id}`);
      expect(Object.keys(res.body.connection).sort()).toEqual(CONNECTION_KEYS);
      for (const key of OAUTH_METADATA_KEYS) expect([key, res.body.connection[key]]).toEqual([key, null]);
      expect(res.body.connection.status).toBe('connected');
      expect(res.text).not.toContain(VALID_OPENAI.apiKey);
    });
  });

  describe('DELETE /api/v1/connections/:id', () => {
    it('revokes: {deleted: true}, then 404 everywhere, and the row is revoked, soft-deleted, secret destroyed', async () => {
      const o = await owner();
      const { id } = await connect(o, 'openai');
      await o.api.post(`/api/v1/connections/${id}/credentials`, { credentials: VALID_OPENAI });
      expect((await row(id)).secret).not.toBeNull();

      const res = await o.api.delete(`/api/v1/connections/${id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ deleted: true });

      for (const after of [
        await o.api.get(`/api/v1/connections/${id}`),
        await o.api.delete(`/api/v1/connections/${id}`),
        await o.api.post(`/api/v1/connections/${id}/credentials`, { credentials: VALID_OPENAI }),
      ]) {
        expect(after.status).toBe(404);
        expect(after.body.error.code).toBe('NOT_FOUND');
      }
      const stored = await row(id);
      expect(stored.status).toBe('revoked');
      expect(stored.deleted_at).toBeInstanceOf(Date);
      expect(stored.secret).toBeNull();
    });

    it('ends the pending OAuth handshakes of a revoked OAuth connection', async () => {
      const o = await owner();
      const created = await o.api.post('/api/v1/connections', { connectorSlug: 'github' });
      const { id } = created.body.connection;
      const count = async () =>
        (
          (await gw.dataSource.query('SELECT count(*)::int AS n FROM oauth_flows WHERE connection_id = $1', [
            id,
          ])) as {
            n: number;
          }[]
        )[0]!.n;
      expect(await count()).toBe(1);
      expect((await o.api.delete(`/api/v1/connections/${id}`)).body).toEqual({ deleted: true });
      expect(await count()).toBe(0);
    });

    it('lets the owner create a new connection of the same connector after a revoke (201, new id)', async () => {
      const o = await owner();
      const old = await connect(o, 'stripe');
      await o.api.delete(`/api/v1/connections/${old.id}`);
      const fresh = await o.api.post('/api/v1/connections', { connectorSlug: 'stripe' });
      expect(fresh.status).toBe(201);
      expect(fresh.body.connection.id).not.toBe(old.id);
      expect(fresh.body.connection.status).toBe('pending');
      expect(await liveRows(o.ownerId)).toBe(1);
    });
  });
});
