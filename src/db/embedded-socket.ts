/**
 * The embedded engine's wire-protocol server: pglite-socket's connection handler, with a query
 * queue of our own. PGlite is one backend behind many connections, so messages from different
 * connections must not interleave where the backend keeps per-session state:
 *
 * - inside an extended-protocol sequence (Parse, Bind, Describe, Execute … up to Sync), or the
 *   unnamed statement one connection parsed is bound by another — pglite-socket's own queue
 *   allows that, and under concurrent load queries then answer with other queries' rows;
 * - inside a transaction (as pglite-socket's queue already ensures).
 *
 * Whoever is mid-sequence or mid-transaction owns the backend; other connections wait.
 */
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';

const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: unknown) => void;
}

/** A message that leaves its connection between two complete exchanges (not mid-sequence). */
function endsExchange(message: Uint8Array): boolean {
  const type = message[0];
  // The startup message has no type byte: its first byte is the high byte of its length (0).
  return type === SYNC || type === QUERY || type === TERMINATE || type === 0;
}

class SessionQueue {
  private queue: QueuedMessage[] = [];
  private processing = false;
  /** The connection that holds the backend mid-sequence or mid-transaction, if any. */
  private owner: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((item) => {
      if (item.handlerId !== handlerId) return true;
      item.reject(new Error('connection closed'));
      return false;
    });
  }

  /** A connection went away: end its transaction and free the backend for the others. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    void this.process();
  }

  private next(): QueuedMessage | undefined {
    if (this.owner === null) return this.queue.shift();
    const index = this.queue.findIndex((item) => item.handlerId === this.owner);
    return index === -1 ? undefined : this.queue.splice(index, 1)[0];
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let item = this.next(); item; item = this.next()) {
        const current = item;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(current.message, {
              onRawData: (data) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
        } catch (err) {
          current.reject(err);
          continue;
        }
        this.owner = !endsExchange(current.message) || this.db.isInTransaction() ? current.handlerId : null;
        current.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }
}

export interface EmbeddedSocketServer {
  /** `host:port` for TCP, or the socket path. */
  address: string;
  stop(): Promise<void>;
}

export async function startEmbeddedSocketServer(
  db: PGlite,
  listen: { path: string } | { host: string; port: number },
  maxConnections: number,
): Promise<EmbeddedSocketServer> {
  await db.waitReady;
  const queue = new SessionQueue(db);
  const handlers = new Set<PGLiteSocketHandler>();
  const server = net.createServer((socket) => {
    if (handlers.size >= maxConnections) {
      socket.end();
      return;
    }
    // The handler only needs the queue's interface; ours keeps sessions from interleaving.
    const handler = new PGLiteSocketHandler({ queryQueue: queue as never, closeOnDetach: true });
    handlers.add(handler);
    const forget = () => handlers.delete(handler);
    handler.addEventListener('close', forget);
    handler.addEventListener('error', forget);
    handler.attach(socket).catch(() => {
      forget();
      socket.destroy();
    });
  });
  server.maxConnections = maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('path' in listen) server.listen(listen.path, resolve);
    else server.listen(listen.port, listen.host, resolve);
  });
  const bound = server.address();
  const address = typeof bound === 'string' ? bound : `${bound!.address}:${bound!.port}`;
  return {
    address,
    async stop() {
      for (const handler of handlers) await handler.detach(true);
      handlers.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
