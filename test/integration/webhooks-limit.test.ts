/**
 * Budgets per owner (docs/security.md#resource-limits-per-owner): an owner has at most
 * WEBHOOK_ENDPOINTS_PER_OWNER live webhook endpoints. The next create is 409 CONFLICT saying so,
 * concurrent creates cannot pass the limit, a deleted endpoint frees its place, and 0 turns the
 * limit off.
 */
import { loadConfig } from '../../src/config';
import { startGateway, type TestGateway } from '../support/gateway';
import { gqlRaw } from '../support/graphql';
import { client } from '../support/http';

jest.setTimeout(120_000);

const LIMIT = 10;
const MESSAGE = `An owner can have at most ${LIMIT} webhook endpoints (WEBHOOK_ENDPOINTS_PER_OWNER); delete one first.`;

describe('webhook endpoints per owner (WEBHOOK_ENDPOINTS_PER_OWNER)', () => {
  let gw: TestGateway;
  let unlimited: TestGateway;

  beforeAll(async () => {
    gw = await startGateway({ env: { WEBHOOK_ENDPOINTS_PER_OWNER: String(LIMIT) } });
    unlimited = await startGateway({ env: { WEBHOOK_ENDPOINTS_PER_OWNER: '0' } });
  });
  afterAll(async () => {
    await unlimited.close();
    await gw.close();
  });

  it('defaults to 20', () => {
    expect(loadConfig({}).webhookEndpointsPerOwner).toBe(20);
    expect(gw.config.webhookEndpointsPerOwner).toBe(LIMIT);
    expect(unlimited.config.webhookEndpointsPerOwner).toBe(0);
  });

  it(`lets exactly ${LIMIT} of 12 concurrent creates through; the others get 409 CONFLICT saying the limit`, async () => {
    const owner = await gw.newOwner('wh-limit');
    const api = client(gw.baseUrl, owner.apiKey);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        api.post('/api/v1/webhooks', { url: `https://hooks.example.com/${i}` }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(201), 409, 409]);
    for (const refused of answers.filter((a) => a.status === 409)) {
      expect(refused.body.error).toEqual({ code: 'CONFLICT', message: MESSAGE });
    }
    const listed = await api.get('/api/v1/webhooks');
    expect(listed.body.webhooks).toHaveLength(LIMIT);

    // GraphQL says the same.
    const gql = await gqlRaw(gw.baseUrl, owner.apiKey, {
      query: 'mutation { createWebhookEndpoint(input: {url: "https://hooks.example.com/gql"}) { secret } }',
    });
    expect(gql.body.errors?.[0]).toMatchObject({ message: MESSAGE, extensions: { code: 'CONFLICT' } });

    // A deleted endpoint frees its place; another owner has its own budget.
    expect((await api.delete(`/api/v1/webhooks/${listed.body.webhooks[0].id}`)).status).toBe(200);
    expect((await api.post('/api/v1/webhooks', { url: 'https://hooks.example.com/again' })).status).toBe(201);
    expect((await api.post('/api/v1/webhooks', { url: 'https://hooks.example.com/over' })).status).toBe(409);
    const other = await gw.newOwner('wh-limit-other');
    expect(
      (
        await client(gw.baseUrl, other.apiKey).post('/api/v1/webhooks', {
          url: 'https://hooks.example.com/o',
        })
      ).status,
    ).toBe(201);

    for (const webhook of (await api.get('/api/v1/webhooks')).body.webhooks) {
      expect((await api.delete(`/api/v1/webhooks/${webhook.id}`)).status).toBe(200);
    }
  });

  it('0 turns the limit off', async () => {
    const owner = await unlimited.newOwner('wh-nolimit');
    const api = client(unlimited.baseUrl, owner.apiKey);
    for (let i = 0; i < 25; i += 1) {
      expect((await api.post('/api/v1/webhooks', { url: `https://hooks.example.com/${i}` })).status).toBe(
        201,
      );
    }
    for (const webhook of (await api.get('/api/v1/webhooks')).body.webhooks) {
      expect((await api.delete(`/api/v1/webhooks/${webhook.id}`)).status).toBe(200);
    }
  });
});
