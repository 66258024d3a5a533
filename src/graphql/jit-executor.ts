/**
 * Runs operations with graphql-jit: each distinct operation is compiled once into a function
 * that builds its result as plain objects, which V8 creates and JSON.stringify serialises much
 * faster than graphql-js's null-prototype ones (README "Performance"). It plugs into Apollo
 * Server through the gateway interface, the public seam Apollo 5 has for a custom executor:
 * parsing, validation (the armor limits, the introspection rule), the context, error formatting
 * and HTTP stay Apollo's.
 */
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import {
  GraphQLError,
  printSchema,
  Source,
  type ExecutionResult,
  type GraphQLSchema,
  type SourceLocation,
} from 'graphql';
import type * as GraphQLJit from 'graphql-jit';
import type { CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';

/** Compiled operations kept (the least recently used go first); real clients send a handful of distinct ones. */
const MAX_COMPILED = 1_000;

export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  const compiled = new LRUCache<string, CompiledQuery | ExecutionResult>({ max: MAX_COMPILED });
  // Loaded on the first operation, not at start: with what it pulls in (fast-json-stringify,
  // ajv) it is ~0.15 s that `npm start` would otherwise wait for.
  let jit: Promise<typeof GraphQLJit> | undefined;
  const executor: GatewayExecutor = async (request) => {
    const { compileQuery, isCompiledQuery } = await (jit ??= import('graphql-jit'));
    const key = `${request.queryHash}\u0000${request.operationName ?? ''}`;
    let entry = compiled.get(key);
    if (!entry) {
      entry = compileQuery(schema, request.document, request.operationName ?? undefined);
      compiled.set(key, entry);
    }
    const result = isCompiledQuery(entry)
      ? await entry.query(undefined, request.context, request.request.variables ?? {})
      : entry;
    if (!result.errors?.length) return result;
    // No data at all: the operation never ran because its variables were refused (graphql-js's
    // executor answers the same; Apollo recognises its error by shape, ours by this code).
    const input = result.data === undefined;
    return {
      ...result,
      errors: result.errors.map((error) => asGraphQLError(error, request.source, input)),
    };
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => undefined;
    },
    load: async () => ({ executor }),
    stop: async () => undefined,
  };
}

/**
 * graphql-jit's errors pass `instanceof GraphQLError` but are not built like graphql-js's (no
 * `extensions` object, which Apollo's error formatting needs): each is rebuilt as a graphql-js
 * GraphQLError with the same message, path, locations, extensions and original error, so Apollo
 * and formatError treat it exactly as one from graphql-js's executor.
 */
function asGraphQLError(error: Error & Partial<GraphQLError>, query: string, input: boolean): GraphQLError {
  const locations: readonly SourceLocation[] = error.locations ?? [];
  return new GraphQLError(error.message, {
    source: locations.length ? new Source(query) : undefined,
    positions: locations.length ? locations.map((location) => offsetOf(query, location)) : undefined,
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: input ? { code: 'BAD_USER_INPUT', ...error.extensions } : error.extensions,
  });
}

function offsetOf(text: string, { line, column }: SourceLocation): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) break;
    offset = next + 1;
  }
  return offset + column - 1;
}
