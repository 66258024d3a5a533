/**
 * `npm run bench:background` (README "Background work at a million connections"): each background
 * job of the gateway run for real on a database holding a million connections, timed, with the
 * plan of the statement that finds its work. A script, not a test: nothing here is asserted in
 * CI (test/integration/background-cost.test.ts holds the plans to their bounds on 200,000 rows).
 *
 * Settings (environment): BENCH_DATABASE_URL (a PostgreSQL it may create databases on; default
 * postgres://postgres@127.0.0.1:5432/test; the database `bench_background` is created, and
 * dropped at the end unless BENCH_BG_KEEP=1), BENCH_BG_CONNECTIONS (1000000; 10 per owner, so a
 * tenth as many owners), BENCH_BG_AUDIT_EVENTS (1000000 past retention), BENCH_BG_YOUNG_EVENTS
 * (100000 within it), BENCH_BG_WEBHOOK_EVENTS (20000 per webhook run). The gateway's own settings
 * are its defaults (TOKEN_REFRESH_AHEAD_SECONDS 300, TOKEN_REFRESH_INTERVAL_SECONDS 60,
 * HEALTH_CHECK_INTERVAL_SECONDS 21600, HEALTH_CHECK_CONCURRENCY 4, WEBHOOK_POLL_INTERVAL_MS 1000,
 * AUDIT_RETENTION_DAYS 365, DATABASE_POOL_SIZE 10); any of them set in the environment is passed on.
 *
 * Seeded (one INSERT … SELECT generate_series per table, then ANALYZE): owners; per owner 10
 * connections: 8 OAuth (tokens expiring evenly across the next day), 1 API-key without `verify`,
 * 1 API-key with `verify` (10%, the ones the health pass checks, falling due across one interval:
 * a sixth overdue); a webhook endpoint for every 100th owner (its 10 connections' events go
 * there); audit events past retention and young ones. Real sealed secrets only for the rows the
 * passes reach. A loopback stand-in serves the token endpoint, the `verify` call and the webhook
 * receiver; the gateways run in this process (createGateway, no job started on its own), so the
 * statements they send are caught on pg's Client.prototype.query and timed.
 *
 * Printed, each with wall time:
 * 1. refresh: one pass of the refresh scheduler (TokenService.refreshAllDue with the scheduler's
 *    budget, 80% of TOKEN_REFRESH_INTERVAL_SECONDS, and the handshake prune): batches, refreshed,
 *    the tokens due within TOKEN_REFRESH_AHEAD_SECONDS, the first find statement's plan
 *    (EXPLAIN (ANALYZE, BUFFERS), re-run with the same values in a transaction rolled back); last,
 *    the pass's work rate and what it makes a day per instance against what the seeded tokens need.
 * 2. health: one paced pass (pacedBudget of the scheduler's tick, then runPass), checks made per
 *    outcome, and the plan of its claim.
 * 3. webhooks: BENCH_BG_WEBHOOK_EVENTS deliveries written to the outbox (a few per (endpoint,
 *    connection), in one INSERT … SELECT as enqueue would write them one event at a time), then
 *    sent to the loopback sink (in the bench process): first by the in-process gateway's worker
 *    (its claims caught and timed), then by one, then by two gateway processes (`node
 *    scripts/start.js`, NODE_ENV=production, every other job off) on the same database.
 *    deliveries/s from the enqueue to the last delivery recorded (the processes' workers poll
 *    every WEBHOOK_POLL_INTERVAL_MS), each process's RSS (VmRSS) over its run, whether each
 *    (endpoint, connection) saw its events in order and once, and the plan of the claim (on a
 *    fresh batch queued behind the delivered ones).
 * 4. audit retention: AuditRetention.pruneOnce passes until nothing is left past retention:
 *    passes (in production one per 10 minutes), batches (each DELETE its own transaction, so its
 *    time is how long it holds its locks), the longest one, rows/s, and the plan of a batch
 *    (EXPLAINed after the first pass, with the rest still there).
 * 5. memory: this process's RSS (the in-process gateway, the stand-in, the bench) sampled every
 *    250 ms from the start; min and max, and the max per phase.
 */
import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { ConnectionSecrets, type ConnectionSecret } from '../src/connections/connection-secrets';
import { openDatabase } from '../src/db/data-source';
import { createGateway, type Gateway } from '../src/gateway';
import { resolveCipher } from '../src/shared/crypto/keyring';
import { createLogger } from '../src/shared/logger';
import { WebhookSecrets } from '../src/webhooks/webhook-secret';
import { backgroundConnectors } from '../test/support/background-connectors';

const env = process.env;
const int = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
const PER_OWNER = 10;
const OAUTH_CONNECTORS = 8;
/** Connector 8 holds an API key the gateway cannot check; connector 9's has `verify`. */
const VERIFIED = PER_OWNER - 1;
const ENDPOINT_EVERY = 100;
const settings = {
  adminUrl: env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  owners: Math.ceil(int('BENCH_BG_CONNECTIONS', 1_000_000) / PER_OWNER),
  oldEvents: int('BENCH_BG_AUDIT_EVENTS', 1_000_000),
  youngEvents: int('BENCH_BG_YOUNG_EVENTS', 100_000),
  webhookEvents: int('BENCH_BG_WEBHOOK_EVENTS', 20_000),
  keep: env.BENCH_BG_KEEP === '1',
};
const DATABASE = 'bench_background';

const log = (line = '') => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const count = (n: number) => n.toLocaleString('en-US');
const slugOf = (k: number) =>
  k < OAUTH_CONNECTORS ? `bg-oauth-${k}` : k === VERIFIED ? `bg-verify-${k}` : `bg-key-${k}`;
const envSlug = (slug: string) => slug.toUpperCase().replace(/[^A-Z0-9]/g, '_');
async function timed<T>(action: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const since = performance.now();
  const result = await action();
  return { result, ms: performance.now() - since };
}

// ---------------------------------------------------------------------------------------------
// Statements the gateways send, caught on pg's Client.prototype.query and timed.

interface Sent {
  text: string;
  values: unknown[];
  ms: number;
}

const caught: Sent[] = [];
let catching: RegExp | undefined;
{
  const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const [text, values] = args;
    const result = original.apply(this, args);
    if (catching && typeof text === 'string' && catching.test(text) && result instanceof Promise) {
      const since = performance.now();
      const entry = { text, values: Array.isArray(values) ? values : [], ms: 0 };
      void result.then(
        () => {
          entry.ms = performance.now() - since;
          caught.push(entry);
        },
        () => undefined,
      );
    }
    return result;
  };
}

async function catchSent<T>(pattern: RegExp, action: () => Promise<T>): Promise<{ result: T; sent: Sent[] }> {
  caught.length = 0;
  catching = pattern;
  try {
    const result = await action();
    await new Promise((resolve) => setImmediate(resolve));
    return { result, sent: [...caught] };
  } finally {
    catching = undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Memory: this process's RSS, sampled throughout.

const rss: { phase: string; mib: number }[] = [];
let phase = 'start';
const sampler = setInterval(() => rss.push({ phase, mib: process.memoryUsage().rss / 2 ** 20 }), 250);
sampler.unref();

// ---------------------------------------------------------------------------------------------
// The loopback stand-in: token endpoint, `verify`, webhook sink (which checks the order).

async function startStandIn() {
  const counts = { token: 0, verify: 0, hooks: 0, outOfOrder: 0, duplicates: 0 };
  /** Per `endpoint n/connection id`: the last sequence number received. */
  const last = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
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
        const { data } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          data: { connectionId: string; seq: number };
        };
        const key = `${req.url}/${data.connectionId}`;
        const before = last.get(key) ?? -1;
        if (data.seq === before) counts.duplicates++;
        else if (data.seq < before) counts.outOfOrder++;
        else last.set(key, data.seq);
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
    verified: (k) => k === VERIFIED,
    name: 'Bench',
    description: 'A connector of the background bench.',
  });
}

// ---------------------------------------------------------------------------------------------
// Gateway processes (the webhook runs): started as bench/run.ts starts them.

const ROOT = path.resolve(__dirname, '..');

function rssMiB(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

async function waitForReady(url: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const since = performance.now();
  while (performance.now() - since < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    const status = await new Promise<number>((resolve) => {
      const req = http.get(url, { agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
    });
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

// ---------------------------------------------------------------------------------------------
// The database.

function databaseUrl(name: string): string {
  const url = new URL(settings.adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: settings.adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function freshDatabase(): Promise<string> {
  await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DATABASE}`);
  const url = databaseUrl(DATABASE);
  const dataSource = await openDatabase({ url, poolSize: 2, applicationName: 'bench-migrate' });
  await dataSource.destroy();
  return url;
}

interface SeedSettings {
  refreshAheadSeconds: number;
  healthIntervalSeconds: number;
  retentionDays: number;
}

async function seed(
  db: Client,
  standInUrl: string,
  secrets: { connections: ConnectionSecrets; webhooks: WebhookSecrets },
  s: SeedSettings,
): Promise<void> {
  const step = async (what: string, sql: string, values: unknown[] = []) => {
    const { result, ms } = await timed(() => db.query(sql, values));
    log(`  ${what.padEnd(44)} ${count(result.rowCount ?? 0).padStart(10)} rows  ${seconds(ms)}`);
  };
  // Owner n's id is md5('bg' || n): connections need no join to find their owner.
  await step(
    'owners',
    `INSERT INTO owners (id, name, created_at)
     SELECT md5('bg' || n)::uuid, 'bg-' || n, now() - interval '60 days' FROM generate_series(0, $1::int - 1) AS n`,
    [settings.owners],
  );
  // Row r = n * 10 + k; r * 7919 (a prime) mod the span spreads each kind of row over its span
  // instead of in owner order. Tokens expire across the next day; the verified connections fell
  // due across one interval, a sixth of them overdue.
  await step(
    'connections',
    `INSERT INTO connections (owner_id, connector_slug, auth_type, status, secret, created_at, updated_at,
                              connected_at, token_expires_at, scopes, last_refreshed_at, check_lease_until,
                              last_checked_at)
     SELECT md5('bg' || n)::uuid, ($1::text[])[k + 1], CASE WHEN k < $2 THEN 'oauth' ELSE 'api_key' END,
            'connected', 'sealed later, if a pass reaches it', now() - interval '30 days', now() - interval '1 day',
            now() - interval '30 days',
            CASE WHEN k < $2 THEN now() + ((n::bigint * 10 + k) * 7919 % 86400) * interval '1 second' END,
            CASE WHEN k < $2 THEN ARRAY['profile'] END,
            CASE WHEN k < $2 THEN now() - interval '1 day' END,
            CASE WHEN k = $3 THEN now() + ((n::bigint * 10 + k) * 7919 % $4 - $4 / 6) * interval '1 second' END,
            CASE WHEN k = $3 THEN now() + ((n::bigint * 10 + k) * 7919 % $4 - $4 / 6 - $4) * interval '1 second' END
       FROM generate_series(0, $5::int - 1) AS n, generate_series(0, 9) AS k`,
    [
      Array.from({ length: PER_OWNER }, (_, k) => slugOf(k)),
      OAUTH_CONNECTORS,
      VERIFIED,
      s.healthIntervalSeconds,
      settings.owners,
    ],
  );
  // Real sealed secrets where a pass can reach: tokens due within the refresh window and ten
  // minutes more, and the verified connections most overdue (the health claim takes them first).
  const sealing = await timed(async () => {
    const reached = await db.query<{ id: string; auth_type: string }>(
      `SELECT id, auth_type FROM connections
        WHERE token_expires_at < now() + ($1 + 600) * interval '1 second'
           OR check_lease_until < now() - ($2 / 6 - 1200) * interval '1 second'`,
      [s.refreshAheadSeconds, s.healthIntervalSeconds],
    );
    const sealed = reached.rows.map((row) => {
      const secret: ConnectionSecret =
        row.auth_type === 'oauth'
          ? { kind: 'oauth', accessToken: 'at_seed', tokenType: 'Bearer', refreshToken: 'rt_seed' }
          : { kind: 'api_key', credentials: { apiKey: 'key_seed' } };
      return secrets.connections.seal(row.id, secret);
    });
    await db.query(
      `UPDATE connections c SET secret = u.secret FROM unnest($1::uuid[], $2::text[]) AS u(id, secret) WHERE c.id = u.id`,
      [reached.rows.map((r) => r.id), sealed],
    );
    return reached.rowCount ?? 0;
  });
  log(
    `  ${'sealed secrets for the rows passes reach'.padEnd(44)} ${count(sealing.result).padStart(10)} rows  ${seconds(sealing.ms)}`,
  );
  const endpoints = Array.from({ length: Math.ceil(settings.owners / ENDPOINT_EVERY) }, (_, i) => {
    const id = randomUUID();
    return {
      id,
      n: i * ENDPOINT_EVERY,
      sealed: secrets.webhooks.seal(id, `whsec_${randomBytes(24).toString('base64')}`),
    };
  });
  await step(
    'webhook endpoints',
    `INSERT INTO webhook_endpoints (id, owner_id, url, secret)
     SELECT e.id, md5('bg' || e.n)::uuid, $3 || '/hooks/' || e.n, e.secret
       FROM unnest($1::uuid[], $2::int[], $4::text[]) AS e(id, n, secret)`,
    [endpoints.map((e) => e.id), endpoints.map((e) => e.n), standInUrl, endpoints.map((e) => e.sealed)],
  );
  // The young events first: once retention has run for a while, new rows fill the space old ones
  // left, so the oldest rows are not the first ones on disk.
  await step(
    'audit events within retention',
    `INSERT INTO connection_events (event_id, connection_id, owner_id, type, actor_type, status, created_at)
     SELECT gen_random_uuid(), md5('c' || g)::uuid, md5('bg' || g % $3)::uuid, 'connection.created', 'api_key',
            'success', now() - (g % ($2 - 1)) * interval '1 day' - interval '1 hour'
       FROM generate_series(1, $1::int) AS g`,
    [settings.youngEvents, s.retentionDays, settings.owners],
  );
  await step(
    'audit events past retention',
    `INSERT INTO connection_events (event_id, connection_id, owner_id, type, actor_type, status, created_at)
     SELECT gen_random_uuid(), md5('c' || g)::uuid, md5('bg' || g % $3)::uuid, 'connection.created', 'api_key',
            'success', now() - ($2 + 1 + g % 300) * interval '1 day' - (g % 86400) * interval '1 second'
       FROM generate_series(1, $1::int) AS g`,
    [settings.oldEvents, s.retentionDays, settings.owners],
  );
  const analyze = await timed(() => db.query('ANALYZE'));
  log(`  ${'ANALYZE'.padEnd(44)} ${''.padStart(10)}       ${seconds(analyze.ms)}`);
}

/**
 * The statement's plan: EXPLAIN (ANALYZE, BUFFERS) with the values it was sent with, in a
 * transaction rolled back; the report's lines (a verdict, then the plan).
 */
async function planOf(db: Client, statement: Sent, bigTable: string): Promise<string[]> {
  await db.query('BEGIN');
  let lines: string[];
  try {
    const res = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`,
      statement.values,
    );
    lines = res.rows.map((row) => row['QUERY PLAN']);
  } finally {
    await db.query('ROLLBACK');
  }
  const plan = lines.join('\n');
  const indexes = [...new Set([...plan.matchAll(/using (\S+) on (\S+)/g)].map((m) => `${m[1]} (${m[2]})`))];
  const seqScans = [...plan.matchAll(/Seq Scan on (\S+)/g)].map((m) => m[1]);
  const sorts = lines
    .filter((line) => /^\s*(->\s+)?(Incremental )?Sort {2}\(/.test(line))
    .map((line) => /actual time=\S+ rows=(\d+)/.exec(line)?.[1] ?? '?');
  return [
    `  plan: indexes ${indexes.join(', ') || 'none'}; ` +
      `Seq Scan on ${bigTable}: ${seqScans.includes(bigTable) ? 'YES' : 'no'}` +
      (seqScans.length ? ` (seq scans: ${seqScans.join(', ')})` : '') +
      `; sorts: ${sorts.length ? sorts.map((rows) => `${rows} rows`).join(', ') : 'none'}`,
    ...lines.map((line) => `    ${line}`),
  ];
}

async function explain(db: Client, statement: Sent, bigTable: string): Promise<void> {
  for (const line of await planOf(db, statement, bigTable)) log(line);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const connections = settings.owners * PER_OWNER;
  log(
    `bench:background: ${count(connections)} connections (${count(settings.owners)} owners x ${PER_OWNER}), ` +
      `${count(settings.oldEvents)} audit events past retention, ${os.cpus().length} cores, node ${process.version}`,
  );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-background-'));
  const standIn = await startStandIn();
  const connectorsFile = path.join(tmp, 'connectors.json');
  fs.writeFileSync(connectorsFile, JSON.stringify(connectorDefinitions(standIn.url)));
  const clients: Record<string, string> = {};
  for (let k = 0; k < OAUTH_CONNECTORS; k++) {
    clients[`CONNECTOR_${envSlug(slugOf(k))}_CLIENT_ID`] = 'bench-client';
    clients[`CONNECTOR_${envSlug(slugOf(k))}_CLIENT_SECRET`] = 'bench-client-secret';
  }
  const passOn = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        /^(TOKEN_REFRESH_|HEALTH_CHECK_|WEBHOOK_|AUDIT_RETENTION_|DATABASE_POOL_SIZE)/.test(entry[0]) &&
        entry[1] !== undefined,
    ),
  );
  const migrate = await timed(() => freshDatabase());
  const url = migrate.result;
  log(`created and migrated ${DATABASE} in ${seconds(migrate.ms)}`);
  const shared: Record<string, string> = {
    DATABASE_URL: url,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    CONNECTORS_FILE: connectorsFile,
    WEBHOOK_ALLOW_HTTP: 'true',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    ...clients,
    ...passOn,
  };
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'warn', ...shared });
  /** A gateway process as `npm start` runs it, with only its webhook worker at work. */
  const spawned = {
    start: async (i: number) => {
      const port = int('BENCH_PORT', 4600) + 10 + i;
      const child = spawn(process.execPath, ['scripts/start.js'], {
        cwd: ROOT,
        env: {
          ...env,
          ...shared,
          NODE_ENV: 'production',
          HOST: '127.0.0.1',
          PORT: String(port),
          LOG_LEVEL: 'warn',
          TOKEN_REFRESH_INTERVAL_SECONDS: '0',
          HEALTH_CHECK_INTERVAL_SECONDS: '0',
          AUDIT_RETENTION_DAYS: '0',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      await waitForReady(`http://127.0.0.1:${port}/readyz`, child);
      return child;
    },
  };
  const db = new Client({ connectionString: url });
  await db.connect();
  const gateways: Gateway[] = [];
  try {
    const { cipher } = resolveCipher(config);
    phase = 'seed';
    log('seeding:');
    const seeding = await timed(() =>
      seed(
        db,
        standIn.url,
        { connections: new ConnectionSecrets(cipher), webhooks: new WebhookSecrets(cipher) },
        {
          refreshAheadSeconds: config.tokenRefreshAheadSeconds,
          healthIntervalSeconds: config.healthCheckIntervalSeconds,
          retentionDays: config.auditRetentionDays,
        },
      ),
    );
    log(`seeded in ${seconds(seeding.ms)}`);
    const size = await db.query<{ name: string; mib: string }>(
      `SELECT relname AS name, round(pg_total_relation_size(oid) / 1048576.0)::text AS mib FROM pg_class
        WHERE relname IN ('connections', 'connection_events', 'webhook_deliveries') ORDER BY relname`,
    );
    log(`  on disk (with indexes): ${size.rows.map((r) => `${r.name} ${r.mib} MiB`).join(', ')}`);

    const newGateway = async () => {
      const gateway = await createGateway(config, {
        logger: createLogger('warn'),
        jobs: {
          invalidations: false,
          webhookWorker: false,
          auditRetention: false,
          tokenRefresh: false,
          healthChecks: false,
        },
      });
      await gateway.start();
      gateways.push(gateway);
      return gateway;
    };
    phase = 'gateway start';
    const { result: gw, ms: startMs } = await timed(newGateway);
    log(`gateway created in ${seconds(startMs)} (in process, jobs driven by the bench)`);

    await refreshPass(db, gw, connections);
    await healthPass(db, gw);
    await webhooks(db, gw, spawned, standIn);
    await auditRetention(db, gw);

    phase = 'end';
    const all = rss.map((r) => r.mib);
    log();
    log(
      `5. memory: RSS of this process (gateways, stand-in, bench) min ${Math.min(...all).toFixed(0)} MiB, ` +
        `max ${Math.max(...all).toFixed(0)} MiB (${all.length} samples, every 250 ms)`,
    );
    const phases = [...new Set(rss.map((r) => r.phase))];
    log(
      `  max per phase: ${phases
        .map((p) => `${p} ${Math.max(...rss.filter((r) => r.phase === p).map((r) => r.mib)).toFixed(0)}`)
        .join(', ')} MiB`,
    );
  } finally {
    for (const gateway of gateways) await gateway.stop();
    await db.end();
    await standIn.close();
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!settings.keep) await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  }
}

async function refreshPass(db: Client, gw: Gateway, connections: number): Promise<void> {
  phase = 'refresh';
  const { tokenRefreshAheadSeconds: ahead, tokenRefreshIntervalSeconds: interval } = gw.config;
  const due = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM connections WHERE token_expires_at < now() + $1 * interval '1 second'`,
    [ahead],
  );
  const { result, sent } = await catchSent(/token_expires_at[\s\S]*ORDER BY/i, () =>
    timed(async () => {
      const refreshed = await gw.services.tokens.refreshAllDue({ budgetMs: interval * 1000 * 0.8 });
      await gw.services.handshakes.pruneExpired();
      return refreshed;
    }),
  );
  const find = sent[0];
  log();
  log(
    `1. refresh: one pass in ${result.ms.toFixed(0)} ms: ${result.result.batches} batches, ` +
      `${count(result.result.refreshed)} refreshed, ${result.result.failed} failed ` +
      `(${count(due.rows[0]!.n)} tokens due within ${ahead} s)`,
  );
  if (!find) throw new Error('the refresh pass sent no find statement');
  log(`  find statement: ${find.ms.toFixed(1)} ms as sent`);
  await explain(db, find, 'connections');
  const oauth = (connections / PER_OWNER) * OAUTH_CONNECTORS;
  const done = result.result.refreshed + result.result.failed;
  const rate = done > 0 ? (done / result.ms) * 1000 : 0;
  // A pass may work 80% of each interval: what that makes a day at the rate measured.
  const perDay = rate * 86_400 * 0.8;
  log(
    `  capacity: ${rate.toFixed(0)} refreshes/s while a pass works, up to ${count(Math.round(perDay))} a day per instance; ` +
      `the ${count(oauth)} seeded tokens (1-hour tokens from the stand-in) need ${count(oauth)} a day ` +
      `as seeded, ${count(oauth * 24)} a day once renewed`,
  );
}

async function healthPass(db: Client, gw: Gateway): Promise<void> {
  phase = 'health';
  const health = gw.services.connectionHealth;
  const intervalMs = health.settings.intervalSeconds * 1000;
  const tickMs = Math.min(30_000, Math.max(1_000, intervalMs));
  const budget = await timed(() => health.pacedBudget(tickMs));
  const due = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM connections WHERE check_lease_until < now()`,
  );
  const { result, sent } = await catchSent(
    /^\s*UPDATE connections SET check_lease_until = now\(\)[\s\S]*FOR UPDATE SKIP LOCKED/i,
    () => timed(() => health.runPass({ max: budget.result })),
  );
  const checks = result.result.accepted + result.result.rejected + result.result.deferred;
  log();
  log(
    `2. health: one paced pass (tick ${tickMs / 1000} s, budget ${budget.result}, counted in ${budget.ms.toFixed(0)} ms) ` +
      `in ${result.ms.toFixed(0)} ms: ${checks} checks (${result.result.accepted} accepted, ${result.result.rejected} rejected, ` +
      `${result.result.deferred} deferred), ${(checks / (result.ms / 1000)).toFixed(0)} checks/s; ` +
      `${count(due.rows[0]!.n)} were overdue`,
  );
  const claims = sent.map((s) => s.ms).sort((a, b) => a - b);
  if (claims.length === 0) throw new Error('the health pass sent no claim');
  log(
    `  claims: ${claims.length}, median ${claims[claims.length >> 1]!.toFixed(1)} ms, ` +
      `max ${claims[claims.length - 1]!.toFixed(1)} ms`,
  );
  await explain(db, sent[0]!, 'connections');
}

async function webhooks(
  db: Client,
  gw: Gateway,
  spawned: { start: (i: number) => Promise<ChildProcess> },
  standIn: Awaited<ReturnType<typeof startStandIn>>,
): Promise<void> {
  // The sequences: every endpoint with each of its owner's connections; events spread round robin
  // over them, so each (endpoint, connection) gets a few, in order of their ids.
  await db.query(
    `CREATE TEMP TABLE sequences AS
     SELECT e.id AS endpoint_id, e.owner_id, c.id AS connection_id,
            (row_number() OVER (ORDER BY e.id, c.id) - 1)::int AS s
       FROM webhook_endpoints e JOIN connections c ON c.owner_id = e.owner_id`,
  );
  const sequences = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sequences')).rows[0]!.n;
  let nextSeq = 0;
  const enqueue = async () => {
    const from = nextSeq;
    nextSeq += Math.ceil(settings.webhookEvents / sequences);
    const { ms, result } = await timed(() =>
      db.query(
        `INSERT INTO webhook_deliveries (event_id, endpoint_id, owner_id, connection_id, event_type, next_attempt_at,
                                         payload)
         SELECT gen_random_uuid(), endpoint_id, owner_id, connection_id, 'connection.connected', now(),
                jsonb_build_object('type', 'connection.connected', 'timestamp', now(),
                                   'data', jsonb_build_object('connectionId', connection_id, 'seq', i))
           FROM generate_series($1::int, $2::int - 1) AS i, sequences
          WHERE (i - $1) * $3 + s < $4
          ORDER BY i, s`,
        [from, nextSeq, sequences, settings.webhookEvents],
      ),
    );
    await db.query('ANALYZE webhook_deliveries');
    return { rows: result.rowCount ?? 0, ms };
  };
  const pending = async () =>
    (
      await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL',
      )
    ).rows[0]!.n;
  /** Enqueues a batch, starts the senders, waits until nothing is pending, stops them. */
  const run = async (startSenders: () => Promise<void>, stopSenders: () => Promise<void>) => {
    const hooksBefore = standIn.counts.hooks;
    const since = performance.now();
    const queued = await enqueue();
    await startSenders();
    while ((await pending()) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    const ms = performance.now() - since;
    await stopSenders();
    return { queued, ms, received: standIn.counts.hooks - hooksBefore };
  };
  const figures = (what: string, r: Awaited<ReturnType<typeof run>>) =>
    `  ${what.padEnd(26)} ${count(r.queued.rows)} enqueued (${r.queued.ms.toFixed(0)} ms) and delivered in ${seconds(r.ms)}: ` +
    `${(r.queued.rows / (r.ms / 1000)).toFixed(0)} deliveries/s (sink received ${count(r.received)})`;
  log();
  log(
    `3. webhooks: ${count(settings.webhookEvents)} events a run over ${count(sequences)} (endpoint, connection) pairs ` +
      `of ${count(Math.ceil(settings.owners / ENDPOINT_EVERY))} endpoints, to a loopback sink in the bench process`,
  );
  phase = 'webhooks in process';
  const { result: inProcess, sent } = await catchSent(
    /^\s*UPDATE webhook_deliveries d\s+SET lease_until/i,
    () =>
      run(
        () => gw.services.webhookWorker.start(),
        () => gw.services.webhookWorker.stop(),
      ),
  );
  const claimMs = sent.map((s) => s.ms).sort((a, b) => a - b);
  log(
    figures('in process, one instance:', inProcess) +
      `; ${count(claimMs.length)} claims, median ${claimMs[claimMs.length >> 1]?.toFixed(1)} ms, ` +
      `max ${claimMs[claimMs.length - 1]?.toFixed(1)} ms`,
  );
  for (const instances of [1, 2]) {
    phase = `webhooks ${instances} process${instances > 1 ? 'es' : ''}`;
    const children = await Promise.all(Array.from({ length: instances }, (_, i) => spawned.start(i)));
    const samples = children.map(() => [] as number[]);
    const sampling = setInterval(
      () => children.forEach((child, i) => samples[i]!.push(rssMiB(child.pid!))),
      250,
    );
    try {
      const result = await run(
        () => Promise.resolve(),
        () => Promise.resolve(),
      );
      log(
        figures(`${instances} gateway process${instances > 1 ? 'es' : ''}:`, result) +
          `; RSS ${samples.map((list) => `${Math.min(...list).toFixed(0)}-${Math.max(...list).toFixed(0)}`).join(', ')} MiB`,
      );
    } finally {
      clearInterval(sampling);
      await Promise.all(children.map((child) => stop(child)));
    }
  }
  log(
    `  order at the sink: ${standIn.counts.outOfOrder} out of order, ${standIn.counts.duplicates} duplicates ` +
      `(per (endpoint, connection), over all runs)`,
  );
  // The claim's plan on a queue as the runs saw it: a fresh batch waiting, the delivered history behind.
  phase = 'webhooks plan';
  await enqueue();
  const claim = sent[0];
  if (!claim) throw new Error('the webhook worker sent no claim');
  await explain(db, claim, 'webhook_deliveries');
  await db.query('DELETE FROM webhook_deliveries WHERE delivered_at IS NULL');
}

async function auditRetention(db: Client, gw: Gateway): Promise<void> {
  phase = 'audit retention';
  const retention = gw.services.auditRetention;
  const batches: number[] = [];
  let passes = 0;
  let deleted = 0;
  let totalMs = 0;
  let plan: string[] | undefined;
  for (;;) {
    const { result, sent } = await catchSent(/^\s*DELETE FROM connection_events/i, () =>
      timed(() => retention.pruneOnce()),
    );
    passes++;
    deleted += result.result;
    totalMs += result.ms;
    batches.push(...sent.map((s) => s.ms));
    const batch = sent[0];
    if (!plan && batch) {
      // The batch's plan while most old rows are still there (its time is not the passes').
      plan = await planOf(db, batch, 'connection_events');
    }
    if (result.result < 100_000) break;
  }
  log();
  const sorted = [...batches].sort((a, b) => a - b);
  log(
    `4. audit retention: ${count(deleted)} events deleted in ${seconds(totalMs)} (${(deleted / (totalMs / 1000)).toFixed(0)} rows/s): ` +
      `${passes} passes (one per 10 minutes in production), ${batches.length} batches, median batch ` +
      `${sorted[sorted.length >> 1]!.toFixed(1)} ms, p99 ${sorted[Math.floor(sorted.length * 0.99)]!.toFixed(1)} ms, ` +
      `longest ${sorted[sorted.length - 1]!.toFixed(1)} ms (its locks held that long)`,
  );
  const left = await db.query<{ old: number; young: number }>(
    `SELECT count(*) FILTER (WHERE created_at < now() - $1 * interval '1 day')::int AS old,
            count(*) FILTER (WHERE created_at >= now() - $1 * interval '1 day')::int AS young FROM connection_events`,
    [gw.config.auditRetentionDays],
  );
  log(`  left: ${count(left.rows[0]!.old)} past retention, ${count(left.rows[0]!.young)} within`);
  log('  plan of a batch (EXPLAINed after the first pass):');
  for (const line of plan ?? ['  (no batch was sent)']) log(line);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
