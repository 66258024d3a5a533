/**
 * A real browser (Debian's headless Chromium, driven by playwright-core) opens an `oauthUrl`,
 * reads the confirmation page (connector and owner named), clicks Continue, consents on the
 * fixture provider's page and lands on the gateway's callback page. It proves what plain-HTTP
 * tests cannot: the cookie attributes work in a browser (the page's cookie on its own form
 * POST, SameSite=Lax on the provider's cross-site redirect back), the page's CSP lets its form
 * end at the provider, and the pages render.
 *
 * Needs /usr/bin/chromium (apt-get install chromium). Without it the test is skipped, unless
 * REQUIRE_CHROMIUM=1 (CI), where a missing browser fails the run.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describeIfChromium, launchChromium, SCREENSHOTS } from '../support/chromium';
import { client } from '../support/http';
import { createOAuthConnection, ownerName, startOAuthWorld, type OAuthWorld } from '../support/oauth-setup';

describeIfChromium('OAuth in headless Chromium', () => {
  let world: OAuthWorld;
  let browser: Browser;

  beforeAll(async () => {
    world = await startOAuthWorld({ publicUrlIsAddress: true });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  /** Opens the oauthUrl: the confirmation page, which must not have left for the provider. */
  async function openConfirmation(page: Page, oauthUrl: string) {
    const response = await page.goto(oauthUrl);
    expect(response?.status()).toBe(200);
    expect(page.url()).toBe(oauthUrl);
    expect(await page.locator('h1').getAttribute('data-outcome')).toBe('confirm');
  }

  it('opens the oauthUrl, confirms with a click, consents at the provider and lands on the "connected" page', async () => {
    const { id, oauthUrl, apiKey, ownerId } = await createOAuthConnection(world);
    const page = await browser.newPage();
    const cspViolations: string[] = [];
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
    await openConfirmation(page, oauthUrl);
    expect(await page.textContent('main')).toContain(`Test provider ${world.slug}`);
    expect(await page.locator('[data-owner]').textContent()).toBe(await ownerName(world, ownerId!));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'oauth-confirm.png') });
    const provider = new URL(world.provider.authorizationUrl).origin;
    await Promise.all([
      page.waitForURL((url) => url.origin === provider),
      page.getByRole('button', { name: `Continue to Test provider ${world.slug}` }).click(),
    ]);
    await page.waitForSelector('#approve');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'oauth-consent.png') });
    await Promise.all([page.waitForURL(/\/api\/v1\/connections\/oauth\/callback/), page.click('#approve')]);
    const heading = page.locator('h1');
    await heading.waitFor();
    expect(await heading.getAttribute('data-outcome')).toBe('connected');
    expect(await heading.textContent()).toContain('is connected');
    expect(await page.textContent('main')).toContain('ada@example.test');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'oauth-connected.png') });
    expect(cspViolations).toEqual([]);
    await page.close();
    const record = await client(world.gateway.baseUrl, apiKey).get(`/api/v1/connections/${id}`);
    expect(record.body.connection.status).toBe('connected');
  }, 60_000);

  it('shows the failure page when the user denies access', async () => {
    const { id, oauthUrl, apiKey } = await createOAuthConnection(world);
    const page = await browser.newPage();
    await openConfirmation(page, oauthUrl);
    await Promise.all([
      page.waitForURL((url) => url.origin === new URL(world.provider.authorizationUrl).origin),
      page.getByRole('button', { name: /^Continue to / }).click(),
    ]);
    await Promise.all([page.waitForURL(/\/api\/v1\/connections\/oauth\/callback/), page.click('#deny')]);
    expect(await page.locator('h1').getAttribute('data-outcome')).toBe('failed');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'oauth-denied.png') });
    await page.close();
    const record = await client(world.gateway.baseUrl, apiKey).get(`/api/v1/connections/${id}`);
    expect(record.body.connection.lastError.code).toBe('access_denied');
  }, 60_000);

  it('Cancel on the confirmation page ends the link; another browser cannot continue it', async () => {
    const { id, oauthUrl, apiKey } = await createOAuthConnection(world);
    // A second browser (its own cookies) opens the same link first: the last to open it may continue.
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await openConfirmation(otherPage, oauthUrl);
    const page = await browser.newPage();
    await openConfirmation(page, oauthUrl);
    // The other browser's Continue is refused: the link is now this browser's. (The form posts
    // to the URL the page is already on, so wait for the answer itself, not for the URL.)
    const [refused] = await Promise.all([
      otherPage.waitForResponse((r) => r.request().method() === 'POST'),
      otherPage.getByRole('button', { name: /^Continue to / }).click(),
    ]);
    expect(refused.status()).toBe(403);
    await otherPage.waitForSelector('h1[data-outcome="failed"]');
    await other.close();
    const [cancelled] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Cancel' }).click(),
    ]);
    expect(cancelled.status()).toBe(200);
    await page.waitForSelector('h1[data-outcome="failed"]');
    expect(await page.locator('h1').textContent()).toMatch(/cancelled/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'oauth-cancelled.png') });
    // Opening it again says so, in any browser.
    const again = await page.goto(oauthUrl);
    expect(again?.status()).toBe(400);
    expect(await page.textContent('main')).toMatch(/cancelled/);
    await page.close();
    const record = await client(world.gateway.baseUrl, apiKey).get(`/api/v1/connections/${id}`);
    expect(record.body.connection.status).toBe('pending');
  }, 60_000);
});
