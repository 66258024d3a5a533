/**
 * The GraphQL limits (docs/security.md#graphql-limits), sized for the operations in the schema with
 * room to spare. maxCost bounds an operation's cost as rate-limits/graphql-cost.ts prices it (with
 * its variables and the server's default page sizes): a full page (first: 100) of every connection
 * field costs about 14,800; a page of connections with a page of events each goes over.
 */
export const GRAPHQL_LIMITS = {
  maxDepth: 10,
  maxAliases: 15,
  maxTokens: 2_000,
  maxDirectives: 20,
  maxCost: 20_000,
};

/** The cost weights (graphql-armor's figures); the cost limit and the rate limiter both price by them (rate-limits/graphql-cost.ts). */
export const GRAPHQL_COST_WEIGHTS = { objectCost: 2, scalarCost: 1, depthCostFactor: 1.5 };
