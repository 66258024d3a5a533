/**
 * Apollo Server 5 for /graphql: schema-first, with depth/alias/token/cost limits (graphql-armor)
 * checked before execution, CSRF prevention on, no batched requests, and introspection and field
 * suggestions off in production unless GRAPHQL_INTROSPECTION=true.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { Config } from '../config';
import type { Logger } from '../shared/logger';
import type { GraphQLContext } from './context';
import { costLimitPlugin } from './cost-limit';
import { formatError } from './format-error';
import { GRAPHQL_LIMITS } from './limits';
import { jitGateway } from './jit-executor';
import { loadTypeDefs, resolvers } from './schema';

export interface GraphQLOptions {
  introspection: boolean;
  production: boolean;
  logger: Logger;
}

export { GRAPHQL_COST_WEIGHTS, GRAPHQL_LIMITS } from './limits';

export function createApolloServer(options: GraphQLOptions): ApolloServer<GraphQLContext> {
  const armor = new ApolloArmor({
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases },
    // The token limit is graphql-js's own parse option (below): armor's Apollo plugin for it parses in
    // parsingDidStart, where any syntax error, or the limit itself, escapes Apollo as a 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives },
    // The cost limit is ours (cost-limit.ts): armor's sees only literal page sizes and weighs
    // fragments, so the same operation spelled another way would pass or fail it.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: options.production },
  });
  const protection = armor.protect();
  return new ApolloServer<GraphQLContext>({
    gateway: jitGateway(makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as never })),
    introspection: options.introspection,
    csrfPrevention: true,
    // main owns the signals and drains HTTP first; Apollo stopping on its own would race that.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    // No automatic persisted queries: a hash sent without its document is refused
    // (PERSISTED_QUERY_NOT_SUPPORTED), so every request is priced and limited from its own text.
    persistedQueries: false,
    includeStacktraceInErrorResponses: false,
    // No response is HTTP-cacheable (every one is per caller), and the cache-control plugin's
    // per-field hook was measurable on the hot path (README "Performance").
    plugins: [ApolloServerPluginCacheControlDisabled(), ...protection.plugins, costLimitPlugin()],
    validationRules: protection.validationRules,
    // Over the limit is a syntax error: 400 with GRAPHQL_PARSE_FAILED, before validation or execution.
    parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
    formatError: formatError(options.logger),
    logger: {
      debug: (msg: string) => options.logger.debug(msg),
      info: (msg: string) => options.logger.info(msg),
      warn: (msg: string) => options.logger.warn(msg),
      error: (msg: string) => options.logger.error(msg),
    },
  });
}

export type GraphQLServer = ApolloServer<GraphQLContext>;

/** Creates and starts Apollo as the config says; it needs no database, so main runs it while one opens. */
export async function startGraphQL(
  config: Pick<Config, 'graphqlIntrospection' | 'isProduction'>,
  logger: Logger,
): Promise<GraphQLServer> {
  const apollo = createApolloServer({
    introspection: config.graphqlIntrospection,
    production: config.isProduction,
    logger,
  });
  await apollo.start();
  return apollo;
}
