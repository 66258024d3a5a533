/**
 * Connector definitions (README "The catalog and CONNECTORS_FILE"): the built-in catalog passes the
 * same checks as an operator's CONNECTORS_FILE, and each broken rule stops with an error naming
 * entry and field.
 */
import { builtinConnectors as readBuiltins } from '../../src/connectors/catalog.loader';

const builtinConnectors = readBuiltins();
import {
  checkConnectorDefinition,
  ConnectorDefinitionError,
} from '../../src/connectors/connector.validation';
import type { ConnectorDefinition } from '../../src/connectors/connector.types';

type Raw = Record<string, unknown>;

function oauthDefinition(): Raw {
  return {
    slug: 'acme',
    name: 'Acme',
    description: 'Acme things.',
    authType: 'oauth',
    availability: 'available',
    tools: [{ name: 'list_things', description: 'List things.' }],
    oauth: {
      authorizationUrl: 'https://acme.example/oauth/authorize',
      tokenUrl: 'https://acme.example/oauth/token',
      scopes: ['read', 'write'],
    },
  };
}

function apiKeyDefinition(): Raw {
  return {
    slug: 'acme-key',
    name: 'Acme Key',
    description: 'Acme by key.',
    authType: 'api_key',
    availability: 'available',
    tools: [{ name: 'list_things', description: 'List things.' }],
    credentialFields: [
      { key: 'apiKey', label: 'API key', required: true, secret: true, pattern: '^ak_[a-z]+$' },
    ],
  };
}

function definitionError(raw: unknown, where = '#4'): ConnectorDefinitionError {
  try {
    checkConnectorDefinition(raw, where);
  } catch (err) {
    if (err instanceof ConnectorDefinitionError) return err;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

describe('the built-in catalog', () => {
  it.each(builtinConnectors.map((c, i) => [c.slug, c, i] as const))(
    '%s passes checkConnectorDefinition unchanged',
    (_slug, definition, index) => {
      expect(checkConnectorDefinition(definition, `built-in #${index}`)).toEqual(definition);
    },
  );

  it('has at least 200 connectors with unique slugs', () => {
    const slugs = builtinConnectors.map((c) => c.slug);
    expect(slugs.length).toBeGreaterThanOrEqual(200);
    expect(new Set(slugs).size).toBe(slugs.length);
  });

  it('has oauth, api_key and none connectors, and a coming_soon one with a reason', () => {
    const byType = (t: string) => builtinConnectors.filter((c) => c.authType === t);
    expect(byType('oauth').length).toBeGreaterThanOrEqual(5);
    expect(byType('api_key').length).toBeGreaterThanOrEqual(4);
    expect(byType('none').length).toBeGreaterThanOrEqual(1);
    const comingSoon = builtinConnectors.filter((c) => c.availability === 'coming_soon');
    expect(comingSoon.length).toBeGreaterThanOrEqual(1);
    for (const c of comingSoon) expect(c.availabilityReason?.trim()).toBeTruthy();
  });

  it('includes the well-known providers of the contract', () => {
    const slugs = builtinConnectors.map((c) => c.slug);
    expect(slugs).toEqual(
      expect.arrayContaining([
        'github',
        'slack',
        'notion',
        'linear',
        'hubspot',
        'openai',
        'anthropic',
        'stripe',
        'sendgrid',
      ]),
    );
  });

  it('gives every OAuth connector real https endpoints on public hosts', () => {
    const oauth = builtinConnectors.filter(
      (c): c is ConnectorDefinition & { oauth: NonNullable<ConnectorDefinition['oauth']> } =>
        c.authType === 'oauth' && c.oauth !== undefined,
    );
    expect(oauth).toHaveLength(builtinConnectors.filter((c) => c.authType === 'oauth').length);
    for (const c of oauth) {
      const urls = [c.oauth.authorizationUrl, c.oauth.tokenUrl, c.oauth.revocationUrl].filter(
        (u): u is string => u !== undefined,
      );
      for (const raw of urls) {
        const url = new URL(raw);
        expect({ slug: c.slug, protocol: url.protocol }).toEqual({ slug: c.slug, protocol: 'https:' });
        expect(url.hostname).toMatch(/\.[a-z]{2,}$/);
        expect(url.hostname).not.toMatch(/(^|\.)(localhost|example|test|invalid)(\.|$)/);
      }
    }
  });

  it('gives every api_key connector a credential form and every connector at least one tool', () => {
    for (const c of builtinConnectors) {
      expect(c.tools.length).toBeGreaterThan(0);
      if (c.authType === 'api_key') expect(c.credentialFields?.length).toBeGreaterThan(0);
    }
  });
});

describe('checkConnectorDefinition', () => {
  it('accepts well-formed oauth and api_key definitions, and http to loopback for a local provider', () => {
    expect(checkConnectorDefinition(oauthDefinition(), '#0').slug).toBe('acme');
    expect(checkConnectorDefinition(apiKeyDefinition(), '#1').credentialFields).toHaveLength(1);
    const local = oauthDefinition();
    local.oauth = { ...(local.oauth as Raw), tokenUrl: 'http://127.0.0.1:9999/token' };
    expect(checkConnectorDefinition(local, '#2').oauth?.tokenUrl).toBe('http://127.0.0.1:9999/token');
  });

  const cases: [string, () => Raw, string][] = [
    [
      'a reserved authorizationParams key (redirect_uri)',
      () => ({
        ...oauthDefinition(),
        oauth: {
          ...(oauthDefinition().oauth as Raw),
          authorizationParams: { redirect_uri: 'https://evil.example/cb' },
        },
      }),
      'oauth.authorizationParams.redirect_uri',
    ],
    [
      'a reserved authorizationParams key (state)',
      () => ({
        ...oauthDefinition(),
        oauth: { ...(oauthDefinition().oauth as Raw), authorizationParams: { state: 'fixed' } },
      }),
      'oauth.authorizationParams.state',
    ],
    [
      'a reserved tokenParams key (code_verifier)',
      () => ({
        ...oauthDefinition(),
        oauth: { ...(oauthDefinition().oauth as Raw), tokenParams: { code_verifier: 'x' } },
      }),
      'oauth.tokenParams.code_verifier',
    ],
    [
      'an http URL to a non-loopback host',
      () => ({
        ...oauthDefinition(),
        oauth: { ...(oauthDefinition().oauth as Raw), tokenUrl: 'http://acme.example/token' },
      }),
      'oauth.tokenUrl',
    ],
    [
      'a javascript: authorization URL',
      () => ({
        ...oauthDefinition(),
        oauth: { ...(oauthDefinition().oauth as Raw), authorizationUrl: 'javascript:alert(1)' },
      }),
      'oauth.authorizationUrl',
    ],
    [
      'a duplicate tool name',
      () => ({
        ...oauthDefinition(),
        tools: [
          { name: 'list_things', description: 'a' },
          { name: 'list_things', description: 'b' },
        ],
      }),
      'tools[1].name',
    ],
    [
      'an invalid credential pattern',
      () => ({
        ...apiKeyDefinition(),
        credentialFields: [{ key: 'apiKey', label: 'K', required: true, secret: true, pattern: '([a-z' }],
      }),
      'credentialFields[0].pattern',
    ],
    [
      'credentialFields on an oauth connector',
      () => ({
        ...oauthDefinition(),
        credentialFields: [{ key: 'apiKey', label: 'K', required: true, secret: true }],
      }),
      'credentialFields',
    ],
    [
      'oauth settings on an api_key connector',
      () => ({ ...apiKeyDefinition(), oauth: oauthDefinition().oauth }),
      'oauth',
    ],
    [
      'an oauth connector without oauth settings',
      () => ({ ...oauthDefinition(), oauth: undefined }),
      'oauth',
    ],
    [
      'an api_key connector without credential fields',
      () => ({ ...apiKeyDefinition(), credentialFields: [] }),
      'credentialFields',
    ],
    [
      'a duplicate credential key',
      () => ({
        ...apiKeyDefinition(),
        credentialFields: [
          { key: 'a', label: 'A', required: true, secret: true },
          { key: 'a', label: 'B', required: false, secret: false },
        ],
      }),
      'credentialFields[1].key',
    ],
    ['an unknown top-level field', () => ({ ...oauthDefinition(), clientSecret: 'x' }), 'clientSecret'],
    [
      'an unknown oauth field',
      () => ({ ...oauthDefinition(), oauth: { ...(oauthDefinition().oauth as Raw), clientSecret: 'x' } }),
      'oauth.clientSecret',
    ],
    ['a slug with capitals', () => ({ ...oauthDefinition(), slug: 'Acme' }), 'slug'],
    ['an unknown authType', () => ({ ...oauthDefinition(), authType: 'basic' }), 'authType'],
    [
      'coming_soon without a reason',
      () => ({ ...oauthDefinition(), availability: 'coming_soon' }),
      'availabilityReason',
    ],
    [
      'a reason on an available connector',
      () => ({ ...oauthDefinition(), availabilityReason: 'why' }),
      'availabilityReason',
    ],
    [
      'a scope with whitespace',
      () => ({
        ...oauthDefinition(),
        oauth: { ...(oauthDefinition().oauth as Raw), scopes: ['read write'] },
      }),
      'oauth.scopes[0]',
    ],
    [
      'a bad clientAuth',
      () => ({
        ...oauthDefinition(),
        oauth: { ...(oauthDefinition().oauth as Raw), clientAuth: 'private_key_jwt' },
      }),
      'oauth.clientAuth',
    ],
  ];

  it.each(cases)('refuses %s, naming the field', (_name, build, field) => {
    const raw = build();
    if (raw.oauth === undefined) delete raw.oauth;
    const error = definitionError(raw, '#4');
    expect(error.field).toBe(field);
    expect(error.entry).toBe(`#4 "${String(raw.slug)}"`);
    expect(error.message).toContain(`"${field}"`);
    expect(error.message).toContain('#4');
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'github'],
  ])('refuses %s as a definition', (_name, raw) => {
    expect(() => checkConnectorDefinition(raw, '#0')).toThrow(ConnectorDefinitionError);
  });
});
