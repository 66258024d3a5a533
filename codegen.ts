/**
 * GraphQL code generation from the SDL in schema/ (the source of truth):
 * - resolver types for the server, with the GraphQL types mapped to our entities and domain types;
 * - a typed document set for clients (used by the test suite), from test/graphql/*.graphql;
 * - the typed documents of the example client (examples/graphql.ts), from examples/graphql/*.graphql.
 * Documents are given per output (a root `documents` would be merged into every output).
 * `npm run generate` writes them; CI runs `graphql-codegen --check` so they never drift.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';
// How the enums spell the domain values: declared once, also given to Apollo (src/graphql/schema.ts).
import { enumValues } from './src/graphql/enum-values';

const config: CodegenConfig = {
  schema: 'schema/*.graphql',
  ignoreNoDocuments: false,
  generates: {
    'src/graphql/generated/resolvers.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        enumValues,
        contextType: '../context#GraphQLContext',
        scalars: { DateTime: 'Date', JSONObject: 'Record<string, unknown>' },
        mappers: {
          Connection: '../../connections/connection.types#ConnectionRecord',
          Connector: '../../connectors/catalog.types#CatalogEntry',
          CredentialField: '../../connectors/connector.types#CredentialField as CredentialFieldDefinition',
          ConfigField: '../../connectors/connector.types#ConfigField as ConfigFieldDefinition',
          ConnectorTool: '../../connectors/connector.types#ConnectorTool as ConnectorToolDefinition',
          ConnectionError: '../../connections/connection.types#LastError',
          ConnectPayload: '../../connections/connection.service#ConnectOutcome',
          RevokePayload: '../../connections/connection.service#RevokeOutcome',
          ReauthorizePayload: '../../connections/connection.service#ReauthorizeOutcome',
          ConnectionList: '../../connections/connection.service#ConnectionPage',
          ConnectionEvent: '../../audit/audit-event.entity#AuditEvent',
          ConnectionEventList: '../../audit/audit.service#AuditEventPage',
          BrowserSession: '../../sessions/browser-session.entity#BrowserSession as BrowserSessionEntity',
          CreateSessionPayload: '../../sessions/session.service#CreatedSession',
          RevokeSessionPayload: '../../sessions/session.service#RevokedSession',
          WebhookEndpoint: '../../webhooks/webhook-endpoint.entity#WebhookEndpoint as WebhookEndpointEntity',
          CreateWebhookEndpointPayload: '../../webhooks/webhook.service#CreatedWebhook',
        },
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      },
    },
    'test/graphql/generated/': {
      documents: 'test/graphql/*.graphql',
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSONObject: 'Record<string, unknown>' },
      },
    },
    'examples/generated/graphql/': {
      documents: 'examples/graphql/*.graphql',
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSONObject: 'Record<string, string>' },
      },
    },
  },
};

export default config;
