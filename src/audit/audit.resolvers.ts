/** GraphQL door of the audit trail: `Connection.events`, batched per page through the audit service. */
import type { Resolvers } from '../graphql/generated/resolvers';

export const auditResolvers: Resolvers = {
  Connection: {
    // Batched: a page of connections reads its events in one statement (audit.loader.ts).
    events: (connection, args, ctx) =>
      ctx.loaders.events.load({
        connectionId: connection.id,
        limit: args.first ?? undefined,
        cursor: args.after ?? undefined,
        type: args.type ?? undefined,
      }),
  },
  ConnectionEventList: {
    nodes: (page) => page.events,
    pageInfo: (page) => ({ hasNextPage: page.nextCursor !== null, endCursor: page.nextCursor }),
  },
  ConnectionEvent: {
    id: (event) => event.eventId,
    at: (event) => event.createdAt,
    actor: (event) => ({ type: event.actorType, id: event.actorId }),
  },
};
