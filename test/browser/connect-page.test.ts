/**
 * The hosted connect page in a real browser (Debian's headless Chromium, driven by
 * playwright-core): a user opens the link an app handed out with a browser session (the page
 * names the owner), connects an API-key connector through the form (a wrong key first, refused
 * with the field's message), then an OAuth connector through the provider's consent page, and
 * sees both connected; then another owner's link opened in the same browser asks before it
 * switches (Stay, then Switch, each by a click). It proves
 * what plain-HTTP tests cannot: the session cookie, the CSP (inline style by nonce, form-action
 * through the OAuth redirects) and the HTML form attributes work in a browser.
 *
 * Needs /usr/bin/chromium (apt-get install chromium). Without it the test is skipped, unless
 * REQUIRE_CHROMIUM=1 (CI), where a missing browser fails the run.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describeIfChromium, launchChromium, SCREENSHOTS } from '../support/chromium';
import { client } from '../support/http';
import { ownerName, startOAuthWorld, type OAuthWorld } from '../support/oauth-setup';

const WRONG_KEY = 'not-an-openai-key';
const OPENAI_KEY = 'sk-connectPageTestKey0123456789abcdef';

/** Every visible form control without a label (its accessible name must come from one). */
function unlabelledControls(page: Page): Promise<string[]> {
  return page.$$eval('input:not([type=hidden]), select, textarea', (controls) =>
    controls
      .map((control) => control as unknown as { labels: { length: number } | null; outerHTML: string })
      .filter((control) => !control.labels || control.labels.length === 0)
      .map((control) => control.outerHTML),
  );
}

/** Runs an expression in the page (the test's tsconfig has no DOM types). */
function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

describeIfChromium('the hosted connect page in headless Chromium', () => {
  let world: OAuthWorld;
  let browser: Browser;
  let owner: { ownerId: string; apiKey: string };

  beforeAll(async () => {
    world = await startOAuthWorld({ publicUrlIsAddress: true });
    owner = await world.gateway.newOwner('connect-page');
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('connects an API-key connector through the form and an OAuth connector through consent', async () => {
    const publicUrl = world.gateway.config.publicUrl;
    const created = await client(world.gateway.baseUrl, owner.apiKey).post('/api/v1/sessions', {
      allowedConnectors: ['openai', world.slug],
    });
    expect(created.status).toBe(201);
    const token = created.body.token as string;

    const context = await browser.newContext({ viewport: { width: 900, height: 1000 } });
    const page = await context.newPage();
    // A CSP that blocked anything of the page (its style, a form's redirect) would say so here.
    const cspViolations: string[] = [];
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });

    // The link moves the token into an HttpOnly cookie and out of the address bar.
    const response = await page.goto(`${publicUrl}/connect?session=${token}`);
    expect(response?.status()).toBe(200);
    expect(page.url()).toBe(`${publicUrl}/connect`);
    const cookies = await context.cookies(`${publicUrl}/connect`);
    const sessionCookie = cookies.find((c) => c.name === 'alm_connect');
    expect(sessionCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/connect', value: token });
    expect(await page.content()).not.toContain(token);

    expect(await page.locator('h1').textContent()).toBe('Connect your accounts');
    // Whose accounts these become.
    const name = await ownerName(world, owner.ownerId);
    expect(await page.locator('[data-owner]').textContent()).toBe(name);
    const cards = page.locator('section.card');
    expect(await cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-connector')))).toEqual([
      'openai',
      world.slug,
    ]);
    expect(await page.locator('[data-connector="openai"] .badge').textContent()).toBe('Not connected');
    expect(await unlabelledControls(page)).toEqual([]);
    const keyInput = page.getByLabel('API Key');
    expect(await keyInput.getAttribute('type')).toBe('password');
    expect(await keyInput.getAttribute('required')).not.toBeNull();
    // The inline style is allowed by the CSP's nonce: the page is styled, not raw HTML.
    expect(await inPage(page, 'getComputedStyle(document.querySelector("section.card")).borderRadius')).toBe(
      '12px',
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'connect-initial.png'), fullPage: true });

    // A wrong-format key: the browser knows the pattern as a hint...
    await keyInput.fill(WRONG_KEY);
    expect(await inPage(page, 'document.getElementById("openai-apiKey").validity.patternMismatch')).toBe(
      true,
    );
    // ...and the server refuses it with the field's message when the browser does not stop it.
    await inPage(page, 'document.querySelector("[data-connector=openai] form").noValidate = true');
    await Promise.all([
      page.waitForURL(`${publicUrl}/connect/credentials`),
      page.getByRole('button', { name: 'Connect OpenAI' }).click(),
    ]);
    const outcome = page.locator('#outcome');
    expect(await outcome.getAttribute('data-outcome')).toBe('problem');
    expect(await outcome.getAttribute('aria-live')).toBe('polite');
    const fieldError = page.locator('#openai-apiKey-error');
    expect(await fieldError.textContent()).toContain('API Key does not have the expected format.');
    const retry = page.getByLabel('API Key');
    expect(await retry.getAttribute('aria-invalid')).toBe('true');
    expect(await retry.getAttribute('aria-describedby')).toContain('openai-apiKey-error');
    expect(await retry.inputValue()).toBe('');
    expect(await page.content()).not.toContain(WRONG_KEY);
    expect(await inPage(page, 'document.activeElement.id')).toBe('outcome');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'connect-form-error.png'), fullPage: true });

    // A valid key: connected, and the page says so where focus lands.
    await retry.fill(OPENAI_KEY);
    await Promise.all([
      page.waitForURL(/\/connect\?connectionId=/),
      page.getByRole('button', { name: 'Connect OpenAI' }).click(),
    ]);
    expect(await outcome.getAttribute('data-outcome')).toBe('ok');
    expect(await outcome.textContent()).toBe('OpenAI is connected.');
    expect(await page.locator('[data-connector="openai"]').getAttribute('data-status')).toBe('connected');
    expect(await page.content()).not.toContain(OPENAI_KEY);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'connect-apikey-done.png'), fullPage: true });

    // The OAuth connector: the provider's consent page, then back to the connect page.
    await Promise.all([
      page.waitForURL((url) => url.origin === new URL(world.provider.authorizationUrl).origin),
      page.getByRole('button', { name: `Connect Test provider ${world.slug}` }).click(),
    ]);
    await page.waitForSelector('#approve');
    await Promise.all([
      page.waitForURL(/\/connect\?connectionId=.*status=connected/),
      page.click('#approve'),
    ]);
    expect(await outcome.textContent()).toBe(`Test provider ${world.slug} is connected as ada@example.test.`);
    for (const slug of ['openai', world.slug]) {
      expect(await page.locator(`[data-connector="${slug}"]`).getAttribute('data-status')).toBe('connected');
      expect(await page.locator(`[data-connector="${slug}"] .badge`).textContent()).toBe('Connected');
    }
    expect(await unlabelledControls(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'connect-all-connected.png'), fullPage: true });
    // Another owner's link, opened in the same browser: a question, never a silent switch.
    const stranger = await world.gateway.newOwner('connect-page-other');
    const strangerName = await ownerName(world, stranger.ownerId);
    const theirs = await client(world.gateway.baseUrl, stranger.apiKey).post('/api/v1/sessions', {});
    await page.goto(`${publicUrl}/connect?session=${theirs.body.token}`);
    expect(page.url()).toBe(`${publicUrl}/connect/switch`);
    expect(await page.locator('[data-owner="current"]').textContent()).toBe(name);
    expect(await page.locator('[data-owner="next"]').textContent()).toBe(strangerName);
    expect(await page.content()).not.toContain(theirs.body.token);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'connect-switch.png'), fullPage: true });
    await Promise.all([
      page.waitForURL(`${publicUrl}/connect`),
      page.getByRole('button', { name: `Stay with ${name}` }).click(),
    ]);
    expect(await page.locator('[data-owner]').textContent()).toBe(name);
    expect((await context.cookies(`${publicUrl}/connect`)).find((c) => c.name === 'alm_connect')?.value).toBe(
      token,
    );
    // Asked again, the user switches on purpose.
    await page.goto(`${publicUrl}/connect?session=${theirs.body.token}`);
    await Promise.all([
      page.waitForURL(`${publicUrl}/connect`),
      page.getByRole('button', { name: `Switch to ${strangerName}` }).click(),
    ]);
    expect(await page.locator('[data-owner]').textContent()).toBe(strangerName);

    expect(cspViolations).toEqual([]);
    await context.close();

    // The owner's API sees what the page did.
    const list = await client(world.gateway.baseUrl, owner.apiKey).get('/api/v1/connections');
    const statuses = Object.fromEntries(
      list.body.connections.map((c: { connectorSlug: string; status: string }) => [
        c.connectorSlug,
        c.status,
      ]),
    );
    expect(statuses).toEqual({ openai: 'connected', [world.slug]: 'connected' });
    // No log line carries the session token or a key.
    const logs = world.gateway.logs.join('\n');
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(OPENAI_KEY);
    expect(logs).not.toContain(WRONG_KEY);
  }, 90_000);
});
