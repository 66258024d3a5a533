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
 * Whoever is mid-sequence or mid-transaction owns the backend; other connections wait. A
 * connection that goes away while it owns the backend has its sequence and transaction ended as
 * PostgreSQL ends a lost backend's: rolled back, and the backend ready for the next one (without
 * that, after an error mid-sequence the backend discards every later message until a Sync, and
 * the next connection's Sync would commit the lost one's statements).
 *
 * Every connection must first give the password generated for this start (cleartext password
 * authentication; the server only listens on a unix socket in DATA_DIR or on loopback): PGlite
 * itself accepts anyone, and on the loopback fallback anyone on the machine could connect.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';

const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'
const PASSWORD = 0x70; // 'p'

/** A Parse that fails (a syntax error): aborts whatever the lost connection left open. */
const ABORT_PARSE = (() => {
  const body = Buffer.concat([Buffer.from('\0', 'latin1'), Buffer.from('(\0', 'latin1'), Buffer.alloc(2)]);
  const header = Buffer.alloc(5);
  header[0] = 0x50; // 'P'
  header.writeInt32BE(4 + body.length, 1);
  return new Uint8Array(Buffer.concat([header, body]));
})();
const SYNC_MESSAGE = new Uint8Array([SYNC, 0, 0, 0, 4]);

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
  /** The connection whose message is running now, if any. */
  private running: number | null = null;
  /** Connections that went away while their message ran: released when it ends. */
  private readonly gone = new Set<number>();

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

  /** A connection went away: end its sequence and transaction, and free the backend for the others. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.running === handlerId) {
      // Its last message is still running: the loop releases the backend when it ends.
      this.gone.add(handlerId);
      return;
    }
    if (this.owner !== handlerId) return;
    await this.release();
    void this.process();
  }

  /**
   * Ends what the owner left: a failing Parse aborts its implicit or explicit transaction (as a
   * lost backend's would be), the Sync ends the sequence, and a ROLLBACK ends an explicit block.
   */
  private async release(): Promise<void> {
    const discard = { onRawData: () => undefined };
    try {
      await this.db.runExclusive(async () => {
        await this.db.execProtocolRawStream(ABORT_PARSE, discard);
        await this.db.execProtocolRawStream(SYNC_MESSAGE, discard);
      });
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    } finally {
      this.owner = null;
    }
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
        this.running = current.handlerId;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(current.message, {
              onRawData: (data) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
          this.owner = !endsExchange(current.message) || this.db.isInTransaction() ? current.handlerId : null;
          current.resolve(bytes);
        } catch (err) {
          current.reject(err);
        } finally {
          this.running = null;
        }
        if (this.gone.delete(current.handlerId) && this.owner === current.handlerId) {
          await this.release().catch(() => undefined);
        }
      }
    } finally {
      this.processing = false;
    }
  }
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
/** A startup message is small (user, database, a few options); anything larger is not a client. */
const MAX_STARTUP_BYTES = 10_000;
/** How long a new connection has to authenticate before it is dropped. */
const AUTH_TIMEOUT_MS = 10_000;

function digest(value: Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}

/** A FATAL ErrorResponse with an SQLSTATE and a message. */
function fatal(code: string, message: string): Buffer {
  const fields = Buffer.concat([Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`, 'utf8')]);
  const header = Buffer.alloc(5);
  header[0] = 0x45; // 'E'
  header.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([header, fields]);
}

/**
 * Runs the start of a connection before PGlite sees it: answers SSL/GSS requests with "no",
 * reads the startup message, asks for a cleartext password (AuthenticationCleartextPassword) and
 * compares it in constant time. Resolves with the startup message (for PGlite, which answers it
 * with AuthenticationOk and the rest) and any bytes after the password; undefined when the
 * connection was refused or went away.
 */
function authenticate(socket: net.Socket, password: string): Promise<Buffer | undefined> {
  const expected = digest(Buffer.from(password, 'utf8'));
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    let startup: Buffer | undefined;
    const timer = setTimeout(() => finish(undefined, true), AUTH_TIMEOUT_MS);
    const finish = (result: Buffer | undefined, destroy = false) => {
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('close', onClose);
      socket.removeListener('error', onClose);
      // Held until the wire-protocol handler listens (serve resumes it).
      socket.pause();
      if (destroy) socket.destroy();
      resolve(result);
    };
    const refuse = (code: string, message: string) => {
      socket.end(fatal(code, message));
      finish(undefined);
    };
    const onClose = () => finish(undefined, true);
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!startup) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          const code = buffer.readInt32BE(4);
          if (length === 8 && (code === SSL_REQUEST || code === GSSENC_REQUEST)) {
            socket.write('N');
            buffer = buffer.subarray(8);
            continue;
          }
          if (length < 8 || length > MAX_STARTUP_BYTES) {
            refuse('08P01', 'invalid startup packet');
            return;
          }
          if (buffer.length < length) return;
          startup = Buffer.from(buffer.subarray(0, length));
          buffer = buffer.subarray(length);
          // AuthenticationCleartextPassword.
          socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]));
          continue;
        }
        if (buffer.length < 5) return;
        const length = buffer.readInt32BE(1);
        if (buffer[0] !== PASSWORD || length < 5 || length > 1_028) {
          refuse('28P01', 'password authentication failed');
          return;
        }
        if (buffer.length < 1 + length) return;
        const given = buffer.subarray(5, 1 + length - 1); // without the terminating NUL
        if (!timingSafeEqual(digest(given), expected)) {
          refuse('28P01', 'password authentication failed');
          return;
        }
        finish(Buffer.concat([startup, buffer.subarray(1 + length)]));
        return;
      }
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', onClose);
  });
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
  /** What every connection must give (generated per start by embedded.ts). */
  password: string,
): Promise<EmbeddedSocketServer> {
  await db.waitReady;
  const queue = new SessionQueue(db);
  const handlers = new Set<PGLiteSocketHandler>();
  const serve = (socket: net.Socket, startup: Buffer) => {
    if (handlers.size >= maxConnections || socket.destroyed) {
      socket.end(fatal('53300', 'too many connections'));
      return;
    }
    // The handler only needs the queue's interface; ours keeps sessions from interleaving.
    const handler = new PGLiteSocketHandler({ queryQueue: queue as never, closeOnDetach: true });
    handlers.add(handler);
    const forget = () => handlers.delete(handler);
    handler.addEventListener('close', forget);
    handler.addEventListener('error', forget);
    handler.attach(socket).then(
      // PGlite answers the startup message (AuthenticationOk, parameters, ReadyForQuery).
      () => {
        socket.emit('data', startup);
        socket.resume();
      },
      () => {
        forget();
        socket.destroy();
      },
    );
  };
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    authenticate(socket, password).then(
      (startup) => {
        if (startup) serve(socket, startup);
      },
      () => socket.destroy(),
    );
  });
  // Connections still authenticating count too; the handlers' own limit is checked in serve.
  server.maxConnections = maxConnections * 2;
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
