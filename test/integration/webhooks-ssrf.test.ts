/**
 * Webhooks and SSRF (OWASP API7): under WEBHOOK_ALLOW_PRIVATE_NETWORKS=false an owner cannot
 * register a private or local IP literal or a localhost name, and a delivery whose host resolves
 * (or is) such an address is never sent there: the attempt fails with "address not allowed" and
 * is retried like any failure, so it goes out once the setting (or DNS) allows it.
 *
 * Two gateways share one database: an open one (the default outside production) registers the
 * loopback endpoints, as an endpoint registered before the setting was turned on would be, and a
 * guarded one's worker tries to deliver them.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inTransaction } from '../../src/db/transaction';
import { WebhookDeliveryRepository } from '../../src/webhooks/webhook-delivery.repository';
import { startGateway, type TestGateway } from '../support/gateway';
import { gqlRaw } from '../support/graphql';
import { client } from '../support/http';
import { sleep, until } from '../support/wait';

jest.setTimeout(120_000);

const FAST_ENV = {
  WEBHOOK_POLL_INTERVAL_MS: '50',
  WEBHOOK_RETRY_BASE_MS: '50',
  WEBHOOK_RETRY_MAX_MS: '200',
  WEBHOOK_MAX_ATTEMPTS: '60',
  WEBHOOK_TIMEOUT_MS: '2000',
};
const GUARDED_ENV = { ...FAST_ENV, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' };
const PRIVATE_MESSAGE =
  'must not point at a private or local network address (see WEBHOOK_ALLOW_PRIVATE_NETWORKS)';
const NOT_ALLOWED = 'address not allowed (private or local network)';

/** Records every request that reaches it (there must be none while the guard is on). */
async function startReceiver(): Promise<{ port: number; paths: string[]; close: () => Promise<void> }> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('webhooks: no private or local network targets (WEBHOOK_ALLOW_PRIVATE_NETWORKS=false)', () => {
  let open: TestGateway;
  let guarded: TestGateway | undefined;
  let owner: { ownerId: string; apiKey: string };
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    open = await startGateway({ env: FAST_ENV });
    guarded = await startGateway({ env: GUARDED_ENV, webhookWorker: true });
    owner = await open.newOwner('wh-ssrf');
    guarded.webhookOwners.add(owner.ownerId);
  });
  afterAll(async () => {
    await guarded?.close();
    await open.close();
    await receiver.close();
  });

  it('refuses private and local URLs at registration with 400 naming url (REST and GraphQL)', async () => {
    expect(guarded!.config.webhookAllowPrivateNetworks).toBe(false);
    expect(open.config.webhookAllowPrivateNetworks).toBe(true);
    const api = client(guarded!.baseUrl, owner.apiKey);
    for (const url of [
      `http://127.0.0.1:${receiver.port}/hook`,
      'http://[::1]/',
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://0.0.0.0/',
      'https://[fd00::1]/',
      'https://192.168.1.1/',
      `http://localhost:${receiver.port}/hook`,
      'http://LOCALHOST./',
      'http://foo.localhost/',
      // IPv6 spellings that reach an IPv4 host: NAT64, 6to4, IPv4-compatible, IPv4-translated,
      // Teredo (client address XOR'd), and the deprecated site-local range.
      'http://[64:ff9b::a9fe:a9fe]/latest/meta-data',
      'http://[64:ff9b::127.0.0.1]/',
      'http://[64:ff9b:1::a00:1]/',
      'http://[2002:a9fe:a9fe::]/',
      'http://[2002:7f00:1::1]/',
      'http://[::a9fe:a9fe]/',
      'http://[::127.0.0.1]/',
      'http://[::ffff:0:a9fe:a9fe]/',
      'http://[2001:0:5db8:d822::80ff:fffe]/',
      'http://[2001:0:a00:1::a2f7:d7dd]/',
      'https://[fec0::1]/',
      'https://[2001:db8::1]/',
      'https://[ff02::1]/',
      'https://[100::1]/',
      'http://192.0.2.1/',
      'http://198.51.100.7/',
      'http://255.255.255.255/',
    ]) {
      const res = await api.post('/api/v1/webhooks', { url });
      expect({ url, status: res.status, code: res.body.error?.code }).toEqual({
        url,
        status: 400,
        code: 'BAD_REQUEST',
      });
      expect(res.body.error.details).toEqual([{ field: 'url', message: PRIVATE_MESSAGE }]);
    }
    const gql = await gqlRaw(guarded!.baseUrl, owner.apiKey, {
      query: `mutation { createWebhookEndpoint(input: {url: "http://169.254.169.254/"}) { secret } }`,
    });
    expect(gql.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');

    // A public host (names are checked when sent to) and a public IP literal are accepted.
    for (const url of [
      'https://hooks.example.com/x',
      'https://93.184.216.34/x',
      'https://[2606:4700::1111]/',
      // The same forms around a public IPv4 address are public.
      'https://[64:ff9b::5db8:d822]/',
      'https://[2002:5db8:d822::1]/',
      'https://[::ffff:93.184.216.34]/',
    ]) {
      const res = await api.post('/api/v1/webhooks', { url });
      expect({ url, status: res.status }).toEqual({ url, status: 201 });
      expect((await api.delete(`/api/v1/webhooks/${res.body.webhook.id}`)).status).toBe(200);
    }
    // Where private networks are allowed (the default outside production), loopback is fine.
    const allowed = await client(open.baseUrl, owner.apiKey).post('/api/v1/webhooks', {
      url: `http://127.0.0.1:${receiver.port}/x`,
    });
    expect(allowed.status).toBe(201);
    expect((await api.delete(`/api/v1/webhooks/${allowed.body.webhook.id}`)).status).toBe(200);
    expect(receiver.paths).toEqual([]);
  });

  it('never sends to an IPv6 form of a private IPv4 address (NAT64, IPv4-compatible, 6to4)', async () => {
    // A separate owner: its endpoints get only this test's event.
    const other = await open.newOwner('wh-ssrf-v6');
    guarded!.webhookOwners.add(other.ownerId);
    const api = client(open.baseUrl, other.apiKey);
    const endpoints: string[] = [];
    for (const host of ['[64:ff9b::7f00:1]', '[::127.0.0.1]', '[2002:7f00:1::1]', '[::ffff:0:7f00:1]']) {
      const res = await api.post('/api/v1/webhooks', { url: `http://${host}:${receiver.port}/v6` });
      expect({ host, status: res.status }).toEqual({ host, status: 201 });
      endpoints.push(res.body.webhook.id as string);
    }
    const connectionId = randomUUID();
    await inTransaction(open.dataSource, (tx) =>
      new WebhookDeliveryRepository(open.dataSource).enqueue(tx, {
        id: randomUUID(),
        type: 'connection.connected',
        ownerId: other.ownerId,
        connectionId,
        occurredAt: new Date(),
        data: { connection: { id: connectionId } },
      }),
    );
    for (const id of endpoints) {
      let first: { attempts: number; lastError: string | null } | undefined;
      await until(
        async () => {
          first = (await api.get(`/api/v1/webhooks/${id}/deliveries`)).body.deliveries[0];
          return (first?.attempts ?? 0) >= 1;
        },
        20_000,
        'a refused attempt',
      );
      expect(first?.lastError).toBe(NOT_ALLOWED);
      expect((await api.delete(`/api/v1/webhooks/${id}`)).status).toBe(200);
    }
    expect(receiver.paths).toEqual([]);
  });

  it('never sends to a host that resolves to (or is) loopback; retries until it is allowed', async () => {
    const api = client(open.baseUrl, owner.apiKey);
    const endpoints: Record<string, string> = {};
    for (const [path, host] of [
      ['/by-name', 'localhost'],
      ['/by-literal', '127.0.0.1'],
      ['/by-mapped', '[::ffff:127.0.0.1]'],
    ] as const) {
      const res = await api.post('/api/v1/webhooks', { url: `http://${host}:${receiver.port}${path}` });
      expect(res.status).toBe(201);
      endpoints[path] = res.body.webhook.id as string;
    }
    const connectionId = randomUUID();
    const eventId = randomUUID();
    const outbox = new WebhookDeliveryRepository(open.dataSource);
    await inTransaction(open.dataSource, (tx) =>
      outbox.enqueue(tx, {
        id: eventId,
        type: 'connection.connected',
        ownerId: owner.ownerId,
        connectionId,
        occurredAt: new Date(),
        data: { connection: { id: connectionId } },
      }),
    );

    const deliveriesOf = async (id: string) =>
      (await api.get(`/api/v1/webhooks/${id}/deliveries`)).body.deliveries as {
        eventId: string;
        status: string;
        attempts: number;
        lastStatus: number | null;
        lastError: string | null;
      }[];
    for (const id of Object.values(endpoints)) {
      await until(
        async () => ((await deliveriesOf(id))[0]?.attempts ?? 0) >= 2,
        20_000,
        'two refused attempts',
      );
      expect((await deliveriesOf(id))[0]).toMatchObject({
        eventId,
        status: 'pending',
        lastStatus: null,
        lastError: NOT_ALLOWED,
      });
    }
    await sleep(200);
    expect(receiver.paths).toEqual([]);
    const refusals = guarded!.logs.filter((line) => line.includes(NOT_ALLOWED));
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.join('\n')).not.toContain(String(receiver.port));

    // The operator allows private networks: the same pending deliveries now go out.
    await guarded!.close();
    guarded = undefined;
    const allowing = await startGateway({ env: FAST_ENV, webhookWorker: true });
    allowing.webhookOwners.add(owner.ownerId);
    try {
      await until(() => receiver.paths.length >= 3, 20_000, 'the deliveries once allowed');
      expect([...receiver.paths].sort()).toEqual(['/by-literal', '/by-mapped', '/by-name']);
      for (const id of Object.values(endpoints)) {
        await until(
          async () => (await deliveriesOf(id))[0]?.status === 'delivered',
          10_000,
          'the delivered row',
        );
        expect((await api.delete(`/api/v1/webhooks/${id}`)).status).toBe(200);
      }
    } finally {
      await allowing.close();
    }
  });
});
