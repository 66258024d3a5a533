/**
 * A late refresh never overwrites a newer grant
 * (docs/security.md#refresh-that-does-not-die-silently). The fixture provider holds the answer to a
 * refresh while the user re-authorises (or the refresh's lease runs out), then lets it go: every
 * token write compares and swaps on the tokens' version, so what the late answer carries is kept
 * only when the stored tokens are still the ones it renewed.
 */
import { client } from '../support/http';
import {
  consent,
  createOAuthConnection,
  runtimeRead,
  startOAuthWorld,
  type OAuthWorld,
} from '../support/oauth-setup';

const ADA = { sub: 'ada', email: 'ada@example.test', name: 'Ada Lovelace' };
const GRACE = { sub: 'grace', email: 'grace@example.test', name: 'Grace Hopper' };

/** Whom an access token speaks for at the provider (401: not a live token). */
async function whoseToken(world: OAuthWorld, accessToken: string): Promise<string | number> {
  const me = await fetch(world.provider.userinfoUrl, { headers: { authorization: `Bearer ${accessToken}` } });
  return me.status === 200 ? ((await me.json()) as { email: string }).email : me.status;
}

async function nearExpiry(world: OAuthWorld, id: string) {
  await world.gateway.dataSource.query(
    `UPDATE connections SET token_expires_at = now() + interval '30 seconds' WHERE id = $1`,
    [id],
  );
}

describe('a refresh answered late', () => {
  let world: OAuthWorld;
  beforeAll(async () => {
    world = await startOAuthWorld({ provider: { account: ADA } });
  });
  afterAll(() => world.close());
  afterEach(() => world.provider.setOptions({ account: ADA }));

  /** A connection of Ada's, connected, and a re-authorisation of it as Grace. */
  async function connectedAsAda() {
    const conn = await createOAuthConnection(world);
    const browser = world.browser();
    const done = await browser.get((await consent(world, browser, conn.oauthUrl)).callbackUrl);
    if (done.status !== 200) throw new Error(`handshake failed: ${done.text}`);
    const reauthorizeAsGrace = async () => {
      world.provider.setOptions({ account: GRACE });
      const again = await client(world.gateway.baseUrl, conn.apiKey).post(
        `/api/v1/connections/${conn.id}/oauth`,
        {},
      );
      expect(again.status).toBe(200);
      const back = await browser.get((await consent(world, browser, again.body.oauthUrl)).callbackUrl);
      expect(back.status).toBe(200);
    };
    return { ...conn, reauthorizeAsGrace };
  }

  const record = async (apiKey: string, id: string) =>
    (await client(world.gateway.baseUrl, apiKey).get(`/api/v1/connections/${id}`)).body.connection;

  it('does not overwrite the grant of a re-authorisation that happened meanwhile', async () => {
    const { id, apiKey, reauthorizeAsGrace } = await connectedAsAda();
    await nearExpiry(world, id);
    const held = world.provider.holdNextTokenAnswer();
    const lateRead = runtimeRead(world, id);
    expect((await held.arrived).grantType).toBe('refresh_token');
    await reauthorizeAsGrace();
    held.release();
    const late = await lateRead;
    expect(late.status).toBe(200);
    expect(await record(apiKey, id)).toMatchObject({ status: 'connected', account: GRACE.email });
    // The stored token is the new grant's, not the late refresh's (Ada's).
    const now = await runtimeRead(world, id);
    expect(await whoseToken(world, now.body.credentials.accessToken)).toBe(GRACE.email);
    // The new grant's refresh token was not lost: the next refresh works, still as Grace.
    await nearExpiry(world, id);
    const refreshed = await runtimeRead(world, id);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.credentials.accessToken).not.toBe(now.body.credentials.accessToken);
    expect(await whoseToken(world, refreshed.body.credentials.accessToken)).toBe(GRACE.email);
    expect(await record(apiKey, id)).toMatchObject({ status: 'connected', lastError: null });
  });

  it('does not record the failure of a late refresh of a grant that was replaced meanwhile', async () => {
    const { id, apiKey, reauthorizeAsGrace } = await connectedAsAda();
    // Ada removes the app at the provider: the refresh will answer invalid_grant.
    const before = await runtimeRead(world, id);
    world.provider.revokeAllRefreshTokens(before.body.credentials.accessToken);
    await nearExpiry(world, id);
    const held = world.provider.holdNextTokenAnswer();
    const lateRead = runtimeRead(world, id);
    expect(await held.arrived).toMatchObject({ grantType: 'refresh_token', error: 'invalid_grant' });
    await reauthorizeAsGrace();
    held.release();
    await lateRead;
    expect(await record(apiKey, id)).toMatchObject({
      status: 'connected',
      account: GRACE.email,
      lastError: null,
    });
    const now = await runtimeRead(world, id);
    expect(now.status).toBe(200);
    expect(await whoseToken(world, now.body.credentials.accessToken)).toBe(GRACE.email);
  });

  it('keeps the rotated refresh token a refresh received after its lease was lost', async () => {
    const { id, apiKey } = await connectedAsAda();
    await nearExpiry(world, id);
    const held = world.provider.holdNextTokenAnswer();
    const lateRead = runtimeRead(world, id);
    expect((await held.arrived).grantType).toBe('refresh_token');
    // The provider was slow: the lease ran out and another instance claimed it.
    await world.gateway.dataSource.query(
      `UPDATE connections SET refresh_lease_until = now() + interval '1 minute' WHERE id = $1`,
      [id],
    );
    held.release();
    const late = await lateRead;
    expect(late.status).toBe(200);
    // The other instance ends without writing (it found the tokens fresh).
    await world.gateway.dataSource.query(`UPDATE connections SET refresh_lease_until = NULL WHERE id = $1`, [
      id,
    ]);
    // The provider rotated the refresh token (the old one is dead): the next refresh needs the new one.
    await nearExpiry(world, id);
    const next = await runtimeRead(world, id);
    expect(next.status).toBe(200);
    expect(await record(apiKey, id)).toMatchObject({ status: 'connected', lastError: null });
    expect(await whoseToken(world, next.body.credentials.accessToken)).toBe(ADA.email);
  });

  it('keeps the rotated refresh token when another refresh of the same grant saved first', async () => {
    const { id, apiKey } = await connectedAsAda();
    await nearExpiry(world, id);
    const held = world.provider.holdNextTokenAnswer();
    const lateRead = runtimeRead(world, id);
    expect((await held.arrived).grantType).toBe('refresh_token');
    // Another instance's refresh of the same grant saved its tokens meanwhile (same secret here).
    await world.gateway.dataSource.query(
      `UPDATE connections SET token_version = token_version + 1 WHERE id = $1`,
      [id],
    );
    held.release();
    expect((await lateRead).status).toBe(200);
    // The refresh token the provider rotated to was kept: the next refresh works.
    await nearExpiry(world, id);
    const next = await runtimeRead(world, id);
    expect(next.status).toBe(200);
    expect(await record(apiKey, id)).toMatchObject({ status: 'connected', lastError: null });
  });
});
