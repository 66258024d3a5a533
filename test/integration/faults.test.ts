/**
 * Faults, on a real PostgreSQL: losing database connections mid-traffic or the whole database
 * for a while gives 503s with Retry-After (never a 500) and the gateway recovers by itself;
 * /readyz follows the database, within a bound; SIGTERM lets a request in flight finish; and a
 * stalled provider never holds a database transaction open.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { TEST_ENCRYPTION_KEY, testDatabaseUrl, testPoolerEnv, throughPooler } from '../support/env';
import { startGateway, type TestGateway } from '../support/gateway';
import { client, untilStatus, type HttpResponse } from '../support/http';
import {
  consent,
  createOAuthConnection,
  runtimeRead,
  startOAuthWorld,
  type OAuthWorld,
} from '../support/oauth-setup';
import { freePort } from '../support/processes';
import { sleep } from '../support/wait';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../..');
const onPostgres = process.env.TEST_DATABASE_KIND === 'postgres';
// Through a pooler the server sessions are the pooler's: the gateway's own cannot be told apart.
const direct = onPostgres && !throughPooler();
const describePg = direct ? describe : describe.skip;
const SKIP_REASON = direct
  ? ''
  : onPostgres
    ? " [skipped through a pooler: these find the gateway's server sessions by their client port, which the pooler in between hides]"
    : ' [skipped: needs PostgreSQL (pg_terminate_backend, pg_stat_activity); the embedded engine serves every connection from one in-process backend]';
const databaseName = () => new URL(testDatabaseUrl()).pathname.slice(1);

/** The test's own connection to the run's database (it survives what the test does to the gateway's). */
async function adminClient(): Promise<Client> {
  const admin = new Client({ connectionString: testDatabaseUrl() });
  admin.on('error', () => {});
  await admin.connect();
  return admin;
}

/** A connection-list request as a client would send it, answering with its status. */
function listConnections(gw: TestGateway, apiKey: string): Promise<HttpResponse> {
  return client(gw.baseUrl, apiKey).get('/api/v1/connections');
}

async function graphqlConnections(gw: TestGateway, apiKey: string) {
  const res = await fetch(`${gw.baseUrl}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ connections(first: 5) { nodes { id } } }' }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] },
  };
}

/**
 * A TCP proxy between the gateway and PostgreSQL that can be cut (every socket destroyed, new
 * ones refused), made to hang (new sockets accepted and never answered), and restored.
 */
async function startProxy(target: URL) {
  let mode: 'up' | 'down' | 'hang' = 'up';
  const sockets = new Set<net.Socket>();
  const upstreams = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (mode === 'down') {
      socket.destroy();
      return;
    }
    if (mode === 'hang') return; // accepted, never forwarded
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(upstream);
    upstreams.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      upstreams.delete(upstream);
      socket.destroy();
    });
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    socket.pipe(upstream);
    upstream.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const url = new URL(target.toString());
  url.hostname = '127.0.0.1';
  url.port = String(port);
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  return {
    url: url.toString(),
    /** The local ports of the connections to PostgreSQL: pg_stat_activity's client_port of the gateway's backends. */
    backendPorts: () => [...upstreams].map((socket) => socket.localPort).filter((port) => port !== undefined),
    cut() {
      mode = 'down';
      dropAll();
    },
    hang() {
      mode = 'hang';
      dropAll();
    },
    restore() {
      if (mode === 'hang') dropAll();
      mode = 'up';
    },
    async close() {
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describePg(`database faults (PostgreSQL)${SKIP_REASON}`, () => {
  let admin: Client;
  beforeAll(async () => {
    admin = await adminClient();
  });
  afterAll(() => admin?.end());

  it('mid-traffic, every backend of the gateway terminated: only 200s and 503s, then all 200 without a restart', async () => {
    // Through the proxy only to tell this gateway's backends from those of other test files.
    const proxy = await startProxy(new URL(testDatabaseUrl()));
    // The key cache is off, so every request reads the database (auth included).
    const gw = await startGateway({ env: { DATABASE_URL: proxy.url, AUTH_CACHE_SECONDS: '0' } });
    try {
      const { apiKey } = await gw.newOwner('faults-terminate');
      expect((await listConnections(gw, apiKey)).status).toBe(200);

      const statuses: number[] = [];
      const graphqlCodes: (string | undefined)[] = [];
      let running = true;
      const worker = async (i: number) => {
        while (running) {
          if (i % 2 === 0) {
            const res = await listConnections(gw, apiKey);
            statuses.push(res.status);
            if (res.status === 503) expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
          } else {
            const res = await graphqlConnections(gw, apiKey);
            statuses.push(res.status);
            graphqlCodes.push(res.body.errors?.[0]?.extensions?.code);
          }
        }
      };
      const workers = Array.from({ length: 6 }, (_, i) => worker(i));
      await sleep(300);
      // Every backend of the gateway, never the test's own (nor another test file's gateway's).
      const { rows } = await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid() AND client_port = ANY($2::int[])`,
        [databaseName(), proxy.backendPorts()],
      );
      const terminated = await admin.query<{ done: boolean }>(
        'SELECT pg_terminate_backend(pid) AS done FROM unnest($1::int[]) AS pid',
        [rows.map((row) => row.pid)],
      );
      expect(terminated.rows.filter((row) => row.done).length).toBeGreaterThan(0);
      await sleep(700);
      running = false;
      await Promise.all(workers);

      expect(statuses.length).toBeGreaterThan(10);
      expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
      for (const code of graphqlCodes) expect([undefined, 'SERVICE_UNAVAILABLE']).toContain(code);
      // Recovered, no restart: everything answers 200 again.
      await untilStatus(() => listConnections(gw, apiKey), 200, 5_000);
      for (let i = 0; i < 10; i++) expect((await listConnections(gw, apiKey)).status).toBe(200);
      for (let i = 0; i < 4; i++) expect((await graphqlConnections(gw, apiKey)).body.errors).toBeUndefined();
      expect(gw.logs.filter((line) => line.includes('"statusCode":500'))).toEqual([]);
    } finally {
      await gw.close();
      await proxy.close();
    }
  });

  describe('a real outage behind a TCP proxy', () => {
    let proxy: Awaited<ReturnType<typeof startProxy>>;
    let gw: TestGateway;
    let apiKey: string;
    let coldKey: string;

    beforeAll(async () => {
      proxy = await startProxy(new URL(testDatabaseUrl()));
      // API keys stay cached (and trusted) through the outage, so requests get past
      // authentication and fail where the data is read: in the REST route and the resolver.
      gw = await startGateway({
        env: { DATABASE_URL: proxy.url, AUTH_CACHE_SECONDS: '300', CACHE_SYNC_INTERVAL_MS: '60000' },
      });
      ({ apiKey } = await gw.newOwner('faults-outage'));
      ({ apiKey: coldKey } = await gw.newOwner('faults-outage-cold'));
      expect((await listConnections(gw, apiKey)).status).toBe(200);
    });
    afterAll(async () => {
      proxy.restore();
      await gw?.close();
      await proxy?.close();
    });

    it('answers 503 with Retry-After while the database is gone, /readyz 503, then 200 again without a restart', async () => {
      proxy.cut();

      const rest = await listConnections(gw, apiKey);
      expect(rest.status).toBe(503);
      expect(rest.body.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(rest.headers.get('retry-after')).toBe('5');
      // A key not in the cache fails at authentication: the same 503, not a 401 or a 500.
      const cold = await listConnections(gw, coldKey);
      expect(cold.status).toBe(503);
      expect(cold.headers.get('retry-after')).toBe('5');
      const write = await client(gw.baseUrl, apiKey).post('/api/v1/connections', { connectorSlug: 'openai' });
      expect(write.status).toBe(503);
      const graphql = await graphqlConnections(gw, apiKey);
      expect(graphql.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      const ready = await fetch(`${gw.baseUrl}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'unavailable' });

      proxy.restore();
      expect((await untilStatus(() => listConnections(gw, apiKey), 200, 10_000)).status).toBe(200);
      expect((await listConnections(gw, coldKey)).status).toBe(200);
      expect((await graphqlConnections(gw, apiKey)).body.errors).toBeUndefined();
      expect((await fetch(`${gw.baseUrl}/readyz`)).status).toBe(200);
      expect(gw.logs.filter((line) => line.includes('"statusCode":500'))).toEqual([]);
    });

    it('answers /readyz 503 within its 2 s bound when the database hangs, and 200 after', async () => {
      proxy.hang();
      // Let the pool notice its dropped connections; a new one now waits on a silent server.
      await sleep(300);
      const started = Date.now();
      const ready = await fetch(`${gw.baseUrl}/readyz`);
      const took = Date.now() - started;
      expect(ready.status).toBe(503);
      expect(took).toBeGreaterThanOrEqual(1_900);
      expect(took).toBeLessThan(3_500);
      proxy.restore();
      const deadline = Date.now() + 10_000;
      let status = 0;
      while (Date.now() < deadline && status !== 200) {
        status = (await fetch(`${gw.baseUrl}/readyz`)).status;
        if (status !== 200) await sleep(100);
      }
      expect(status).toBe(200);
    });
  });
});

describePg(`graceful shutdown of the real process (PostgreSQL)${SKIP_REASON}`, () => {
  it('SIGTERM mid-request: the request completes, new connections are refused, exit 0 in time', async () => {
    const keys = await startGateway();
    const { apiKey } = await keys.newOwner('faults-sigterm');
    await keys.close();

    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: testDatabaseUrl(),
      ...testPoolerEnv(),
      ...testPoolerEnv(),
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: 'http://gateway.test',
      LOG_LEVEL: 'info',
      TOKEN_REFRESH_INTERVAL_SECONDS: '0',
      SHUTDOWN_TIMEOUT_MS: '10000',
    };
    const child = spawn(process.execPath, ['dist/main.js'], { cwd: ROOT, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const baseUrl = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 30_000;
      for (;;) {
        const ready = await fetch(`${baseUrl}/readyz`).then(
          (res) => res.status === 200,
          () => false,
        );
        if (ready) break;
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`gateway did not start:\n${output}`);
        await sleep(100);
      }

      // A POST whose body trickles in over ~1.5 s.
      const body = JSON.stringify({ connectorSlug: 'openai', label: 'drained' });
      const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/v1/connections',
            headers: {
              authorization: `Bearer ${apiKey}`,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on('error', reject);
        const parts = [body.slice(0, 10), body.slice(10, 25), body.slice(25)];
        req.write(parts[0]);
        setTimeout(() => req.write(parts[1]), 750);
        setTimeout(() => req.end(parts[2]), 1_500);
      });

      await sleep(300);
      const signalledAt = Date.now();
      child.kill('SIGTERM');
      await sleep(300);
      // The listener is closed: a new connection is refused.
      const refused = await new Promise<string>((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      });
      expect(refused).toBe('ECONNREFUSED');

      const done = await answer;
      expect(done.status).toBe(201);
      expect(JSON.parse(done.text)).toMatchObject({
        connection: { connectorSlug: 'openai', label: 'drained' },
      });

      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        exited,
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), 12_000);
        }),
      ]);
      clearTimeout(timer);
      expect(code).toBe(0);
      // Soon after the answer: neither the keep-alive timeout (5 s) nor SHUTDOWN_TIMEOUT_MS was waited for.
      expect(Date.now() - signalledAt).toBeLessThan(4_000);
      expect(output).toContain('shutting down: draining requests in flight');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});

describePg(`a stalled provider holds no database transaction (PostgreSQL)${SKIP_REASON}`, () => {
  let world: OAuthWorld;
  let admin: Client;
  let proxy: Awaited<ReturnType<typeof startProxy>>;

  beforeAll(async () => {
    admin = await adminClient();
    // Through the proxy only to tell this gateway's sessions from those of other test files.
    proxy = await startProxy(new URL(testDatabaseUrl()));
    world = await startOAuthWorld({
      env: { DATABASE_URL: proxy.url, DATABASE_POOL_SIZE: '2', AUTH_CACHE_SECONDS: '0' },
      providerTimeoutMs: 8_000,
    });
  });
  afterAll(async () => {
    world.provider.setTokenFault('none');
    world.provider.setOptions({ revokeDelayMs: 0 });
    await world?.close();
    await admin?.end();
    await proxy?.close();
  });

  /** The gateway's sessions that have sat idle in an open transaction for a while. */
  async function heldTransactions(): Promise<string[]> {
    const { rows } = await admin.query<{ pid: number; state: string; query: string }>(
      `SELECT pid, state, query FROM pg_stat_activity
        WHERE datname = $1 AND client_port = ANY($2::int[])
          AND state LIKE 'idle in transaction%' AND state_change < now() - interval '300 milliseconds'`,
      [databaseName(), proxy.backendPorts()],
    );
    return rows.map((row) => `${row.pid} ${row.state}: ${row.query}`);
  }

  /** While `stalled` waits on the provider: no held transaction, and other requests are served. */
  async function whileStalled(stalled: () => boolean, apiKey: string) {
    const deadline = Date.now() + 5_000;
    while (!stalled()) {
      if (Date.now() > deadline) throw new Error('the provider was never called');
      await sleep(20);
    }
    await sleep(500);
    for (let i = 0; i < 3; i++) {
      expect(await heldTransactions()).toEqual([]);
      // Pool of 2: more concurrent requests than connections, all served while the provider stalls.
      const started = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => client(world.gateway.baseUrl, apiKey).get('/api/v1/connections')),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
      expect(Date.now() - started).toBeLessThan(1_500);
      await sleep(200);
    }
  }

  it('(the probe sees a transaction held open by another session)', async () => {
    const holder = new Client({ connectionString: proxy.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1');
      await sleep(500);
      expect((await heldTransactions()).length).toBe(1);
      await holder.query('ROLLBACK');
      expect(await heldTransactions()).toEqual([]);
    } finally {
      await holder.end();
    }
  });

  const pendingToken = (grant: string) => () =>
    world.provider.tokenRequests.some(
      (r) => r.grantType === grant && r.status === undefined && r.fault === 'timeout',
    );

  it('during the callback code exchange', async () => {
    const { id, oauthUrl, apiKey } = await createOAuthConnection(world);
    const browser = world.browser();
    const { callbackUrl } = await consent(world, browser, oauthUrl);
    world.provider.setTokenFault('timeout', { delayMs: 3_000, count: 1 });
    const callback = browser.get(callbackUrl);
    await whileStalled(pendingToken('authorization_code'), apiKey);
    expect((await callback).status).toBe(200);
    const read = await runtimeRead(world, id);
    expect(read.status).toBe(200);
  });

  it('during a token refresh', async () => {
    const { id, oauthUrl, apiKey } = await createOAuthConnection(world);
    const browser = world.browser();
    expect((await browser.get((await consent(world, browser, oauthUrl)).callbackUrl)).status).toBe(200);
    await world.gateway.dataSource.query(
      `UPDATE connections SET token_expires_at = now() + interval '30 seconds' WHERE id = $1`,
      [id],
    );
    world.provider.setTokenFault('timeout', { delayMs: 3_000, count: 1 });
    const read = runtimeRead(world, id);
    await whileStalled(pendingToken('refresh_token'), apiKey);
    expect((await read).status).toBe(200);
  });

  it('during the provider revocation after a revoke', async () => {
    const { id, oauthUrl, apiKey } = await createOAuthConnection(world);
    const browser = world.browser();
    expect((await browser.get((await consent(world, browser, oauthUrl)).callbackUrl)).status).toBe(200);
    world.provider.setOptions({ revokeDelayMs: 3_000 });
    const before = world.provider.revocations.length;
    const revokeRequests = () => world.provider.tokenRequests.filter((r) => r.endpoint === 'revoke');
    const pendingBefore = revokeRequests().length;
    const started = Date.now();
    expect((await client(world.gateway.baseUrl, apiKey).delete(`/api/v1/connections/${id}`)).status).toBe(
      200,
    );
    // The owner's answer never waits for the provider.
    expect(Date.now() - started).toBeLessThan(1_500);
    await whileStalled(() => revokeRequests().length > pendingBefore, apiKey);
    await world.gateway.services.providerRevocation.settle(5_000);
    expect(world.provider.revocations.length).toBe(before + 1);
    world.provider.setOptions({ revokeDelayMs: 0 });
  });
});
