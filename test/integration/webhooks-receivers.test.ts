/**
 * A webhook receiver holds nothing (docs/security.md#a-webhook-receiver-holds-nothing): a receiver
 * that answers `200` and then trickles its body, or floods it, keeps no delivery's socket open. The
 * whole exchange (connect, head and body) is bounded by WEBHOOK_TIMEOUT_MS, at most a few KiB of
 * the answer are read, and then the socket is closed. The `200` still counts: the receiver took the
 * event (delivery is at least once; nothing is gained by sending it again).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { inTransaction } from '../../src/db/transaction';
import { exchange, MAX_ANSWER_BYTES_DEFAULT } from '../../src/providers/http-exchange';
import { WebhookDeliveryRepository } from '../../src/webhooks/webhook-delivery.repository';
import { startGateway, type TestGateway } from '../support/gateway';
import { client } from '../support/http';
import { until } from '../support/wait';

jest.setTimeout(120_000);

const TIMEOUT_MS = 1_500;
const ENV = {
  WEBHOOK_POLL_INTERVAL_MS: '50',
  WEBHOOK_RETRY_BASE_MS: '50',
  WEBHOOK_RETRY_MAX_MS: '200',
  WEBHOOK_MAX_ATTEMPTS: '5',
  WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
};

/** A loopback receiver that counts its open sockets and the body bytes it managed to write. */
class Receiver {
  readonly sockets = new Set<Socket>();
  readonly requests: string[] = [];
  written = 0;
  private readonly server: http.Server;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(mode: 'trickle' | 'flood') {
    this.server = http.createServer((req, res) => {
      this.requests.push(req.url ?? '');
      req.resume();
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      if (mode === 'trickle') {
        // One byte now and one every 100 ms, for ever.
        res.write('x');
        this.written += 1;
        const timer = setInterval(() => {
          if (res.destroyed) return clearInterval(timer);
          res.write('x');
          this.written += 1;
        }, 100);
        this.timers.add(timer);
        res.on('close', () => clearInterval(timer));
      } else {
        // As fast as the reader takes it, for ever (gigabytes if it reads them all).
        const chunk = Buffer.alloc(64 * 1024, 'y');
        const pump = () => {
          while (!res.destroyed) {
            this.written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
        };
        res.on('error', () => undefined);
        pump();
      }
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function emit(gw: TestGateway, ownerId: string): Promise<string> {
  const id = randomUUID();
  const connectionId = randomUUID();
  await inTransaction(gw.dataSource, (tx) =>
    new WebhookDeliveryRepository(gw.dataSource).enqueue(tx, {
      id,
      type: 'connection.connected',
      ownerId,
      connectionId,
      occurredAt: new Date(),
      data: { connection: { id: connectionId } },
    }),
  );
  return id;
}

describe('webhook delivery: a receiver holds nothing', () => {
  let gw: TestGateway;
  const trickle = new Receiver('trickle');
  const flood = new Receiver('flood');
  let trickleUrl: string;
  let floodUrl: string;

  beforeAll(async () => {
    trickleUrl = await trickle.start();
    floodUrl = await flood.start();
    gw = await startGateway({ env: ENV, webhookWorker: true });
  });
  afterAll(async () => {
    await gw.close();
    await trickle.close();
    await flood.close();
  });

  async function deliveryOf(apiKey: string, endpointId: string, eventId: string) {
    const res = await client(gw.baseUrl, apiKey).get(`/api/v1/webhooks/${endpointId}/deliveries`);
    return (res.body.deliveries as { eventId: string; status: string; lastStatus: number | null }[]).find(
      (d) => d.eventId === eventId,
    );
  }

  it('closes a trickling receiver’s sockets within WEBHOOK_TIMEOUT_MS, and counts its 200', async () => {
    const owner = await gw.newOwner('wh-trickle');
    const api = client(gw.baseUrl, owner.apiKey);
    const created = await api.post('/api/v1/webhooks', { url: `${trickleUrl}/slow` });
    expect(created.status).toBe(201);
    const events = [
      await emit(gw, owner.ownerId),
      await emit(gw, owner.ownerId),
      await emit(gw, owner.ownerId),
    ];
    await until(() => trickle.requests.length >= 3, 20_000, 'three deliveries to reach the receiver');
    const reached = Date.now();
    // Every socket is closed within the timeout (plus a margin for a loaded machine), not held for ever.
    await until(() => trickle.sockets.size === 0, TIMEOUT_MS + 5_000, 'the trickling sockets to close');
    expect(Date.now() - reached).toBeLessThan(TIMEOUT_MS + 5_000);
    for (const eventId of events) {
      await until(
        async () =>
          (await deliveryOf(owner.apiKey, created.body.webhook.id, eventId))?.status === 'delivered',
        10_000,
        'the delivered row',
      );
      expect(await deliveryOf(owner.apiKey, created.body.webhook.id, eventId)).toMatchObject({
        status: 'delivered',
        lastStatus: 200,
      });
    }
    // One attempt per event: a 200 whose body never ends is not retried.
    expect(trickle.requests).toHaveLength(3);
    expect((await api.delete(`/api/v1/webhooks/${created.body.webhook.id}`)).status).toBe(200);
  });

  it('reads at most a few KiB of a flooding receiver’s answer, then closes the socket', async () => {
    const owner = await gw.newOwner('wh-flood');
    const api = client(gw.baseUrl, owner.apiKey);
    const created = await api.post('/api/v1/webhooks', { url: `${floodUrl}/big` });
    expect(created.status).toBe(201);
    const eventId = await emit(gw, owner.ownerId);
    await until(() => flood.requests.length >= 1, 20_000, 'the delivery to reach the receiver');
    await until(() => flood.sockets.size === 0, TIMEOUT_MS + 5_000, 'the flooding socket to close');
    await until(
      async () => (await deliveryOf(owner.apiKey, created.body.webhook.id, eventId))?.status === 'delivered',
      10_000,
      'the delivered row',
    );
    // What the receiver wrote before the gateway closed is bounded by the sockets' buffers, not
    // by the gigabytes it would have sent.
    expect(flood.written).toBeLessThan(64 * 1024 * 1024);
    expect((await api.delete(`/api/v1/webhooks/${created.body.webhook.id}`)).status).toBe(200);
  });

  it('the exchange itself hands back at most MAX_ANSWER_BYTES_DEFAULT of an answer', async () => {
    const answer = await exchange(new URL(`${floodUrl}/direct`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      timeoutMs: 10_000,
      guarded: false,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.length).toBeLessThanOrEqual(MAX_ANSWER_BYTES_DEFAULT);
    expect(MAX_ANSWER_BYTES_DEFAULT).toBeLessThanOrEqual(8 * 1024);
    expect(answer.complete).toBe(false);
    await until(() => flood.sockets.size === 0, 5_000, 'the direct exchange’s socket to close');
  });
});
