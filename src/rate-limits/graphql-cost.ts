/**
 * What a GraphQL operation costs in rate-limit points. The cost is graphql-armor's (the one
 * GRAPHQL_LIMITS.maxCost bounds), computed the same way over the parsed document: a scalar field
 * costs `scalarCost` (1); a field with a selection costs `objectCost` (2) plus `depthCostFactor`
 * (1.5) times the cost of each child, all multiplied by a literal `first`/`last` argument; a
 * fragment spread costs 1 plus 1.5 times its fragment's cost; `__schema` costs nothing.
 *
 * Points charged: max(1, ceil(cost / GRAPHQL_COST_PER_POINT)). A document that does not parse,
 * or names no operation it has, costs 1 point (Apollo then refuses it).
 */
import {
  Kind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';
import type { Request } from 'express';
import { GRAPHQL_COST_WEIGHTS, GRAPHQL_LIMITS } from '../graphql/server';

/** Cost units per rate-limit point: an operation costing up to 100 spends 1 point. */
export const GRAPHQL_COST_PER_POINT = 100;

/** Points of recently seen documents (by operation name and text); the oldest go first. */
const CACHE_ENTRIES = 500;
/** Longer documents are priced every time (parsing is bounded by maxTokens), keeping the cache small. */
const CACHE_MAX_QUERY_LENGTH = 4_096;
const cache = new Map<string, number>();

type CostNode = SelectionNode | FragmentDefinitionNode;

function costOf(document: DocumentNode, operation: OperationDefinitionNode): number {
  const { objectCost, scalarCost, depthCostFactor } = GRAPHQL_COST_WEIGHTS;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fragmentCosts = new Map<string, number>();

  const nodeCost = (node: CostNode): number => {
    if (node.kind === Kind.FIELD && node.name.value === '__schema') return 0;
    if (node.kind === Kind.FRAGMENT_SPREAD) {
      const name = node.name.value;
      const known = fragmentCosts.get(name);
      // A cycle (refused by validation anyway) counts as nothing more.
      if (known !== undefined) return scalarCost + depthCostFactor * Math.max(known, 0);
      const fragment = fragments.get(name);
      if (!fragment) return scalarCost;
      fragmentCosts.set(name, -1);
      const cost = nodeCost(fragment);
      fragmentCosts.set(name, cost);
      return scalarCost + depthCostFactor * cost;
    }
    if (!node.selectionSet) return scalarCost;
    let cost = objectCost;
    let multiplier = 1;
    if (node.kind === Kind.FIELD) {
      const pageSize = node.arguments?.find((arg) => arg.name.value === 'first' || arg.name.value === 'last');
      if (pageSize?.value.kind === Kind.INT) multiplier = Math.max(Number(pageSize.value.value) || 1, 1);
    }
    for (const child of node.selectionSet.selections) cost += depthCostFactor * nodeCost(child);
    return cost * multiplier;
  };

  return operation.selectionSet.selections.reduce((sum, child) => sum + nodeCost(child), 0);
}

/** The cost of the operation `operationName` (or the only one) of `query`; undefined when there is none. */
export function graphqlCost(query: string, operationName: string | undefined): number | undefined {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: GRAPHQL_LIMITS.maxTokens });
  } catch {
    return undefined;
  }
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((candidate) => candidate.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  return operation && costOf(document, operation);
}

/** Points to charge for a GraphQL request (POST body or GET query string). */
export function graphqlPoints(req: Request): number {
  const source: unknown = req.method === 'GET' ? req.query : req.body;
  if (typeof source !== 'object' || source === null) return 1;
  const { query, operationName } = source as { query?: unknown; operationName?: unknown };
  if (typeof query !== 'string') return 1;
  const name = typeof operationName === 'string' ? operationName : undefined;
  const cacheKey = `${name ?? ''}\n${query}`;
  let points = cache.get(cacheKey);
  if (points === undefined) {
    const cost = graphqlCost(query, name);
    points = cost === undefined ? 1 : Math.max(1, Math.ceil(cost / GRAPHQL_COST_PER_POINT));
    if (query.length <= CACHE_MAX_QUERY_LENGTH) {
      if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
      cache.set(cacheKey, points);
    }
  }
  return points;
}
