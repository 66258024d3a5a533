/** The GraphQL enums' spelling is declared once (graphql/enum-values.ts) and covers the schema exactly. */
import { buildSchema, GraphQLEnumType } from 'graphql';
import { enumValues } from '../../src/graphql/enum-values';
import { loadTypeDefs, resolvers } from '../../src/graphql/schema';

describe('GraphQL enum values', () => {
  const schema = buildSchema(loadTypeDefs());

  it.each(Object.entries(enumValues))(
    '%s names every value of the schema enum, and no other',
    (name, values) => {
      const type = schema.getType(name);
      expect(type).toBeInstanceOf(GraphQLEnumType);
      const names = (type as GraphQLEnumType).getValues().map((value) => value.name);
      expect(Object.keys(values).sort()).toEqual(names.sort());
    },
  );

  it('is what Apollo is given', () => {
    for (const [name, values] of Object.entries(enumValues)) {
      expect(resolvers[name as keyof typeof resolvers]).toBe(values);
    }
  });

  it('maps a GraphQL name to its domain value', () => {
    expect(enumValues.AuthType.API_KEY).toBe('api_key');
    expect(enumValues.ConnectionEventType.CONNECTION_REFRESH_FAILED).toBe('connection.refresh_failed');
  });
});
