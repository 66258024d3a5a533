/** GraphQL door of webhook endpoints: the same service calls as the REST routes. */
import type { Resolvers } from '../graphql/generated/resolvers';
import { validateInput } from '../shared/validation';
import { CreateWebhookDto } from './dto/create-webhook.dto';

export const webhookResolvers: Resolvers = {
  Query: {
    webhookEndpoints: (_, _args, ctx) => ctx.services.webhooks.list(ctx.caller),
  },
  Mutation: {
    createWebhookEndpoint: async (_, { input }, ctx) =>
      ctx.services.webhooks.create(ctx.caller, await validateInput(CreateWebhookDto, { ...input })),
    deleteWebhookEndpoint: (_, args, ctx) => ctx.services.webhooks.delete(ctx.caller, args.id),
  },
};
