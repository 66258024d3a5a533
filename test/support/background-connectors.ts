/**
 * The connectors of the background-work measurements (test/integration/background-cost.test.ts and
 * bench/background.ts): OAuth connectors whose token endpoint is a loopback stand-in, and API-key
 * connectors calling it, some with a `verify` call the health pass makes.
 */
export interface BackgroundConnectorsOptions {
  /** The stand-in's base URL (`/authorize`, `/token`, `/me`). */
  url: string;
  /** How many connectors, the first `oauth` of them OAuth. */
  count: number;
  oauth: number;
  slugOf: (k: number) => string;
  /** Whether API-key connector k has a `verify` call. */
  verified: (k: number) => boolean;
  /** The names' first word and the description, saying whose connectors these are. */
  name: string;
  description: string;
}

export function backgroundConnectors(options: BackgroundConnectorsOptions): object[] {
  const { url } = options;
  return Array.from({ length: options.count }, (_, k) => {
    const slug = options.slugOf(k);
    const common = {
      slug,
      name: `${options.name} ${slug}`,
      description: options.description,
      availability: 'available',
      tools: [{ name: 'whoami', description: 'Reads the signed-in account.' }],
    };
    if (k < options.oauth) {
      return {
        ...common,
        authType: 'oauth',
        oauth: {
          authorizationUrl: `${url}/authorize`,
          tokenUrl: `${url}/token`,
          scopes: ['profile'],
          clientAuth: 'client_secret_basic',
        },
      };
    }
    return {
      ...common,
      authType: 'api_key',
      credentialFields: [{ key: 'apiKey', label: 'API key', required: true, secret: true }],
      api: { baseUrl: url, headers: { 'X-Api-Key': '${credentials.apiKey}' } },
      ...(options.verified(k) ? { verify: { method: 'GET', path: '/me', account: '/user/email' } } : {}),
    };
  });
}
