/**
 * The embedded PostgreSQL engine: PGlite persisted under DATA_DIR, served in-process over the
 * wire protocol (embedded-socket.ts) on a unix socket (or a loopback port when the path is too long), so the
 * ordinary `pg` driver and every line of data code are the same as in production.
 *
 * A lock file in DATA_DIR keeps a second process (a second gateway, or the admin CLI while a
 * gateway runs) from opening the same files, which PGlite cannot share.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { startEmbeddedSocketServer } from './embedded-socket';

const LOCK_FILE = 'gateway.lock';
const SOCKET_NAME = '.s.PGSQL.5432';
// sun_path is 108 bytes on Linux, 104 on macOS; keep a margin.
const MAX_SOCKET_PATH = 100;

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid} (a running gateway?). ` +
        'Stop that process first, or point DATABASE_URL at a PostgreSQL server.',
    );
    this.name = 'DataDirLockedError';
  }
}

export interface EmbeddedDatabase {
  /** A postgres:// URL for the `pg` driver. */
  url: string;
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

function acquireLock(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new DataDirLockedError(dataDir, pid);
      }
      fs.unlinkSync(file); // left behind by a process that died
    }
  }
  throw new Error(`could not take the lock ${file}`);
}

export async function startEmbeddedDatabase(
  dataDir: string,
  maxConnections: number,
): Promise<EmbeddedDatabase> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const release = acquireLock(dataDir);
  let db: PGlite | undefined;
  try {
    db = await PGlite.create({ dataDir: path.join(dataDir, 'pgdata') });
    const socketPath = path.join(dataDir, SOCKET_NAME);
    const useSocket = Buffer.byteLength(socketPath) <= MAX_SOCKET_PATH && process.platform !== 'win32';
    if (useSocket) fs.rmSync(socketPath, { force: true });
    const server = await startEmbeddedSocketServer(
      db,
      useSocket ? { path: socketPath } : { host: '127.0.0.1', port: 0 },
      maxConnections,
    );
    const url = useSocket
      ? `postgres://postgres@localhost/postgres?host=${encodeURIComponent(dataDir)}`
      : `postgres://postgres@${server.address}/postgres`;
    const opened = db;
    return {
      url,
      async stop() {
        await server.stop();
        await opened.close();
        if (useSocket) fs.rmSync(socketPath, { force: true });
        release();
      },
    };
  } catch (err) {
    await db?.close().catch(() => undefined);
    release();
    throw err;
  }
}
