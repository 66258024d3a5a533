/**
 * Rate limits per API key and per browser session (README "Rate limits"): exact small limits,
 * the IETF RateLimit headers, 429 with Retry-After, GraphQL charged by cost, separate session
 * buckets, one limit shared by two instances, chunked leases, and pruning of old windows.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { HotQueries } from '../../src/db/hot-queries';
import { GRAPHQL_COST_PER_POINT, graphqlCost } from '../../src/rate-limits/graphql-cost';
import { RateLimitRepository } from '../../src/rate-limits/rate-limit.repository';
import { gqlRaw } from '../support/graphql';
import { client, request, type HttpResponse } from '../support/http';
import { testDatabaseUrl } from '../support/env';
import { startGateway, type TestGateway } from '../support/gateway';
import { sleep } from '../support/wait';

// A day-long window, so no test here crosses a window boundary (except at midnight UTC).
const DAY = '86400';

/** The `RateLimit` header's remaining points and reset seconds. */
function rateLimitOf(res: HttpResponse): { policy: string; r: number; t: number } {
  const header = res.headers.get('ratelimit');
  const match = /^"([a-z-]+)";r=(\d+);t=(\d+)$/.exec(header ?? '');
  if (!match) throw new Error(`unexpected RateLimit header: ${header}`);
  return { policy: match[1]!, r: Number(match[2]), t: Number(match[3]) };
}

async function statusesOf(sends: (() => Promise<HttpResponse>)[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const send of sends) statuses.push((await send()).status);
  return statuses;
}

describe('rate limits', () => {
  describe('per API key, small limit', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({
        env: {
          RATE_LIMIT_WINDOW_SECONDS: DAY,
          RATE_LIMIT_API_KEY_POINTS: '5',
          RATE_LIMIT_SESSION_POINTS: '3',
        },
      });
    });
    afterAll(() => gw.close());

    it('serves exactly the limit, counting down in the RateLimit header, then answers 429 RATE_LIMITED with Retry-After', async () => {
      const { apiKey } = await gw.newOwner('rl');
      const api = client(gw.baseUrl, apiKey);
      for (let used = 1; used <= 5; used += 1) {
        const res = await api.get('/api/v1/connections');
        expect(res.status).toBe(200);
        expect(res.headers.get('ratelimit-policy')).toBe('"api-key";q=5;w=86400');
        const { policy, r, t } = rateLimitOf(res);
        expect(policy).toBe('api-key');
        expect(r).toBe(5 - used);
        expect(t).toBeGreaterThanOrEqual(1);
        expect(t).toBeLessThanOrEqual(86_400);
        expect(res.headers.get('retry-after')).toBeNull();
      }
      const refused = await api.get('/api/v1/connections');
      expect(refused.status).toBe(429);
      expect(refused.body).toEqual({
        error: { code: 'RATE_LIMITED', message: expect.stringContaining('Rate limit exceeded') },
      });
      const { r, t } = rateLimitOf(refused);
      expect(r).toBe(0);
      expect(refused.headers.get('retry-after')).toBe(String(t));
      expect(refused.headers.get('ratelimit-policy')).toBe('"api-key";q=5;w=86400');
      // Every authenticated route shares the bucket, POST included (refused before its body is read).
      expect((await api.post('/api/v1/connections', { connectorSlug: 'openai' })).status).toBe(429);
      expect((await api.get('/api/v1/connectors')).status).toBe(429);
    });

    it('limits each key on its own and leaves the public routes alone', async () => {
      const spent = await gw.newOwner('rl-spent');
      const fresh = await gw.newOwner('rl-fresh');
      const api = client(gw.baseUrl, spent.apiKey);
      expect(await statusesOf(Array.from({ length: 6 }, () => () => api.get('/api/v1/connectors')))).toEqual([
        200, 200, 200, 200, 200, 429,
      ]);
      expect((await client(gw.baseUrl, fresh.apiKey).get('/api/v1/connectors')).status).toBe(200);
      const doc = await request('GET', `${gw.baseUrl}/api/v1/openapi.json`, {
        headers: { authorization: `Bearer ${spent.apiKey}` },
      });
      expect(doc.status).toBe(200);
      expect(doc.headers.get('ratelimit')).toBeNull();
      const health = await fetch(`${gw.baseUrl}/healthz`);
      expect(health.status).toBe(200);
      expect(health.headers.get('ratelimit')).toBeNull();
      // An anonymous caller gets its 401 before any limit.
      const anonymous = await client(gw.baseUrl).get('/api/v1/connections');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('ratelimit')).toBeNull();
    });

    it("charges a browser session to its own bucket, separate from its key's", async () => {
      const { apiKey } = await gw.newOwner('rl-session');
      const api = client(gw.baseUrl, apiKey);
      const created = await api.post('/api/v1/sessions', {});
      expect(created.status).toBe(201);
      expect(rateLimitOf(created).r).toBe(4);
      const session = client(gw.baseUrl, created.body.token as string);
      for (let used = 1; used <= 3; used += 1) {
        const res = await session.get('/api/v1/connections');
        expect(res.status).toBe(200);
        expect(res.headers.get('ratelimit-policy')).toBe('"session";q=3;w=86400');
        expect(rateLimitOf(res)).toMatchObject({ policy: 'session', r: 3 - used });
      }
      const refused = await session.get('/api/v1/connections');
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('RATE_LIMITED');
      // The key did not pay for the session's requests.
      const keyRes = await api.get('/api/v1/connections');
      expect(keyRes.status).toBe(200);
      expect(rateLimitOf(keyRes)).toMatchObject({ policy: 'api-key', r: 3 });
    });

    it('draws every session of one owner from one budget: minting sessions does not multiply it', async () => {
      const { apiKey } = await gw.newOwner('rl-sessions');
      const api = client(gw.baseUrl, apiKey);
      const tokens: string[] = [];
      for (let n = 0; n < 3; n += 1) {
        const created = await api.post('/api/v1/sessions', {});
        expect(created.status).toBe(201);
        tokens.push(created.body.token as string);
      }
      // RATE_LIMIT_SESSION_POINTS is 3: one request per session spends the owner's session budget.
      const first = await client(gw.baseUrl, tokens[0]).get('/api/v1/connections');
      expect(rateLimitOf(first)).toMatchObject({ policy: 'session', r: 2 });
      expect((await client(gw.baseUrl, tokens[1]).get('/api/v1/connections')).status).toBe(200);
      expect((await client(gw.baseUrl, tokens[2]).get('/api/v1/connections')).status).toBe(200);
      for (const token of tokens) {
        const refused = await client(gw.baseUrl, token).get('/api/v1/connections');
        expect(refused.status).toBe(429);
        expect(refused.body.error.code).toBe('RATE_LIMITED');
      }
      // A session minted after the budget is spent starts with nothing either.
      const late = await api.post('/api/v1/sessions', {});
      expect(late.status).toBe(201);
      expect((await client(gw.baseUrl, late.body.token as string).get('/api/v1/connections')).status).toBe(
        429,
      );
      // Another owner's sessions have their own budget.
      const other = await gw.newOwner('rl-sessions-other');
      const theirs = await client(gw.baseUrl, other.apiKey).post('/api/v1/sessions', {});
      expect((await client(gw.baseUrl, theirs.body.token as string).get('/api/v1/connections')).status).toBe(
        200,
      );
    });
  });

  describe('GraphQL', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({
        env: { RATE_LIMIT_WINDOW_SECONDS: DAY, RATE_LIMIT_API_KEY_POINTS: '30' },
      });
    });
    afterAll(() => gw.close());

    const cheap = '{ connectors { slug } }';
    const expensive =
      '{ connections(first: 100) { nodes { id status connectorSlug createdAt } pageInfo { hasNextPage } } }';

    it('prices an operation by its graphql-armor cost: 1 point per 100, at least 1', () => {
      // connectors: 2 + 1.5 * 1.
      expect(graphqlCost(cheap, undefined)).toBe(3.5);
      // (2 + 1.5 * ((2 + 1.5 * 4) + (2 + 1.5 * 1))) * 100.
      expect(graphqlCost(expensive, undefined)).toBe(1925);
      expect(GRAPHQL_COST_PER_POINT).toBe(100);
    });

    it('charges an expensive operation more points than a cheap one, and refuses with HTTP 429 and RATE_LIMITED', async () => {
      const { apiKey } = await gw.newOwner('rl-gql');
      const first = await gqlRaw(gw.baseUrl, apiKey, { query: cheap });
      expect(first.status).toBe(200);
      expect(first.headers.get('ratelimit-policy')).toBe('"api-key";q=30;w=86400');
      expect(rateLimitOf(first).r).toBe(29);

      const big = await gqlRaw(gw.baseUrl, apiKey, { query: expensive });
      expect(big.status).toBe(200);
      expect(big.body.errors).toBeUndefined();
      expect(rateLimitOf(big).r).toBe(29 - 20);

      // 9 points left: another expensive one (20) is refused, a cheap one still fits.
      const refused = await gqlRaw(gw.baseUrl, apiKey, { query: expensive });
      expect(refused.status).toBe(429);
      expect(refused.body.data).toBeUndefined();
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers.get('retry-after'))).toBe(rateLimitOf(refused).t);
      expect(rateLimitOf(refused).r).toBe(9);

      const small = await gqlRaw(gw.baseUrl, apiKey, { query: cheap });
      expect(small.status).toBe(200);
      expect(rateLimitOf(small).r).toBe(8);
    });

    it('charges a document that does not parse one point (Apollo refuses it)', async () => {
      const { apiKey } = await gw.newOwner('rl-gql-bad');
      const res = await gqlRaw(gw.baseUrl, apiKey, { query: '{ connectors { ' });
      expect(res.status).toBe(400);
      expect(rateLimitOf(res).r).toBe(29);
    });
  });

  describe('two instances on one database', () => {
    let a: TestGateway;
    let b: TestGateway;
    beforeAll(async () => {
      const env = { RATE_LIMIT_WINDOW_SECONDS: DAY, RATE_LIMIT_API_KEY_POINTS: '6' };
      a = await startGateway({ env });
      b = await startGateway({ env });
    });
    afterAll(async () => {
      await a.close();
      await b.close();
    });

    it('share one limit: alternating requests, exactly the limit succeeds in total', async () => {
      const { apiKey } = await a.newOwner('rl-two');
      const apis = [client(a.baseUrl, apiKey), client(b.baseUrl, apiKey)];
      const statuses = await statusesOf(
        Array.from({ length: 12 }, (_, i) => () => apis[i % 2]!.get('/api/v1/connections')),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(6);
      expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(statuses.slice(6).every((s) => s === 429)).toBe(true);
    });

    it('share one limit under concurrent requests', async () => {
      const { apiKey } = await a.newOwner('rl-two-concurrent');
      const apis = [client(a.baseUrl, apiKey), client(b.baseUrl, apiKey)];
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => apis[i % 2]!.get('/api/v1/connectors')),
      );
      expect(results.filter((res) => res.status === 200)).toHaveLength(6);
      expect(results.filter((res) => res.status === 429)).toHaveLength(14);
    });
  });

  describe('chunked leases', () => {
    let a: TestGateway;
    let b: TestGateway;
    beforeAll(async () => {
      const env = { RATE_LIMIT_WINDOW_SECONDS: DAY, RATE_LIMIT_API_KEY_POINTS: '200' };
      a = await startGateway({ env });
      b = await startGateway({ env });
    });
    afterAll(async () => {
      await a.close();
      await b.close();
    });

    async function pointsUsed(bucketKey: string): Promise<number | undefined> {
      const rows: { points_used: number }[] = await a.dataSource.query(
        'SELECT points_used FROM rate_limit_windows WHERE bucket_key = $1',
        [bucketKey],
      );
      return rows[0]?.points_used;
    }

    it('lease points in chunks of limit/50 from the shared row: 3 requests, one lease of 4 points', async () => {
      const { apiKey } = await a.newOwner('rl-chunk');
      const api = client(a.baseUrl, apiKey);
      for (let i = 0; i < 3; i += 1) expect((await api.get('/api/v1/connections')).status).toBe(200);
      const keyId = (await a.services.owners.authenticate(apiKey))!.keyId;
      expect(await pointsUsed(`key:${keyId}`)).toBe(4);
      await api.get('/api/v1/connections');
      await api.get('/api/v1/connections');
      expect(await pointsUsed(`key:${keyId}`)).toBe(8);
    });

    it('lease a costly GraphQL operation twice over, so the next one like it is served from memory', async () => {
      const { apiKey } = await a.newOwner('rl-chunk-gql');
      const keyId = (await a.services.owners.authenticate(apiKey))!.keyId;
      const costly =
        '{ connections(first: 100) { nodes { id status connectorSlug createdAt } pageInfo { hasNextPage } } }';
      const first = await gqlRaw(a.baseUrl, apiKey, { query: costly });
      expect(first.status).toBe(200);
      expect(await pointsUsed(`key:${keyId}`)).toBe(40);
      const second = await gqlRaw(a.baseUrl, apiKey, { query: costly });
      expect(second.status).toBe(200);
      expect(rateLimitOf(second).r).toBe(160);
      expect(await pointsUsed(`key:${keyId}`)).toBe(40);
    });

    it('never serve more than the limit across instances, and serve all of it when both keep asking', async () => {
      const { apiKey } = await a.newOwner('rl-chunk-two');
      const apis = [client(a.baseUrl, apiKey), client(b.baseUrl, apiKey)];
      const statuses = await statusesOf(
        Array.from({ length: 230 }, (_, i) => () => apis[i % 3 === 0 ? 1 : 0]!.get('/api/v1/connections')),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(200);
      const keyId = (await a.services.owners.authenticate(apiKey))!.keyId;
      expect(await pointsUsed(`key:${keyId}`)).toBe(200);
    });
  });

  describe('lease durability', () => {
    it("commits a lease without waiting for the disk, for the lease's own transaction only", async () => {
      // The repository's statement, run inside an explicit transaction so its settings can be read
      // before they end: synchronous_commit is off there (the commit does not wait for the WAL
      // flush) and back to the server's value once the transaction is over.
      const db = new Client({ connectionString: testDatabaseUrl() });
      await db.connect();
      try {
        const setting = async () =>
          ((await db.query('SHOW synchronous_commit')).rows[0] as { synchronous_commit: string })
            .synchronous_commit;
        const before = await setting();
        expect(before).not.toBe('off');
        const during: string[] = [];
        const inTransaction = {
          rows: async (_name: string, text: string, values: unknown[]) => {
            await db.query('BEGIN');
            try {
              const result = await db.query(text, values);
              during.push(await setting());
              return result.rows;
            } finally {
              await db.query('ROLLBACK');
            }
          },
        } as unknown as HotQueries;
        const repository = new RateLimitRepository(inTransaction);
        const window = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-01-02T00:00:00Z') };
        const bucket = `key:durability-${randomUUID()}`;
        expect(await repository.lease(bucket, window, 4, 200)).toEqual({ granted: 4, used: 4 });
        // The first lease of a window also prunes old rows: the same rule holds for that statement.
        expect(await repository.lease(bucket, window, 4, 200, new Date(0))).toEqual({ granted: 4, used: 4 });
        expect(during).toEqual(['off', 'off']);
        expect(await setting()).toBe(before);
      } finally {
        await db.end();
      }
    });
  });

  describe('windows', () => {
    it('resets when the window ends (Retry-After is when)', async () => {
      const gw = await startGateway({
        env: { RATE_LIMIT_WINDOW_SECONDS: '2', RATE_LIMIT_API_KEY_POINTS: '2' },
      });
      try {
        const { apiKey } = await gw.newOwner('rl-reset');
        const api = client(gw.baseUrl, apiKey);
        let refused: HttpResponse | undefined;
        for (let i = 0; i < 10 && !refused; i += 1) {
          const res = await api.get('/api/v1/connections');
          if (res.status === 429) refused = res;
        }
        expect(refused).toBeDefined();
        const retryAfter = Number(refused!.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(2);
        await sleep(retryAfter * 1000 + 100);
        expect((await api.get('/api/v1/connections')).status).toBe(200);
      } finally {
        await gw.close();
      }
    });

    it('deletes windows that ended before the previous one, by their own end (once per window, not per request)', async () => {
      const gw = await startGateway({
        env: { RATE_LIMIT_WINDOW_SECONDS: '60', RATE_LIMIT_API_KEY_POINTS: '10' },
      });
      try {
        await gw.dataSource.query(
          `INSERT INTO rate_limit_windows (bucket_key, window_start, window_end, points_used, last_grant)
           VALUES ('key:stale-test', now() - interval '1 day', now() - interval '1 day' + interval '1 minute', 3, 3)`,
        );
        await gw.dataSource.query(
          `INSERT INTO rate_limit_windows (bucket_key, window_start, window_end, points_used, last_grant)
           VALUES ('key:long-window-test', now() - interval '1 day', now() + interval '1 hour', 3, 3)`,
        );
        const { apiKey } = await gw.newOwner('rl-prune');
        expect((await client(gw.baseUrl, apiKey).get('/api/v1/connections')).status).toBe(200);
        let left = 1;
        for (let i = 0; i < 50 && left > 0; i += 1) {
          const rows: { n: string }[] = await gw.dataSource.query(
            `SELECT count(*) AS n FROM rate_limit_windows WHERE bucket_key = 'key:stale-test'`,
          );
          left = Number(rows[0]!.n);
          if (left > 0) await sleep(20);
        }
        expect(left).toBe(0);
        // A longer window (another instance's setting) that has not ended stays.
        const kept: { n: string }[] = await gw.dataSource.query(
          `SELECT count(*) AS n FROM rate_limit_windows WHERE bucket_key = 'key:long-window-test'`,
        );
        expect(Number(kept[0]!.n)).toBe(1);
      } finally {
        await gw.close();
      }
    });

    it('0 turns a limit off: no headers, no refusals', async () => {
      const gw = await startGateway({ env: { RATE_LIMIT_API_KEY_POINTS: '0' } });
      try {
        const { apiKey } = await gw.newOwner('rl-off');
        const res = await client(gw.baseUrl, apiKey).get('/api/v1/connections');
        expect(res.status).toBe(200);
        expect(res.headers.get('ratelimit')).toBeNull();
        expect(res.headers.get('ratelimit-policy')).toBeNull();
      } finally {
        await gw.close();
      }
    });
  });
});
