/**
 * A real browser (Debian's headless Chromium, driven by playwright-core) opens an `oauthUrl`,
 * consents on the fixture provider's page and lands on the gateway's callback page. It proves
 * what plain-HTTP tests cannot: the cookie attributes work in a browser (SameSite=Lax on the
 * provider's cross-site redirect back), and the page renders.
 *
 * Needs /usr/bin/chromium (apt-get install chromium). Without it the test is skipped, unless
 * REQUIRE_CHROMIUM=1 (CI), where a missing browser fails the run.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { describeIfChromium, launchChromium, SCREENSHOTS } from '../support/chromium';
import { client } from '../support/http';
import { createOAuthConnection, startOAuthWorld, type OAuthWorld } from '../support/oauth-setup';

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

  it('opens the oauthUrl, consents at the provider and lands on the "connected" page', async () => {
    const { id, oauthUrl, apiKey } = await createOAuthConnection(world);
    const page = await browser.newPage();
    await page.goto(oauthUrl);
    await page.waitForSelector('#approve');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'oauth-consent.png') });
    await Promise.all([page.waitForURL(/\/api\/v1\/connections\/oauth\/callback/), page.click('#approve')]);
    const heading = page.locator('h1');
    await heading.waitFor();
    expect(await heading.getAttribute('data-outcome')).toBe('connected');
    expect(await heading.textContent()).toContain('is connected');
    expect(await page.textContent('main')).toContain('ada@example.test');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'oauth-connected.png') });
    await page.close();
    const record = await client(world.gateway.baseUrl, apiKey).get(`/api/v1/connections/${id}`);
    expect(record.body.connection.status).toBe('connected');
  }, 60_000);

  it('shows the failure page when the user denies access', async () => {
    const { id, oauthUrl, apiKey } = await createOAuthConnection(world);
    const page = await browser.newPage();
    await page.goto(oauthUrl);
    await Promise.all([page.waitForURL(/\/api\/v1\/connections\/oauth\/callback/), page.click('#deny')]);
    expect(await page.locator('h1').getAttribute('data-outcome')).toBe('failed');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'oauth-denied.png') });
    await page.close();
    const record = await client(world.gateway.baseUrl, apiKey).get(`/api/v1/connections/${id}`);
    expect(record.body.connection.lastError.code).toBe('access_denied');
  }, 60_000);
});
