/**
 * The embedded engine's thread (started by embedded.ts): PGlite and its wire-protocol server
 * (embedded-socket.ts) run here, off the gateway's event loop. PGlite's start (compiling its
 * WebAssembly, then PostgreSQL's own start-up) begins as soon as the thread does, so it overlaps
 * with the main thread loading the gateway's modules.
 *
 * Keep this file's imports small: the thread loads them before PGlite can start.
 */
import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { startEmbeddedSocketServer, type EmbeddedSocketServer } from './embedded-socket';

/** What embedded.ts hands the thread at its start. */
export interface EngineData {
  pgdata: string;
  /** PostgreSQL settings (`-c name=value` pairs) on top of PGlite's defaults. */
  settings: string[];
}

/** embedded.ts → the thread: open the socket server (once), or stop everything. */
export type ToEngine =
  | {
      type: 'listen';
      listen: { path: string } | { host: string; port: number };
      maxConnections: number;
      /** Every connection's password (generated per start). */
      password: string;
    }
  | { type: 'stop' };

/** The thread → embedded.ts. */
export type FromEngine =
  | { type: 'booted' }
  | { type: 'listening'; address: string }
  | { type: 'stopped' }
  | { type: 'failed'; message: string; stack?: string };

const port = parentPort!;
const { pgdata, settings } = workerData as EngineData;

function send(message: FromEngine): void {
  port.postMessage(message);
}

function failed(err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  send({ type: 'failed', message: error.message, stack: error.stack });
}

// One background thread for compiling PGlite's WebAssembly instead of V8's default of one per
// core: measured here, the engine then starts ~0.1 s sooner, with ~0.2 s less CPU taken from the
// main thread while it loads, and answers its first queries faster (steady-state speed is the
// same). The flag is process-wide, and PGlite is the only WebAssembly the gateway runs.
setFlagsFromString('--wasm-num-compilation-tasks=1');
const booting = PGlite.create({ dataDir: pgdata, startParams: [...PGlite.defaultStartParams, ...settings] });
booting.then(() => send({ type: 'booted' }), failed);

let server: EmbeddedSocketServer | undefined;

async function handle(message: ToEngine): Promise<void> {
  if (message.type === 'listen') {
    const db = await booting;
    server = await startEmbeddedSocketServer(db, message.listen, message.maxConnections, message.password);
    send({ type: 'listening', address: server.address });
  } else {
    await server?.stop();
    const db = await booting.catch(() => undefined);
    await db?.close();
    send({ type: 'stopped' });
  }
}

port.on('message', (message: ToEngine) => {
  handle(message).catch(failed);
});
