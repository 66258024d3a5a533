/**
 * Debian's headless Chromium for the browser tests, driven by playwright-core (no browser
 * download). Without /usr/bin/chromium the suites are skipped, unless REQUIRE_CHROMIUM=1 (CI),
 * where a missing browser fails the run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = fs.existsSync(CHROMIUM);
if (!available && process.env.REQUIRE_CHROMIUM === '1') {
  throw new Error(`REQUIRE_CHROMIUM=1 but ${CHROMIUM} does not exist: apt-get install chromium`);
}

export const describeIfChromium = available ? describe : describe.skip;

/** Where the browser tests write their screenshots. */
export const SCREENSHOTS = path.resolve(__dirname, '../../test-output/screenshots');

/** Launches Chromium with the flags this closed network needs (no background traffic). */
export async function launchChromium(): Promise<Browser> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
