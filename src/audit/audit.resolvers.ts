/** GraphQL door of the audit trail: `Connection.events`, batched per page through the audit service. */
import type { Resolvers } from '../graphql/generated/resolvers';
import { AUDIT_EVENT_TYPES } from './audit-event.types';

/** GraphQL's enum names for the event types: `connection.created` is CONNECTION_CREATED. */
const eventTypeValues = Object.fromEntries(
  AUDIT_EVENT_TYPES.map((type) => [type.replace('.', '_').toUpperCase(), type]),
);

export const auditResolvers: Resolvers = {
  ConnectionEventType: eventTypeValues as Resolvers['ConnectionEventType'],
  AuditActorType: {
    API_KEY: 'api_key',
    SESSION: 'session',
    RUNTIME: 'runtime',
    BROWSER: 'browser',
    GATEWAY: 'gateway',
  },
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
