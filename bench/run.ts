/**
 * `npm run bench` (README "Performance"): the gateway against a raw node:http + pg baseline doing the
 * same work, in one run, on fresh databases holding the same data, for two data shapes in turn
 * (small: 20 owners; 200k: 10,000 owners, 200,000 rows). Per shape it prints req/s, p50/p99, each
 * server's CPU time per request and PostgreSQL's, the ratios to the baseline, and a 60 s memory
 * run; then cold-start figures; last the line `rest/baseline=X graphql/baseline=Y`, the lower
 * ratio of the shapes. A script, not a test: nothing here is asserted in CI.
 *
 * Settings (environment): BENCH_DATABASE_URL (a PostgreSQL it may create databases on; default
 * postgres://postgres@127.0.0.1:5432/test), BENCH_SHAPES (`small,200k`; a comma list of those to
 * run), BENCH_OWNERS (one shape of that many owners instead), BENCH_KEYS (rotating keys, at most
 * one per owner; 10000, so every owner's key is used), BENCH_CONNECTIONS (32 concurrent),
 * BENCH_SECONDS (10 per load), BENCH_ROUNDS (4), BENCH_MEMORY_SECONDS (60; 0 skips),
 * BENCH_COLD_START (1; 0 skips), BENCH_THROUGHPUT (1; 0 skips the load and memory runs),
 * BENCH_PROFILE=1 (gateway runs with --cpu-prof into bench-output/), BENCH_GATEWAY_ENV (extra
 * settings for the gateway, e.g. `AUTH_CACHE_SECONDS=0` to measure without the key cache),
 * BENCH_POOLER_URL (a pooler in transaction mode in front of that server, e.g.
 * postgres://postgres@127.0.0.1:6432 from scripts/start-pgbouncer.sh: the load runs of both the
 * gateway, with DATABASE_POOL_MODE=transaction, and the baseline go through it; seeding and
 * migrations go straight to the server).
 */
import 'reflect-metadata';
import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Client } from 'pg';
import { loadCatalog } from '../src/connectors/catalog.loader';
import { openDatabase } from '../src/db/data-source';
import { benchKey, seed } from './seed';

const env = process.env;
const int = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
/**
 * The data shapes of one run: a small deployment (20 owners, 400 rows: the database is not the
 * limit, the servers' own CPU is) and a large one (10,000 owners, 200,000 rows). BENCH_OWNERS
 * runs one shape of that many owners instead.
 */
interface Shape {
  name: string;
  owners: number;
  /** Settings the gateway needs on this shape, printed with its figures. */
  gatewayEnv: Record<string, string>;
}
const SHAPES: Shape[] = env.BENCH_OWNERS
  ? [{ name: `${env.BENCH_OWNERS} owners`, owners: Number(env.BENCH_OWNERS), gatewayEnv: {} }]
  : (
      [
        // 20 keys at ~150 req/s each would spend the default 1,200 points a minute in seconds: the
        // limit is raised, not switched off, so every request is still counted and leased.
        { name: 'small', owners: 20, gatewayEnv: { RATE_LIMIT_API_KEY_POINTS: '10000000' } },
        { name: '200k', owners: 10_000, gatewayEnv: {} },
      ] as Shape[]
    ).filter((shape) => !env.BENCH_SHAPES || env.BENCH_SHAPES.split(',').includes(shape.name));

const settings = {
  adminUrl: env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  keys: int('BENCH_KEYS', 10_000),
  perOwner: 20,
  connections: int('BENCH_CONNECTIONS', 32),
  seconds: int('BENCH_SECONDS', 10),
  rounds: int('BENCH_ROUNDS', 4),
  memorySeconds: int('BENCH_MEMORY_SECONDS', 60),
  coldStart: env.BENCH_COLD_START !== '0',
  throughput: env.BENCH_THROUGHPUT !== '0',
  profile: env.BENCH_PROFILE === '1',
};
const ROOT = path.resolve(__dirname, '..');
const OUTPUT = path.join(ROOT, 'bench-output');
const BASELINE_PORT = int('BENCH_PORT', 4600) + 1;
const GATEWAY_PORT = BASELINE_PORT + 1;
const GRAPHQL_QUERY = `query Bench($first: Int) {
  connections(first: $first) {
    nodes { id connectorSlug authType label status createdAt updatedAt connectedAt
            lastError { code message at } expiresAt scopes account lastRefreshedAt config lastCheckedAt }
    pageInfo { hasNextPage endCursor }
  }
}`;

const log = (line = '') => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function databaseUrl(name: string): string {
  const url = new URL(settings.adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function freshDatabase(name: string): Promise<string> {
  const admin = new Client({ connectionString: settings.adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = databaseUrl(name);
  const dataSource = await openDatabase({ url, poolSize: 2, applicationName: 'bench-migrate' });
  await dataSource.destroy();
  return url;
}

/** `url` with BENCH_POOLER_URL's host and port (the same database, through the pooler); `url` without it. */
function throughPooler(url: string): string {
  if (!env.BENCH_POOLER_URL) return url;
  const pooler = new URL(env.BENCH_POOLER_URL);
  const through = new URL(url);
  through.host = pooler.host;
  return through.toString();
}

async function seededDatabase(name: string, owners: number): Promise<string> {
  const url = await freshDatabase(name);
  const catalog = loadCatalog({ connectorsFile: undefined, oauthClients: new Map() });
  const connectors = catalog
    .all()
    .filter((c) => c.authType !== 'none' && c.availability === 'available')
    .map((c) => ({ slug: c.slug, authType: c.authType }));
  const client = new Client({ connectionString: url });
  await client.connect();
  await seed(client, { owners, connectionsPerOwner: settings.perOwner, connectors });
  await client.end();
  return url;
}

/** GET url's status, or 0 when nothing answers: node:http, one socket, no agent (light on CPU). */
function statusOf(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
  });
}

/**
 * Resolves when GET url answers 200; the time it took from `since`. Polls every 20 ms: on two
 * cores a busier probe slows the very start it measures.
 */
async function waitFor200(
  url: string,
  since: number,
  child: ChildProcess,
  timeoutMs = 60_000,
): Promise<number> {
  while (performance.now() - since < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    if ((await statusOf(url)) === 200) return performance.now() - since;
    await sleep(20);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

function start(
  command: string,
  args: string[],
  extraEnv: Record<string, string>,
  detached = false,
): ChildProcess {
  return spawn(command, args, {
    cwd: ROOT,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached,
  });
}

async function stop(child: ChildProcess, group = false): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  if (group) process.kill(-child.pid!, 'SIGTERM');
  else child.kill('SIGTERM');
  await exited;
}

/** The baseline is a TypeScript file of the bench's own; the gateway runs built, as `npm start` runs it. */
const NODE_TS = ['-r', '@swc-node/register'];
/** The node flags of `npm start` (package.json), so the load runs the gateway exactly as it runs. */
const START_FLAGS = (
  JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
).scripts.start
  .split(/\s+/)
  .filter((word) => word.startsWith('--'));

/** BENCH_GATEWAY_ENV: `NAME=value` pairs separated by spaces, passed to the gateway. */
const extraGatewayEnv = Object.fromEntries(
  (env.BENCH_GATEWAY_ENV ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);

function gatewayEnv(extra: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    TOKEN_REFRESH_INTERVAL_SECONDS: '60',
    ...extraGatewayEnv,
    ...extra,
  };
}

interface Target {
  name: string;
  url: string;
  request: autocannon.Request;
  /** The process serving it, whose CPU time per request is reported. */
  pid: number;
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU time of the serving process per answered request, in µs (less noisy than req/s on a shared box). */
  cpu: number;
  /** CPU time of all PostgreSQL processes per answered request, in µs. */
  dbCpu: number;
}

const TICK_US = 1e6 / 100; // /proc reports CPU time in clock ticks of 10 ms (USER_HZ)

/** user + system CPU time of a process so far, in µs (0 once it is gone). */
function cpuOf(pid: number | string): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_US;
  } catch {
    return 0;
  }
}

/** CPU time so far of every PostgreSQL process now running, in µs, by pid. */
function databaseCpu(): Map<string, number> {
  const cpu = new Map<string, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') cpu.set(entry, cpuOf(entry));
    } catch {
      // gone meanwhile
    }
  }
  return cpu;
}

/**
 * PostgreSQL's CPU time between two readings: of the processes still running at the second (a
 * backend that exited meanwhile took its share with it, so this can only undercount).
 */
function databaseCpuSince(before: Map<string, number>): number {
  let total = 0;
  for (const [pid, cpu] of databaseCpu()) total += cpu - (before.get(pid) ?? 0);
  return total;
}

async function load(target: Target, seconds: number, keys: string[]): Promise<Figures> {
  let next = 0;
  const cpuBefore = cpuOf(target.pid);
  const dbBefore = databaseCpu();
  const result = await autocannon({
    url: target.url,
    connections: settings.connections,
    duration: seconds,
    requests: [
      {
        ...target.request,
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, authorization: `Bearer ${keys[next++ % keys.length]}` },
        }),
      },
    ],
  });
  const answered = Math.max(1, result.requests.total);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    cpu: (cpuOf(target.pid) - cpuBefore) / answered,
    dbCpu: databaseCpuSince(dbBefore) / answered,
  };
}

async function sameAnswers(baseline: string, gateway: string, key: string): Promise<void> {
  const headers = { authorization: `Bearer ${key}` };
  const raw = await (await fetch(`${baseline}/api/v1/connections`, { headers })).json();
  const rest = await (await fetch(`${gateway}/api/v1/connections`, { headers })).json();
  if (!isDeepStrictEqual(raw, rest)) {
    throw new Error(
      `the gateway and the baseline disagree:\n${JSON.stringify(raw)}\n${JSON.stringify(rest)}`,
    );
  }
  const graphql = (await (
    await fetch(`${gateway}/graphql`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ query: GRAPHQL_QUERY, variables: { first: 50 } }),
    })
  ).json()) as { data?: { connections: { nodes: { id: string }[] } } };
  const ids = graphql.data?.connections.nodes.map((node) => node.id);
  if (
    !isDeepStrictEqual(
      ids,
      (raw as { connections: { id: string }[] }).connections.map((c) => c.id),
    )
  ) {
    throw new Error(`GraphQL answered differently: ${JSON.stringify(graphql)}`);
  }
}

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const fmt = (figures: Figures) =>
  `${figures.rps.toFixed(0).padStart(6)} req/s  p50 ${String(figures.p50).padStart(3)} ms  p99 ${String(
    figures.p99,
  ).padStart(
    3,
  )} ms  errors ${figures.errors}  cpu ${figures.cpu.toFixed(0).padStart(4)} µs/req  db ${figures.dbCpu
    .toFixed(0)
    .padStart(4)} µs/req`;

/** What one shape's run ends with: the ratios of the medians to the baseline's. */
interface ShapeResult {
  shape: string;
  rest: number;
  graphql: number;
  restP99: number;
  graphqlP99: number;
}

async function throughput(shape: Shape, gatewayUrl: string, baselineUrl: string): Promise<ShapeResult> {
  const keys = Array.from({ length: Math.min(settings.keys, shape.owners) }, (_, i) => benchKey(i));
  const baselineChild = start(process.execPath, [...NODE_TS, 'bench/baseline-server.ts'], {
    BASELINE_DATABASE_URL: baselineUrl,
    PORT: String(BASELINE_PORT),
  });
  const profileArgs = settings.profile
    ? ['--cpu-prof', `--cpu-prof-dir=${path.join(OUTPUT, 'profiles')}`]
    : [];
  const pooled: Record<string, string> = env.BENCH_POOLER_URL
    ? { DATABASE_POOL_MODE: 'transaction', DATABASE_MIGRATION_URL: databaseUrl('bench_gateway') }
    : {};
  const gatewayChild = start(
    process.execPath,
    [...START_FLAGS, ...profileArgs, 'scripts/start.js'],
    gatewayEnv({ ...shape.gatewayEnv, DATABASE_URL: gatewayUrl, PORT: String(GATEWAY_PORT), ...pooled }),
  );
  try {
    const base = `http://127.0.0.1:${BASELINE_PORT}`;
    const gateway = `http://127.0.0.1:${GATEWAY_PORT}`;
    await waitFor200(`${base}/readyz`, performance.now(), baselineChild);
    await waitFor200(`${gateway}/readyz`, performance.now(), gatewayChild);
    for (const key of [keys[0]!, keys[keys.length - 1]!]) await sameAnswers(base, gateway, key);

    const targets: Target[] = [
      {
        name: 'baseline',
        url: base,
        request: { method: 'GET', path: '/api/v1/connections' },
        pid: baselineChild.pid!,
      },
      {
        name: 'rest',
        url: gateway,
        request: { method: 'GET', path: '/api/v1/connections' },
        pid: gatewayChild.pid!,
      },
      {
        name: 'graphql',
        url: gateway,
        pid: gatewayChild.pid!,
        request: {
          method: 'POST',
          path: '/graphql',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: GRAPHQL_QUERY, variables: { first: 50 } }),
        },
      },
    ];
    log(`warm-up: 3 s per target`);
    for (const target of targets) await load(target, 3, keys);
    const runs = new Map<string, Figures[]>(targets.map((t) => [t.name, []]));
    for (let round = 1; round <= settings.rounds; round++) {
      for (const target of targets) {
        const figures = await load(target, settings.seconds, keys);
        runs.get(target.name)!.push(figures);
        log(`round ${round}  ${target.name.padEnd(8)} ${fmt(figures)}`);
      }
    }
    const summary = new Map(
      [...runs].map(([name, list]) => [
        name,
        {
          rps: median(list.map((f) => f.rps)),
          p50: median(list.map((f) => f.p50)),
          p99: median(list.map((f) => f.p99)),
          errors: list.reduce((sum, f) => sum + f.errors, 0),
          cpu: median(list.map((f) => f.cpu)),
          dbCpu: median(list.map((f) => f.dbCpu)),
        },
      ]),
    );
    const baseline = summary.get('baseline')!;
    log();
    log(
      `medians of ${settings.rounds} rounds (${settings.connections} connections, ${settings.seconds} s each):`,
    );
    for (const [name, figures] of summary) {
      const ratio = figures.rps / baseline.rps;
      const p99 = figures.p99 / Math.max(baseline.p99, 1);
      log(`  ${name.padEnd(8)} ${fmt(figures)}  ${ratio.toFixed(2)}x req/s  ${p99.toFixed(2)}x p99`);
    }

    if (settings.memorySeconds > 0) {
      log();
      log(`memory: gateway RSS over ${settings.memorySeconds} s of REST and GraphQL load`);
      const samples: number[] = [];
      const sampler = setInterval(() => samples.push(rssMiB(gatewayChild.pid!)), 1_000);
      const half = settings.memorySeconds / 2;
      const figures = [await load(targets[1]!, half, keys), await load(targets[2]!, half, keys)];
      clearInterval(sampler);
      const tenth = Math.max(1, Math.floor(samples.length / 10));
      const first = median(samples.slice(0, tenth));
      const last = median(samples.slice(-tenth));
      const windows: string[] = [];
      for (let i = 0; i < samples.length; i += 10) windows.push(median(samples.slice(i, i + 10)).toFixed(0));
      log(
        `  RSS first ${first.toFixed(0)} MiB, last ${last.toFixed(0)} MiB, max ${Math.max(...samples).toFixed(0)} MiB` +
          ` (${samples.length} samples); errors ${figures.reduce((sum, f) => sum + f.errors, 0)}`,
      );
      log(`  RSS medians per 10 s: ${windows.join(' ')} MiB`);
    }
    const p99 = (name: string) => summary.get(name)!.p99 / Math.max(baseline.p99, 1);
    return {
      shape: shape.name,
      rest: summary.get('rest')!.rps / baseline.rps,
      graphql: summary.get('graphql')!.rps / baseline.rps,
      restP99: p99('rest'),
      graphqlP99: p99('graphql'),
    };
  } finally {
    await stop(gatewayChild);
    await stop(baselineChild);
  }
}

async function coldStart(gatewayUrl: string): Promise<void> {
  log();
  log('cold start: `npm start` to the first 200 from /readyz (median of 3)');
  const time = async (extra: Record<string, string>) => {
    const since = performance.now();
    const child = start(
      'npm',
      ['start', '--silent'],
      gatewayEnv({ PORT: String(GATEWAY_PORT), ...extra }),
      true,
    );
    try {
      return await waitFor200(`http://127.0.0.1:${GATEWAY_PORT}/readyz`, since, child);
    } finally {
      await stop(child, true);
    }
  };
  const three = async (extra: Record<string, string>) => {
    const times = [];
    for (let i = 0; i < 3; i++) times.push(await time(extra));
    return median(times);
  };
  log(`  PostgreSQL, migrated database   ${(await three({ DATABASE_URL: gatewayUrl })).toFixed(0)} ms`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-embedded-'));
  try {
    log(`  embedded, new data directory    ${(await time({ DATA_DIR: dataDir })).toFixed(0)} ms`);
    log(`  embedded, existing data dir     ${(await three({ DATA_DIR: dataDir })).toFixed(0)} ms`);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  fs.mkdirSync(OUTPUT, { recursive: true });
  log(
    `bench: ${SHAPES.map((shape) => `${shape.name} (${shape.owners} owners)`).join(', ')} x ${settings.perOwner} connections, ` +
      `up to ${settings.keys} rotating keys, ${os.cpus().length} cores, node ${process.version}` +
      (env.BENCH_GATEWAY_ENV ? `, gateway with ${env.BENCH_GATEWAY_ENV}` : '') +
      (env.BENCH_POOLER_URL ? `, load through the pooler at ${new URL(env.BENCH_POOLER_URL).host}` : ''),
  );
  const results: ShapeResult[] = [];
  let gatewayUrl = '';
  for (const shape of SHAPES) {
    log();
    const settingsNote = Object.entries(shape.gatewayEnv).map(([name, value]) => `${name}=${value}`);
    log(
      `shape ${shape.name}: ${shape.owners} owners x ${settings.perOwner} connections` +
        (settingsNote.length ? `, gateway with ${settingsNote.join(' ')}` : ''),
    );
    const seedStarted = performance.now();
    const [gateway, baseline] = await Promise.all([
      seededDatabase('bench_gateway', shape.owners),
      seededDatabase('bench_baseline', shape.owners),
    ]);
    gatewayUrl = gateway;
    log(`seeded two databases in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
    if (settings.throughput)
      results.push(await throughput(shape, throughPooler(gateway), throughPooler(baseline)));
  }
  if (settings.coldStart) await coldStart(gatewayUrl);
  if (results.length > 0) {
    log();
    for (const result of results) {
      log(
        `shape ${result.shape.padEnd(6)} rest/baseline=${result.rest.toFixed(2)} graphql/baseline=${result.graphql.toFixed(2)}` +
          ` p99 ${result.restP99.toFixed(2)}x / ${result.graphqlP99.toFixed(2)}x`,
      );
    }
    // The last line holds for every shape: the lower ratio of each.
    const lowest = (ratio: (result: ShapeResult) => number) => Math.min(...results.map(ratio)).toFixed(2);
    log(`rest/baseline=${lowest((r) => r.rest)} graphql/baseline=${lowest((r) => r.graphql)}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
