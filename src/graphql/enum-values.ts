/**
 * How the GraphQL enums spell the values the services use: each enum value is its domain value in
 * capitals, dots as underscores (`oauth` is OAUTH, `connection.created` is CONNECTION_CREATED).
 * Declared once, from the domain's own lists: codegen.ts maps the generated types with it (so
 * resolvers and services see only domain values), and schema.ts gives it to Apollo, which
 * translates at the door. A schema enum value without a domain value fails the type check.
 */
import { AUDIT_EVENT_TYPES } from '../audit/audit-event.types';
import { CONNECTION_STATUSES } from '../connections/connection.types';
import { AUTH_TYPES } from '../connectors/connector.types';
import { ACTOR_TYPES } from '../shared/request-context';

type Underscored<S extends string> = S extends `${infer A}.${infer B}` ? `${A}_${Underscored<B>}` : S;

/** An enum's domain values by their GraphQL names. */
export type GraphQLEnumValues<V extends string> = { readonly [K in V as Uppercase<Underscored<K>>]: K };

function graphqlEnum<V extends string>(values: readonly V[]): GraphQLEnumValues<V> {
  return Object.fromEntries(
    values.map((value) => [value.replace(/\./g, '_').toUpperCase(), value]),
  ) as GraphQLEnumValues<V>;
}

export const enumValues = {
  AuthType: graphqlEnum(AUTH_TYPES),
  ConnectionStatus: graphqlEnum(CONNECTION_STATUSES),
  ConnectionEventType: graphqlEnum(AUDIT_EVENT_TYPES),
  AuditActorType: graphqlEnum(ACTOR_TYPES),
};
