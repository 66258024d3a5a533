/**
 * Tools that run: a connector tool's `inputSchema` and `request` are checked when definitions are
 * read, and each broken rule stops the start naming the entry and field.
 */
import { compileToolInputSchema } from '../../src/connectors/connector-tool.validation';
import {
  checkConnectorDefinition,
  ConnectorDefinitionError,
} from '../../src/connectors/connector.validation';
import { toConnectorView } from '../../src/connectors/connector.serializer';
import { builtinConnectors } from '../../src/connectors/catalog.loader';

type Raw = Record<string, unknown>;

function getItem(): Raw {
  return {
    name: 'get_item',
    description: 'Read one item.',
    inputSchema: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        verbose: { type: 'boolean' },
        note: { type: 'string' },
      },
      required: ['id'],
      additionalProperties: false,
    },
    request: { method: 'GET', path: '/items/{id}', query: ['verbose'], body: [] },
  };
}

function definition(tool: Raw = getItem()): Raw {
  return {
    slug: 'acme-key',
    name: 'Acme Key',
    description: 'Acme by key.',
    authType: 'api_key',
    availability: 'available',
    credentialFields: [{ key: 'apiKey', label: 'API key', required: true, secret: true }],
    api: {
      baseUrl: 'https://api.acme.example/v1',
      headers: { Authorization: 'Bearer ${credentials.apiKey}' },
    },
    tools: [{ name: 'list_things', description: 'List things.' }, tool],
  };
}

function withTool(change: (tool: Raw) => void): Raw {
  const tool = getItem();
  change(tool);
  return definition(tool);
}

function schemaOf(tool: Raw): Raw {
  return tool.inputSchema as Raw;
}

function requestOf(tool: Raw): Raw {
  return tool.request as Raw;
}

function definitionError(raw: unknown): ConnectorDefinitionError {
  try {
    checkConnectorDefinition(raw, '#2');
  } catch (err) {
    if (err instanceof ConnectorDefinitionError) return err;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

describe('tool definitions', () => {
  it('accepts a tool with inputSchema and request, and keeps both', () => {
    const checked = checkConnectorDefinition(definition(), '#2');
    expect(checked.tools[1]).toEqual(getItem());
  });

  it('accepts a tool with inputSchema only, and one with neither', () => {
    expect(() =>
      checkConnectorDefinition(
        withTool((t) => delete t.request),
        '#2',
      ),
    ).not.toThrow();
    expect(() =>
      checkConnectorDefinition(
        withTool((t) => {
          delete t.request;
          delete t.inputSchema;
        }),
        '#2',
      ),
    ).not.toThrow();
  });

  it('accepts every method, integer and number path parameters, several placeholders and a body', () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const raw = withTool((t) => {
        schemaOf(t).properties = {
          owner: { type: 'string' },
          number: { type: 'integer' },
          score: { type: 'number' },
          title: { type: 'string' },
          labels: { type: 'array', items: { type: 'string' } },
        };
        schemaOf(t).required = ['owner', 'number', 'score'];
        t.request = {
          method,
          path: '/repos/{owner}/issues/{number}/{score}:rate',
          body: ['title', 'labels'],
        };
      });
      expect(() => checkConnectorDefinition(raw, '#2')).not.toThrow();
    }
  });

  it('accepts formats and other 2020-12 keywords', () => {
    const raw = withTool((t) => {
      schemaOf(t).properties = {
        id: { type: 'string', minLength: 1 },
        since: { type: 'string', format: 'date-time' },
        email: { type: 'string', format: 'email' },
        state: { enum: ['open', 'closed'] },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 10 },
        input: { type: ['string', 'array'], items: { type: 'string' } },
      };
      requestOf(t).query = ['since', 'state', 'tags'];
      requestOf(t).body = ['email', 'input'];
    });
    expect(() => checkConnectorDefinition(raw, '#2')).not.toThrow();
  });

  it.each<[string, (t: Raw) => void, string, RegExp]>([
    ['a request without inputSchema', (t) => delete t.inputSchema, 'tools[1].inputSchema', /required/],
    [
      'an inputSchema that is not an object schema',
      (t) => (schemaOf(t).type = 'array'),
      'tools[1].inputSchema.type',
      /./,
    ],
    ['an inputSchema without type', (t) => delete schemaOf(t).type, 'tools[1].inputSchema.type', /required/],
    [
      'an inputSchema with an unknown keyword (strict)',
      (t) => (schemaOf(t).propertys = {}),
      'tools[1].inputSchema',
      /strict|unknown keyword/,
    ],
    [
      'an inputSchema that does not compile',
      (t) => ((schemaOf(t).properties as Raw).id = { type: 'text' }),
      'tools[1].inputSchema',
      /not a valid JSON Schema/,
    ],
    [
      'an inputSchema with an unknown format',
      (t) => ((schemaOf(t).properties as Raw).note = { type: 'string', format: 'colour' }),
      'tools[1].inputSchema',
      /format/,
    ],
    [
      'a required key that is not a property (strict)',
      (t) => (schemaOf(t).required = ['id', 'ghost']),
      'tools[1].inputSchema',
      /ghost/,
    ],
    ['an unknown method', (t) => (requestOf(t).method = 'HEAD'), 'tools[1].request.method', /one of/],
    [
      'an unknown request field',
      (t) => (requestOf(t).headers = {}),
      'tools[1].request.headers',
      /not a known field/,
    ],
    ['a request without path', (t) => delete requestOf(t).path, 'tools[1].request.path', /required/],
    [
      'a path that does not start with /',
      (t) => (requestOf(t).path = 'items/{id}'),
      'tools[1].request.path',
      /./,
    ],
    [
      'a path with a query string',
      (t) => (requestOf(t).path = '/items/{id}?full=1'),
      'tools[1].request.path',
      /query string/,
    ],
    [
      'a path with a fragment',
      (t) => (requestOf(t).path = '/items/{id}#top'),
      'tools[1].request.path',
      /fragment/,
    ],
    [
      'a path with a .. segment',
      (t) => (requestOf(t).path = '/items/../admin/{id}'),
      'tools[1].request.path',
      /\.\./,
    ],
    [
      'a path with an encoded .. segment',
      (t) => (requestOf(t).path = '/items/%2e%2E/{id}'),
      'tools[1].request.path',
      /\.\./,
    ],
    [
      'a path with a stray brace',
      (t) => (requestOf(t).path = '/items/{id}}'),
      'tools[1].request.path',
      /\{ or \}/,
    ],
    [
      'a placeholder that is not a property',
      (t) => (requestOf(t).path = '/items/{item_id}'),
      'tools[1].request.path',
      /\{item_id\}.*not a property/,
    ],
    [
      'a placeholder that is not required',
      (t) => (requestOf(t).path = '/items/{id}/notes/{note}'),
      'tools[1].request.path',
      /\{note\}.*required/,
    ],
    [
      'a placeholder of type boolean',
      (t) => {
        requestOf(t).path = '/items/{id}/{verbose}';
        requestOf(t).query = [];
        schemaOf(t).required = ['id', 'verbose'];
      },
      'tools[1].request.path',
      /\{verbose\}.*string, integer or number/,
    ],
    [
      'a placeholder without a type',
      (t) => ((schemaOf(t).properties as Raw).id = { enum: ['a', 'b'] }),
      'tools[1].request.path',
      /string, integer or number/,
    ],
    [
      'a query key that is not a property',
      (t) => (requestOf(t).query = ['verbose', 'page']),
      'tools[1].request.query[1]',
      /"page".*not a property/,
    ],
    [
      'a body key that is not a property',
      (t) => (requestOf(t).body = ['text']),
      'tools[1].request.body[0]',
      /"text".*not a property/,
    ],
    [
      'a key in the path and the query',
      (t) => (requestOf(t).query = ['id']),
      'tools[1].request.query[0]',
      /"id".*request\.path/,
    ],
    [
      'a key in the query and the body',
      (t) => (requestOf(t).body = ['verbose']),
      'tools[1].request.body[0]',
      /"verbose".*request\.query/,
    ],
    [
      'a key in the path and the body',
      (t) => (requestOf(t).body = ['note', 'id']),
      'tools[1].request.body[1]',
      /"id".*request\.path/,
    ],
    [
      'a repeated query key',
      (t) => (requestOf(t).query = ['verbose', 'verbose']),
      'tools[1].request.query',
      /./,
    ],
  ])('refuses %s, naming the field', (_case, change, field, problem) => {
    const error = definitionError(withTool(change));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(problem);
    expect(error.message).toContain('#2 "acme-key"');
  });

  it('refuses a request in a connector without api', () => {
    const raw = definition();
    delete raw.api;
    const error = definitionError(raw);
    expect(error.field).toBe('tools[1].request');
    expect(error.message).toMatch(/api/);
  });

  it('lets an inputSchema with an $id be checked more than once (nothing stays registered)', () => {
    const raw = withTool((t) => (schemaOf(t).$id = 'https://acme.example/schemas/get-item'));
    expect(() => checkConnectorDefinition(raw, '#2')).not.toThrow();
    expect(() => checkConnectorDefinition(raw, '#3')).not.toThrow();
    const schema = schemaOf((raw.tools as Raw[])[1]!);
    expect(() => compileToolInputSchema(schema)).not.toThrow();
    expect(() => compileToolInputSchema(schema)).not.toThrow();
  });
});

describe('the public view of a tool', () => {
  it('shows inputSchema (a copy) and never request', () => {
    const checked = checkConnectorDefinition(definition(), '#2');
    const view = toConnectorView({ ...checked, configured: true });
    expect(view.tools).toEqual([
      { name: 'list_things', description: 'List things.' },
      { name: 'get_item', description: 'Read one item.', inputSchema: getItem().inputSchema },
    ]);
    expect(JSON.stringify(view)).not.toContain('/items/{id}');
    expect(view.tools[1]!.inputSchema).not.toBe(checked.tools[1]!.inputSchema);
  });
});

describe('the built-in runnable tools', () => {
  const runnable = builtinConnectors().flatMap((c) =>
    c.tools.filter((t) => t.request !== undefined).map((t) => [`${c.slug}.${t.name}`, t] as const),
  );

  it('exist for at least 25 connectors', () => {
    const connectors = new Set(runnable.map(([name]) => name.split('.')[0]));
    expect(connectors.size).toBeGreaterThanOrEqual(25);
  });

  it.each(runnable)('%s sends every input it takes and takes no other', (_name, tool) => {
    const schema = tool.inputSchema!;
    const request = tool.request!;
    expect(schema.additionalProperties).toBe(false);
    const properties = Object.keys((schema.properties ?? {}) as object).sort();
    const sent = [
      ...[...request.path.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!),
      ...(request.query ?? []),
      ...(request.body ?? []),
    ].sort();
    expect(sent).toEqual(properties);
    // Names every MCP client accepts (some model APIs refuse others).
    for (const key of properties) expect(key).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
    // A GET carries no body.
    if (request.method === 'GET') expect(request.body ?? []).toEqual([]);
  });
});
