/**
 * The cost limit, whatever the spelling: once Apollo has parsed, validated (depth, aliases,
 * directives) and resolved the operation, it is priced with its variables and the
 * server's default page sizes (rate-limits/graphql-cost.ts) and refused over
 * GRAPHQL_LIMITS.maxCost — HTTP 400, `BAD_REQUEST` with reason `COST_LIMIT_EXCEEDED` — before it
 * runs.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { operationCost } from '../rate-limits/graphql-cost';
import type { GraphQLContext } from './context';
import { GRAPHQL_LIMITS } from './limits';

export const COST_LIMIT_EXCEEDED = 'COST_LIMIT_EXCEEDED';

export function costLimitPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request }) {
          if (!operation) return;
          const cost = operationCost(document, operation, request.variables ?? {});
          if (cost > GRAPHQL_LIMITS.maxCost) {
            throw new GraphQLError(
              `Query cost limit of ${GRAPHQL_LIMITS.maxCost} exceeded: this operation costs ${Math.ceil(cost)} with its variables and the default page sizes. Ask for smaller pages.`,
              { extensions: { code: COST_LIMIT_EXCEEDED, http: { status: 400 } } },
            );
          }
        },
      };
    },
  };
}
