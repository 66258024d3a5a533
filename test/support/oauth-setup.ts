/**
 * An OAuth connector wired exactly as an operator would: a CONNECTORS_FILE entry pointing at the
 * fixture provider, and CONNECTOR_<SLUG>_CLIENT_ID/SECRET in the environment.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startOAuthProvider,
  type ConnectorOverrides,
  type OAuthProvider,
  type OAuthProviderOptions,
  type ProviderClient,
} from '../fixtures/oauth-provider';
import { TestBrowser } from './browser';
import { startGateway, type TestGateway } from './gateway';
import { client } from './http';

export const PUBLIC_URL = 'http://gateway.test';
export const CALLBACK = `${PUBLIC_URL}/api/v1/connections/oauth/callback`;
export const CLIENT_ID = 'gateway-client';
export const CLIENT_SECRET = 'gw-secret-Zx8+/=';
export const RUNTIME_TOKEN = 'runtime-token-0123456789abcdefghijklmnop';
/** The gateway as a client of the test OAuth provider (its registered redirect URI, Basic auth). */
export const GATEWAY_CLIENT: ProviderClient = {
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  redirectUris: [CALLBACK],
  auth: 'client_secret_basic',
};

export interface OAuthWorld {
  provider: OAuthProvider;
  gateway: TestGateway;
  slug: string;
  connectorsFile: string;
  /** The gateway's environment: start a second instance with it to get the same catalog and clients. */
  env: Record<string, string>;
  browser(): TestBrowser;
  close(): Promise<void>;
}

export async function startOAuthWorld(
  options: {
    slug?: string;
    provider?: Partial<OAuthProviderOptions>;
    connector?: ConnectorOverrides & { issuer?: string };
    env?: Record<string, string>;
    providerTimeoutMs?: number;
    extraConnectors?: object[];
    /** PUBLIC_URL is the gateway's real loopback address (for a real browser). */
    publicUrlIsAddress?: boolean;
    /** The gateway's client credentials at the provider (default CLIENT_ID / CLIENT_SECRET). */
    clientId?: string;
    clientSecret?: string;
  } = {},
): Promise<OAuthWorld> {
  const clientId = options.clientId ?? CLIENT_ID;
  const clientSecret = options.clientSecret ?? CLIENT_SECRET;
  // A slug of its own per world: test files share one database, and a scheduled refresh pass
  // only touches connections of the connectors its gateway has configured.
  const slug = options.slug ?? `fixture-${randomBytes(4).toString('hex')}`;
  const provider = await startOAuthProvider({
    clients: [
      {
        clientId,
        clientSecret,
        redirectUris: [CALLBACK],
        auth: 'client_secret_basic',
      },
    ],
    ...options.provider,
  });
  const { issuer, ...overrides } = options.connector ?? {};
  const definition = { ...provider.connectorDefinition(slug, overrides) } as Record<string, unknown>;
  if (issuer) definition.oauth = { ...(definition.oauth as object), issuer };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-connectors-'));
  const connectorsFile = path.join(dir, 'connectors.json');
  fs.writeFileSync(connectorsFile, JSON.stringify([definition, ...(options.extraConnectors ?? [])]));
  const envSlug = slug.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  const env: Record<string, string> = {
    CONNECTORS_FILE: connectorsFile,
    [`CONNECTOR_${envSlug}_CLIENT_ID`]: clientId,
    [`CONNECTOR_${envSlug}_CLIENT_SECRET`]: clientSecret,
    RUNTIME_TOKEN,
    ...(options.publicUrlIsAddress ? {} : { PUBLIC_URL }),
    ...options.env,
  };
  const gateway = await startGateway({
    env,
    providerTimeoutMs: options.providerTimeoutMs,
    publicUrlIsAddress: options.publicUrlIsAddress,
  });
  if (options.publicUrlIsAddress) {
    // The provider must know the real redirect URI, which exists only now that the gateway listens.
    provider.setOptions({
      clients: [
        {
          clientId,
          clientSecret,
          redirectUris: [`${gateway.config.publicUrl}/api/v1/connections/oauth/callback`],
          auth: 'client_secret_basic',
        },
      ],
    });
  }
  return {
    provider,
    gateway,
    slug,
    connectorsFile,
    env,
    browser: () => new TestBrowser({ [PUBLIC_URL]: gateway.baseUrl }),
    async close() {
      await gateway.services.providerRevocation.settle(1_000);
      await gateway.close();
      await provider.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates an OAuth connection for a new owner and returns its id, oauthUrl and the owner's key. */
export async function createOAuthConnection(world: OAuthWorld, apiKey?: string) {
  const owner = apiKey ? undefined : await world.gateway.newOwner('oauth');
  const key = apiKey ?? owner!.apiKey;
  const res = await client(world.gateway.baseUrl, key).post('/api/v1/connections', {
    connectorSlug: world.slug,
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`connect failed: ${res.status} ${res.text}`);
  return {
    apiKey: key,
    /** The owner's id when this call created the owner. */
    ownerId: owner?.ownerId,
    id: res.body.connection.id as string,
    oauthUrl: res.body.oauthUrl as string,
  };
}

/** What a browser submits for a page's `method="post"` form: its action and its fields. */
export interface PageForm {
  action: string;
  fields: Record<string, string>;
}

function decodeEntities(value: string): string {
  return value
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? decodeEntities(match[1]!) : undefined;
}

/**
 * The first `method="post"` form of a page as a browser would submit it by pressing the submit
 * button whose `value` is `button` (default: the form's first submit button): its hidden
 * inputs and that button's name/value. `action` is resolved against `pageUrl`.
 */
export function postFormOf(html: string, pageUrl: string, button?: string): PageForm {
  const form = /<form\b[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`no POST form in the page: ${html.slice(0, 500)}`);
  const openTag = /<form\b[^>]*>/i.exec(form[0])![0];
  const action = new URL(attribute(openTag, 'action') ?? '', pageUrl).toString();
  const fields: Record<string, string> = {};
  for (const input of form[1]!.matchAll(/<input\b[^>]*>/gi)) {
    const name = attribute(input[0], 'name');
    if (name !== undefined && attribute(input[0], 'type') === 'hidden')
      fields[name] = attribute(input[0], 'value') ?? '';
  }
  const buttons = [...form[1]!.matchAll(/<button\b[^>]*>/gi)].map((b) => b[0]);
  const pressed = button === undefined ? buttons[0] : buttons.find((b) => attribute(b, 'value') === button);
  if (!pressed) throw new Error(`no submit button ${button ?? ''} in the form`);
  const name = attribute(pressed, 'name');
  if (name !== undefined) fields[name] = attribute(pressed, 'value') ?? '';
  return { action, fields };
}

/**
 * Opens an `oauthUrl` as a person does: the confirmation page (200, naming connector and owner),
 * then a click on its Continue button (the form POST, with the page's cookie). Returns the
 * page and the POST's answer (a 302 to the provider when all is well).
 */
export async function openAndContinue(browser: TestBrowser, oauthUrl: string) {
  const page = await browser.get(oauthUrl);
  if (page.status !== 200) throw new Error(`oauthUrl answered ${page.status}: ${page.text}`);
  const form = postFormOf(page.text, oauthUrl, 'continue');
  const continued = await browser.post(form.action, form.fields);
  return { page, form, continued };
}

/**
 * Drives a browser through the whole handshake: open the oauthUrl (the confirmation page), press
 * Continue (binding cookie set, 302 to the provider), consent at the provider, and return the
 * callback URL the provider sent back.
 */
export async function consent(
  world: OAuthWorld,
  browser: TestBrowser,
  oauthUrl: string,
  decision: 'approve' | 'deny' = 'approve',
) {
  const authorizationUrl = await openOAuthUrl(browser, oauthUrl);
  const callback = await world.provider.authorize(authorizationUrl.toString(), decision);
  return { authorizationUrl, callbackUrl: callback.toString() };
}

/**
 * Opens an oauthUrl in the browser as its user would — the confirmation page, then Continue —
 * up to the provider's authorization URL the gateway sends the browser to (for providers other
 * than the world's fixture too).
 */
export async function openOAuthUrl(browser: TestBrowser, oauthUrl: string): Promise<URL> {
  const { continued } = await openAndContinue(browser, oauthUrl);
  if (continued.status !== 302 || !continued.location)
    throw new Error(`Continue answered ${continued.status}: ${continued.text}`);
  return new URL(continued.location);
}

/** The name an owner was created with (what `keys create --owner` was given). */
export async function ownerName(world: OAuthWorld, ownerId: string): Promise<string> {
  const rows: { name: string }[] = await world.gateway.dataSource.query(
    'SELECT name FROM owners WHERE id = $1',
    [ownerId],
  );
  return rows[0]!.name;
}

/** The runtime's view of a connection's credentials. */
export function runtimeRead(world: OAuthWorld, id: string, token = RUNTIME_TOKEN) {
  return client(world.gateway.baseUrl, token).get(`/internal/v1/connections/${id}/credentials`);
}
