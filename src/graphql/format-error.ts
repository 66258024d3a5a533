/**
 * The GraphQL twin of the express error middleware: AppErrors keep their REST code in
 * `extensions.code`; GraphQL's own request errors (syntax, validation, limits) become
 * BAD_REQUEST; an unreachable database is SERVICE_UNAVAILABLE; anything else is INTERNAL with
 * its message hidden and its detail logged.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { AppError, toPublicError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { COST_LIMIT_EXCEEDED } from './cost-limit';

const REQUEST_ERRORS = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  COST_LIMIT_EXCEEDED,
]);

export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof AppError) {
      const extensions: Record<string, unknown> = { code: original.code };
      if (original.details) extensions.details = original.details;
      return { message: original.message, locations: formatted.locations, path: formatted.path, extensions };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && REQUEST_ERRORS.has(code)) {
      return {
        message: formatted.message,
        locations: formatted.locations,
        extensions: { code: 'BAD_REQUEST', reason: code },
      };
    }
    // graphql-armor's limit errors arrive as validation errors without an Apollo code.
    if (code === undefined && !formatted.path) {
      return {
        message: formatted.message,
        locations: formatted.locations,
        extensions: { code: 'BAD_REQUEST' },
      };
    }
    const internal = toPublicError(original);
    if (internal.code === 'SERVICE_UNAVAILABLE') {
      logger.warn(
        { err: { message: (original as Error | undefined)?.message } },
        'database unavailable: answered SERVICE_UNAVAILABLE',
      );
    } else {
      logger.error({ err: original }, 'graphql resolver failed');
    }
    return { message: internal.message, path: formatted.path, extensions: { code: internal.code } };
  };
}
