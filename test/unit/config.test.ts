/**
 * Configuration (README "Configuration"): defaults, and a ConfigError naming the variable for every
 * bad value.
 */
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

const KEY = Buffer.alloc(32, 9).toString('base64');
const OTHER_KEY = Buffer.alloc(32, 10).toString('base64');

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      isProduction: false,
      host: '127.0.0.1',
      port: 4000,
      publicUrl: 'http://localhost:4000',
      databaseUrl: undefined,
      encryptionKey: undefined,
      encryptionKeysPrevious: [],
      connectorsFile: undefined,
      runtimeToken: undefined,
      tokenRefreshAheadSeconds: 300,
      graphqlIntrospection: true,
      returnUrlAllowlist: [],
      authCacheSeconds: 60,
      cacheSyncIntervalMs: 1000,
    });
    expect(config.dataDir).toBe(path.resolve('./.data'));
    expect(path.isAbsolute(config.dataDir)).toBe(true);
    expect(config.oauthClients.size).toBe(0);
  });

  it('derives the default PUBLIC_URL from PORT and strips a trailing slash from a given one', () => {
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_URL: 'https://gw.example.com/base/' }).publicUrl).toBe(
      'https://gw.example.com/base',
    );
  });

  it('resolves DATA_DIR to an absolute path', () => {
    expect(loadConfig({ DATA_DIR: 'relative/dir' }).dataDir).toBe(path.resolve('relative/dir'));
  });

  it('decodes ENCRYPTION_KEY and every ENCRYPTION_KEYS_PREVIOUS entry', () => {
    const config = loadConfig({ ENCRYPTION_KEY: KEY, ENCRYPTION_KEYS_PREVIOUS: ` ${OTHER_KEY} , ${KEY}` });
    expect(config.encryptionKey).toEqual(Buffer.alloc(32, 9));
    expect(config.encryptionKeysPrevious).toEqual([Buffer.alloc(32, 10), Buffer.alloc(32, 9)]);
  });

  it('accepts a postgres DATABASE_URL when ENCRYPTION_KEY is set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgresql://u@db/x', ENCRYPTION_KEY: KEY });
    expect(config.databaseUrl).toBe('postgresql://u@db/x');
  });

  it('reads the pooler settings of DATABASE_URL (session mode and no migration URL by default)', () => {
    const plain = loadConfig({ DATABASE_URL: 'postgres://u@db/x', ENCRYPTION_KEY: KEY });
    expect(plain.databasePoolMode).toBe('session');
    expect(plain.databaseMigrationUrl).toBeUndefined();
    const pooled = loadConfig({
      DATABASE_URL: 'postgres://u@pooler:6432/x',
      DATABASE_POOL_MODE: 'transaction',
      DATABASE_MIGRATION_URL: 'postgres://u@db:5432/x',
      ENCRYPTION_KEY: KEY,
    });
    expect(pooled.databasePoolMode).toBe('transaction');
    expect(pooled.databaseMigrationUrl).toBe('postgres://u@db:5432/x');
  });

  it.each<[string, Record<string, string>]>([
    [
      'DATABASE_POOL_MODE',
      { DATABASE_URL: 'postgres://u@db/x', ENCRYPTION_KEY: KEY, DATABASE_POOL_MODE: 'statement' },
    ],
    ['DATABASE_POOL_MODE', { DATABASE_POOL_MODE: 'transaction' }],
    [
      'DATABASE_MIGRATION_URL',
      { DATABASE_URL: 'postgres://u@db/x', ENCRYPTION_KEY: KEY, DATABASE_MIGRATION_URL: 'db:5432' },
    ],
    ['DATABASE_MIGRATION_URL', { DATABASE_MIGRATION_URL: 'postgres://u@db/x' }],
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '-1' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'ftp://x' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'not a url' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'https://gw.example.com/?a=b' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x', ENCRYPTION_KEY: KEY }],
    ['ENCRYPTION_KEY', { ENCRYPTION_KEY: Buffer.alloc(16, 1).toString('base64') }],
    ['ENCRYPTION_KEY', { ENCRYPTION_KEY: Buffer.alloc(33, 1).toString('base64') }],
    ['ENCRYPTION_KEY', { ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('hex') }],
    ['ENCRYPTION_KEY', { ENCRYPTION_KEY: 'not*base64*at*all' }],
    ['ENCRYPTION_KEYS_PREVIOUS', { ENCRYPTION_KEY: KEY, ENCRYPTION_KEYS_PREVIOUS: `${OTHER_KEY},short` }],
    ['ENCRYPTION_KEY', { NODE_ENV: 'production' }],
    ['ENCRYPTION_KEY', { DATABASE_URL: 'postgres://u@db/x' }],
    ['GRAPHQL_INTROSPECTION', { GRAPHQL_INTROSPECTION: 'maybe' }],
    ['TOKEN_REFRESH_AHEAD_SECONDS', { TOKEN_REFRESH_AHEAD_SECONDS: '1.5' }],
    ['RUNTIME_TOKEN', { RUNTIME_TOKEN: 'too-short' }],
    ['AUTH_CACHE_SECONDS', { AUTH_CACHE_SECONDS: '-1' }],
    ['AUTH_CACHE_SECONDS', { AUTH_CACHE_SECONDS: '3601' }],
    ['CACHE_SYNC_INTERVAL_MS', { CACHE_SYNC_INTERVAL_MS: '10' }],
    ['CACHE_SYNC_INTERVAL_MS', { CACHE_SYNC_INTERVAL_MS: 'soon' }],
    ['RETURN_URL_ALLOWLIST', { RETURN_URL_ALLOWLIST: 'https://ok.example,javascript:alert(1)' }],
  ])('refuses a bad %s with a ConfigError naming it (%j)', (variable, env) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}:`)).toBe(true);
  });

  it('reports every bad setting at once, named by the first', () => {
    const error = configError({ PORT: 'abc', LOG_LEVEL: 'loud', DOCS_ENABLED: 'sometimes' });
    expect(error.variable).toBe('PORT');
    expect(error.message).toBe(
      'PORT: must be a whole number, got "abc"; ' +
        'DOCS_ENABLED: must be true or false (or yes/no, 1/0), got "sometimes"; ' +
        'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    );
  });

  it('names the bad entry of a list by its position', () => {
    expect(configError({ RETURN_URL_ALLOWLIST: 'https://ok.example, javascript:alert(1)' }).message).toBe(
      'RETURN_URL_ALLOWLIST: entry 2 must be an absolute http(s) URL, got "javascript:alert(1)"',
    );
    expect(configError({ ENCRYPTION_KEY: KEY, ENCRYPTION_KEYS_PREVIOUS: `${OTHER_KEY},short` }).message).toBe(
      'ENCRYPTION_KEYS_PREVIOUS: entry 2 must be 32 bytes encoded as base64 (generate one with `openssl rand -base64 32`)',
    );
  });

  it('does not echo a rejected ENCRYPTION_KEY value in the error', () => {
    const bad = Buffer.alloc(32, 1).toString('hex');
    expect(configError({ ENCRYPTION_KEY: bad }).message).not.toContain(bad);
  });

  it('turns introspection off in production by default, and on again with GRAPHQL_INTROSPECTION=true', () => {
    expect(loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: KEY }).graphqlIntrospection).toBe(false);
    expect(
      loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: KEY, GRAPHQL_INTROSPECTION: 'true' })
        .graphqlIntrospection,
    ).toBe(true);
    expect(loadConfig({ GRAPHQL_INTROSPECTION: 'false' }).graphqlIntrospection).toBe(false);
  });

  it('TRUST_PROXY takes a hop count or a list of proxy addresses/CIDRs, never "trust everyone"', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7 ,fd00::/8,::1,loopback' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      'fd00::/8',
      '::1',
      'loopback',
    ]);
    for (const everyone of ['true', 'TRUE', 'yes']) {
      const error = configError({ TRUST_PROXY: everyone });
      expect(error.variable).toBe('TRUST_PROXY');
      expect(error.message).toMatch(/hop count/);
    }
    for (const bad of [
      '10.0.0.0/33',
      'proxy.internal',
      '10.0.0',
      '0x7f.1',
      '::1/129',
      '1.2.3.4/8/1',
      '101',
    ]) {
      expect(configError({ TRUST_PROXY: bad }).variable).toBe('TRUST_PROXY');
    }
  });

  it('RATE_LIMIT_ADDRESS_POINTS defaults to 120 per window; 0 turns it off', () => {
    expect(loadConfig({}).rateLimitAddressPoints).toBe(120);
    expect(loadConfig({ RATE_LIMIT_ADDRESS_POINTS: '0' }).rateLimitAddressPoints).toBe(0);
    expect(configError({ RATE_LIMIT_ADDRESS_POINTS: '-1' }).variable).toBe('RATE_LIMIT_ADDRESS_POINTS');
  });

  it('keeps only OAuth clients with both a client id and a client secret, keyed by env spelling', () => {
    const config = loadConfig({
      CONNECTOR_GITHUB_CLIENT_ID: 'gh-id',
      CONNECTOR_GITHUB_CLIENT_SECRET: 'gh-secret',
      CONNECTOR_GOOGLE_DRIVE_CLIENT_ID: 'gd-id',
      CONNECTOR_GOOGLE_DRIVE_CLIENT_SECRET: 'gd-secret',
      CONNECTOR_SLACK_CLIENT_ID: 'only-id',
      CONNECTOR_NOTION_CLIENT_SECRET: 'only-secret',
      CONNECTOR_LINEAR_CLIENT_ID: 'id',
      CONNECTOR_LINEAR_CLIENT_SECRET: '   ',
    });
    expect([...config.oauthClients.keys()].sort()).toEqual(['GITHUB', 'GOOGLE_DRIVE']);
    expect(config.oauthClients.get('GOOGLE_DRIVE')).toEqual({ clientId: 'gd-id', clientSecret: 'gd-secret' });
  });
});
