/**
 * The catalog as data (README "The catalog and CONNECTORS_FILE"): the JSON Schema file, compiled
 * on its own as an operator's editor or CI would compile it, accepts every built-in YAML file and
 * refuses broken entries; the checker refuses what the schema cannot see (placeholders, patterns,
 * duplicates) naming the field; and every built-in connector is usable as written: its URL
 * templates resolve with its own examples to public https URLs, and its `api` sends credentials.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import YAML from 'yaml';
import { builtinConnectors } from '../../src/connectors/catalog.loader';
import {
  checkConnectorDefinition,
  ConnectorDefinitionError,
} from '../../src/connectors/connector.validation';
import type { ConnectorDefinition } from '../../src/connectors/connector.types';
import { fillTemplate, type TemplateValues } from '../../src/connectors/templates';

const ROOT = path.resolve(__dirname, '../..');
const SCHEMA_FILE = path.join(ROOT, 'schema/connector-definition.schema.json');
const CATALOG_DIR = path.join(ROOT, 'src/connectors/catalog');

type Raw = Record<string, any>;

/** The schema file compiled by ajv's 2020-12 build alone, strict, as anyone may compile it. */
const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(
  JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')),
);

function schemaErrors(value: unknown): string[] {
  return validate(value)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
}

const catalogFiles = fs
  .readdirSync(CATALOG_DIR)
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .map((name) => ({ name, content: YAML.parse(fs.readFileSync(path.join(CATALOG_DIR, name), 'utf8')) }));

const builtins = builtinConnectors();

function oauthDefinition(): Raw {
  return {
    slug: 'acme',
    name: 'Acme',
    description: 'Acme things.',
    authType: 'oauth',
    availability: 'available',
    categories: ['crm'],
    tools: [{ name: 'list_things', description: 'List things.' }],
    oauth: {
      authorizationUrl: 'https://acme.dev/oauth/authorize',
      tokenUrl: 'https://acme.dev/oauth/token',
      scopes: ['read'],
    },
    api: { baseUrl: 'https://api.acme.dev/v1' },
    verify: { method: 'GET', path: '/me', account: '/user/email' },
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
    credentialFields: [{ key: 'apiKey', label: 'API key', required: true, secret: true }],
    connectionConfig: [
      {
        key: 'region',
        label: 'Region',
        required: true,
        pattern: '^[a-z]{2}[0-9]$',
        example: 'eu1',
      },
    ],
    api: {
      baseUrl: 'https://${config.region}.api.acme.dev',
      headers: { Authorization: 'Bearer ${credentials.apiKey}' },
    },
    verify: { method: 'GET', path: '/v1/me' },
  };
}

/** The field checkConnectorDefinition names when it refuses `raw`. */
function refusedField(raw: unknown): string {
  try {
    checkConnectorDefinition(raw, '#0');
  } catch (err) {
    if (err instanceof ConnectorDefinitionError) return err.field;
    throw err;
  }
  throw new Error(`checkConnectorDefinition accepted ${JSON.stringify(raw)}`);
}

function withOauth(patch: Raw): Raw {
  const d = oauthDefinition();
  d.oauth = { ...d.oauth, ...patch };
  return d;
}

describe('the JSON Schema file on its own (ajv 2020-12)', () => {
  it('lists a YAML file for every built-in connector', () => {
    expect(catalogFiles.length).toBe(builtins.length);
    expect(catalogFiles.length).toBeGreaterThanOrEqual(25);
  });

  it.each(catalogFiles.map((f) => [f.name, f.content] as const))('accepts %s', (_name, content) => {
    expect(schemaErrors(content)).toEqual([]);
  });

  it('accepts the array of every built-in file (a CONNECTORS_FILE holding them all)', () => {
    expect(schemaErrors(catalogFiles.map((f) => f.content))).toEqual([]);
  });

  it('accepts the well-formed definitions the cases below break', () => {
    expect(schemaErrors(oauthDefinition())).toEqual([]);
    expect(schemaErrors(apiKeyDefinition())).toEqual([]);
    expect(checkConnectorDefinition(oauthDefinition(), '#0').slug).toBe('acme');
    expect(checkConnectorDefinition(apiKeyDefinition(), '#1').slug).toBe('acme-key');
  });

  const broken: Array<[string, () => unknown, string]> = [
    ['an unknown field', () => ({ ...oauthDefinition(), colour: 'red' }), 'colour'],
    [
      'an unknown field of api',
      () => ({ ...oauthDefinition(), api: { baseUrl: 'https://a.dev', x: 1 } }),
      'api.x',
    ],
    ['a slug with capitals', () => ({ ...oauthDefinition(), slug: 'Acme' }), 'slug'],
    ['a slug with a space', () => ({ ...oauthDefinition(), slug: 'ac me' }), 'slug'],
    ['a slug starting with a hyphen', () => ({ ...oauthDefinition(), slug: '-acme' }), 'slug'],
    [
      'an oauth connector without oauth',
      () => {
        const d = oauthDefinition();
        delete d.oauth;
        return d;
      },
      'oauth',
    ],
    [
      'oauth on an api_key connector',
      () => ({ ...apiKeyDefinition(), oauth: oauthDefinition().oauth }),
      'oauth',
    ],
    [
      'an api_key connector without credentialFields',
      () => {
        const d = apiKeyDefinition();
        delete d.credentialFields;
        return d;
      },
      'credentialFields',
    ],
    [
      'credentialFields on an oauth connector',
      () => ({ ...oauthDefinition(), credentialFields: apiKeyDefinition().credentialFields }),
      'credentialFields',
    ],
    ['an unknown authType', () => ({ ...oauthDefinition(), authType: 'saml' }), 'authType'],
    [
      'an http tokenUrl on a public host',
      () => withOauth({ tokenUrl: 'http://acme.dev/token' }),
      'oauth.tokenUrl',
    ],
    [
      'an http api.baseUrl on a public host',
      () => ({ ...oauthDefinition(), api: { baseUrl: 'http://api.acme.dev' } }),
      'api.baseUrl',
    ],
    [
      'an http URL on a host that only starts like localhost',
      () => withOauth({ authorizationUrl: 'http://localhost.acme.dev/authorize' }),
      'oauth.authorizationUrl',
    ],
    ['a URL with a fragment', () => withOauth({ tokenUrl: 'https://acme.dev/token#x' }), 'oauth.tokenUrl'],
    [
      'a reserved authorizationParams key (state)',
      () => withOauth({ authorizationParams: { state: 'fixed' } }),
      'oauth.authorizationParams.state',
    ],
    [
      'a reserved authorizationParams key (code_challenge_method)',
      () => withOauth({ authorizationParams: { code_challenge_method: 'plain' } }),
      'oauth.authorizationParams.code_challenge_method',
    ],
    [
      'a reserved tokenParams key (client_secret)',
      () => withOauth({ tokenParams: { client_secret: 'x' } }),
      'oauth.tokenParams.client_secret',
    ],
    ['a bad clientAuth', () => withOauth({ clientAuth: 'private_key_jwt' }), 'oauth.clientAuth'],
    ['a scope with a space', () => withOauth({ scopes: ['read write'] }), 'oauth.scopes[0]'],
    [
      'a verify path without a leading slash',
      () => ({ ...oauthDefinition(), verify: { method: 'GET', path: 'me' } }),
      'verify.path',
    ],
    [
      'a verify method outside GET, POST, HEAD',
      () => ({ ...oauthDefinition(), verify: { method: 'PUT', path: '/me' } }),
      'verify.method',
    ],
    [
      'a verify account that is not a JSON pointer',
      () => ({ ...oauthDefinition(), verify: { method: 'GET', path: '/me', account: 'user.email' } }),
      'verify.account',
    ],
    [
      'verify without api',
      () => {
        const d = oauthDefinition();
        delete d.api;
        return d;
      },
      'api',
    ],
    [
      'an api header name that is not a token (RFC 9110)',
      () => ({ ...oauthDefinition(), api: { baseUrl: 'https://a.dev', headers: { 'Bad Header': 'x' } } }),
      'api.headers.Bad Header',
    ],
    [
      'basicAuth without password',
      () => ({ ...apiKeyDefinition(), api: { baseUrl: 'https://a.dev', basicAuth: { username: 'x' } } }),
      'api.basicAuth.password',
    ],
    [
      'availabilityReason on an available connector',
      () => ({ ...oauthDefinition(), availabilityReason: 'Because.' }),
      'availabilityReason',
    ],
    [
      'coming_soon without availabilityReason',
      () => ({ ...oauthDefinition(), availability: 'coming_soon' }),
      'availabilityReason',
    ],
    ['a category with capitals', () => ({ ...oauthDefinition(), categories: ['CRM'] }), 'categories[0]'],
    [
      'a tool name with a hyphen',
      () => ({ ...oauthDefinition(), tools: [{ name: 'list-things', description: 'List.' }] }),
      'tools[0].name',
    ],
    ['a blank name', () => ({ ...oauthDefinition(), name: '   ' }), 'name'],
    [
      'a config field key starting with a digit',
      () => {
        const d = apiKeyDefinition();
        d.connectionConfig[0].key = '1region';
        return d;
      },
      'connectionConfig[0].key',
    ],
    [
      'an unknown field of a config field',
      () => {
        const d = apiKeyDefinition();
        d.connectionConfig[0].secret = true;
        return d;
      },
      'connectionConfig[0].secret',
    ],
    [
      'a credential field without secret',
      () => ({ ...apiKeyDefinition(), credentialFields: [{ key: 'apiKey', label: 'Key', required: true }] }),
      'credentialFields[0].secret',
    ],
  ];

  it.each(broken)(
    'refuses %s, and so does checkConnectorDefinition naming the field',
    (_what, make, field) => {
      const raw = make();
      expect(schemaErrors(raw)).not.toEqual([]);
      expect(schemaErrors([oauthDefinition(), raw])).not.toEqual([]);
      expect(refusedField(raw)).toBe(field);
    },
  );
});

describe('rules the schema cannot say, refused by checkConnectorDefinition naming the field', () => {
  function withApi(base: Raw, api: Raw): Raw {
    return { ...base, api: { ...base.api, ...api } };
  }
  function withConfig(base: Raw, fields: Raw[]): Raw {
    return { ...base, connectionConfig: fields };
  }
  const region = apiKeyDefinition().connectionConfig[0];

  const cases: Array<[string, () => Raw, string]> = [
    [
      'a placeholder naming an unknown config field',
      () => withApi(apiKeyDefinition(), { baseUrl: 'https://${config.nope}.api.acme.dev' }),
      'api.baseUrl',
    ],
    [
      'an unknown credential field in api.headers',
      () => withApi(apiKeyDefinition(), { headers: { Authorization: 'Bearer ${credentials.token}' } }),
      'api.headers.Authorization',
    ],
    [
      '${accessToken} in an api_key connector',
      () => withApi(apiKeyDefinition(), { headers: { Authorization: 'Bearer ${accessToken}' } }),
      'api.headers.Authorization',
    ],
    [
      '${credentials.<key>} in an oauth connector',
      () => withApi(oauthDefinition(), { headers: { Authorization: 'Bearer ${credentials.apiKey}' } }),
      'api.headers.Authorization',
    ],
    [
      '${credentials.<key>} in a URL',
      () => withApi(apiKeyDefinition(), { baseUrl: 'https://api.acme.dev/${credentials.apiKey}' }),
      'api.baseUrl',
    ],
    [
      '${credentials.<key>} in verify.path',
      () => ({ ...apiKeyDefinition(), verify: { method: 'GET', path: '/me?key=${credentials.apiKey}' } }),
      'verify.path',
    ],
    [
      '${credentials.<key>} in verify.headers (not secret)',
      () => ({
        ...apiKeyDefinition(),
        verify: { method: 'GET', path: '/me', headers: { 'X-Key': '${credentials.apiKey}' } },
      }),
      'verify.headers.X-Key',
    ],
    [
      '${accessToken} in oauth.tokenUrl',
      () => withOauth({ tokenUrl: 'https://acme.dev/token?t=${accessToken}' }),
      'oauth.tokenUrl',
    ],
    [
      'a config field used in a URL without pattern or enum',
      () =>
        withConfig(apiKeyDefinition(), [{ key: 'region', label: 'Region', required: true, example: 'eu1' }]),
      'connectionConfig[0]',
    ],
    [
      'a config field used only in verify.baseUrl without pattern or enum',
      () => ({
        ...withConfig(apiKeyDefinition(), [
          region,
          { key: 'site', label: 'Site', required: true, example: 'x' },
        ]),
        verify: { method: 'GET', path: '/me', baseUrl: 'https://${config.site}.acme.dev' },
      }),
      'connectionConfig[1]',
    ],
    [
      'a fromTokenResponse field used in oauth.tokenUrl',
      () => ({
        ...withOauth({ tokenUrl: 'https://${config.instance}.acme.dev/token' }),
        connectionConfig: [
          {
            key: 'instance',
            label: 'Instance',
            required: true,
            pattern: '^[a-z0-9]{1,20}$',
            example: 'na1',
            fromTokenResponse: 'instance',
          },
        ],
      }),
      'oauth.tokenUrl',
    ],
    [
      'fromTokenResponse on an api_key connector',
      () => withConfig(apiKeyDefinition(), [{ ...region, fromTokenResponse: 'region' }]),
      'connectionConfig[0].fromTokenResponse',
    ],
    [
      'a malformed placeholder ${foo}',
      () => withApi(apiKeyDefinition(), { headers: { Authorization: 'Bearer ${foo}' } }),
      'api.headers.Authorization',
    ],
    [
      'a malformed placeholder ${config.} in a query value',
      () => withApi(apiKeyDefinition(), { query: { key: '${credentials.apiKey}', r: '${config.}' } }),
      'api.query.r',
    ],
    [
      'an unclosed placeholder in basicAuth',
      () => withApi(apiKeyDefinition(), { basicAuth: { username: '${credentials.apiKey', password: '' } }),
      'api.basicAuth.username',
    ],
    [
      'an example not matching its pattern',
      () => withConfig(apiKeyDefinition(), [{ ...region, example: 'EU-1' }]),
      'connectionConfig[0].example',
    ],
    [
      'an example outside its enum',
      () =>
        withConfig(apiKeyDefinition(), [
          { key: 'region', label: 'Region', required: true, enum: ['eu1', 'us1'], example: 'ap1' },
        ]),
      'connectionConfig[0].example',
    ],
    [
      'an enum value not matching the pattern',
      () => withConfig(apiKeyDefinition(), [{ ...region, enum: ['eu1', 'US'] }]),
      'connectionConfig[0].enum[1]',
    ],
    [
      'duplicate config keys',
      () => withConfig(apiKeyDefinition(), [region, { ...region, label: 'Again' }]),
      'connectionConfig[1].key',
    ],
    [
      'duplicate credential keys',
      () => ({
        ...apiKeyDefinition(),
        credentialFields: [apiKeyDefinition().credentialFields[0], apiKeyDefinition().credentialFields[0]],
      }),
      'credentialFields[1].key',
    ],
    [
      'duplicate tool names',
      () => ({ ...oauthDefinition(), tools: [oauthDefinition().tools[0], oauthDefinition().tools[0]] }),
      'tools[1].name',
    ],
    [
      'a lookaround pattern',
      () => withConfig(apiKeyDefinition(), [{ ...region, pattern: '^(?=eu)[a-z]{2}[0-9]$' }]),
      'connectionConfig[0].pattern',
    ],
    [
      'a backreference in a credential pattern',
      () => ({
        ...apiKeyDefinition(),
        credentialFields: [
          { key: 'apiKey', label: 'Key', required: true, secret: true, pattern: '^(a)\\1$' },
        ],
      }),
      'credentialFields[0].pattern',
    ],
    [
      'a config field whose example makes the URL something else than https',
      () => ({
        ...withConfig(oauthDefinition(), [
          {
            key: 'instance',
            label: 'Instance',
            required: true,
            pattern: '^\\S+$',
            example: 'ftp://acme.dev',
          },
        ]),
        api: { baseUrl: '${config.instance}/services' },
      }),
      'api.baseUrl',
    ],
  ];

  it.each(cases)('%s (the schema alone accepts it)', (_what, make, field) => {
    const raw = make();
    expect(schemaErrors(raw)).toEqual([]);
    expect(refusedField(raw)).toBe(field);
  });
});

/** The example value of each config field: its example, else its first enum value. */
function exampleValues(c: ConnectorDefinition): TemplateValues {
  const values: TemplateValues = { config: {}, credentials: {}, accessToken: 'token' };
  for (const f of c.connectionConfig ?? []) values.config[f.key] = f.example ?? f.enum?.[0] ?? '';
  for (const f of c.credentialFields ?? []) values.credentials[f.key] = 'secret';
  return values;
}

function urlTemplates(c: ConnectorDefinition): Array<[string, string]> {
  const out: Array<[string, string | undefined]> = [
    ['oauth.authorizationUrl', c.oauth?.authorizationUrl],
    ['oauth.tokenUrl', c.oauth?.tokenUrl],
    ['oauth.revocationUrl', c.oauth?.revocationUrl],
    ['oauth.issuer', c.oauth?.issuer],
    ['api.baseUrl', c.api?.baseUrl],
    ['verify.baseUrl', c.verify?.baseUrl],
  ];
  if (c.verify && c.api) {
    out.push(['api.baseUrl + verify.path', c.api.baseUrl + c.verify.path]);
    if (c.verify.baseUrl) out.push(['verify.baseUrl + verify.path', c.verify.baseUrl + c.verify.path]);
  }
  return out.filter((entry): entry is [string, string] => entry[1] !== undefined);
}

const PUBLIC_HOST = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/;
const NOT_PUBLIC = /(^|\.)(localhost|example|test|invalid|local|internal)(\.|$)/;

/** Why a URL template of the connector does not resolve, with its examples, to https on a public host. */
function urlProblems(c: ConnectorDefinition): string[] {
  const values = exampleValues(c);
  const problems: string[] = [];
  for (const [field, template] of urlTemplates(c)) {
    const filled = fillTemplate(template, values);
    let url: URL;
    try {
      url = new URL(filled);
    } catch {
      problems.push(`${field}: ${filled} is not an absolute URL`);
      continue;
    }
    if (url.protocol !== 'https:') problems.push(`${field}: ${filled} is not https`);
    if (!PUBLIC_HOST.test(url.hostname) || NOT_PUBLIC.test(url.hostname))
      problems.push(`${field}: ${url.hostname} is not a public host name`);
    if (url.username !== '' || url.password !== '') problems.push(`${field}: ${filled} holds a user name`);
  }
  return problems;
}

/** Config fields without an example or enum, and examples or enum values outside their pattern. */
function configProblems(c: ConnectorDefinition): string[] {
  const problems: string[] = [];
  for (const f of c.connectionConfig ?? []) {
    const at = `connectionConfig.${f.key}`;
    if (f.example === undefined && (f.enum?.length ?? 0) === 0) problems.push(`${at} has no example or enum`);
    if (f.pattern === undefined) continue;
    const whole = new RegExp(`^(?:${f.pattern})$`, 'u');
    for (const value of [f.example, ...(f.enum ?? [])])
      if (value !== undefined && !whole.test(value))
        problems.push(`${at}: ${value} does not match ${f.pattern}`);
  }
  return problems;
}

/** An api_key connector with `api` that sends no credential, or an OAuth one whose headers drop the token. */
function sendsNoSecret(c: ConnectorDefinition): boolean {
  if (!c.api) return false;
  const texts = [...Object.values(c.api.headers ?? {}), ...Object.values(c.api.query ?? {})];
  if (c.authType === 'api_key') {
    texts.push(c.api.basicAuth?.username ?? '', c.api.basicAuth?.password ?? '');
    return !texts.some((t) => t.includes('${credentials.'));
  }
  if (c.authType === 'oauth' && c.api.headers !== undefined)
    return !texts.some((t) => t.includes('${accessToken}'));
  return false;
}

describe('the checks run on every built-in connector', () => {
  it('find a URL on a reserved, local or IP host, over http, or that does not resolve', () => {
    const d = apiKeyDefinition() as ConnectorDefinition;
    expect(urlProblems(d)).toEqual([]);
    const bad = (baseUrl: string, example = 'eu1') =>
      urlProblems({
        ...d,
        connectionConfig: [{ ...d.connectionConfig![0]!, example }],
        api: { ...d.api!, baseUrl },
        verify: undefined,
      });
    expect(bad('https://api.example.com')).toEqual([
      expect.stringContaining('api.example.com is not a public'),
    ]);
    expect(bad('https://${config.region}.acme.test')).toEqual([expect.stringContaining('eu1.acme.test')]);
    expect(bad('http://localhost:8080')).toHaveLength(2);
    expect(bad('https://10.0.0.1/v1')).toEqual([expect.stringContaining('10.0.0.1 is not a public')]);
    expect(bad('${config.region}/v1')).toEqual([expect.stringContaining('not an absolute URL')]);
    expect(bad('https://user:pw@api.acme.dev')).toEqual([expect.stringContaining('holds a user name')]);
    expect(
      urlProblems({ ...d, verify: { method: 'GET', path: '/me', baseUrl: 'https://x.localhost' } }),
    ).toEqual([
      expect.stringContaining('verify.baseUrl'),
      expect.stringContaining('verify.baseUrl + verify.path'),
    ]);
  });

  it('find a config field without example or enum, and examples or enum values outside the pattern', () => {
    const d = apiKeyDefinition() as ConnectorDefinition;
    expect(configProblems(d)).toEqual([]);
    const field = d.connectionConfig![0]!;
    expect(configProblems({ ...d, connectionConfig: [{ ...field, example: undefined }] })).toEqual([
      'connectionConfig.region has no example or enum',
    ]);
    expect(configProblems({ ...d, connectionConfig: [{ ...field, example: 'eu1x' }] })).toHaveLength(1);
    expect(configProblems({ ...d, connectionConfig: [{ ...field, enum: ['eu1', 'EU2'] }] })).toHaveLength(1);
  });

  it('find an api that sends no credential', () => {
    const key = apiKeyDefinition() as ConnectorDefinition;
    expect(sendsNoSecret(key)).toBe(false);
    expect(sendsNoSecret({ ...key, api: { baseUrl: 'https://a.dev', headers: { 'X-Version': '1' } } })).toBe(
      true,
    );
    expect(
      sendsNoSecret({
        ...key,
        api: { baseUrl: 'https://a.dev', basicAuth: { username: '${credentials.apiKey}', password: '' } },
      }),
    ).toBe(false);
    expect(
      sendsNoSecret({ ...key, api: { baseUrl: 'https://a.dev', query: { k: '${credentials.apiKey}' } } }),
    ).toBe(false);
    const oauth = oauthDefinition() as ConnectorDefinition;
    expect(sendsNoSecret(oauth)).toBe(false);
    expect(
      sendsNoSecret({ ...oauth, api: { baseUrl: 'https://a.dev', headers: { 'Notion-Version': '1' } } }),
    ).toBe(true);
  });
});

describe('every built-in connector', () => {
  it.each(builtins.map((c) => [c.slug, c] as const))(
    '%s: every URL template resolves with its examples to https on a public host',
    (_slug, c) => {
      expect(urlProblems(c)).toEqual([]);
    },
  );

  it.each(builtins.map((c) => [c.slug, c] as const))(
    '%s: every config field has an example or an enum, and its example matches its pattern',
    (_slug, c) => {
      expect(configProblems(c)).toEqual([]);
    },
  );

  it('sends credentials from every api_key connector that says how to call its API', () => {
    expect(builtins.filter((c) => c.authType === 'api_key' && sendsNoSecret(c)).map((c) => c.slug)).toEqual(
      [],
    );
  });

  it('sends the access token from every OAuth connector whose api sets its own headers', () => {
    expect(builtins.filter((c) => c.authType === 'oauth' && sendsNoSecret(c)).map((c) => c.slug)).toEqual([]);
  });

  it('has at least one tool', () => {
    expect(builtins.filter((c) => c.tools.length < 1).map((c) => c.slug)).toEqual([]);
  });

  it('has at least one category', () => {
    expect(builtins.filter((c) => (c.categories?.length ?? 0) < 1).map((c) => c.slug)).toEqual([]);
  });

  it('every OAuth and API-key connector says how to call its API', () => {
    const without = builtins
      .filter((c) => (c.authType === 'oauth' || c.authType === 'api_key') && c.api === undefined)
      .map((c) => c.slug);
    expect(without).toEqual([]);
  });
});
