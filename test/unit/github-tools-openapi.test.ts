/**
 * GitHub's runnable tools against GitHub's own OpenAPI description (the npm package
 * `@octokit/openapi`, file generated/api.github.com.json): each tool's method and path exist
 * (path parameters compared by position, not by name), its query keys are query parameters of
 * that operation, and its body keys are members of the operation's JSON body. Without the
 * package installed, the comparison is skipped; the checker itself is tested on a small
 * description either way.
 */
import { builtinConnectors } from '../../src/connectors/catalog.loader';
import type { ConnectorTool } from '../../src/connectors/connector.types';

type Json = Record<string, unknown>;

interface Description {
  paths: Record<string, Record<string, unknown>>;
  components?: Json;
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

/** `/repos/{owner}/{repo}` → `/repos/{}/{}`: parameters compared by position. */
const shape = (path: string) => path.replace(/\{[^{}]*\}/g, '{}');

/** Names of the members a JSON body schema allows (through allOf/oneOf/anyOf). */
function bodyMembers(description: Description, schema: unknown, into = new Set<string>()): Set<string> {
  const node = resolve(description, schema);
  if (!node || typeof node !== 'object') return into;
  for (const key of Object.keys((node.properties ?? {}) as Json)) into.add(key);
  for (const combiner of ['allOf', 'oneOf', 'anyOf'])
    for (const part of (node[combiner] ?? []) as unknown[]) bodyMembers(description, part, into);
  return into;
}

/** What is wrong with each tool, in words; an empty list when all match. */
function problemsOf(description: Description, tools: ConnectorTool[]): string[] {
  const byShape = new Map<string, string>();
  for (const path of Object.keys(description.paths)) byShape.set(shape(path), path);
  const problems: string[] = [];
  for (const tool of tools) {
    const request = tool.request;
    if (!request) continue;
    const at = `${tool.name} (${request.method} ${request.path})`;
    const path = byShape.get(shape(request.path));
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
      if (!parameters.includes(key)) problems.push(`${at}: query "${key}" is not a parameter of ${path}`);
    if ((request.body ?? []).length > 0) {
      const content = (resolve(description, operation.requestBody)?.content ?? {}) as Json;
      const json = content['application/json'] as Json | undefined;
      if (!json) {
        problems.push(`${at}: ${path} takes no JSON body`);
        continue;
      }
      const members = bodyMembers(description, json.schema);
      for (const key of request.body ?? [])
        if (!members.has(key)) problems.push(`${at}: body "${key}" is not a member of its body`);
    }
  }
  return problems;
}

function loadGitHubDescription(): Description | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@octokit/openapi/generated/api.github.com.json') as Description;
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
    },
    components: {
      parameters: { owner: { name: 'owner', in: 'path' }, 'per-page': { name: 'per_page', in: 'query' } },
      schemas: { extra: { properties: { body: {} } } },
    },
  };

  it('accepts a matching tool, whatever its path parameters are called', () => {
    expect(
      problemsOf(description, [
        tool('list', { method: 'GET', path: '/repos/{o}/{r}/issues', query: ['state', 'per_page'] }),
        tool('create', { method: 'POST', path: '/repos/{owner}/{repo}/issues', body: ['title', 'body'] }),
      ]),
    ).toEqual([]);
  });

  it('names an unknown path, method, query parameter or body member', () => {
    expect(
      problemsOf(description, [
        tool('a', { method: 'GET', path: '/repos/{owner}/issues' }),
        tool('b', { method: 'DELETE', path: '/repos/{owner}/{repo}/issues' }),
        tool('c', { method: 'GET', path: '/repos/{owner}/{repo}/issues', query: ['status'] }),
        tool('d', { method: 'POST', path: '/repos/{owner}/{repo}/issues', body: ['titel'] }),
      ]),
    ).toEqual([
      'a (GET /repos/{owner}/issues): no such path',
      'b (DELETE /repos/{owner}/{repo}/issues): /repos/{owner}/{repo}/issues has no DELETE',
      'c (GET /repos/{owner}/{repo}/issues): query "status" is not a parameter of /repos/{owner}/{repo}/issues',
      'd (POST /repos/{owner}/{repo}/issues): body "titel" is not a member of its body',
    ]);
  });
});

const github = loadGitHubDescription();
const githubTools = builtinConnectors().find((c) => c.slug === 'github')!.tools;

(github ? describe : describe.skip)("GitHub's tools against @octokit/openapi (api.github.com)", () => {
  it('has runnable tools to check', () => {
    expect(githubTools.filter((t) => t.request).length).toBeGreaterThanOrEqual(10);
  });

  it('every tool has its method, path, query parameters and body members in the description', () => {
    expect(problemsOf(github!, githubTools)).toEqual([]);
  });
});
