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
} from '../fixtures/oauth-provider';
import { TestBrowser } from './browser';
import { startGateway, type TestGateway } from './gateway';
import { client } from './http';

export const PUBLIC_URL = 'http://gateway.test';
export const CALLBACK = `${PUBLIC_URL}/api/v1/connections/oauth/callback`;
export const CLIENT_ID = 'gateway-client';
export const CLIENT_SECRET = 'gw-secret-Zx8+/=';
export const RUNTIME_TOKEN = 'runtime-token-0123456789abcdefghijklmnop';

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
  const key = apiKey ?? (await world.gateway.newOwner('oauth')).apiKey;
  const res = await client(world.gateway.baseUrl, key).post('/api/v1/connections', {
    connectorSlug: world.slug,
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`connect failed: ${res.status} ${res.text}`);
  return { apiKey: key, id: res.body.connection.id as string, oauthUrl: res.body.oauthUrl as string };
}

/**
 * Drives a browser through the whole handshake: open the oauthUrl (cookie set, 302 to the
 * provider), consent at the provider, and return the callback URL the provider sent back.
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
 * Opens an oauthUrl in the browser as its user would, up to the provider's authorization URL
 * the gateway sends the browser to (for providers other than the world's fixture).
 */
export async function openOAuthUrl(browser: TestBrowser, oauthUrl: string): Promise<URL> {
  const opened = await browser.get(oauthUrl);
  if (opened.status !== 302 || !opened.location)
    throw new Error(`oauthUrl answered ${opened.status}: ${opened.text}`);
  return new URL(opened.location);
}

/** The runtime's view of a connection's credentials. */
export function runtimeRead(world: OAuthWorld, id: string, token = RUNTIME_TOKEN) {
  return client(world.gateway.baseUrl, token).get(`/internal/v1/connections/${id}/credentials`);
}
