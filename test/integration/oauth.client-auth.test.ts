/**
 * OAuth client authentication that real providers accept (docs/security.md#oauth-done-right).
 * client_secret_basic puts the client id and secret in an HTTP Basic header, each
 * application/x-www-form-urlencoded first (RFC 6749 §2.3.1). Servers that decode that (the fixture)
 * and servers that do not (a published one, oauth2-mock-server, like several real providers) must
 * both accept the gateway's header for the ids and secrets real providers hand out: `-`, `_`, `.`
 * and `~` are sent as they are, and only what must be encoded is.
 */
import { randomBytes } from 'node:crypto';
import { OAuth2Server } from 'oauth2-mock-server';
import { client } from '../support/http';
import {
  consent,
  createOAuthConnection,
  openOAuthUrl,
  startOAuthWorld,
  type OAuthWorld,
} from '../support/oauth-setup';

/** Client credentials in the shapes real providers issue (Google: `….apps.googleusercontent.com`, `GOCSPX-…`). */
const CLIENT_ID = 'indie_app-42.apps.example~test';
const CLIENT_SECRET = 'GOCSPX-s3cr.et_~value';

function basicParts(authorization: string | undefined): [string, string] {
  const decoded = Buffer.from((authorization ?? '').replace(/^Basic /i, ''), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

describe('client_secret_basic against a server that does not decode the Basic credentials', () => {
  let mock: OAuth2Server;
  let world: OAuthWorld;
  const slug = `indie-${randomBytes(3).toString('hex')}`;
  const envSlug = slug.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  const tokenRequests: { authorization?: string; grantType?: string }[] = [];

  beforeAll(async () => {
    mock = new OAuth2Server();
    await mock.issuer.keys.generate('RS256');
    await mock.start(0, '127.0.0.1');
    // An address, not "localhost": the gateway reaches it without a name lookup.
    const url = `http://127.0.0.1:${mock.address().port}`;
    mock.issuer.url = url;
    mock.service.on('beforeResponse', (_response, req) => {
      const body = (req as unknown as { body: Record<string, string> }).body;
      tokenRequests.push({ authorization: req.headers.authorization, grantType: body.grant_type });
    });
    world = await startOAuthWorld({
      extraConnectors: [
        {
          slug,
          name: 'Indie provider',
          description: 'A custom connector whose provider is a published OAuth server.',
          authType: 'oauth',
          availability: 'available',
          tools: [{ name: 'whoami', description: 'Reads the signed-in account.' }],
          oauth: {
            authorizationUrl: `${url}/authorize`,
            tokenUrl: `${url}/token`,
            revocationUrl: `${url}/revoke`,
            scopes: ['openid', 'profile'],
            clientAuth: 'client_secret_basic',
          },
        },
      ],
      env: {
        [`CONNECTOR_${envSlug}_CLIENT_ID`]: CLIENT_ID,
        [`CONNECTOR_${envSlug}_CLIENT_SECRET`]: CLIENT_SECRET,
      },
    });
  });
  afterAll(async () => {
    await world?.close();
    await mock?.stop();
  });

  it('connects, sending the id and secret unencoded where no encoding is needed', async () => {
    const owner = await world.gateway.newOwner('indie');
    const created = await client(world.gateway.baseUrl, owner.apiKey).post('/api/v1/connections', {
      connectorSlug: slug,
    });
    expect(created.status).toBe(201);
    const browser = world.browser();
    // The published server approves at once: its /authorize redirects straight back.
    const authorizationUrl = await openOAuthUrl(browser, created.body.oauthUrl);
    const answer = await fetch(authorizationUrl, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    const done = await browser.get(answer.headers.get('location')!);
    const record = await client(world.gateway.baseUrl, owner.apiKey).get(
      `/api/v1/connections/${created.body.connection.id}`,
    );
    expect(record.body.connection).toMatchObject({ status: 'connected', lastError: null });
    expect(done.status).toBe(200);
    const exchange = tokenRequests.find((r) => r.grantType === 'authorization_code');
    expect(basicParts(exchange?.authorization)).toEqual([CLIENT_ID, CLIENT_SECRET]);
  });
});

describe('client_secret_basic against a server that decodes the Basic credentials (RFC 6749 §2.3.1)', () => {
  // Characters that must be encoded ride along with those that need not be.
  const secret = `${CLIENT_SECRET}+/=:% é`;
  let world: OAuthWorld;
  beforeAll(async () => {
    world = await startOAuthWorld({ clientId: `${CLIENT_ID}:x`, clientSecret: secret });
  });
  afterAll(() => world.close());

  it('connects and refreshes, encoding only what must be encoded', async () => {
    const conn = await createOAuthConnection(world);
    const browser = world.browser();
    const done = await browser.get((await consent(world, browser, conn.oauthUrl)).callbackUrl);
    expect(done.status).toBe(200);
    const exchange = world.provider.tokenRequests.find((r) => r.grantType === 'authorization_code');
    expect(exchange).toMatchObject({ accepted: true, clientAuthMethod: 'client_secret_basic' });
    expect(basicParts(exchange!.authorization)).toEqual([
      'indie_app-42.apps.example~test%3Ax',
      'GOCSPX-s3cr.et_~value%2B%2F%3D%3A%25+%C3%A9',
    ]);
    await world.gateway.dataSource.query(
      `UPDATE connections SET token_expires_at = now() + interval '30 seconds' WHERE id = $1`,
      [conn.id],
    );
    const read = await client(world.gateway.baseUrl, world.env.RUNTIME_TOKEN!).get(
      `/internal/v1/connections/${conn.id}/credentials`,
    );
    expect(read.status).toBe(200);
    expect(world.provider.tokenRequests.filter((r) => r.grantType === 'refresh_token')).toMatchObject([
      { accepted: true, clientAuthMethod: 'client_secret_basic' },
    ]);
  });
});
