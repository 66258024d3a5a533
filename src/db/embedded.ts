/**
 * The embedded PostgreSQL engine: PGlite persisted under DATA_DIR, served over the wire protocol
 * (embedded-socket.ts) on a unix socket (or a loopback port when the path is too long), behind a
 * password generated per start and carried in the URL it returns, so the
 * ordinary `pg` driver and every line of data code are the same as in production.
 *
 * The engine runs in a worker thread (embedded-worker.ts): its queries stay off the gateway's
 * event loop, and `npm start` boots it (prestartEmbeddedDatabase, from embedded-prestart.ts)
 * while the main thread is still loading the gateway's modules.
 *
 * A lock file in DATA_DIR keeps a second process (a second gateway, or the admin CLI while a
 * gateway runs) from opening the same files, which PGlite cannot share. The admin CLI reaches a
 * running gateway's engine instead, through the endpoint file that gateway writes in DATA_DIR
 * (embedded-endpoint.ts, reachEmbeddedDatabase below).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { advertiseEndpoint, engineUrl, readEndpoint, removeStaleEndpoint } from './embedded-endpoint';
import type { EngineData, FromEngine, ToEngine } from './embedded-worker';

const LOCK_FILE = 'gateway.lock';
const SOCKET_NAME = '.s.PGSQL.5432';
// sun_path is 108 bytes on Linux, 104 on macOS; keep a margin.
const MAX_SOCKET_PATH = 100;

/**
 * PostgreSQL settings on top of PGlite's own. shared_buffers: every start zeroes the whole
 * buffer pool in WebAssembly, and PostgreSQL's default 128MB made that ~0.4 s of each start; a
 * gateway's working set fits in 16MB, and pages beyond it are read from the OS cache.
 */
const SETTINGS = ['-c', 'shared_buffers=16MB'];

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    message = `The embedded database in ${dataDir} is in use by process ${pid} (a running gateway?). ` +
      'Stop that process first, or point DATABASE_URL at a PostgreSQL server.',
  ) {
    super(message);
    this.name = 'DataDirLockedError';
  }
}

export interface EmbeddedDatabase {
  /** A postgres:// URL for the `pg` driver. */
  url: string;
  /**
   * Lets other processes of this user (the admin CLI) reach this engine while it runs, by
   * writing DATA_DIR's endpoint file: call once the database is migrated. Does nothing on an
   * engine this process only reached (reachEmbeddedDatabase).
   */
  advertise(): void;
  /** Stops the engine this process started (an engine it only reached stays up). */
  stop(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Creates `file` holding `content`, or answers false when it exists. The content is there from the
 * first instant (written aside, then hard-linked into place), so a process reading the lock
 * while another takes it never sees it empty and mistakes it for a dead one's.
 */
function createWhole(file: string, content: string): boolean {
  const temporary = `${file}.${process.pid}`;
  fs.writeFileSync(temporary, content, { mode: 0o600 });
  try {
    fs.linkSync(temporary, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw err;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  // A file system without hard links: create it exclusively, then write.
  try {
    fs.writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function acquireLock(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createWhole(file, String(process.pid))) {
      const release = () => {
        process.removeListener('exit', release);
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
      // A start that fails before the database is stopped (process.exit) leaves no lock behind.
      process.on('exit', release);
      return release;
    }
    let holder: string;
    try {
      holder = fs.readFileSync(file, 'utf8').trim();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // let go meanwhile
      throw err;
    }
    const pid = Number(holder);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new DataDirLockedError(dataDir, pid);
    }
    fs.rmSync(file, { force: true }); // left behind by a process that died
  }
  throw new Error(`could not take the lock ${file}`);
}

/**
 * The thread's first code. Built (dist/, as `npm start` and the image run) the entry is plain
 * JavaScript; from source (a .ts entry: the tests, in-process under jest, whose transform a worker
 * thread does not inherit) it loads our TypeScript through @swc-node/register first.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.entry.endsWith('.ts')) require(workerData.register);
require(workerData.entry);
`;

type Answer = Exclude<FromEngine['type'], 'failed'>;

/** The engine's thread, seen from the main thread: boot, listen once, stop. */
class EngineThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<Answer, { resolve: () => void; reject: (err: Error) => void }>();
  private address = '';
  private failure: Error | undefined;
  private stopping = false;
  /** Settles when PGlite has started (or failed to); never left unhandled. */
  readonly booted: Promise<void>;

  constructor(pgdata: string) {
    const entry = require.resolve('./embedded-worker');
    const data: EngineData = { pgdata, settings: SETTINGS };
    this.worker = new Worker(BOOTSTRAP, {
      eval: true,
      // Resolved only from source: the image installs no dev dependency.
      workerData: {
        ...data,
        entry,
        register: entry.endsWith('.ts') ? require.resolve('@swc-node/register') : undefined,
      },
      // Not the parent's -r preloads (see BOOTSTRAP) nor its profiling flags.
      execArgv: [],
    });
    this.booted = this.answer('booted');
    this.booted.catch(() => undefined);
    this.worker.on('message', (message: FromEngine) => {
      if (message.type === 'failed') {
        // The thread's error, with its stack, said to be the embedded database's.
        const error = new Error(`embedded database in ${pgdata}: ${message.message}`);
        const frames = message.stack?.split('\n').filter((line) => /^\s+at /.test(line));
        if (frames?.length) error.stack = [`Error: ${error.message}`, ...frames].join('\n');
        this.fail(error);
        return;
      }
      if (message.type === 'listening') this.address = message.address;
      const waiter = this.waiting.get(message.type);
      this.waiting.delete(message.type);
      waiter?.resolve();
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) =>
      this.fail(new Error(`the embedded database's thread exited (code ${code})`)),
    );
  }

  private answer(type: Answer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.set(type, { resolve, reject }));
  }

  private send(message: ToEngine): void {
    this.worker.postMessage(message);
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    const waiters = [...this.waiting.values()];
    this.waiting.clear();
    for (const waiter of waiters) waiter.reject(err);
    if (waiters.length === 0 && !this.stopping) {
      // Running, and nobody asked: the database is gone under the gateway. Fail loudly.
      throw new Error(`The embedded database stopped unexpectedly: ${err.message}`, { cause: err });
    }
  }

  async listen(
    listen: { path: string } | { host: string; port: number },
    maxConnections: number,
    password: string,
  ): Promise<string> {
    await this.booted;
    const listening = this.answer('listening');
    this.send({ type: 'listen', listen, maxConnections, password });
    await listening;
    return this.address;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    try {
      if (!this.failure) {
        const stopped = this.answer('stopped');
        this.send({ type: 'stop' });
        await stopped;
      }
    } finally {
      await this.worker.terminate();
    }
  }
}

interface Booted {
  engine: EngineThread;
  release: () => void;
}

/** Takes DATA_DIR's lock and starts the engine's thread; PGlite starts there at once. */
function boot(dataDir: string): Booted {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const release = acquireLock(dataDir);
  try {
    // The lock is ours: an endpoint file still there is a dead holder's.
    removeStaleEndpoint(dataDir);
    return { engine: new EngineThread(path.join(dataDir, 'pgdata')), release };
  } catch (err) {
    release();
    throw err;
  }
}

/** Engines booted ahead of startEmbeddedDatabase, by resolved DATA_DIR: the engine, or why it could not. */
const prestarted = new Map<string, Booted | { error: unknown }>();

/**
 * Boots the engine of an existing DATA_DIR now, for the startEmbeddedDatabase call that comes
 * later, so PGlite's start overlaps whatever the caller does meanwhile. An error (DATA_DIR in use)
 * is kept for that call to throw. A fresh DATA_DIR is left alone: its first start creates the
 * database, which must not be cut short by a start that fails for another reason.
 */
export function prestartEmbeddedDatabase(dataDir: string): void {
  const key = path.resolve(dataDir);
  if (prestarted.has(key) || !fs.existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'))) return;
  try {
    prestarted.set(key, boot(dataDir));
  } catch (error) {
    prestarted.set(key, { error });
  }
}

export async function startEmbeddedDatabase(
  dataDir: string,
  maxConnections: number,
): Promise<EmbeddedDatabase> {
  const key = path.resolve(dataDir);
  const early = prestarted.get(key);
  prestarted.delete(key);
  if (early && 'error' in early) throw early.error;
  const { engine, release } = early ?? boot(dataDir);
  const socketPath = path.join(dataDir, SOCKET_NAME);
  const useSocket = Buffer.byteLength(socketPath) <= MAX_SOCKET_PATH && process.platform !== 'win32';
  // A new password per start, known only to this process (it is in the URL it hands the pool):
  // the loopback port is open to everyone on the machine, and PGlite itself accepts anyone.
  const password = randomBytes(24).toString('base64url');
  try {
    if (useSocket) fs.rmSync(socketPath, { force: true });
    const address = await engine.listen(
      useSocket ? { path: socketPath } : { host: '127.0.0.1', port: 0 },
      maxConnections,
      password,
    );
    const tcp = useSocket ? undefined : address;
    let unadvertise: () => void = () => undefined;
    return {
      url: engineUrl(dataDir, password, tcp),
      advertise() {
        unadvertise = advertiseEndpoint(dataDir, { pid: process.pid, password, ...(tcp ? { tcp } : {}) });
      },
      async stop() {
        try {
          // First, so no other process starts on an engine that is going away.
          unadvertise();
          await engine.stop();
        } finally {
          if (useSocket) fs.rmSync(socketPath, { force: true });
          release();
        }
      },
    };
  } catch (err) {
    await engine.stop().catch(() => undefined);
    release();
    throw err;
  }
}

/** How long reachEmbeddedDatabase waits for the process holding DATA_DIR to advertise its engine. */
const REACH_WAIT_MS = 30_000;
const REACH_POLL_MS = 100;

/**
 * For the admin CLI: the engine of the process that holds DATA_DIR (a running gateway), reached
 * through the endpoint file it advertised, over the same socket (or loopback port) and password
 * its own pool uses; when no live process holds DATA_DIR, the engine started here as
 * startEmbeddedDatabase does (a dead holder's lock and endpoint file are cleared). A holder that
 * does not advertise (a gateway still migrating its database, another admin command that ends
 * soon) is waited for, up to REACH_WAIT_MS, until it advertises or lets go.
 */
export async function reachEmbeddedDatabase(
  dataDir: string,
  maxConnections: number,
  waitMs = REACH_WAIT_MS,
): Promise<EmbeddedDatabase> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    let held: DataDirLockedError;
    try {
      return await startEmbeddedDatabase(dataDir, maxConnections);
    } catch (err) {
      if (!(err instanceof DataDirLockedError)) throw err;
      held = err;
    }
    const endpoint = readEndpoint(dataDir, held.pid);
    if (endpoint) {
      return {
        url: engineUrl(dataDir, endpoint.password, endpoint.tcp),
        advertise: () => undefined,
        stop: async () => undefined,
      };
    }
    if (Date.now() >= deadline) {
      throw new DataDirLockedError(
        dataDir,
        held.pid,
        `The embedded database in ${dataDir} is in use by process ${held.pid}, which did not open it to ` +
          `other processes within ${Math.round(waitMs / 1000)} s (a gateway still starting, or one older ` +
          'than this version: restart it). Or point DATABASE_URL at a PostgreSQL server.',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, REACH_POLL_MS));
  }
}
