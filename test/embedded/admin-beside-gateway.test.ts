/**
 * The admin CLI beside a running gateway on the embedded engine, with real processes: `npm start`
 * in one terminal and `npm run admin -- keys create` in another. The gateway advertises its
 * engine in DATA_DIR/gateway.endpoint (the socket and this start's password, mode 0600, removed
 * on stop); the CLI reaches the engine through it instead of refusing, and opens the engine
 * itself when no gateway runs, whatever a gateway that died left behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { client, untilStatus } from '../support/http';
import {
  admin,
  finished,
  freePort,
  killStarted,
  run,
  startedProcesses,
  stop,
  waitUntilReady,
  type RunningProcess,
} from '../support/processes';

jest.setTimeout(120_000);

afterAll(killStarted);

interface Created {
  ownerId: string;
  apiKey: string;
}

function createdKey(result: { code: number | null; stdout: string; stderr: string }): Created {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const lines = result.stdout.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Created;
}

describe('the admin CLI while a gateway runs on the embedded engine', () => {
  let workDir: string;
  let dataDir: string;
  let lockFile: string;
  let endpointFile: string;
  let env: Record<string, string>;
  let baseUrl: string;
  let gateway: RunningProcess;
  let password: string;

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-admin-'));
    dataDir = path.join(workDir, 'data');
    lockFile = path.join(dataDir, 'gateway.lock');
    endpointFile = path.join(dataDir, 'gateway.endpoint');
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    env = { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'debug' };
    gateway = run('src/main.ts', [], env);
    await waitUntilReady(baseUrl, gateway);
  });

  afterAll(async () => {
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) await stop(gateway);
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('advertises its engine in DATA_DIR/gateway.endpoint, readable by its own user only', () => {
    expect(fs.statSync(endpointFile).mode & 0o777).toBe(0o600);
    const endpoint = JSON.parse(fs.readFileSync(endpointFile, 'utf8')) as { pid: number; password: string };
    expect(endpoint.pid).toBe(gateway.child.pid);
    expect(endpoint.password.length).toBeGreaterThanOrEqual(32);
    password = endpoint.password;
  });

  it('creates a key through the running gateway’s engine, which the gateway takes at once (200)', async () => {
    const created = createdKey(await admin(['keys', 'create', '--owner', 'beside'], env));
    expect(created.apiKey).toMatch(/^alm_live_[0-9A-Za-z]{32}$/);
    expect((await client(baseUrl, created.apiKey).get('/api/v1/connectors')).status).toBe(200);
    // The CLI neither took the lock nor replaced the gateway's endpoint.
    expect(fs.readFileSync(lockFile, 'utf8').trim()).toBe(String(gateway.child.pid));
    expect(JSON.parse(fs.readFileSync(endpointFile, 'utf8')).pid).toBe(gateway.child.pid);

    // And a revocation through the CLI reaches the running gateway too.
    const prefix = created.apiKey.slice(0, 15);
    const revoked = await admin(['keys', 'revoke', prefix], env);
    expect(revoked.code).toBe(0);
    const after = await untilStatus(
      () => client(baseUrl, created.apiKey).get('/api/v1/connectors'),
      401,
      10_000,
    );
    expect(after.status).toBe(401);
  });

  it('never writes the engine’s password to any process output', () => {
    const all = startedProcesses.map((proc) => proc.stdout() + proc.stderr()).join('\n');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(password);
  });

  it('removes the endpoint file with the lock on SIGTERM', async () => {
    const result = await stop(gateway);
    expect(result.code).toBe(0);
    expect(fs.existsSync(endpointFile)).toBe(false);
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  it('opens the engine itself when the gateway that left its lock and endpoint behind is dead', async () => {
    gateway = run('src/main.ts', [], env);
    await waitUntilReady(baseUrl, gateway);
    const killedPid = gateway.child.pid;
    gateway.child.kill('SIGKILL');
    await finished(gateway, 15_000);
    // What a killed gateway leaves: its lock, and an endpoint naming a dead process.
    expect(fs.readFileSync(lockFile, 'utf8').trim()).toBe(String(killedPid));
    expect(JSON.parse(fs.readFileSync(endpointFile, 'utf8')).pid).toBe(killedPid);

    const created = createdKey(await admin(['keys', 'create', '--owner', 'after-kill'], env));
    // The CLI cleared both and released what it took.
    expect(fs.existsSync(lockFile)).toBe(false);
    expect(fs.existsSync(endpointFile)).toBe(false);

    gateway = run('src/main.ts', [], env);
    await waitUntilReady(baseUrl, gateway);
    expect((await client(baseUrl, created.apiKey).get('/api/v1/connectors')).status).toBe(200);
  });

  it('reaches a gateway started over a stale endpoint file, not the dead one it names', async () => {
    // The gateway running now started over nothing stale; put back what a dead one would leave.
    await stop(gateway);
    const dead = run('src/main.ts', [], env);
    await waitUntilReady(baseUrl, dead);
    dead.child.kill('SIGKILL');
    await finished(dead, 15_000);
    const stale = fs.readFileSync(endpointFile, 'utf8');

    gateway = run('src/main.ts', [], env);
    await waitUntilReady(baseUrl, gateway);
    expect(fs.readFileSync(endpointFile, 'utf8')).not.toBe(stale);
    expect(fs.statSync(endpointFile).mode & 0o777).toBe(0o600);

    const created = createdKey(await admin(['keys', 'create', '--owner', 'after-stale'], env));
    expect((await client(baseUrl, created.apiKey).get('/api/v1/connectors')).status).toBe(200);
  });
});

describe('the admin CLI beside a gateway whose engine is on its loopback TCP fallback', () => {
  let workDir: string;
  let env: Record<string, string>;
  let baseUrl: string;
  let gateway: RunningProcess;

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-admin-tcp-'));
    // Too deep for a unix socket's path: the engine listens on 127.0.0.1 instead.
    const dataDir = path.join(
      workDir,
      'a-data-directory-deep-enough',
      'that-its-socket-path-cannot-fit-in-sun-path',
    );
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    env = { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info' };
    gateway = run('src/main.ts', [], env);
    await waitUntilReady(baseUrl, gateway);
  });

  afterAll(async () => {
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) await stop(gateway);
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('advertises the loopback address, and the CLI creates a key there that the gateway takes (200)', async () => {
    const endpointFile = path.join(env.DATA_DIR!, 'gateway.endpoint');
    expect(fs.statSync(endpointFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(endpointFile, 'utf8')).tcp).toMatch(/^127\.0\.0\.1:\d+$/);

    const created = createdKey(await admin(['keys', 'create', '--owner', 'beside-tcp'], env));
    expect((await client(baseUrl, created.apiKey).get('/api/v1/connectors')).status).toBe(200);
  });
});

describe('two admin commands at once on the embedded engine, no gateway running', () => {
  let workDir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-admin-two-'));
    env = { DATA_DIR: path.join(workDir, 'data'), LOG_LEVEL: 'info' };
  });
  afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it('both succeed: the second waits for the first to let DATA_DIR go, then opens the engine itself', async () => {
    createdKey(await admin(['keys', 'create', '--owner', 'first'], env));
    const [one, two] = await Promise.all([
      admin(['keys', 'create', '--owner', 'together'], env),
      admin(['keys', 'create', '--owner', 'together'], env),
    ]);
    expect(createdKey(one).ownerId).toBe(createdKey(two).ownerId);
    // Neither advertised the engine it started for itself, and both let go.
    expect(fs.readdirSync(env.DATA_DIR!).filter((name) => name.startsWith('gateway.'))).toEqual([]);
  });
});
