/** GraphQL door of browser sessions: the same service calls as the REST routes. */
import type { Resolvers } from '../graphql/generated/resolvers';
import { validateInput } from '../shared/validation';
import { CreateSessionDto } from './dto/create-session.dto';

export const sessionResolvers: Resolvers = {
  Mutation: {
    createSession: async (_, { input }, ctx) =>
      ctx.services.sessions.create(ctx.caller, await validateInput(CreateSessionDto, { ...input })),
    revokeSession: (_, args, ctx) => ctx.services.sessions.revoke(ctx.caller, args.id),
  },
};
