/**
 * How another process of the same user (the admin CLI) reaches the embedded engine of the
 * process that holds DATA_DIR (a running gateway): that process writes DATA_DIR/gateway.endpoint
 * once its database is open and migrated — its pid, this start's password, and the loopback
 * address when the engine listens on TCP rather than on the socket in DATA_DIR. The file is
 * mode 0600 (and DATA_DIR 0700): only its user can read the password, which never goes to a log,
 * an argument list or the environment. It is removed on stop and on exit; after a crash it is
 * stale, told by its pid: only the endpoint of the process that holds DATA_DIR's lock is used.
 */
import fs from 'node:fs';
import path from 'node:path';

const ENDPOINT_FILE = 'gateway.endpoint';

export interface Endpoint {
  /** The process that serves the engine (the holder of DATA_DIR's lock). */
  pid: number;
  password: string;
  /** `host:port` when the engine listens on loopback TCP; absent for the socket in DATA_DIR. */
  tcp?: string;
}

/** The `pg` URL of an engine in `dataDir` (its socket there, or `tcp`), with its password. */
export function engineUrl(dataDir: string, password: string, tcp?: string): string {
  return tcp
    ? `postgres://postgres:${password}@${tcp}/postgres`
    : `postgres://postgres:${password}@localhost/postgres?host=${encodeURIComponent(dataDir)}`;
}

/**
 * Writes the endpoint file (replacing any left by a process that died: a fresh 0600 file, renamed
 * into place, so a reader never sees half of it). Returns its removal, also run on exit.
 */
export function advertiseEndpoint(dataDir: string, endpoint: Endpoint): () => void {
  const file = path.join(dataDir, ENDPOINT_FILE);
  const temporary = `${file}.${process.pid}`;
  fs.rmSync(temporary, { force: true });
  fs.writeFileSync(temporary, JSON.stringify(endpoint), { flag: 'wx', mode: 0o600 });
  fs.renameSync(temporary, file);
  const remove = () => {
    process.removeListener('exit', remove);
    if (readEndpoint(dataDir, endpoint.pid)) fs.rmSync(file, { force: true });
  };
  process.on('exit', remove);
  return remove;
}

/** The endpoint advertised by process `holder`, if its file is there and is its. */
export function readEndpoint(dataDir: string, holder: number): Endpoint | undefined {
  let endpoint: Partial<Endpoint>;
  try {
    endpoint = JSON.parse(fs.readFileSync(path.join(dataDir, ENDPOINT_FILE), 'utf8')) as Partial<Endpoint>;
  } catch {
    return undefined; // none yet (the holder is still starting), or being replaced
  }
  if (endpoint.pid !== holder || typeof endpoint.password !== 'string') return undefined;
  if (endpoint.tcp !== undefined && typeof endpoint.tcp !== 'string') return undefined;
  return { pid: holder, password: endpoint.password, ...(endpoint.tcp ? { tcp: endpoint.tcp } : {}) };
}

/** Removes an endpoint file: called by whoever just took DATA_DIR's lock, so any file there is stale. */
export function removeStaleEndpoint(dataDir: string): void {
  fs.rmSync(path.join(dataDir, ENDPOINT_FILE), { force: true });
}
