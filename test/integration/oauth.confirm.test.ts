/**
 * The connect link asks before it acts (docs/security.md#a-link-never-acts-on-its-own). Opening an
 * `oauthUrl` answers a page naming the connector and the owner; only its form's POST, carrying the
 * page's anti-forgery field from the browser the page set its cookie in, goes on to the provider;
 * the ticket is single use. The attack it stops: a link sent to someone else captured their account
 * (providers skip consent for an app already approved, as the fixture's `authorize` does here
 * without a second look).
 */
import { client } from '../support/http';
import {
  consent,
  createOAuthConnection,
  openAndContinue,
  ownerName,
  postFormOf,
  startOAuthWorld,
  type OAuthWorld,
} from '../support/oauth-setup';

describe('the oauthUrl asks before it acts', () => {
  let world: OAuthWorld;
  beforeAll(async () => {
    world = await startOAuthWorld();
  });
  afterAll(() => world.close());

  const connectorName = () => `Test provider ${world.slug}`;
  const tokenCalls = () => world.provider.tokenRequests.filter((r) => r.endpoint === 'token').length;
  const statusOf = async (apiKey: string, id: string) =>
    (await client(world.gateway.baseUrl, apiKey).get(`/api/v1/connections/${id}`)).body.connection;

  it('answers a page naming the connector and the owner, with a POST form and a cancel, and no redirect', async () => {
    const conn = await createOAuthConnection(world);
    const owner = await ownerName(world, conn.ownerId!);
    const browser = world.browser();
    const page = await browser.get(conn.oauthUrl);
    expect(page.status).toBe(200);
    expect(page.location).toBeNull();
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain(connectorName());
    expect(page.text).toContain(owner);
    expect(page.text).toMatch(/<form\b[^>]*method="post"/);
    expect(page.text).toMatch(/<button\b[^>]*value="continue"/);
    expect(page.text).toMatch(/<button\b[^>]*value="cancel"/);
    // Nothing was sent to the provider, and no framing of this page by another site.
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    // The page's cookie binds this browser: HttpOnly, SameSite=Lax, scoped to the ticket URL.
    const cookie = page.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(new RegExp(`Path=/api/v1/connections/${conn.id}/oauth(;|$)`));
    // The anti-forgery value is not the cookie's value (the page does not reveal the cookie).
    const { fields } = postFormOf(page.text, conn.oauthUrl);
    const cookieValue = /=([^;]*)/.exec(cookie)![1]!;
    expect(fields.confirm).toBeTruthy();
    expect(fields.confirm).not.toBe(cookieValue);
    // Only a hash of it is stored.
    const rows: { confirm_hash: string }[] = await world.gateway.dataSource.query(
      'SELECT confirm_hash FROM oauth_flows WHERE connection_id = $1',
      [conn.id],
    );
    expect(rows[0]!.confirm_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(cookieValue);
    expect(JSON.stringify(rows)).not.toContain(fields.confirm);
  });

  it('continues by POST: 302 to the provider with the binding cookie, and the flow finishes', async () => {
    const conn = await createOAuthConnection(world);
    const browser = world.browser();
    const { continued } = await openAndContinue(browser, conn.oauthUrl);
    expect(continued.status).toBe(302);
    expect(continued.location!.startsWith(world.provider.authorizationUrl)).toBe(true);
    expect(continued.headers.get('set-cookie')).toMatch(/Path=\/api\/v1\/connections\/oauth\/callback/);
    const callback = await world.provider.authorize(continued.location!);
    expect((await browser.get(callback.toString())).status).toBe(200);
    expect((await statusOf(conn.apiKey, conn.id)).status).toBe('connected');
  });

  it("two browsers: the attacker's link opened by a victim no longer captures the victim's grant", async () => {
    // The attacker connects and sends their oauthUrl to the victim.
    const attacker = await createOAuthConnection(world);
    const attackerName = await ownerName(world, attacker.ownerId!);
    const victim = world.browser();
    const before = tokenCalls();
    const opened = await victim.get(attacker.oauthUrl);
    // Before: 302 straight to the provider, which (consent remembered) sent the victim's grant
    // back onto the attacker's connection. Now: a page that says whose connection this is.
    expect(opened.status).toBe(200);
    expect(opened.location).toBeNull();
    expect(opened.text).toContain(attackerName);
    expect(tokenCalls()).toBe(before);
    expect((await statusOf(attacker.apiKey, attacker.id)).status).toBe('pending');

    // The attacker opens the page in their own browser and makes the victim's browser submit
    // its form (a cross-site auto-submitting form): the victim's browser has no matching cookie.
    const attackerBrowser = world.browser();
    const attackerPage = await attackerBrowser.get(attacker.oauthUrl);
    const form = postFormOf(attackerPage.text, attacker.oauthUrl, 'continue');
    const forged = await victim.post(form.action, form.fields);
    expect(forged.status).toBe(403);
    expect(forged.location).toBeNull();
    expect((await world.browser().post(form.action, form.fields)).status).toBe(403);
    expect((await statusOf(attacker.apiKey, attacker.id)).status).toBe('pending');
    expect(tokenCalls()).toBe(before);
  });

  it('refuses a POST without the anti-forgery field, with a wrong one, or without the cookie (403), and consumes nothing', async () => {
    const conn = await createOAuthConnection(world);
    const browser = world.browser();
    const page = await browser.get(conn.oauthUrl);
    const form = postFormOf(page.text, conn.oauthUrl, 'continue');
    for (const confirm of [undefined, '', 'x'.repeat(43), `${form.fields.confirm}x`]) {
      const fields = { ...form.fields };
      if (confirm === undefined) delete fields.confirm;
      else fields.confirm = confirm;
      const res = await browser.post(form.action, fields);
      expect(res.status).toBe(403);
      expect(res.location).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    }
    // The page's own browser can still continue: nothing was consumed.
    const ok = await browser.post(form.action, form.fields);
    expect(ok.status).toBe(302);
  });

  it('is single use: once continued, the link is dead for every browser (GET and POST)', async () => {
    const conn = await createOAuthConnection(world);
    const browser = world.browser();
    const { form, continued } = await openAndContinue(browser, conn.oauthUrl);
    expect(continued.status).toBe(302);
    // Replayed by the same browser, or opened anew by any other.
    const replay = await browser.post(form.action, form.fields);
    expect(replay.status).toBe(400);
    expect(replay.location).toBeNull();
    expect(replay.text).toMatch(/already used/);
    for (const other of [browser, world.browser()]) {
      const again = await other.get(conn.oauthUrl);
      expect(again.status).toBe(400);
      expect(again.text).toMatch(/already used/);
    }
    // The first continuation still finishes.
    const callback = await world.provider.authorize(continued.location!);
    expect((await browser.get(callback.toString())).status).toBe(200);
  });

  it('a reload in the same browser shows the same form; the last browser to open it is the one that can continue', async () => {
    const conn = await createOAuthConnection(world);
    const browser = world.browser();
    const first = postFormOf((await browser.get(conn.oauthUrl)).text, conn.oauthUrl, 'continue');
    const reloaded = postFormOf((await browser.get(conn.oauthUrl)).text, conn.oauthUrl, 'continue');
    expect(reloaded.fields.confirm).toBe(first.fields.confirm);
    expect((await browser.post(first.action, first.fields)).status).toBe(302);
  });

  it('cancels: the page says so, the link is dead afterwards, and the connection is untouched', async () => {
    const conn = await createOAuthConnection(world);
    const browser = world.browser();
    const page = await browser.get(conn.oauthUrl);
    const cancel = postFormOf(page.text, conn.oauthUrl, 'cancel');
    const res = await browser.post(cancel.action, cancel.fields);
    expect(res.status).toBe(200);
    expect(res.location).toBeNull();
    expect(res.text).toMatch(/cancelled/i);
    const again = await world.browser().get(conn.oauthUrl);
    expect(again.status).toBe(400);
    expect(again.text).toMatch(/cancelled/i);
    const cont = postFormOf(page.text, conn.oauthUrl, 'continue');
    expect((await browser.post(cont.action, cont.fields)).status).toBe(400);
    expect((await statusOf(conn.apiKey, conn.id)).status).toBe('pending');
  });

  it('an API caller with the owner key still goes straight to the provider; another owner gets 404', async () => {
    const conn = await createOAuthConnection(world);
    const api = client(world.gateway.baseUrl, conn.apiKey);
    const path = new URL(conn.oauthUrl).pathname + new URL(conn.oauthUrl).search;
    const { apiKey: other } = await world.gateway.newOwner();
    const foreign = await client(world.gateway.baseUrl, other).get(path);
    expect(foreign.status).toBe(404);
    const direct = await api.get(path);
    expect(direct.status).toBe(302);
    expect(direct.headers.get('location')!.startsWith(world.provider.authorizationUrl)).toBe(true);
    // And the ticket is spent for browsers too.
    expect((await world.browser().get(conn.oauthUrl)).status).toBe(400);
  });

  it('the whole journey with consent() still connects', async () => {
    const conn = await createOAuthConnection(world);
    const browser = world.browser();
    const { callbackUrl } = await consent(world, browser, conn.oauthUrl);
    expect((await browser.get(callbackUrl)).status).toBe(200);
  });
});

describe('JSON errors to API callers on GET /api/v1/connections/:id/oauth', () => {
  let world: OAuthWorld;
  beforeAll(async () => {
    world = await startOAuthWorld();
  });
  afterAll(() => world.close());

  it("another owner's id with a Bearer header gets the JSON 404 envelope, not a page", async () => {
    const conn = await createOAuthConnection(world);
    const { apiKey: other } = await world.gateway.newOwner();
    for (const accept of [undefined, '*/*', 'text/html,application/xhtml+xml,*/*;q=0.8']) {
      const res = await client(world.gateway.baseUrl, other).get(`/api/v1/connections/${conn.id}/oauth`, {
        headers: accept ? { accept } : {},
      });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
    }
  });

  it('a caller that does not accept text/html gets JSON errors; a browser gets a page', async () => {
    const conn = await createOAuthConnection(world);
    const forged = `/api/v1/connections/${conn.id}/oauth?ticket=forged`;
    const curl = await client(world.gateway.baseUrl).get(forged, { headers: { accept: '*/*' } });
    expect(curl.status).toBe(400);
    expect(curl.body.error.code).toBe('BAD_REQUEST');
    const page = await world.browser().get(`http://gateway.test${forged}`);
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  });
});
