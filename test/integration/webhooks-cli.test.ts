/**
 * The admin CLI's webhook commands as an operator runs them: a real child process against the
 * run's database, one JSON object on stdout, messages on stderr, exit 0/1/2. The secret `add`
 * prints signs what a running gateway then delivers.
 *
 * The database is shared with the other suites running in parallel, so assertions only ever
 * concern rows this file created.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { admin, onlyJsonLine } from '../support/admin-cli';
import { startGateway, type TestGateway } from '../support/gateway';
import { client } from '../support/http';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;

interface AdminWebhook {
  id: string;
  ownerId: string | null;
  url: string;
  description: string | null;
  eventTypes: string[] | null;
  createdAt: string;
}

jest.setTimeout(120_000);

describe('admin CLI: webhooks', () => {
  let gw: TestGateway;
  let server: http.Server;
  let port: number;
  /** Verified deliveries by path: [webhook-id, type]. */
  const received = new Map<string, [string, string][]>();
  const secrets = new Map<string, string>();
  const bad: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      req.on('end', () => {
        const where = req.url ?? '';
        try {
          const body = new Webhook(secrets.get(where) ?? 'whsec_AAAA').verify(raw, {
            'webhook-id': String(req.headers['webhook-id']),
            'webhook-timestamp': String(req.headers['webhook-timestamp']),
            'webhook-signature': String(req.headers['webhook-signature']),
          }) as { type: string };
          received.set(where, [
            ...(received.get(where) ?? []),
            [String(req.headers['webhook-id']), body.type],
          ]);
          res.writeHead(200).end();
        } catch (err) {
          bad.push(`${where}: ${(err as Error).message}`);
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    gw = await startGateway({
      env: { WEBHOOK_POLL_INTERVAL_MS: '50', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_RETRY_MAX_MS: '400' },
      webhookWorker: true,
    });
  });
  afterAll(async () => {
    await gw.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('adds owner and operator-wide endpoints whose printed secret signs the deliveries, lists and removes them', async () => {
    const ownerName = `cli-wh-${process.pid}-${Date.now()}-${randomBytes(3).toString('hex')}`;
    const owner = await gw.services.owners.createKey(ownerName);
    gw.webhookOwners.add(owner.ownerId);
    const ownerUrl = `http://127.0.0.1:${port}/owner`;
    const operatorUrl = `http://127.0.0.1:${port}/operator`;

    const addedResult = await admin([
      'webhooks',
      'add',
      '--url',
      ownerUrl,
      '--owner',
      ownerName,
      '--events',
      'connection.created,connection.revoked',
      '--description',
      'from the CLI',
    ]);
    const added = onlyJsonLine<AdminWebhook & { secret: string }>(addedResult);
    expect(added).toEqual({
      id: expect.stringMatching(UUID),
      ownerId: owner.ownerId,
      url: ownerUrl,
      description: 'from the CLI',
      eventTypes: ['connection.created', 'connection.revoked'],
      createdAt: expect.any(String),
      secret: expect.stringMatching(SECRET),
    });
    secrets.set('/owner', added.secret);

    const operator = onlyJsonLine<AdminWebhook & { secret: string }>(
      await admin(['webhooks', 'add', '--url', operatorUrl]),
    );
    expect(operator.ownerId).toBeNull();
    expect(operator.eventTypes).toBeNull();
    expect(operator.secret).toMatch(SECRET);
    secrets.set('/operator', operator.secret);

    try {
      // The owner sees its own endpoint through the API (never the operator-wide one), without a secret.
      const own = await client(gw.baseUrl, owner.apiKey).get('/api/v1/webhooks');
      expect(own.body.webhooks.map((w: { id: string }) => w.id)).toEqual([added.id]);

      const listedResult = await admin(['webhooks', 'list', '--owner', ownerName]);
      const listed = onlyJsonLine<{ webhooks: AdminWebhook[] }>(listedResult);
      expect(listed.webhooks).toEqual([
        {
          id: added.id,
          ownerId: owner.ownerId,
          url: ownerUrl,
          description: 'from the CLI',
          eventTypes: ['connection.created', 'connection.revoked'],
          createdAt: added.createdAt,
        },
      ]);
      const allResult = await admin(['webhooks', 'list']);
      const all = onlyJsonLine<{ webhooks: AdminWebhook[] }>(allResult);
      expect(all.webhooks.map((w) => w.id)).toEqual(expect.arrayContaining([added.id, operator.id]));
      for (const output of [listedResult, allResult].flatMap((r) => [r.stdout, r.stderr])) {
        expect(output).not.toContain(added.secret.slice(6));
        expect(output).not.toContain(operator.secret.slice(6));
      }

      // A connection change of the owner reaches both endpoints (the owner's filtered to its types).
      const api = client(gw.baseUrl, owner.apiKey);
      const connect = await api.post('/api/v1/connections', { connectorSlug: 'openai' });
      expect(connect.status).toBe(201);
      const connectionId = connect.body.connection.id as string;
      await api.post(`/api/v1/connections/${connectionId}/credentials`, {
        credentials: { apiKey: 'sk-cliWebhook000000000000000000000' },
      });
      await api.delete(`/api/v1/connections/${connectionId}`);
      const deadline = Date.now() + 15_000;
      const types = (where: string) => (received.get(where) ?? []).map(([, type]) => type);
      while (types('/owner').length < 2 || !types('/operator').includes('connection.revoked')) {
        if (Date.now() > deadline) throw new Error(`deliveries missing: ${JSON.stringify([...received])}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(types('/owner')).toEqual(['connection.created', 'connection.revoked']);
      expect(types('/operator')).toEqual(
        expect.arrayContaining(['connection.created', 'connection.connected', 'connection.revoked']),
      );
      expect(bad).toEqual([]);
    } finally {
      const removed = onlyJsonLine<{ id: string; deleted: boolean }>(
        await admin(['webhooks', 'remove', operator.id]),
      );
      expect(removed).toEqual({ id: operator.id, deleted: true });
    }
    expect(onlyJsonLine<{ id: string }>(await admin(['webhooks', 'remove', added.id])).id).toBe(added.id);
    const after = onlyJsonLine<{ webhooks: AdminWebhook[] }>(
      await admin(['webhooks', 'list', '--owner', ownerName]),
    );
    expect(after.webhooks).toEqual([]);
    expect((await client(gw.baseUrl, owner.apiKey).get('/api/v1/webhooks')).body).toEqual({ webhooks: [] });

    // Removing it again: exit 1, a message, nothing on stdout.
    const again = await admin(['webhooks', 'remove', added.id]);
    expect(again).toEqual({ code: 1, stdout: '', stderr: expect.stringContaining(added.id) });
  });

  it.concurrent.each([
    [
      'an unknown owner',
      ['webhooks', 'list', '--owner', `nobody-${randomBytes(6).toString('hex')}`],
      /owner/i,
    ],
    ['a relative url', ['webhooks', 'add', '--url', '/hook'], /url/],
    [
      'an unknown event type',
      ['webhooks', 'add', '--url', 'https://x.example/h', '--events', 'connection.nope'],
      /eventTypes/,
    ],
    ['a malformed id', ['webhooks', 'remove', 'not-an-id'], /UUID/],
  ])('exits 1 with a message on stderr and nothing on stdout for %s', async (_name, args, message) => {
    const result = await admin(args);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it.concurrent.each([
    ['webhooks add without --url', ['webhooks', 'add']],
    ['webhooks remove without an id', ['webhooks', 'remove']],
    ['webhooks remove with --owner', ['webhooks', 'remove', 'x', '--owner', 'y']],
    ['webhooks list with --url', ['webhooks', 'list', '--url', 'https://x.example']],
    ['--events on keys create', ['keys', 'create', '--owner', 'x', '--events', 'connection.created']],
    ['an unknown webhooks command', ['webhooks', 'rotate']],
  ])('exits 2 with the usage on stderr for %s', async (_name, args) => {
    const result = await admin(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/usage:/);
  });
});
