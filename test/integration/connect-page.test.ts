/**
 * The hosted connect page over plain HTTP: how the session token leaves the URL (cookie
 * attributes), the headers that keep it out of caches, referrers and frames, the CSRF check on
 * every form, what an unrestricted or restricted session lists, and that a refused form never
 * writes a secret back. The browser journey itself is test/browser/connect-page.test.ts.
 */
import { TestBrowser } from '../support/browser';
import { startGateway, type TestGateway } from '../support/gateway';
import { client } from '../support/http';

const CANARY = 'twilio-CANARY-secret-value-0123456789';
const UNKNOWN_SESSION = `alm_sess_${'B'.repeat(32)}`;

describe('the hosted connect page (/connect)', () => {
  let gw: TestGateway;
  let owner: { ownerId: string; apiKey: string };

  beforeAll(async () => {
    gw = await startGateway();
    owner = await gw.newOwner('connect-http');
  });
  afterAll(() => gw.close());

  async function sessionToken(body: unknown = {}): Promise<{ id: string; token: string }> {
    const res = await client(gw.baseUrl, owner.apiKey).post('/api/v1/sessions', body);
    expect(res.status).toBe(201);
    return { id: res.body.session.id, token: res.body.token };
  }

  /** A browser that opened the connect link: it holds the cookie and is on /connect. */
  async function openedBrowser(token: string) {
    const browser = new TestBrowser();
    const opened = await browser.get(`${gw.baseUrl}/connect?session=${token}`);
    expect(opened.status).toBe(303);
    const page = await browser.get(`${gw.baseUrl}/connect`);
    expect(page.status).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1];
    expect(csrf).toBeDefined();
    return { browser, page, csrf: csrf! };
  }

  it('moves the token from the URL into an HttpOnly, SameSite=Lax cookie scoped to /connect', async () => {
    const { token } = await sessionToken({ expiresInSeconds: 600 });
    const browser = new TestBrowser();
    const res = await browser.get(`${gw.baseUrl}/connect?session=${token}`);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`${gw.baseUrl}/connect`);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^alm_connect=${token};`));
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\/connect(;|$)/);
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)?.[1]);
    expect(maxAge).toBeGreaterThan(590);
    expect(maxAge).toBeLessThanOrEqual(600);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('serves the page with a nonce-only CSP, no caching, no referrer, no framing, and no token in it', async () => {
    const { token } = await sessionToken();
    const { page } = await openedBrowser(token);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(page.text).toContain(`<style nonce="${nonce}">`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.text).not.toMatch(/<script/i);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.text).not.toContain(token);
  });

  it.each([
    ['an unknown token', `session=${UNKNOWN_SESSION}`],
    ['a malformed token', 'session=alm_live_x'],
    ['no session at all', ''],
  ])('answers %s with a 401 page and sets no cookie', async (_what, query) => {
    const browser = new TestBrowser();
    const res = await browser.get(`${gw.baseUrl}/connect${query ? `?${query}` : ''}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain('This connect link has expired or is not valid');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('stops working when the session is revoked or expires', async () => {
    const { id, token } = await sessionToken();
    const { browser } = await openedBrowser(token);
    await client(gw.baseUrl, owner.apiKey).delete(`/api/v1/sessions/${id}`);
    expect((await browser.get(`${gw.baseUrl}/connect`)).status).toBe(401);

    const other = await sessionToken();
    const second = await openedBrowser(other.token);
    await gw.dataSource.query(
      "UPDATE browser_sessions SET expires_at = now() - interval '1 second' WHERE id = $1",
      [other.id],
    );
    expect((await second.browser.get(`${gw.baseUrl}/connect`)).status).toBe(401);
  });

  it('refuses a form without the CSRF token of its session, and changes nothing', async () => {
    const mine = await sessionToken();
    const theirs = await sessionToken();
    const { browser } = await openedBrowser(mine.token);
    const { csrf: otherCsrf } = await openedBrowser(theirs.token);
    for (const csrf of [undefined, '', 'x', otherCsrf]) {
      const res = await browser.post(`${gw.baseUrl}/connect/none`, {
        connectorSlug: 'web-fetch',
        ...(csrf === undefined ? {} : { csrf }),
      });
      expect(res.status).toBe(400);
      expect(res.text).toContain('This form has expired');
    }
    const rows: unknown[] = await gw.dataSource.query(
      "SELECT id FROM connections WHERE owner_id = $1 AND connector_slug = 'web-fetch'",
      [owner.ownerId],
    );
    expect(rows).toHaveLength(0);
  });

  it('refuses a form post without the session cookie with 401', async () => {
    const res = await new TestBrowser().post(`${gw.baseUrl}/connect/none`, {
      connectorSlug: 'web-fetch',
      csrf: 'anything',
    });
    expect(res.status).toBe(401);
  });

  it('connects a no-credential connector and shows the outcome from the connection itself', async () => {
    const { token } = await sessionToken();
    const { browser, csrf } = await openedBrowser(token);
    const res = await browser.post(`${gw.baseUrl}/connect/none`, { connectorSlug: 'web-fetch', csrf });
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/\/connect\?connectionId=[0-9a-f-]{36}$/);
    const page = await browser.get(res.location!);
    expect(page.text).toContain('Web Fetch is connected.');
    expect(page.text).toMatch(/data-connector="web-fetch" data-status="connected"/);
    // A forged status in the URL does not change what the page says.
    const id = new URL(res.location!).searchParams.get('connectionId');
    const forged = await browser.get(`${gw.baseUrl}/connect?connectionId=${id}&status=failed&error=x`);
    expect(forged.text).toContain('Web Fetch is connected.');
  });

  it('an unrestricted session lists the connectors that can be connected here, not the others', async () => {
    const { token } = await sessionToken();
    const { page } = await openedBrowser(token);
    expect(page.text).toContain('data-connector="openai"');
    expect(page.text).toContain('data-connector="web-fetch"');
    expect(page.text).not.toContain('data-connector="github"'); // OAuth, not configured here
    expect(page.text).not.toContain('data-connector="salesforce"'); // coming soon
  });

  it('a restricted session lists exactly its connectors, unavailable ones with the reason and no form', async () => {
    const { token } = await sessionToken({ allowedConnectors: ['salesforce', 'twilio'] });
    const { page, browser, csrf } = await openedBrowser(token);
    const listed = [...page.text.matchAll(/data-connector="([^"]+)"/g)].map((m) => m[1]);
    expect(listed).toEqual(['salesforce', 'twilio']);
    expect(page.text).toContain('Needs a per-connection instance hostname');
    expect(page.text).toContain('Not available');
    expect(page.text).not.toContain('Connect Salesforce');

    const refused = await browser.post(`${gw.baseUrl}/connect/none`, { connectorSlug: 'web-fetch', csrf });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('is not allowed for this session');
  });

  it('re-renders a refused credential form with per-field messages, never writing the secret back', async () => {
    const { token } = await sessionToken({ allowedConnectors: ['twilio'] });
    const { browser, csrf, page } = await openedBrowser(token);
    expect(page.text).toMatch(/<input id="twilio-authToken" name="credentials.authToken" type="password"/);
    expect(page.text).toMatch(/id="twilio-accountSid"[^>]* pattern="\^AC\[0-9a-fA-F\]\{32\}\$"/);
    const res = await browser.post(`${gw.baseUrl}/connect/credentials`, {
      connectorSlug: 'twilio',
      csrf,
      'credentials.accountSid': 'XY-not-a-sid',
      'credentials.authToken': CANARY,
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Twilio was not connected.');
    expect(res.text).toMatch(/id="twilio-accountSid-error"[^>]*>.*does not have the expected format/);
    expect(res.text).toMatch(/aria-invalid="true"/);
    expect(res.text).toContain('value="XY-not-a-sid"'); // not a secret: kept for the user to fix
    expect(res.text).not.toContain(CANARY);
    expect(gw.logs.join('\n')).not.toContain(CANARY);
  });
});
