/**
 * No secret reaches a log line, even at LOG_LEVEL=debug: one full run through one gateway
 * (owner key, browser session, API-key credentials, a completed OAuth handshake, a refresh, runtime
 * reads, a revocation with its provider call, bad requests carrying secrets, GraphQL too), then
 * every captured line is searched for every secret value the run used. The request lines are
 * what would leak first (headers carry keys, tokens and the binding cookie; query strings carry
 * the ticket, code and state): the logger's serializers and redaction are what keep them out.
 */
import { TEST_ENCRYPTION_KEY } from '../support/env';
import { client, request } from '../support/http';
import {
  CLIENT_SECRET,
  consent,
  createOAuthConnection,
  RUNTIME_TOKEN,
  runtimeRead,
  startOAuthWorld,
  type OAuthWorld,
} from '../support/oauth-setup';

const OPENAI_KEY = 'sk-redactionCanary0000000000000000000001';
const OPENAI_KEY_GQL = 'sk-redactionCanaryGraphQL00000000000002';
const BODY_SECRET = 'sk-redactionCanaryBadBody000000000000003';
const VALIDATION_SECRET = 'sk-redactionCanaryUnknownField00000004';

describe('log redaction (LOG_LEVEL=debug)', () => {
  let world: OAuthWorld;
  /** Every secret value the run used, with what it is (for a readable failure). */
  const secrets = new Map<string, string>();
  const remember = (what: string, value: string | null | undefined) => {
    if (!value) throw new Error(`no ${what} to check`);
    secrets.set(value, what);
  };

  beforeAll(async () => {
    world = await startOAuthWorld({ env: { LOG_LEVEL: 'debug' } });
  });
  afterAll(() => world.close());

  it('runs every flow that handles a secret', async () => {
    const gw = world.gateway;
    expect(gw.config.logLevel).toBe('debug');
    const { apiKey } = await gw.newOwner('redaction');
    remember('owner API key', apiKey);
    const api = client(gw.baseUrl, apiKey);

    // A browser session token, used on a request.
    const session = await api.post('/api/v1/sessions', { expiresInSeconds: 600 });
    expect(session.status).toBe(201);
    remember('session token', session.body.token);
    expect((await client(gw.baseUrl, session.body.token).get('/api/v1/connectors')).status).toBe(200);

    // An api_key connection with its credentials, read by the runtime.
    const openai = await api.post('/api/v1/connections', { connectorSlug: 'openai' });
    const openaiId = openai.body.connection.id as string;
    remember('api_key credential', OPENAI_KEY);
    expect(
      (await api.post(`/api/v1/connections/${openaiId}/credentials`, { credentials: { apiKey: OPENAI_KEY } }))
        .status,
    ).toBe(200);
    expect((await runtimeRead(world, openaiId)).body.credentials).toEqual({ apiKey: OPENAI_KEY });

    // The same through GraphQL.
    const other = await api.post('/api/v1/connections', { connectorSlug: 'openai', label: 'second' });
    remember('api_key credential sent over GraphQL', OPENAI_KEY_GQL);
    const gql = await fetch(`${gw.baseUrl}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `mutation($input: SubmitCredentialsInput!) { submitCredentials(input: $input) { connection { id status } } }`,
        variables: {
          input: { connectionId: other.body.connection.id, credentials: { apiKey: OPENAI_KEY_GQL } },
        },
      }),
    });
    expect(gql.status).toBe(200);
    expect(((await gql.json()) as { data?: unknown }).data).toMatchObject({
      submitCredentials: { connection: { status: 'CONNECTED' } },
    });

    // An OAuth connection completed through the provider: ticket, cookie, state, code, tokens.
    const conn = await createOAuthConnection(world, apiKey);
    remember('handshake ticket', new URL(conn.oauthUrl).searchParams.get('ticket'));
    const browser = world.browser();
    const { authorizationUrl, callbackUrl } = await consent(world, browser, conn.oauthUrl);
    remember('state', authorizationUrl.searchParams.get('state'));
    remember('PKCE challenge', authorizationUrl.searchParams.get('code_challenge'));
    remember('authorization code', new URL(callbackUrl).searchParams.get('code'));
    for (const [name, cookie] of browser.cookiesFor('http://gateway.test'))
      remember(`cookie ${name}`, cookie.value);
    const done = await browser.get(callbackUrl);
    expect(done.status).toBe(200);
    const exchange = world.provider.tokenRequests.find((r) => r.grantType === 'authorization_code');
    remember('PKCE verifier', exchange?.body.code_verifier);

    // A refresh (the runtime reads a token near expiry), then the revocation with its provider call.
    expect((await runtimeRead(world, conn.id)).status).toBe(200);
    await gw.dataSource.query(
      `UPDATE connections SET token_expires_at = now() + interval '30 seconds' WHERE id = $1`,
      [conn.id],
    );
    const before = world.provider.tokenRequests.length;
    expect((await runtimeRead(world, conn.id)).status).toBe(200);
    expect(world.provider.tokenRequests.slice(before).some((r) => r.grantType === 'refresh_token')).toBe(
      true,
    );
    expect((await api.delete(`/api/v1/connections/${conn.id}`)).status).toBe(200);
    await gw.services.providerRevocation.settle(2_000);
    expect(world.provider.revocations.length).toBeGreaterThan(0);

    // Bad requests carrying secrets: unparsable JSON, an unknown field, a bad GraphQL document.
    remember('secret in an unparsable body', BODY_SECRET);
    const unparsable = await request('POST', `${gw.baseUrl}/api/v1/connections/${openaiId}/credentials`, {
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      raw: `{"credentials": {"apiKey": "${BODY_SECRET}"`,
    });
    expect(unparsable.status).toBe(400);
    remember('secret in an unknown field', VALIDATION_SECRET);
    const unknownField = await api.post(`/api/v1/connections/${openaiId}/credentials`, {
      credentials: { apiKey: OPENAI_KEY, password: VALIDATION_SECRET },
      token: VALIDATION_SECRET,
    });
    expect(unknownField.status).toBe(400);
    const badGraphql = await fetch(`${gw.baseUrl}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ nope(secret: "${VALIDATION_SECRET}") }` }),
    });
    expect(badGraphql.status).toBe(400);
    // A wrong runtime token and a forged ticket are refused (and logged as requests).
    expect((await runtimeRead(world, openaiId, `${RUNTIME_TOKEN}-wrong`)).status).toBe(401);

    remember('RUNTIME_TOKEN', RUNTIME_TOKEN);
    remember('OAuth client secret', CLIENT_SECRET);
    remember('ENCRYPTION_KEY', TEST_ENCRYPTION_KEY);
    for (const token of world.provider.issuedTokens()) remember('provider token', token);
    for (const code of world.provider.issuedCodes()) remember('authorization code', code);
  });

  it('left none of those secrets in any log line', () => {
    const logs = world.gateway.logs;
    // The run was logged in detail: a line per request at least, with their ids.
    expect(logs.length).toBeGreaterThan(20);
    expect(logs.some((line) => line.includes('"msg":"request completed"'))).toBe(true);
    expect(logs.some((line) => line.includes('/api/v1/connections/oauth/callback'))).toBe(true);
    expect(secrets.size).toBeGreaterThan(15);
    const leaks: string[] = [];
    for (const [value, what] of secrets) {
      // The whole value, and a distinctive part of it (a truncated copy is a leak too).
      const part = value.length > 24 ? value.slice(4, 24) : value;
      const line = logs.find((l) => l.includes(value) || l.includes(part));
      if (line) leaks.push(`${what} in: ${line.slice(0, 300)}`);
    }
    expect(leaks).toEqual([]);
  });
});
