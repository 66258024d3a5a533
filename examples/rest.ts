/**
 * A typed REST client of the gateway, end to end: list the catalog, connect an api_key connector
 * (Perplexity), submit its credentials, show it connected, revoke it.
 *
 * The types come from the OpenAPI document (`npm run generate` → examples/generated/rest.ts,
 * by openapi-typescript); openapi-fetch checks every path, parameter and body against them.
 *
 *   GATEWAY_URL=http://127.0.0.1:4000 GATEWAY_API_KEY=alm_live_… node -r @swc-node/register examples/rest.ts
 *
 * Exits non-zero on any answer it did not expect.
 */
import { randomBytes } from 'node:crypto';
import createClient from 'openapi-fetch';
import type { components, paths } from './generated/rest';

type Connection = components['schemas']['Connection'];

const gatewayUrl = requiredEnv('GATEWAY_URL');
const apiKey = requiredEnv('GATEWAY_API_KEY');

const api = createClient<paths>({
  baseUrl: gatewayUrl.replace(/\/+$/, ''),
  headers: { Authorization: `Bearer ${apiKey}` },
});

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`Set ${name} (see the comment at the top of examples/rest.ts).`);
    process.exit(2);
  }
  return value;
}

/** Stops the run when the gateway answered something this program did not expect. */
function expect(condition: unknown, what: string, answer: { response: Response; error?: unknown }): void {
  if (!condition) {
    const detail = answer.error === undefined ? '' : ` ${JSON.stringify(answer.error)}`;
    throw new Error(`unexpected answer (${what}): HTTP ${answer.response.status}${detail}`);
  }
}

function show(connection: Connection): string {
  return `${connection.id} ${connection.connectorSlug} status=${connection.status} connectedAt=${connection.connectedAt ?? 'null'}`;
}

async function main(): Promise<void> {
  console.log(`REST example against ${gatewayUrl}`);

  // 1. The catalog: everything, then the api_key connectors with their credential forms.
  const all = await api.GET('/api/v1/connectors');
  expect(all.data && all.response.status === 200, 'list the catalog', all);
  console.log(`1. the catalog has ${all.data!.connectors.length} connectors`);
  const apiKeyConnectors = await api.GET('/api/v1/connectors', {
    params: { query: { authType: 'api_key', availability: 'available' } },
  });
  expect(apiKeyConnectors.data, 'list the api_key connectors', apiKeyConnectors);
  const perplexity = apiKeyConnectors.data!.connectors.find((c) => c.slug === 'perplexity');
  expect(perplexity?.credentialFields?.length, 'find perplexity and its credential fields', apiKeyConnectors);
  console.log(
    `   ${apiKeyConnectors.data!.connectors.length} take an API key, among them ${perplexity!.name}: ` +
      perplexity!.credentialFields!.map((f) => `${f.key}${f.required ? ' (required)' : ''}`).join(', '),
  );

  // 2. Connect: 201 for a new connection, 200 when this owner already has one for perplexity.
  const connect = await api.POST('/api/v1/connections', {
    body: { connectorSlug: 'perplexity', label: 'examples/rest.ts' },
  });
  expect(connect.data && [200, 201].includes(connect.response.status), 'connect perplexity', connect);
  const { connection: created, credentialSubmitUrl, oauthUrl } = connect.data!;
  expect(
    created.authType === 'api_key' && credentialSubmitUrl && oauthUrl === null,
    'an api_key connection',
    connect,
  );
  console.log(`2. ${connect.response.status === 201 ? 'created' : 'reused'} ${show(created)}`);
  console.log(`   credentials go to ${credentialSubmitUrl}`);

  // 3. Submit the credentials: a made-up key in Perplexity's format. Perplexity's connector does not
  //    check keys at the provider (`verifiesCredentials: false`), so the gateway stores it; one that
  //    does (OpenAI) would ask the provider first and answer 400 for a key it refuses.
  const submitted = await api.POST('/api/v1/connections/{id}/credentials', {
    params: { path: { id: created.id } },
    body: { credentials: { apiKey: `pplx-example${randomBytes(18).toString('hex')}` } },
  });
  expect(submitted.data?.connection.status === 'connected', 'submit the credentials', submitted);
  console.log(`3. submitted: ${show(submitted.data!.connection)}`);

  // 4. Read it back: connected, and no secret in sight.
  const fetched = await api.GET('/api/v1/connections/{id}', { params: { path: { id: created.id } } });
  expect(
    fetched.data?.connection.status === 'connected' && fetched.data.connection.connectedAt !== null,
    'read the connection',
    fetched,
  );
  const listed = await api.GET('/api/v1/connections', { params: { query: { connectorSlug: 'perplexity' } } });
  expect(
    listed.data?.connections.some((c) => c.id === created.id),
    'find it in the list',
    listed,
  );
  console.log(
    `4. connected: ${show(fetched.data!.connection)} (listed among ${listed.data!.connections.length})`,
  );

  // 5. Revoke it; afterwards the id is 404.
  const revoked = await api.DELETE('/api/v1/connections/{id}', { params: { path: { id: created.id } } });
  expect(revoked.data?.deleted === true, 'revoke', revoked);
  const gone = await api.GET('/api/v1/connections/{id}', { params: { path: { id: created.id } } });
  expect(gone.response.status === 404 && gone.error?.error.code === 'NOT_FOUND', 'a revoked id is 404', gone);
  console.log(`5. revoked; the id now answers ${gone.response.status} ${gone.error!.error.code}`);
  console.log('REST example: all answers as expected');
}

main().catch((err: unknown) => {
  console.error(`REST example failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
