/** GraphQL door of connections: the same service calls as the REST routes. */
import type { Resolvers } from '../graphql/generated/resolvers';
import { validateInput } from '../shared/validation';
import { toLastErrorView } from './connection.serializer';
import { ConnectDto } from './dto/connect.dto';
import { SubmitCredentialsDto } from './dto/submit-credentials.dto';

export const connectionResolvers: Resolvers = {
  Query: {
    connections: (_, args, ctx) =>
      ctx.services.connections.list(ctx.caller, {
        limit: args.first ?? undefined,
        cursor: args.after ?? undefined,
        connectorSlug: args.connectorSlug ?? undefined,
        status: args.status ?? undefined,
      }),
    connection: (_, args, ctx) => ctx.services.connections.find(ctx.caller, args.id),
  },
  Mutation: {
    connect: async (_, { input }, ctx) =>
      ctx.services.connections.connect(ctx.caller, await validateInput(ConnectDto, { ...input })),
    submitCredentials: async (_, { input }, ctx) => {
      const dto = await validateInput(SubmitCredentialsDto, { credentials: input.credentials });
      return {
        connection: await ctx.services.connections.submitCredentials(ctx.caller, input.connectionId, dto),
      };
    },
    revoke: (_, args, ctx) => ctx.services.connections.revoke(ctx.caller, args.id),
    reauthorize: (_, args, ctx) => ctx.services.connections.reauthorize(ctx.caller, args.id, args.returnTo),
    checkConnection: (_, args, ctx) => ctx.services.connectionHealth.check(ctx.caller, args.id),
  },
  ConnectionList: {
    nodes: (page) => page.connections,
    pageInfo: (page) => ({ hasNextPage: page.nextCursor !== null, endCursor: page.nextCursor }),
  },
  ConnectionError: {
    at: (lastError) => new Date(lastError.at),
  },
  Connection: {
    // lastError comes from the REST serializer so both doors agree to the letter.
    lastError: (connection) => toLastErrorView(connection.lastError),
    expiresAt: (connection) => connection.tokenExpiresAt,
    connector: (connection, _, ctx) =>
      ctx.services.connectors.forConnection(connection.connectorSlug, connection.authType),
  },
};
