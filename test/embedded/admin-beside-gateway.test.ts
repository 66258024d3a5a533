/**
 * The admin CLI beside a running gateway on the embedded engine, with real processes: `npm start`
 * in one terminal and `npm run admin -- keys create` in another. The gateway advertises its
 * engine in DATA_DIR/gateway.endpoint (the socket or loopback port and this start's password,
 * mode 0600, removed on stop); the CLI reaches the engine through it instead of refusing, and
 * opens the engine itself when no gateway runs, whatever a gateway that died left behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { client, untilStatus } from '../support/http';
import {
  admin,
  crash,
  freePort,
  killStarted,
  startedProcesses,
  startGatewayProcess,
  stop,
  stopIfRunning,
  type RunningProcess,
} from '../support/processes';

jest.setTimeout(120_000);

afterAll(killStarted);

/** A fresh DATA_DIR (at `parts` below a new work dir) and a free port: what a newcomer's terminals share. */
async function newcomer(prefix: string, ...parts: string[]) {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const dataDir = path.join(workDir, ...parts);
  const port = await freePort();
  return {
    workDir,
    dataDir,
    baseUrl: `http://127.0.0.1:${port}`,
    env: { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'debug' },
  };
}

/** The `{ownerId, apiKey}` a successful `keys create` printed, alone on stdout. */
function createdKey(result: { code: number | null; stdout: string; stderr: string }) {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const lines = result.stdout.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as { ownerId: string; apiKey: string };
}

function readEndpoint(file: string): { pid: number; password: string; tcp?: string } {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

describe('the admin CLI while a gateway runs on the embedded engine', () => {
  let setup: Awaited<ReturnType<typeof newcomer>>;
  let lockFile: string;
  let endpointFile: string;
  let gateway: RunningProcess | undefined;
  let password: string;

  beforeAll(async () => {
    setup = await newcomer('gw-admin-', 'data');
    lockFile = path.join(setup.dataDir, 'gateway.lock');
    endpointFile = path.join(setup.dataDir, 'gateway.endpoint');
    gateway = await startGatewayProcess(setup.env);
  });

  afterAll(async () => {
    await stopIfRunning(gateway);
    fs.rmSync(setup.workDir, { recursive: true, force: true });
  });

  it('advertises its engine in DATA_DIR/gateway.endpoint, readable by its own user only', () => {
    expect(fs.statSync(endpointFile).mode & 0o777).toBe(0o600);
    const endpoint = readEndpoint(endpointFile);
    expect(endpoint.pid).toBe(gateway!.child.pid);
    expect(endpoint.password.length).toBeGreaterThanOrEqual(32);
    password = endpoint.password;
  });

  it('creates a key through the running gateway’s engine, which the gateway takes at once (200)', async () => {
    const created = createdKey(await admin(['keys', 'create', '--owner', 'beside'], setup.env));
    expect(created.apiKey).toMatch(/^alm_live_[0-9A-Za-z]{32}$/);
    const api = client(setup.baseUrl, created.apiKey);
    expect((await api.get('/api/v1/connectors')).status).toBe(200);
    // The CLI neither took the lock nor replaced the gateway's endpoint.
    expect(fs.readFileSync(lockFile, 'utf8').trim()).toBe(String(gateway!.child.pid));
    expect(readEndpoint(endpointFile).pid).toBe(gateway!.child.pid);

    // And a revocation through the CLI reaches the running gateway too.
    expect((await admin(['keys', 'revoke', created.apiKey.slice(0, 15)], setup.env)).code).toBe(0);
    expect((await untilStatus(() => api.get('/api/v1/connectors'), 401, 10_000)).status).toBe(401);
  });

  it('never writes the engine’s password to any process output', () => {
    const all = startedProcesses.map((proc) => proc.stdout() + proc.stderr()).join('\n');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(password);
  });

  it('removes the endpoint file with the lock on SIGTERM', async () => {
    expect((await stop(gateway!)).code).toBe(0);
    expect(fs.existsSync(endpointFile)).toBe(false);
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  it('opens the engine itself when the gateway that left its lock and endpoint behind is dead', async () => {
    const dead = await startGatewayProcess(setup.env);
    await crash(dead);
    // What a killed gateway leaves: its lock, and an endpoint naming a dead process.
    expect(fs.readFileSync(lockFile, 'utf8').trim()).toBe(String(dead.child.pid));
    expect(readEndpoint(endpointFile).pid).toBe(dead.child.pid);

    const created = createdKey(await admin(['keys', 'create', '--owner', 'after-kill'], setup.env));
    // The CLI cleared both and released what it took.
    expect(fs.existsSync(lockFile)).toBe(false);
    expect(fs.existsSync(endpointFile)).toBe(false);

    gateway = await startGatewayProcess(setup.env);
    expect((await client(setup.baseUrl, created.apiKey).get('/api/v1/connectors')).status).toBe(200);
  });

  it('reaches a gateway started over a stale endpoint file, not the dead one it names', async () => {
    // Leave behind what a dead gateway would, then start another over it.
    await stop(gateway!);
    await crash(await startGatewayProcess(setup.env));
    const stale = fs.readFileSync(endpointFile, 'utf8');

    gateway = await startGatewayProcess(setup.env);
    expect(fs.readFileSync(endpointFile, 'utf8')).not.toBe(stale);
    expect(fs.statSync(endpointFile).mode & 0o777).toBe(0o600);

    const created = createdKey(await admin(['keys', 'create', '--owner', 'after-stale'], setup.env));
    expect((await client(setup.baseUrl, created.apiKey).get('/api/v1/connectors')).status).toBe(200);
  });
});

describe('the admin CLI beside a gateway whose engine is on its loopback TCP fallback', () => {
  let setup: Awaited<ReturnType<typeof newcomer>>;
  let gateway: RunningProcess | undefined;

  beforeAll(async () => {
    // Too deep for a unix socket's path: the engine listens on 127.0.0.1 instead.
    setup = await newcomer(
      'gw-admin-tcp-',
      'a-data-directory-deep-enough',
      'that-its-socket-cannot-fit-in-sun-path',
    );
    gateway = await startGatewayProcess(setup.env);
  });

  afterAll(async () => {
    await stopIfRunning(gateway);
    fs.rmSync(setup.workDir, { recursive: true, force: true });
  });

  it('advertises the loopback address, and the CLI creates a key there that the gateway takes (200)', async () => {
    const endpointFile = path.join(setup.dataDir, 'gateway.endpoint');
    expect(fs.statSync(endpointFile).mode & 0o777).toBe(0o600);
    expect(readEndpoint(endpointFile).tcp).toMatch(/^127\.0\.0\.1:\d+$/);

    const created = createdKey(await admin(['keys', 'create', '--owner', 'beside-tcp'], setup.env));
    expect((await client(setup.baseUrl, created.apiKey).get('/api/v1/connectors')).status).toBe(200);
  });
});

describe('two admin commands at once on the embedded engine, no gateway running', () => {
  let setup: Awaited<ReturnType<typeof newcomer>>;

  beforeAll(async () => {
    setup = await newcomer('gw-admin-two-', 'data');
  });
  afterAll(() => fs.rmSync(setup.workDir, { recursive: true, force: true }));

  it('both succeed: the second waits for the first to let DATA_DIR go, then opens the engine itself', async () => {
    createdKey(await admin(['keys', 'create', '--owner', 'first'], setup.env));
    const [one, two] = await Promise.all([
      admin(['keys', 'create', '--owner', 'together'], setup.env),
      admin(['keys', 'create', '--owner', 'together'], setup.env),
    ]);
    expect(createdKey(one).ownerId).toBe(createdKey(two).ownerId);
    // Neither advertised the engine it started for itself, and both let go.
    expect(fs.readdirSync(setup.dataDir).filter((name) => name.startsWith('gateway.'))).toEqual([]);
  });
});
