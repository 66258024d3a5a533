/**
 * The audit trail (docs/security.md#accountable): every change to a connection and every runtime
 * credential read is an event row (who, what, when, from where, never the secret), written with the
 * change, listed by GET /api/v1/connections/:id/events and GraphQL `Connection.events`.
 */
import { randomBytes } from 'node:crypto';
import { ConnectionEventsDocument } from '../graphql/generated/graphql';
import { gql } from '../support/graphql';
import { client, type HttpResponse } from '../support/http';
import {
  consent,
  createOAuthConnection,
  runtimeRead,
  startOAuthWorld,
  type OAuthWorld,
} from '../support/oauth-setup';

const openaiKey = () => `sk-${randomBytes(24).toString('hex')}`;

interface EventView {
  id: string;
  connectionId: string;
  type: string;
  at: string;
  actor: { type: string; id: string | null };
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  status: string;
  details: Record<string, unknown> | null;
}

describe('audit trail', () => {
  let world: OAuthWorld;
  beforeAll(async () => {
    world = await startOAuthWorld();
  });
  afterAll(() => world.close());

  const api = (key: string) => client(world.gateway.baseUrl, key);

  async function trail(key: string, id: string): Promise<EventView[]> {
    const res = await api(key).get(`/api/v1/connections/${id}/events`);
    expect(res.status).toBe(200);
    return res.body.events as EventView[];
  }

  /** Every stored audit row of a connection, oldest first, as the database holds it. */
  async function storedRows(id: string): Promise<Record<string, unknown>[]> {
    return world.gateway.dataSource.query(
      `SELECT * FROM connection_events WHERE connection_id = $1 ORDER BY seq`,
      [id],
    );
  }

  async function connectedOAuth(key?: string) {
    const conn = await createOAuthConnection(world, key);
    const browser = world.browser();
    const done = await browser.get((await consent(world, browser, conn.oauthUrl)).callbackUrl);
    if (done.status !== 200) throw new Error(`handshake failed: ${done.text}`);
    return conn;
  }

  it('records who did what, when and from where for an api_key connection, newest first, without the secret', async () => {
    const { apiKey } = await world.gateway.newOwner('audit');
    const headers = { 'x-request-id': 'audit-create-1', 'user-agent': 'audit-test/1.0' };
    const created = await api(apiKey).post('/api/v1/connections', { connectorSlug: 'openai' }, { headers });
    expect(created.status).toBe(201);
    const id = created.body.connection.id as string;
    const first = openaiKey();
    const second = openaiKey();
    const submit = (value: string, requestId: string) =>
      api(apiKey).post(
        `/api/v1/connections/${id}/credentials`,
        { credentials: { apiKey: value } },
        { headers: { 'x-request-id': requestId } },
      );
    expect((await submit(first, 'audit-submit-1')).status).toBe(200);
    expect((await submit(second, 'audit-submit-2')).status).toBe(200);
    const read = await runtimeRead(world, id);
    expect(read.status).toBe(200);

    const events = await trail(apiKey, id);
    expect(events.map((e) => e.type)).toEqual([
      'credentials.read',
      'connection.reauthorized',
      'connection.connected',
      'connection.created',
    ]);
    const [readEvent, reauthorized, connected, createdEvent] = events as [
      EventView,
      EventView,
      EventView,
      EventView,
    ];
    expect(createdEvent).toMatchObject({
      connectionId: id,
      actor: { type: 'api_key' },
      requestId: 'audit-create-1',
      userAgent: 'audit-test/1.0',
      status: 'pending',
      details: null,
    });
    expect(createdEvent.actor.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(createdEvent.ip).toMatch(/127\.0\.0\.1$/);
    expect(connected).toMatchObject({
      requestId: 'audit-submit-1',
      status: 'connected',
      details: { previousStatus: 'pending' },
      actor: createdEvent.actor,
    });
    expect(reauthorized).toMatchObject({ requestId: 'audit-submit-2', status: 'connected', details: null });
    expect(readEvent).toMatchObject({ actor: { type: 'runtime', id: null }, status: 'connected' });
    expect(readEvent.requestId).toBe(read.headers.get('x-request-id'));
    // Newest first, ids unique, timestamps in order.
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
    const times = events.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // Never the secret: not in the answer, not in the table.
    const stored = JSON.stringify(await storedRows(id));
    for (const secret of [first, second]) {
      expect(JSON.stringify(events)).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
  });

  it('serves the same trail through GraphQL, and pages both doors with cursors', async () => {
    const { apiKey } = await world.gateway.newOwner('audit-gql');
    const id = (await api(apiKey).post('/api/v1/connections', { connectorSlug: 'openai' })).body.connection
      .id;
    await api(apiKey).post(`/api/v1/connections/${id}/credentials`, { credentials: { apiKey: openaiKey() } });
    await api(apiKey).post(`/api/v1/connections/${id}/credentials`, { credentials: { apiKey: openaiKey() } });
    const rest = await trail(apiKey, id);

    const gqlRes = await gql(world.gateway.baseUrl, apiKey, ConnectionEventsDocument, { id });
    expect(gqlRes.body.errors).toBeUndefined();
    const nodes = gqlRes.body.data!.connection!.events.nodes;
    expect(nodes.map((n) => [n.id, n.type, n.actor.type, n.status.toLowerCase(), n.at, n.requestId])).toEqual(
      rest.map((e) => [
        e.id,
        e.type.replace('.', '_').toUpperCase(),
        e.actor.type.toUpperCase(),
        e.status,
        e.at,
        e.requestId,
      ]),
    );

    // REST paging, one at a time.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const res: HttpResponse = await api(apiKey).get(
        `/api/v1/connections/${id}/events?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.events).toHaveLength(1);
      paged.push(res.body.events[0].id);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(rest.map((e) => e.id));

    // GraphQL paging.
    const page1 = await gql(world.gateway.baseUrl, apiKey, ConnectionEventsDocument, { id, first: 2 });
    const events1 = page1.body.data!.connection!.events;
    expect(events1.pageInfo.hasNextPage).toBe(true);
    const page2 = await gql(world.gateway.baseUrl, apiKey, ConnectionEventsDocument, {
      id,
      first: 2,
      after: events1.pageInfo.endCursor,
    });
    const events2 = page2.body.data!.connection!.events;
    expect([...events1.nodes, ...events2.nodes].map((n) => n.id)).toEqual(rest.map((e) => e.id));
    expect(events2.pageInfo).toEqual({ hasNextPage: false, endCursor: null });

    for (const query of ['limit=0', 'limit=101', 'cursor=bm9wZQ', 'cursor=%21%21']) {
      const bad = await api(apiKey).get(`/api/v1/connections/${id}/events?${query}`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('BAD_REQUEST');
    }
  });

  it('filters the trail by type through both doors, paging within the filter', async () => {
    const { apiKey } = await world.gateway.newOwner('audit-type');
    const id = (await api(apiKey).post('/api/v1/connections', { connectorSlug: 'openai' })).body.connection
      .id;
    await api(apiKey).post(`/api/v1/connections/${id}/credentials`, { credentials: { apiKey: openaiKey() } });
    for (let i = 0; i < 3; i++) expect((await runtimeRead(world, id)).status).toBe(200);
    const all = await trail(apiKey, id);
    const reads = all.filter((e) => e.type === 'credentials.read').map((e) => e.id);
    expect(reads).toHaveLength(3);

    const first = await api(apiKey).get(`/api/v1/connections/${id}/events?type=credentials.read&limit=2`);
    expect(first.body.events.map((e: EventView) => e.id)).toEqual(reads.slice(0, 2));
    const rest = await api(apiKey).get(
      `/api/v1/connections/${id}/events?type=credentials.read&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(rest.body).toMatchObject({ nextCursor: null });
    expect(rest.body.events.map((e: EventView) => e.id)).toEqual(reads.slice(2));

    const viaGraphql = await gql(world.gateway.baseUrl, apiKey, ConnectionEventsDocument, {
      id,
      type: 'CONNECTION_CREATED',
    });
    expect(viaGraphql.body.data!.connection!.events.nodes.map((n) => n.type)).toEqual(['CONNECTION_CREATED']);

    const bad = await api(apiKey).get(`/api/v1/connections/${id}/events?type=connection.nope`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ field: 'type', message: expect.any(String) }]);
  });

  it('records the OAuth lifecycle: browser at the callback, refresh by the gateway, denial, expiry, re-authorisation', async () => {
    const { apiKey, id } = await connectedOAuth();
    let events = await trail(apiKey, id);
    expect(events.map((e) => [e.type, e.actor.type])).toEqual([
      ['connection.connected', 'browser'],
      ['connection.created', 'api_key'],
    ]);
    expect(events[0]!.userAgent).not.toBeNull();

    // A scheduled refresh is the gateway's own doing.
    await world.gateway.dataSource.query(
      `UPDATE connections SET token_expires_at = now() + interval '30 seconds' WHERE id = $1`,
      [id],
    );
    await world.gateway.services.tokens.refreshDue();
    events = await trail(apiKey, id);
    expect(events[0]).toMatchObject({
      type: 'connection.token_refreshed',
      actor: { type: 'gateway', id: null },
    });
    expect(events[0]!.requestId).toBeNull();

    // The provider refuses the refresh token: expired, with the reason.
    const token = (await runtimeRead(world, id)).body.credentials.accessToken;
    world.provider.revokeAllRefreshTokens(token);
    await world.gateway.dataSource.query(
      `UPDATE connections SET token_expires_at = now() + interval '30 seconds' WHERE id = $1`,
      [id],
    );
    expect((await runtimeRead(world, id)).status).toBe(409);
    events = await trail(apiKey, id);
    expect(events[0]).toMatchObject({
      type: 'connection.expired',
      actor: { type: 'runtime' },
      status: 'expired',
      details: { previousStatus: 'connected', error: { code: 'invalid_grant' } },
    });

    // The user denies a re-authorisation, then grants one: error, then reauthorized, same id.
    const reauth = await api(apiKey).post(`/api/v1/connections/${id}/oauth`, {});
    expect(reauth.status).toBe(200);
    let browser = world.browser();
    await browser.get((await consent(world, browser, reauth.body.oauthUrl, 'deny')).callbackUrl);
    const again = await api(apiKey).post(`/api/v1/connections/${id}/oauth`, {});
    browser = world.browser();
    const done = await browser.get((await consent(world, browser, again.body.oauthUrl)).callbackUrl);
    expect(done.status).toBe(200);
    events = await trail(apiKey, id);
    expect(events.slice(0, 2)).toMatchObject([
      {
        type: 'connection.reauthorized',
        actor: { type: 'browser' },
        status: 'connected',
        details: { previousStatus: 'expired' },
      },
      { type: 'connection.error', status: 'expired', details: { error: { code: 'access_denied' } } },
    ]);
  });

  it('records a revocation with the change, and the trail then is 404 like the connection', async () => {
    const { apiKey } = await world.gateway.newOwner('audit-revoke');
    const id = (await api(apiKey).post('/api/v1/connections', { connectorSlug: 'openai' })).body.connection
      .id;
    const deleted = await api(apiKey).delete(`/api/v1/connections/${id}`, {
      headers: { 'x-request-id': 'audit-del' },
    });
    expect(deleted.status).toBe(200);
    expect((await api(apiKey).get(`/api/v1/connections/${id}/events`)).status).toBe(404);
    const rows = await storedRows(id);
    expect(rows.map((r) => [r.type, r.actor_type, r.request_id, r.status])).toEqual([
      ['connection.created', 'api_key', expect.any(String), 'pending'],
      ['connection.revoked', 'api_key', 'audit-del', 'revoked'],
    ]);
  });

  it("hides other owners' trails and outside a session's connectors, and names the session as the actor", async () => {
    const alice = await world.gateway.newOwner('audit-alice');
    const bob = await world.gateway.newOwner('audit-bob');
    const id = (await api(alice.apiKey).post('/api/v1/connections', { connectorSlug: 'openai' })).body
      .connection.id;
    const theirs = await api(bob.apiKey).get(`/api/v1/connections/${id}/events`);
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('NOT_FOUND');
    expect((await api(alice.apiKey).get('/api/v1/connections/not-a-uuid/events')).status).toBe(400);

    const restricted = await api(alice.apiKey).post('/api/v1/sessions', { allowedConnectors: ['anthropic'] });
    expect(restricted.status).toBe(201);
    expect((await api(restricted.body.token).get(`/api/v1/connections/${id}/events`)).status).toBe(404);

    const session = await api(alice.apiKey).post('/api/v1/sessions', {});
    const submitted = await api(session.body.token).post(`/api/v1/connections/${id}/credentials`, {
      credentials: { apiKey: openaiKey() },
    });
    expect(submitted.status).toBe(200);
    const events = await trail(session.body.token, id);
    expect(events[0]).toMatchObject({
      type: 'connection.connected',
      actor: { type: 'session', id: session.body.session.id },
    });
  });

  it('deletes events older than AUDIT_RETENTION_DAYS, and only those', async () => {
    const { apiKey } = await world.gateway.newOwner('audit-retention');
    const id = (await api(apiKey).post('/api/v1/connections', { connectorSlug: 'openai' })).body.connection
      .id;
    await api(apiKey).post(`/api/v1/connections/${id}/credentials`, { credentials: { apiKey: openaiKey() } });
    // The created event is 400 days old, the connected one 300: the default keeps 365 days.
    await world.gateway.dataSource.query(
      `UPDATE connection_events SET created_at = now() - make_interval(days => CASE type WHEN 'connection.created' THEN 400 ELSE 300 END)
        WHERE connection_id = $1`,
      [id],
    );
    expect(world.gateway.config.auditRetentionDays).toBe(365);
    expect(await world.gateway.services.auditRetention.pruneOnce()).toBeGreaterThanOrEqual(1);
    expect((await trail(apiKey, id)).map((e) => e.type)).toEqual(['connection.connected']);
  });

  it('writes one created event for concurrent identical creates', async () => {
    const { apiKey } = await world.gateway.newOwner('audit-race');
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => api(apiKey).post('/api/v1/connections', { connectorSlug: 'openai' })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    const id = answers[0]!.body.connection.id;
    expect((await trail(apiKey, id)).map((e) => e.type)).toEqual(['connection.created']);
  });
});
