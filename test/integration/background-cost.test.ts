/**
 * Background cost (README "Performance"; docs/architecture.md#composition-and-background-jobs):
 * each background job's claim or batch statement reads about one batch of rows, however big the
 * tables behind it are.
 *
 * - A database of this file's own (created on the run's server, dropped afterwards): these jobs'
 *   statements span every owner (audit retention deletes everyone's old events; the webhook
 *   worker, the refresh and the health passes claim across owners), so on the run's shared
 *   database they would act on other files' rows, and other files' passes on ours.
 * - Seeded there: 10,000 owners × 20 connections (200,000 rows; 14 OAuth connectors whose tokens
 *   expire across the next day, 4 API-key connectors, and 2 with `verify`, 10% of the rows, which
 *   are the ones the health pass checks, falling due across one interval); 100 webhook endpoints
 *   (one per 100 owners) with 190,000 delivered and ~1,400 pending deliveries: an event just
 *   enqueued for every fifth connection, and one endpoint whose receiver has been down for six
 *   hours (each connection's oldest event backed off, 49 more waiting behind it); 250,000 audit
 *   events, 200,000 of them past AUDIT_RETENTION_DAYS. All ANALYZEd.
 * - Each job is run for real through the gateway's services (the refresh pass, one health pass,
 *   one webhook poll, one retention pass), the SQL it sends is caught on pg's
 *   `Client.prototype.query` (the gateway runs in this process), and the claim or batch statement
 *   is re-run here under `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` with the very same values, in a
 *   transaction rolled back: no Seq Scan of the big table, the job's index used, no Sort of more
 *   than a batch, and at most batch + a stated slack rows read by any scan of the big table.
 *
 * PostgreSQL only: the embedded engine is one in-process backend (no second database to create,
 * and its planner's choices are not the production server's). Plans and statements are attached
 * to the failure messages; a passing run prints nothing.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ConnectionSecrets, type ConnectionSecret } from '../../src/connections/connection-secrets';
import { resolveCipher } from '../../src/shared/crypto/keyring';
import { WebhookDeliveryRepository } from '../../src/webhooks/webhook-delivery.repository';
import { WebhookSecrets } from '../../src/webhooks/webhook-secret';
import { testDatabaseUrl } from '../support/env';
import {
  blocksOf,
  explainAnalyze,
  flattenPlan,
  statementReader,
  summarizePlan,
  type Explained,
  type PlanNode,
  type Statement,
} from '../support/explain';
import { startGateway, type TestGateway } from '../support/gateway';
import { backgroundConnectors } from '../support/background-connectors';

const onPostgres = process.env.TEST_DATABASE_KIND === 'postgres';
const SKIP_REASON = onPostgres
  ? ''
  : ' [skipped: needs PostgreSQL (a database of its own, the server planner); the embedded engine is one in-process backend]';

const OWNERS = 10_000;
const PER_OWNER = 20;
/** Connector k of an owner: OAuth below OAUTH_CONNECTORS, then API-key ones, the last VERIFIED with `verify`. */
const OAUTH_CONNECTORS = 14;
const VERIFIED = 2;
const OWNERS_PER_BATCH = 2_500;
/** The defaults: TOKEN_REFRESH_AHEAD_SECONDS, HEALTH_CHECK_INTERVAL_SECONDS, AUDIT_RETENTION_DAYS. */
const REFRESH_AHEAD_SECONDS = 300;
const HEALTH_INTERVAL_SECONDS = 21_600;
const RETENTION_DAYS = 365;
/** TokenService.refreshDue's batch; ConnectionHealth claims one at a time; the worker's CONCURRENCY; AuditRetention's BATCH. */
const REFRESH_BATCH = 100;
const HEALTH_CONCURRENCY = 4;
const WEBHOOK_CONCURRENCY = 16;
const AUDIT_BATCH = 1_000;
const ENDPOINT_EVERY = 100;
const DELIVERED_PER_SEQUENCE = 95;
/** The receiver that is down: its backlog per connection, enqueued over the last hours. */
const DOWN_BACKLOG_PER_SEQUENCE = 50;
const OLD_EVENTS = 200_000;
const YOUNG_EVENTS = 50_000;

const slugOf = (k: number) => (k < OAUTH_CONNECTORS ? `bgc-oauth-${k}` : `bgc-key-${k}`);
const verified = (k: number) => k >= PER_OWNER - VERIFIED;
const envSlug = (slug: string) => slug.toUpperCase().replace(/[^A-Z0-9]/g, '_');

/** What a statement's plan is held to. */
interface Bound {
  /** The big table the statement claims or deletes from. */
  table: string;
  /** The index its rows must be found through. */
  index: string;
  /** The batch (LIMIT) of the statement as sent. */
  batch: number;
  /** Rows a scan may read beyond the batch, and why (stated in the failure message too). */
  slack: number;
  slackWhy: string;
}

const loopsOf = (node: PlanNode) => node['Actual Loops'] ?? 1;
/** Rows a node produced over all its loops (EXPLAIN shows per-loop averages). */
const rowsOut = (node: PlanNode) => (node['Actual Rows'] ?? 0) * loopsOf(node);
/** Every row a scan visited, over all its loops: those it returned, and those a filter threw away. */
const rowsRead = (node: PlanNode) =>
  rowsOut(node) +
  ((node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * loopsOf(node);
const isScan = (node: PlanNode) => /Scan$/.test(node['Node Type']) && node['Relation Name'] !== undefined;

/** A long array value (a catalog's slugs, the harness's owners) as its first items and its length. */
const shortened = (value: unknown) =>
  Array.isArray(value) && value.length > 5 ? [...value.slice(0, 3), `… ${value.length} items`] : value;

/** Holds a plan to the batch rules; a failure carries the plan summary and the statement. */
function expectBatchPlan(explained: Explained, statement: Statement, bound: Bound): void {
  const nodes = flattenPlan(explained.plan);
  const max = bound.batch + bound.slack;
  const context =
    `\nbound: ${bound.batch} (batch) + ${bound.slack} (${bound.slackWhy})` +
    `\nplan: ${summarizePlan(explained)}\nstatement: ${statement.text.replace(/\s+/g, ' ')}` +
    `\nvalues: ${JSON.stringify(statement.values.map(shortened))}`;
  const fail = (what: string) => {
    throw new Error(`${what}${context}`);
  };
  const scans = nodes.filter((n) => isScan(n) && n['Relation Name'] === bound.table);
  if (scans.length === 0) fail(`no scan of ${bound.table}`);
  for (const scan of scans) {
    if (!/^(Index Scan|Index Only Scan|Bitmap Heap Scan)$/.test(scan['Node Type'])) {
      fail(`${bound.table} is read by a ${scan['Node Type']}, not through an index`);
    }
  }
  if (!nodes.some((n) => n['Index Name'] === bound.index)) fail(`${bound.index} is not used`);
  // A Sort is fine only over a bounded input: what reaches it is at most the batch and slack.
  for (const sort of nodes.filter((n) => /Sort/.test(n['Node Type']))) {
    const input = (sort.Plans ?? []).reduce((sum, child) => sum + rowsOut(child), 0);
    if (input > max) fail(`a ${sort['Node Type']} sorts ${input} rows, more than ${max}`);
  }
  for (const scan of scans) {
    const read = rowsRead(scan);
    if (read > max) {
      fail(
        `a scan of ${bound.table}${scan['Index Name'] ? ` using ${scan['Index Name']}` : ''} read ${read} rows, more than ${max}`,
      );
    }
    // Pages touched (index and heap) stay those of a batch, not of the table; each loop of a
    // scan (one probe per connector, per candidate row) descends the index again.
    const pages = 10 * max + 4 * loopsOf(scan);
    if (blocksOf(scan) > pages)
      fail(`a scan of ${bound.table} touched ${blocksOf(scan)} buffers, more than ${pages}`);
  }
}

/** A loopback provider for every connector: a token endpoint, a `verify` call, a webhook receiver. */
async function startStandIn() {
  const counts = { token: 0, verify: 0, hooks: 0 };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/token') {
        counts.token++;
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(
          JSON.stringify({
            access_token: `at_${randomBytes(12).toString('hex')}`,
            token_type: 'Bearer',
            expires_in: 3600,
            refresh_token: `rt_${randomBytes(12).toString('hex')}`,
          }),
        );
      } else if (req.method === 'GET' && req.url === '/me') {
        counts.verify++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ user: { email: 'bg@example.test' } }));
      } else if (req.method === 'POST' && req.url?.startsWith('/hooks/')) {
        counts.hooks++;
        res.writeHead(204).end();
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function connectorDefinitions(url: string): object[] {
  return backgroundConnectors({
    url,
    count: PER_OWNER,
    oauth: OAUTH_CONNECTORS,
    slugOf,
    verified: verified,
    name: 'Background',
    description: 'A connector of the background cost test.',
  });
}

(onPostgres ? describe : describe.skip)(
  `background cost: each job's claim or batch reads about one batch, on 200,000 connections${SKIP_REASON}`,
  () => {
    const name = `gw_bg_cost_${process.pid}_${Date.now()}`;
    let url: string;
    let tmp: string;
    let standIn: Awaited<ReturnType<typeof startStandIn>>;
    let gw: TestGateway;
    /** Our own connection for seeding and EXPLAIN: never the gateway's pool. */
    let db: Client;
    let querySpy: jest.SpyInstance;
    /** The endpoint whose receiver is down (its deliveries back off). */
    let downEndpoint: string;

    async function admin(sql: string): Promise<void> {
      const client = new Client({ connectionString: testDatabaseUrl() });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    }

    const toStatement = statementReader();

    /** Runs `action` and returns the statements matching `pattern` the gateway sent meanwhile. */
    async function capture<T>(
      action: () => Promise<T>,
      pattern: RegExp,
    ): Promise<{ result: T; statements: Statement[] }> {
      querySpy.mockClear();
      const result = await action();
      const statements = querySpy.mock.calls
        .map((args: unknown[]) => toStatement(args))
        .filter((s) => pattern.test(s.text));
      querySpy.mockClear();
      return { result, statements };
    }

    /** The statement under EXPLAIN ANALYZE, in a transaction rolled back (an UPDATE or DELETE runs). */
    async function explain(statement: Statement, values = statement.values): Promise<Explained> {
      await db.query('BEGIN');
      try {
        return await explainAnalyze(db, statement.text, values);
      } finally {
        await db.query('ROLLBACK');
      }
    }

    /** The one statement shape a job sent (the first of its kind), or a failure listing what it sent. */
    function firstOf(statements: Statement[], what: string): Statement {
      if (statements.length === 0) throw new Error(`the gateway sent no ${what}`);
      return statements[0]!;
    }

    async function seedConnections(secrets: ConnectionSecrets): Promise<void> {
      await db.query(
        `INSERT INTO owners (name) SELECT 'bgc-' || lpad(g::text, 5, '0') FROM generate_series(0, $1::int - 1) AS g`,
        [OWNERS],
      );
      const slugs = Array.from({ length: PER_OWNER }, (_, k) => slugOf(k));
      // Row r = owner n's connector k (r = n * 20 + k); r * 7919 (a prime) spreads each kind of
      // row over its range instead of in owner order. OAuth tokens expire across the next day;
      // the verified connections fell due across one interval: a sixth overdue, the rest ahead.
      for (let lo = 0; lo < OWNERS; lo += OWNERS_PER_BATCH) {
        await db.query(
          `INSERT INTO connections (owner_id, connector_slug, auth_type, label, status, secret, created_at,
                                    updated_at, connected_at, token_expires_at, check_lease_until, last_checked_at)
           SELECT o.id, ($1::text[])[k + 1], CASE WHEN k < $2::int THEN 'oauth' ELSE 'api_key' END, NULL, 'connected',
                  'sealed later, if the passes reach it', now() - interval '30 days', now(), now() - interval '30 days',
                  CASE WHEN k < $2 THEN now() + ((n * $3 + k) * 7919 % 86400) * interval '1 second' END,
                  CASE WHEN k >= $3 - $4::int THEN now() + ((n * $3 + k) * 7919 % $5::int - $5 / 6) * interval '1 second' END,
                  CASE WHEN k >= $3 - $4::int THEN now() + ((n * $3 + k) * 7919 % $5::int - $5 / 6 - $5) * interval '1 second' END
             FROM (SELECT id, substr(name, 5)::int AS n FROM owners WHERE name LIKE 'bgc-%') AS o,
                  generate_series(0, $3::int - 1) AS k
            WHERE o.n >= $6::int AND o.n < $7::int`,
          [slugs, OAUTH_CONNECTORS, PER_OWNER, VERIFIED, HEALTH_INTERVAL_SECONDS, lo, lo + OWNERS_PER_BATCH],
        );
      }
      // Real sealed secrets for the rows the passes will reach (tokens expiring within the window
      // and a margin, verified connections due or nearly): the rest are never opened.
      const reached = await db.query<{ id: string; auth_type: string }>(
        `SELECT id, auth_type FROM connections
          WHERE token_expires_at < now() + interval '30 minutes' OR check_lease_until < now() + interval '30 minutes'`,
      );
      const sealed = reached.rows.map((row) => {
        const secret: ConnectionSecret =
          row.auth_type === 'oauth'
            ? { kind: 'oauth', accessToken: 'at_seed', tokenType: 'Bearer', refreshToken: 'rt_seed' }
            : { kind: 'api_key', credentials: { apiKey: 'key_seed' } };
        return secrets.seal(row.id, secret);
      });
      await db.query(
        `UPDATE connections c SET secret = u.secret FROM unnest($1::uuid[], $2::text[]) AS u(id, secret) WHERE c.id = u.id`,
        [reached.rows.map((r) => r.id), sealed],
      );
    }

    async function seedWebhooks(webhookSecrets: WebhookSecrets): Promise<void> {
      const owners = await db.query<{ id: string; n: number }>(
        `SELECT id, substr(name, 5)::int AS n FROM owners WHERE name LIKE 'bgc-%' AND substr(name, 5)::int % $1 = 0 ORDER BY n`,
        [ENDPOINT_EVERY],
      );
      const endpoints = owners.rows.map((o) => {
        const id = randomUUID();
        const secret = `whsec_${randomBytes(24).toString('base64')}`;
        return {
          id,
          ownerId: o.id,
          url: `${standIn.url}/hooks/${o.n}`,
          sealed: webhookSecrets.seal(id, secret),
        };
      });
      await db.query(
        `INSERT INTO webhook_endpoints (id, owner_id, url, secret)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[])`,
        [
          endpoints.map((e) => e.id),
          endpoints.map((e) => e.ownerId),
          endpoints.map((e) => e.url),
          endpoints.map((e) => e.sealed),
        ],
      );
      for (const e of endpoints) gw.webhookOwners.add(e.ownerId);
      downEndpoint = endpoints[0]!.id;
      // A sequence: one endpoint and one of its owner's connections (the unit of in-order delivery).
      await db.query(
        `CREATE TEMP TABLE sequences AS
         SELECT e.id AS endpoint_id, e.owner_id, c.id AS connection_id,
                row_number() OVER (ORDER BY e.id, c.id)::int AS s, e.id = $1::uuid AS down
           FROM webhook_endpoints e JOIN connections c ON c.owner_id = e.owner_id`,
        [endpoints[0]!.id],
      );
      // History: delivered over the last two days.
      await db.query(
        `INSERT INTO webhook_deliveries (event_id, endpoint_id, owner_id, connection_id, event_type, payload,
                                         created_at, next_attempt_at, delivered_at, attempts, last_status)
         SELECT gen_random_uuid(), endpoint_id, owner_id, connection_id, 'connection.connected', '{}'::jsonb, t, t, t, 1, 204
           FROM sequences, generate_series(1, $1::int) AS i,
                LATERAL (SELECT now() - interval '2 days' + (i * 2000 + s) * interval '800 ms' AS t) AS at`,
        [DELIVERED_PER_SEQUENCE],
      );
      // The receiver that is down since six hours ago: each connection's oldest pending event failed
      // its 9th attempt just now and is backed off to a retry half an hour ahead (by the worker's
      // own markRetry, below), and the events after it wait their turn.
      await db.query(
        `INSERT INTO webhook_deliveries (event_id, endpoint_id, owner_id, connection_id, event_type, payload,
                                         created_at, next_attempt_at, attempts, last_status, last_error)
         SELECT gen_random_uuid(), endpoint_id, owner_id, connection_id, 'connection.token_refreshed', '{}'::jsonb,
                now() - interval '6 hours' + (i * 400 + s % 400) * interval '1 second',
                now() - interval '6 hours' + (i * 400 + s % 400) * interval '1 second',
                CASE WHEN i = 0 THEN 8 ELSE 0 END, CASE WHEN i = 0 THEN 503 END, CASE WHEN i = 0 THEN 'HTTP 503' END
           FROM sequences, generate_series(0, $1::int - 1) AS i
          WHERE down ORDER BY i, s`,
        [DOWN_BACKLOG_PER_SEQUENCE],
      );
      const heads = await db.query<{ id: string }>(
        `SELECT min(id)::text AS id FROM webhook_deliveries
          WHERE endpoint_id = $1 AND delivered_at IS NULL AND failed_at IS NULL
          GROUP BY connection_id`,
        [downEndpoint],
      );
      const outbox = new WebhookDeliveryRepository(gw.dataSource);
      for (const head of heads.rows) await outbox.markRetry(head.id, 503, 'HTTP 503', 30 * 60 * 1000);
      // Working receivers: one event just enqueued for every fifth connection.
      await db.query(
        `INSERT INTO webhook_deliveries (event_id, endpoint_id, owner_id, connection_id, event_type, payload,
                                         created_at, next_attempt_at)
         SELECT gen_random_uuid(), endpoint_id, owner_id, connection_id, 'connection.connected', '{}'::jsonb,
                now() - s * interval '10 ms', now() - s * interval '10 ms'
           FROM sequences WHERE NOT down AND s % 5 = 0`,
      );
    }

    async function seedAuditEvents(): Promise<void> {
      // The young events first: once retention has run for a while, new rows fill the space old
      // ones left at the start of the table, so the oldest rows are not the first ones on disk.
      await db.query(
        `INSERT INTO connection_events (event_id, connection_id, owner_id, type, actor_type, status, created_at)
         SELECT gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'connection.created', 'api_key', 'success',
                now() - (g % ($2 - 1)) * interval '1 day' - interval '1 hour'
           FROM generate_series(1, $1::int) AS g`,
        [YOUNG_EVENTS, RETENTION_DAYS],
      );
      for (let lo = 1; lo <= OLD_EVENTS; lo += 100_000) {
        await db.query(
          `INSERT INTO connection_events (event_id, connection_id, owner_id, type, actor_type, status, created_at)
           SELECT gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'connection.created', 'api_key', 'success',
                  now() - ($3 + 1 + g % 300) * interval '1 day'
             FROM generate_series($1::int, $2::int) AS g`,
          [lo, Math.min(lo + 100_000 - 1, OLD_EVENTS), RETENTION_DAYS],
        );
      }
    }

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-bg-cost-'));
      standIn = await startStandIn();
      await admin(`CREATE DATABASE "${name}"`);
      const parsed = new URL(testDatabaseUrl());
      parsed.pathname = `/${name}`;
      url = parsed.toString();
      const file = path.join(tmp, 'connectors.json');
      fs.writeFileSync(file, JSON.stringify(connectorDefinitions(standIn.url)));
      const clients: Record<string, string> = {};
      for (let k = 0; k < OAUTH_CONNECTORS; k++) {
        clients[`CONNECTOR_${envSlug(slugOf(k))}_CLIENT_ID`] = 'bg-client';
        clients[`CONNECTOR_${envSlug(slugOf(k))}_CLIENT_SECRET`] = 'bg-client-secret';
      }
      querySpy = jest.spyOn(
        Client.prototype as unknown as { query: (...args: unknown[]) => unknown },
        'query',
      );
      gw = await startGateway({
        env: {
          DATABASE_URL: url,
          CONNECTORS_FILE: file,
          ...clients,
          TOKEN_REFRESH_AHEAD_SECONDS: String(REFRESH_AHEAD_SECONDS),
          HEALTH_CHECK_INTERVAL_SECONDS: String(HEALTH_INTERVAL_SECONDS),
          HEALTH_CHECK_CONCURRENCY: String(HEALTH_CONCURRENCY),
          AUDIT_RETENTION_DAYS: String(RETENTION_DAYS),
        },
      });
      db = new Client({ connectionString: url });
      await db.connect();
      const { cipher } = resolveCipher(gw.config);
      await seedConnections(new ConnectionSecrets(cipher));
      await seedWebhooks(new WebhookSecrets(cipher));
      await seedAuditEvents();
      await db.query('ANALYZE');
    }, 180_000);

    afterAll(async () => {
      querySpy?.mockRestore();
      await db?.end();
      await gw?.close();
      await standIn?.close();
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    }, 60_000);

    it('seeded 200,000 connections, ~1,400 pending deliveries among 190,000, and 200,000 events past retention', async () => {
      const res = await db.query<{
        connections: number;
        refresh_due: number;
        health_due: number;
        deliveries: number;
        pending: number;
        old_events: number;
      }>(
        `SELECT (SELECT count(*)::int FROM connections) AS connections,
                (SELECT count(*)::int FROM connections WHERE token_expires_at < now() + $1 * interval '1 second') AS refresh_due,
                (SELECT count(*)::int FROM connections WHERE check_lease_until < now()) AS health_due,
                (SELECT count(*)::int FROM webhook_deliveries) AS deliveries,
                (SELECT count(*)::int FROM webhook_deliveries WHERE delivered_at IS NULL) AS pending,
                (SELECT count(*)::int FROM connection_events WHERE created_at < now() - $2 * interval '1 day') AS old_events`,
        [REFRESH_AHEAD_SECONDS, RETENTION_DAYS],
      );
      const seeded = res.rows[0]!;
      expect(seeded.connections).toBe(OWNERS * PER_OWNER);
      // A day's expiries, 300 s of them due: about 140,000 × 300 / 86,400.
      expect(seeded.refresh_due).toBeGreaterThan(2 * REFRESH_BATCH);
      expect(seeded.health_due).toBeGreaterThan(1_000);
      expect(seeded.deliveries).toBeGreaterThan(190_000);
      expect(seeded.pending).toBeGreaterThan(DOWN_BACKLOG_PER_SEQUENCE * PER_OWNER);
      expect(seeded.old_events).toBe(OLD_EVENTS);
    });

    it('the token refresh pass finds its batch of soon-expiring tokens through an index', async () => {
      const { result, statements } = await capture(
        () => gw.services.tokens.refreshDue(),
        /\btoken_expires_at\b[\s\S]*\border\s+by\b/i,
      );
      expect(result).toMatchObject({ refreshed: REFRESH_BATCH, failed: 0 });
      const find = firstOf(statements, 'due-token query');
      expectBatchPlan(await explain(find), find, {
        table: 'connections',
        index: 'connections_refresh_due_idx',
        batch: REFRESH_BATCH,
        slack: REFRESH_BATCH,
        slackWhy: 'due rows skipped while another instance holds their refresh lease',
      });
    });

    it('the health pass claims a due connection through connections_health_due_idx', async () => {
      const { result, statements } = await capture(
        () => gw.services.connectionHealth.runPass({ max: 2 * HEALTH_CONCURRENCY }),
        /^\s*UPDATE connections SET check_lease_until = now\(\)[\s\S]*FOR UPDATE SKIP LOCKED/i,
      );
      expect(result).toEqual({ accepted: 2 * HEALTH_CONCURRENCY, rejected: 0, deferred: 0 });
      const claim = firstOf(statements, 'health check claim');
      const limit = Number(claim.values[3]);
      expect(limit).toBe(1);
      expectBatchPlan(await explain(claim), claim, {
        table: 'connections',
        index: 'connections_health_due_idx',
        batch: limit,
        slack: VERIFIED * limit + HEALTH_CONCURRENCY,
        slackWhy:
          'the first due rows of each other checked connector that has any (2 here), and rows other workers of the pass have locked',
      });
    });

    it('the webhook worker claims due deliveries, in order per connection, through webhook_deliveries_due_idx', async () => {
      const hooksBefore = standIn.counts.hooks;
      const pendingOf = async () =>
        (
          await db.query<{ working: number; down: number }>(
            `SELECT count(*) FILTER (WHERE endpoint_id <> $1)::int AS working,
                    count(*) FILTER (WHERE endpoint_id = $1)::int AS down
               FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL`,
            [downEndpoint],
          )
        ).rows[0]!;
      const before = await pendingOf();
      expect(before.working).toBeGreaterThan(300);
      expect(before.down).toBe(DOWN_BACKLOG_PER_SEQUENCE * PER_OWNER);
      const { statements } = await capture(
        () => gw.services.webhookWorker.pollOnce(),
        /^\s*UPDATE webhook_deliveries d\s+SET lease_until/i,
      );
      // Every working receiver got its events; the one that is down got nothing (its retries are ahead).
      expect(await pendingOf()).toEqual({ working: 0, down: before.down });
      expect(standIn.counts.hooks - hooksBefore).toBe(before.working);
      const claim = firstOf(statements, 'webhook delivery claim');
      const limit = Number(claim.values[0]);
      expect(limit).toBe(WEBHOOK_CONCURRENCY);
      const bound = {
        table: 'webhook_deliveries',
        index: 'webhook_deliveries_due_idx',
        batch: limit,
        slack: WEBHOOK_CONCURRENCY,
        slackWhy: 'rows in flight at another instance (leased, or locked by its claim)',
      };
      // As sent here (scoped to this gateway's owners, a seam of the test harness: every endpoint's
      // owner is in it) and as production sends it (no scope). The receiver that is down holds a
      // queue of 49 behind each of its 20 backed-off deliveries: markRetry moved their next attempt
      // with their head's, so the claim does not step over them (it read 980 rows before).
      expectBatchPlan(await explain(claim), claim, bound);
      const unscoped = [claim.values[0], claim.values[1], null];
      expectBatchPlan(await explain(claim, unscoped), { ...claim, values: unscoped }, bound);
    });

    it('audit retention deletes a batch of old events through connection_events_created_at_idx', async () => {
      const { result, statements } = await capture(
        () => gw.services.auditRetention.pruneOnce(),
        /^\s*DELETE FROM connection_events/i,
      );
      // One pass: at most 100 batches of 1,000.
      expect(result).toBe(100 * AUDIT_BATCH);
      const batch = firstOf(statements, 'audit retention delete');
      expect(Number(batch.values[1])).toBe(AUDIT_BATCH);
      expectBatchPlan(await explain(batch), batch, {
        table: 'connection_events',
        index: 'connection_events_created_at_idx',
        batch: AUDIT_BATCH,
        slack: 0,
        slackWhy: 'every row the index range holds qualifies',
      });
    });
  },
);
