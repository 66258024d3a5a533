/** GraphQL door of the catalog. Enum spelling (OAUTH vs oauth) is mapped once, in graphql/enum-values.ts. */
import type { Resolvers } from '../graphql/generated/resolvers';
import { toConnectorView } from './connector.serializer';

export const connectorResolvers: Resolvers = {
  Query: {
    connectors: (_, args, ctx) => [
      ...ctx.services.connectors.list(
        { authType: args.authType ?? undefined, availability: args.availability ?? undefined },
        ctx.caller,
      ),
    ],
    connector: (_, args, ctx) => ctx.services.connectors.find(args.slug, ctx.caller) ?? null,
  },
  Connector: {
    // The same allow-list as REST decides what is public.
    availabilityReason: (entry) => toConnectorView(entry).availabilityReason ?? null,
    credentialFields: (entry) => toConnectorView(entry).credentialFields ?? null,
    scopes: (entry) => toConnectorView(entry).scopes ?? null,
    tools: (entry) => toConnectorView(entry).tools,
    categories: (entry) => toConnectorView(entry).categories,
    connectionConfig: (entry) => toConnectorView(entry).connectionConfig,
    verifiesCredentials: (entry) => toConnectorView(entry).verifiesCredentials,
  },
  ConnectorTool: {
    // Tools reach here through the public view: the schema is there, `request` is not.
    inputSchema: (tool) => tool.inputSchema ?? null,
  },
};
