/**
 * The hosted connect page names the owner it connects for, and a second link for another owner
 * never silently replaces the session a browser already holds there: the browser is asked which one
 * to keep (docs/security.md#browser-sessions-not-keys-in-browsers). The page's own Connect button
 * is the confirmation of an OAuth connection: it goes straight to the provider.
 */
import { TestBrowser } from '../support/browser';
import { client } from '../support/http';
import { ownerName, postFormOf, startOAuthWorld, type OAuthWorld } from '../support/oauth-setup';

describe('the connect page and its owner', () => {
  let world: OAuthWorld;
  let base: string;
  beforeAll(async () => {
    world = await startOAuthWorld();
    base = world.gateway.baseUrl;
  });
  afterAll(() => world.close());

  async function newOwnerSession(prefix: string, body: unknown = {}) {
    const owner = await world.gateway.newOwner(prefix);
    const res = await client(base, owner.apiKey).post('/api/v1/sessions', body);
    expect(res.status).toBe(201);
    return { ...owner, name: await ownerName(world, owner.ownerId), token: res.body.token as string };
  }

  const connectCookie = (browser: TestBrowser) => browser.cookiesFor(base).get('alm_connect')?.value;

  async function openLink(browser: TestBrowser, token: string) {
    const opened = await browser.get(`${base}/connect?session=${token}`);
    expect(opened.status).toBe(303);
    return opened;
  }

  it('names the owner the page connects accounts for', async () => {
    const alice = await newOwnerSession('alice');
    const browser = new TestBrowser();
    await openLink(browser, alice.token);
    const page = await browser.get(`${base}/connect`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(alice.name);
    expect(page.text).toMatch(/data-owner>[^<]*</);
  });

  it("a link for another owner does not replace the browser's session silently: it asks, and Stay keeps it", async () => {
    const alice = await newOwnerSession('alice');
    const mallory = await newOwnerSession('mallory');
    const browser = new TestBrowser();
    await openLink(browser, alice.token);
    expect(connectCookie(browser)).toBe(alice.token);

    const second = await openLink(browser, mallory.token);
    // Before: 303 to /connect with the cookie now Mallory's. Now: the question first.
    expect(connectCookie(browser)).toBe(alice.token);
    expect(second.location).toBe(`${base}/connect/switch`);
    const question = await browser.get(second.location!);
    expect(question.status).toBe(200);
    expect(question.text).toContain(alice.name);
    expect(question.text).toContain(mallory.name);
    expect(question.text).not.toContain(mallory.token);
    expect(question.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);

    const stay = postFormOf(question.text, `${base}/connect/switch`, 'stay');
    const stayed = await browser.post(stay.action, stay.fields);
    expect(stayed.status).toBe(303);
    expect(stayed.location).toBe(`${base}/connect`);
    expect(connectCookie(browser)).toBe(alice.token);
    const page = await browser.get(`${base}/connect`);
    expect(page.text).toContain(alice.name);
    expect(page.text).not.toContain(mallory.name);
    // The question is gone: the pending link was dropped.
    expect((await browser.get(`${base}/connect/switch`)).location).toBe(`${base}/connect`);
  });

  it('Switch takes the new link, after the question', async () => {
    const alice = await newOwnerSession('alice');
    const bob = await newOwnerSession('bob');
    const browser = new TestBrowser();
    await openLink(browser, alice.token);
    await openLink(browser, bob.token);
    const question = await browser.get(`${base}/connect/switch`);
    const sw = postFormOf(question.text, `${base}/connect/switch`, 'switch');
    const switched = await browser.post(sw.action, sw.fields);
    expect(switched.status).toBe(303);
    expect(connectCookie(browser)).toBe(bob.token);
    expect((await browser.get(`${base}/connect`)).text).toContain(bob.name);
  });

  it("refuses the question's form without its anti-forgery field, or with another's, and keeps the session", async () => {
    const alice = await newOwnerSession('alice');
    const mallory = await newOwnerSession('mallory');
    const browser = new TestBrowser();
    await openLink(browser, alice.token);
    await openLink(browser, mallory.token);
    // Another browser's question (same two owners) has a different field.
    const other = new TestBrowser();
    await openLink(other, (await newOwnerSession('carol')).token);
    await openLink(other, mallory.token);
    const otherForm = postFormOf(
      (await other.get(`${base}/connect/switch`)).text,
      `${base}/connect/switch`,
      'switch',
    );
    for (const csrf of [undefined, '', 'x', otherForm.fields.csrf!]) {
      const res = await browser.post(`${base}/connect/switch`, {
        choice: 'switch',
        ...(csrf === undefined ? {} : { csrf }),
      });
      expect(res.status).toBe(400);
      expect(connectCookie(browser)).toBe(alice.token);
    }
    // A browser that holds no question cannot be switched by a form either.
    const fresh = new TestBrowser();
    await openLink(fresh, alice.token);
    const res = await fresh.post(`${base}/connect/switch`, otherForm.fields);
    expect(res.status).toBe(400);
    expect(connectCookie(fresh)).toBe(alice.token);
  });

  it('a link for the same owner, or a browser whose session ended, takes the new link without a question', async () => {
    const alice = await newOwnerSession('alice');
    const again = await client(base, alice.apiKey).post('/api/v1/sessions', {});
    const browser = new TestBrowser();
    await openLink(browser, alice.token);
    const same = await openLink(browser, again.body.token);
    expect(same.location).toBe(`${base}/connect`);
    expect(connectCookie(browser)).toBe(again.body.token);

    await client(base, alice.apiKey).delete(`/api/v1/sessions/${again.body.session.id}`);
    const bob = await newOwnerSession('bob');
    const next = await openLink(browser, bob.token);
    expect(next.location).toBe(`${base}/connect`);
    expect(connectCookie(browser)).toBe(bob.token);
  });

  it("the page's Connect of an OAuth connector goes straight to the provider (the page is the confirmation)", async () => {
    const alice = await newOwnerSession('alice', { allowedConnectors: [world.slug] });
    const browser = new TestBrowser();
    await openLink(browser, alice.token);
    const page = await browser.get(`${base}/connect`);
    const form = postFormOf(page.text, `${base}/connect`);
    const res = await browser.post(form.action, form.fields);
    expect(res.status).toBe(303);
    expect(res.location!.startsWith(world.provider.authorizationUrl)).toBe(true);
    const callback = await world.provider.authorize(res.location!);
    const done = await browser.get(`${callback.toString()}`.replace('http://gateway.test', base));
    expect(done.status).toBe(303);
    expect(done.location).toMatch(/\/connect\?connectionId=.*status=connected/);
  });
});
