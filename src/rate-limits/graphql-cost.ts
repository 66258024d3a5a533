/**
 * What a GraphQL operation costs, in cost units and rate-limit points. The weights are
 * graphql-armor's (GRAPHQL_COST_WEIGHTS): a scalar field costs `scalarCost` (1); a field with a
 * selection costs `objectCost` (2) plus `depthCostFactor` (1.5) times the cost of each child, all
 * multiplied by its page size; fragments (spreads and inline) cost what their selections would
 * cost written in place; `__schema` costs nothing.
 *
 * The page size is the one the server will use, however the document spells it
 * (docs/security.md#graphql-limits): a literal `first`/`last`; a variable's value, or its declared
 * default when the request gives none; the field's server default (50) when the argument is left
 * out or null; the largest page (100) when a variable's value is not a whole number (GraphQL
 * refuses it anyway). Fields that take a page size: PAGED_FIELDS. Persisted-query hashes without
 * their document are refused by Apollo (`persistedQueries: false`), so every priced request carries
 * its document.
 *
 * A document over GRAPHQL_LIMITS.maxCost is charged 1 point and refused before it runs
 * (graphql/cost-limit.ts: 400 BAD_REQUEST, reason COST_LIMIT_EXCEEDED); graphql-armor's own limit,
 * which sees only literals and weighs fragments, is off. Points charged: max(1, ceil(cost / GRAPHQL_COST_PER_POINT)). A document that does not
 * parse, or names no operation it has, costs 1 point (Apollo then refuses it).
 */
import {
  Kind,
  parse,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type ValueNode,
} from 'graphql';
import type { Request } from 'express';
import { LRUCache } from 'lru-cache';
import { DEFAULT_EVENTS_PAGE_SIZE, MAX_EVENTS_PAGE_SIZE } from '../audit/audit.service';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../connections/connection.service';
import { GRAPHQL_COST_WEIGHTS, GRAPHQL_LIMITS } from '../graphql/limits';

/** Cost units per rate-limit point: an operation costing up to 100 spends 1 point. */
export const GRAPHQL_COST_PER_POINT = 100;

/**
 * The schema's fields that take a page size (`first`), by field name, with the page size the
 * server uses when none is given and the largest it accepts. A test holds this to the schema.
 */
export const PAGED_FIELDS: ReadonlyMap<string, { default: number; max: number }> = new Map([
  ['connections', { default: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE }],
  ['events', { default: DEFAULT_EVENTS_PAGE_SIZE, max: MAX_EVENTS_PAGE_SIZE }],
]);

/** Parsed documents of recently seen queries (by text; `false`: does not parse); the least recently used go first. */
const CACHE_ENTRIES = 500;
/** Longer documents are parsed every time (parsing is bounded by maxTokens), keeping the cache small. */
const CACHE_MAX_QUERY_LENGTH = 4_096;
const cache = new LRUCache<string, DocumentNode | false>({ max: CACHE_ENTRIES });

type Variables = Record<string, unknown>;

/** The page size a `first`/`last` argument (or its absence) stands for; undefined when the field is not paged. */
function pageSizeOf(
  fieldName: string,
  value: ValueNode | undefined,
  operation: OperationDefinitionNode,
  variables: Variables,
): number | undefined {
  const paged = PAGED_FIELDS.get(fieldName);
  let given: unknown;
  if (value?.kind === Kind.INT) {
    return Math.max(Number(value.value) || 1, 1);
  } else if (value?.kind === Kind.VARIABLE) {
    const name = value.name.value;
    if (Object.prototype.hasOwnProperty.call(variables, name)) {
      given = variables[name];
    } else {
      const declared = operation.variableDefinitions?.find((d) => d.variable.name.value === name);
      const fallback = declared?.defaultValue;
      given = fallback?.kind === Kind.INT ? Number(fallback.value) : fallback ? Number.NaN : null;
    }
  } else if (value !== undefined && value.kind !== Kind.NULL) {
    given = Number.NaN;
  } else {
    given = null;
  }
  if (given === null || given === undefined) return paged?.default;
  if (typeof given === 'number' && Number.isInteger(given)) return Math.max(given, 1);
  // Not a whole number: GraphQL refuses it; price it as the largest page.
  return paged ? paged.max : 1;
}

/** The cost of `operation` of `document` with these variables (the cost limit's figure too). */
export function operationCost(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Variables,
): number {
  const { objectCost, scalarCost, depthCostFactor } = GRAPHQL_COST_WEIGHTS;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // Fragments are spelling: a spread or an inline fragment costs what its selections would cost
  // written in place, so the same fields cost the same however they are grouped. A fragment's
  // figure is kept (unweighted) once worked out; a cycle, refused by validation anyway, adds nothing.
  const fragmentCosts = new Map<string, number>();

  const selectionsCost = (selections: readonly SelectionNode[], factor: number): number => {
    let sum = 0;
    for (const node of selections) {
      if (node.kind === Kind.FIELD) {
        sum += factor * fieldCost(node);
      } else if (node.kind === Kind.INLINE_FRAGMENT) {
        sum += selectionsCost(node.selectionSet.selections, factor);
      } else {
        const name = node.name.value;
        let cost = fragmentCosts.get(name);
        if (cost === undefined) {
          const fragment = fragments.get(name);
          fragmentCosts.set(name, 0);
          cost = fragment ? selectionsCost(fragment.selectionSet.selections, 1) : 0;
          fragmentCosts.set(name, cost);
        }
        sum += factor * cost;
      }
    }
    return sum;
  };

  const fieldCost = (node: FieldNode): number => {
    if (node.name.value === '__schema') return 0;
    if (!node.selectionSet) return scalarCost;
    const pageSize = node.arguments?.find((arg) => arg.name.value === 'first' || arg.name.value === 'last');
    const multiplier = pageSizeOf(node.name.value, pageSize?.value, operation, variables) ?? 1;
    return (objectCost + selectionsCost(node.selectionSet.selections, depthCostFactor)) * multiplier;
  };

  return selectionsCost(operation.selectionSet.selections, 1);
}

function parsed(query: string): DocumentNode | null {
  const cached = cache.get(query);
  if (cached !== undefined) return cached || null;
  let document: DocumentNode | null;
  try {
    document = parse(query, { maxTokens: GRAPHQL_LIMITS.maxTokens, noLocation: true });
  } catch {
    document = null;
  }
  if (query.length <= CACHE_MAX_QUERY_LENGTH) cache.set(query, document ?? false);
  return document;
}

/**
 * The cost of the operation `operationName` (or the only one) of `query` with these variables;
 * undefined when the document does not parse or has no such operation.
 */
export function graphqlCost(
  query: string,
  operationName: string | undefined,
  variables: Variables = {},
): number | undefined {
  const document = parsed(query);
  if (!document) return undefined;
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((candidate) => candidate.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  return operation && operationCost(document, operation, variables);
}

/** The cost of a GraphQL request (POST body or GET query string); undefined when it has no usable document. */
export function graphqlRequestCost(req: Request): number | undefined {
  let cost: number | undefined;
  const source: unknown = req.method === 'GET' ? req.query : req.body;
  if (typeof source === 'object' && source !== null) {
    const { query, operationName } = source as { query?: unknown; operationName?: unknown };
    let { variables } = source as { variables?: unknown };
    if (typeof variables === 'string') {
      try {
        variables = JSON.parse(variables) as unknown;
      } catch {
        variables = undefined;
      }
    }
    if (typeof query === 'string') {
      cost = graphqlCost(
        query,
        typeof operationName === 'string' ? operationName : undefined,
        typeof variables === 'object' && variables !== null && !Array.isArray(variables)
          ? (variables as Variables)
          : {},
      );
    }
  }
  return cost;
}

/**
 * Points to charge for a GraphQL request. A document over the cost limit is charged 1 point, as
 * one that does not parse: Apollo's cost-limit plugin refuses it, and its price would otherwise be a
 * 429 whose Retry-After no wait could satisfy.
 */
export function graphqlPoints(req: Request): number {
  const cost = graphqlRequestCost(req);
  if (cost === undefined || cost > GRAPHQL_LIMITS.maxCost) return 1;
  return Math.max(1, Math.ceil(cost / GRAPHQL_COST_PER_POINT));
}
