/**
 * A typed GraphQL client of the gateway, end to end: list the catalog, connect an api_key
 * connector (Perplexity), submit its credentials, show it connected, revoke it.
 *
 * The documents are examples/graphql/*.graphql; `npm run generate` turns them into typed
 * documents (examples/generated/graphql/, codegen's client preset, from the SDL in schema/), so
 * variables and results are checked against the schema at compile time.
 *
 *   GATEWAY_URL=http://127.0.0.1:4000 GATEWAY_API_KEY=alm_live_… node -r @swc-node/register examples/graphql.ts
 *
 * Exits non-zero on any answer it did not expect.
 */
import { randomBytes } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import {
  ConnectDocument,
  GetConnectionDocument,
  ListConnectorsDocument,
  RevokeDocument,
  SubmitCredentialsDocument,
} from './generated/graphql/graphql';

const gatewayUrl = requiredEnv('GATEWAY_URL').replace(/\/+$/, '');
const apiKey = requiredEnv('GATEWAY_API_KEY');

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`Set ${name} (see the comment at the top of examples/graphql.ts).`);
    process.exit(2);
  }
  return value;
}

interface GraphQLResponse<TData> {
  data?: TData | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Runs one typed document; anything but a 200 with data and no errors stops the run. */
async function run<TData, TVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<TData> {
  const res = await fetch(`${gatewayUrl}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const text = await res.text();
  let body: GraphQLResponse<TData>;
  try {
    body = JSON.parse(text) as GraphQLResponse<TData>;
  } catch {
    throw new Error(`unexpected answer: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (res.status !== 200 || body.errors?.length || !body.data) {
    throw new Error(`unexpected answer: HTTP ${res.status} ${JSON.stringify(body.errors ?? body)}`);
  }
  return body.data;
}

function check(condition: unknown, what: string, seen: unknown): void {
  if (!condition) throw new Error(`unexpected answer (${what}): ${JSON.stringify(seen)}`);
}

async function main(): Promise<void> {
  console.log(`GraphQL example against ${gatewayUrl}/graphql`);

  // 1. The catalog: everything, then the available API-key connectors with their credential forms.
  const all = await run(ListConnectorsDocument, {});
  console.log(`1. the catalog has ${all.connectors.length} connectors`);
  const { connectors } = await run(ListConnectorsDocument, {
    authType: 'API_KEY',
    availability: 'available',
  });
  const perplexity = connectors.find((c) => c.slug === 'perplexity');
  check(perplexity?.credentialFields?.length, 'perplexity and its credential fields', connectors);
  console.log(
    `   ${connectors.length} take an API key, among them ${perplexity!.name}: ` +
      perplexity!.credentialFields!.map((f) => `${f.key}${f.required ? ' (required)' : ''}`).join(', '),
  );

  // 2. Connect (created is false when this owner already has a live perplexity connection).
  const { connect } = await run(ConnectDocument, {
    input: { connectorSlug: 'perplexity', label: 'examples/graphql.ts' },
  });
  check(connect.credentialSubmitUrl && connect.oauthUrl === null, 'an api_key connection', connect);
  const id = connect.connection.id;
  console.log(`2. ${connect.created ? 'created' : 'reused'} ${id} status=${connect.connection.status}`);

  // 3. Submit the credentials: a made-up key in Perplexity's format. Perplexity's connector does not
  //    check keys at the provider (`verifiesCredentials: false`), so the gateway stores it; one that
  //    does (OpenAI) would ask the provider first and answer 400 for a key it refuses.
  const { submitCredentials } = await run(SubmitCredentialsDocument, {
    input: {
      connectionId: id,
      credentials: { apiKey: `pplx-example${randomBytes(18).toString('hex')}` },
    },
  });
  check(submitCredentials.connection.status === 'CONNECTED', 'submit the credentials', submitCredentials);
  console.log(`3. submitted: status=${submitCredentials.connection.status}`);

  // 4. Read it back, with its connector.
  const { connection } = await run(GetConnectionDocument, { id });
  check(connection?.status === 'CONNECTED' && connection.connectedAt, 'read the connection', connection);
  console.log(
    `4. connected: ${connection!.connector.name} since ${connection!.connectedAt}, ` +
      `tools: ${connection!.connector.tools.map((t) => t.name).join(', ')}`,
  );

  // 5. Revoke it; afterwards the id is gone.
  const { revoke } = await run(RevokeDocument, { id });
  check(revoke.deleted && revoke.connection.status === 'REVOKED', 'revoke', revoke);
  const after = await run(GetConnectionDocument, { id });
  check(after.connection === null, 'a revoked connection is gone', after);
  console.log(`5. revoked; connection(id) is now null`);
  console.log('GraphQL example: all answers as expected');
}

main().catch((err: unknown) => {
  console.error(`GraphQL example failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
