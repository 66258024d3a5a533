/**
 * The runtime's proxy refuses a caller's path that could leave the connector's base URL before any
 * URL parser resolves it, and prepareProviderRequest checks the resolved URL once more.
 */
import { callerPath, prepareProviderRequest, ProviderRequestError } from '../../src/providers/provider-api';
import { retryAfterSeconds } from '../../src/runtime/proxy-http';

describe('callerPath', () => {
  it.each([
    '/../x',
    '/..',
    '/a/../../x',
    '/%2e%2e/x',
    '/%2E./x',
    '/.%2e/x',
    '/..%2fx',
    '/..%2Fx',
    '/..%5cx',
    '/..\\x',
    '/./x',
    '/http://evil.example/x',
    '/https:evil.example',
    '//evil.example/x',
    'relative',
    '/a b',
    '/%zz',
  ])('refuses %s', (path) => {
    expect(() => callerPath(path)).toThrow(ProviderRequestError);
  });

  it.each(['/', '/me', '/repos/acme/app/issues', '/a..b/c', '/v1/x:run', '/group%2Fproject', '/a//b'])(
    'keeps %s as given',
    (path) => {
      expect(callerPath(path)).toBe(path);
    },
  );
});

describe('prepareProviderRequest', () => {
  const access = {
    authType: 'api_key' as const,
    api: { baseUrl: 'https://api.example.com/v2', headers: { 'X-Api-Key': '${credentials.apiKey}' } },
    config: {},
    credentials: { apiKey: 'k' },
  };

  it('refuses a path whose resolved URL leaves the base path', () => {
    expect(() => prepareProviderRequest(access, { method: 'GET', path: '/../admin' })).toThrow(
      'The path would leave the API address.',
    );
    expect(prepareProviderRequest(access, { method: 'GET', path: '/items?x=1' }).url.toString()).toBe(
      'https://api.example.com/v2/items?x=1',
    );
  });
});

describe('retryAfterSeconds', () => {
  it('reads delta-seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterSeconds('3', now)).toBe(3);
    expect(retryAfterSeconds('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5);
    expect(retryAfterSeconds('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds(undefined, now)).toBeUndefined();
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
  });
});
