/**
 * Real processes for the newcomer's path (`npm start`, `npm run admin`), as someone who just
 * cloned the repository runs them: no database server, no key, nothing of the test run's settings.
 */
import { connectorsFileWithStandIns } from './provider-stand-in';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface RunningProcess {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The environment of someone who just cloned the repository: nothing of the test run's database or key. */
function newcomerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      /^(DATABASE_URL|DATABASE_POOL_MODE|DATABASE_MIGRATION_URL|TEST_DATABASE_URL|TEST_DATABASE_KIND|ENCRYPTION_KEY|ENCRYPTION_KEYS_PREVIOUS|CONNECTORS_FILE|NODE_ENV|PORT|HOST|PUBLIC_URL|DATA_DIR|LOG_LEVEL|GRAPHQL_INTROSPECTION|CONNECTOR_.*)$/.test(
        name,
      )
    )
      continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/** Every process started here, for killStarted. */
export const startedProcesses: RunningProcess[] = [];

/** Runs a built entry (`dist/main.js`, `dist/cli/admin.js`: what the image runs; global setup builds dist/). */
export function run(script: string, args: string[], env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: ROOT,
    env: newcomerEnv(env),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  const running = { child, stdout: () => stdout, stderr: () => stderr, exited };
  startedProcesses.push(running);
  return running;
}

/** Nothing a test file started may outlive it, even when a test failed half-way: call in afterAll. */
export function killStarted(): void {
  for (const proc of startedProcesses)
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
}

export async function finished(proc: RunningProcess, withinMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), withinMs);
  });
  const outcome = await Promise.race([proc.exited, timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    proc.child.kill('SIGKILL');
    throw new Error(
      `process did not exit within ${withinMs} ms\nstdout:\n${proc.stdout()}\nstderr:\n${proc.stderr()}`,
    );
  }
  return { ...outcome, stdout: proc.stdout(), stderr: proc.stderr() };
}

/** `npm run --silent admin -- <args>`, to its end. */
export function admin(args: string[], env: Record<string, string>) {
  return finished(run('dist/cli/admin.js', args, env), 60_000);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function waitUntilReady(
  baseUrl: string,
  proc: RunningProcess,
  withinMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`gateway exited before it was ready\n${proc.stdout()}\n${proc.stderr()}`);
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`gateway not ready within ${withinMs} ms\n${proc.stdout()}\n${proc.stderr()}`);
}

/** SIGTERM, then its end within 15 s. */
export async function stop(proc: RunningProcess) {
  proc.child.kill('SIGTERM');
  return finished(proc, 15_000);
}

/** `npm start` with `env` (its DATA_DIR and PORT), once it answers /readyz. */
export async function startGatewayProcess(env: Record<string, string>): Promise<RunningProcess> {
  // Built-in connectors that check credentials at their provider go to a loopback stand-in.
  const connectorsFile = await connectorsFileWithStandIns(env.CONNECTORS_FILE);
  const gateway = run('dist/main.js', [], {
    ...env,
    ...(connectorsFile ? { CONNECTORS_FILE: connectorsFile } : {}),
  });
  await waitUntilReady(`http://127.0.0.1:${env.PORT}`, gateway);
  return gateway;
}

/** Stops a process that may still run (for afterAll). */
export async function stopIfRunning(proc: RunningProcess | undefined): Promise<void> {
  if (proc && proc.child.exitCode === null && proc.child.signalCode === null) await stop(proc);
}

/** SIGKILL, then its end: what a crash leaves behind. */
export async function crash(proc: RunningProcess): Promise<void> {
  proc.child.kill('SIGKILL');
  await finished(proc, 15_000);
}
