import { client } from '../support/http';
import { startGateway, type TestGateway } from '../support/gateway';

describe('GET /api/v1/connectors', () => {
  let gw: TestGateway;
  let key: string;

  beforeAll(async () => {
    gw = await startGateway({
      env: { CONNECTOR_GITHUB_CLIENT_ID: 'id', CONNECTOR_GITHUB_CLIENT_SECRET: 'secret' },
    });
    key = (await gw.newOwner()).apiKey;
  });
  afterAll(() => gw.close());

  it('lists the built-in catalog with the contract fields', async () => {
    const res = await client(gw.baseUrl, key).get('/api/v1/connectors');
    expect(res.status).toBe(200);
    const slugs = res.body.connectors.map((c: { slug: string }) => c.slug);
    expect(slugs.length).toBeGreaterThanOrEqual(25);
    expect(slugs).toEqual(expect.arrayContaining(['github', 'slack', 'notion', 'openai', 'stripe']));
    const github = res.body.connectors.find((c: { slug: string }) => c.slug === 'github');
    expect(github).toMatchObject({ authType: 'oauth', configured: true, availability: 'available' });
    expect(github).not.toHaveProperty('oauth');
    expect(github).not.toHaveProperty('credentialFields');
  });
});
