/**
 * On re-authorisation the gateway revokes the grant it replaced at the provider
 * (docs/security.md#refresh-that-does-not-die-silently): best effort, in the background, never
 * failing the re-authorisation, never logging a token; not at all for connectors that say
 * `oauth.revokeReplacedGrant: false` (Google's revocation would end the new grant with the old).
 */
import { client } from '../support/http';
import {
  consent,
  createOAuthConnection,
  runtimeRead,
  startOAuthWorld,
  type OAuthWorld,
} from '../support/oauth-setup';

async function live(world: OAuthWorld, accessToken: string): Promise<boolean> {
  const me = await fetch(world.provider.userinfoUrl, { headers: { authorization: `Bearer ${accessToken}` } });
  return me.status === 200;
}

/** Connects, re-authorises, and returns the access tokens of both grants. */
async function connectTwice(world: OAuthWorld) {
  const conn = await createOAuthConnection(world);
  const browser = world.browser();
  expect((await browser.get((await consent(world, browser, conn.oauthUrl)).callbackUrl)).status).toBe(200);
  const before = (await runtimeRead(world, conn.id)).body.credentials.accessToken as string;
  const again = await client(world.gateway.baseUrl, conn.apiKey).post(
    `/api/v1/connections/${conn.id}/oauth`,
    {},
  );
  expect(again.status).toBe(200);
  const back = await browser.get((await consent(world, browser, again.body.oauthUrl)).callbackUrl);
  expect(back.status).toBe(200);
  await world.gateway.services.providerRevocation.settle();
  const after = (await runtimeRead(world, conn.id)).body.credentials.accessToken as string;
  const record = await client(world.gateway.baseUrl, conn.apiKey).get(`/api/v1/connections/${conn.id}`);
  return { before, after, connection: record.body.connection };
}

describe('re-authorisation and the replaced grant', () => {
  let world: OAuthWorld;
  beforeAll(async () => {
    world = await startOAuthWorld();
  });
  afterAll(() => world.close());

  it('revokes the replaced grant at the provider (its refresh token), keeping the new one', async () => {
    const { before, after, connection } = await connectTwice(world);
    expect(connection).toMatchObject({ status: 'connected', lastError: null });
    const oldGrant = world.provider.grantOf(before);
    expect(oldGrant).toBeDefined();
    expect(world.provider.grantOf(after)).not.toBe(oldGrant);
    expect(
      world.provider.revocations.filter((r) => world.provider.grantOf(r.token) === oldGrant),
    ).toMatchObject([{ tokenTypeHint: 'refresh_token' }]);
    expect(await live(world, before)).toBe(false);
    expect(await live(world, after)).toBe(true);
    const logs = world.gateway.logs.join('\n');
    expect(logs).toContain('provider revoked the grant the re-authorisation replaced');
    for (const token of world.provider.issuedTokens()) expect(logs).not.toContain(token);
  });
});

describe('re-authorisation with a connector that keeps replaced grants', () => {
  let world: OAuthWorld;
  beforeAll(async () => {
    world = await startOAuthWorld({ connector: { revokeReplacedGrant: false } });
  });
  afterAll(() => world.close());

  it('asks the provider nothing', async () => {
    const { before, after } = await connectTwice(world);
    expect(world.provider.revocations).toEqual([]);
    expect(await live(world, before)).toBe(true);
    expect(await live(world, after)).toBe(true);
  });
});

describe('re-authorisation when the provider fails the revocation', () => {
  let world: OAuthWorld;
  beforeAll(async () => {
    // Nothing listens on the discard port: the revocation cannot reach the provider.
    world = await startOAuthWorld({ connector: { revocationUrl: 'http://127.0.0.1:9/revoke' } });
  });
  afterAll(() => world.close());

  it('still connects the new grant, and logs the failure without a token', async () => {
    const { after, connection } = await connectTwice(world);
    expect(connection).toMatchObject({ status: 'connected', lastError: null });
    expect(await live(world, after)).toBe(true);
    const logs = world.gateway.logs.join('\n');
    expect(logs).toContain('provider revocation of the replaced grant failed');
    for (const token of world.provider.issuedTokens()) expect(logs).not.toContain(token);
  });
});
