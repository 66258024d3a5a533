/**
 * The checks of a connector's tools (connector.validation.ts runs them on every definition): a
 * tool's `inputSchema` compiles as strict JSON Schema 2020-12, and its `request` sends each input
 * property at most once, its path placeholders being required string or number properties.
 * compileToolInputSchema is also what the runtime validates a tool's input with.
 */
import type Ajv2020Class from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import type { ConnectorDefinition } from './connector.types';
import type { Fail } from './connector.validation';
import { isPlainObject } from '../shared/validation';

let toolAjv: Ajv2020Class | undefined;

/**
 * Compiles a tool's `inputSchema` (ajv, draft 2020-12, strict, with the standard formats): the
 * same compiler checks definitions and, for whoever runs tools, the input itself.
 */
export function compileToolInputSchema(schema: Record<string, unknown>): ValidateFunction {
  if (!toolAjv) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { default: Ajv2020 } = require('ajv/dist/2020') as { default: typeof Ajv2020Class };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const addFormats = require('ajv-formats') as (ajv: Ajv2020Class) => Ajv2020Class;
    // Union types (`type: [string, array]`) are plain 2020-12 and common in tool inputs.
    toolAjv = addFormats(new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }));
  }
  try {
    return toolAjv.compile(schema);
  } finally {
    // Each schema stands alone: nothing (an `$id` above all) stays registered for the next one.
    toolAjv.removeSchema(schema);
  }
}

/**
 * Input schemas already compiled without error, by their JSON text: compiling is the costly part
 * of checking a catalog, and the same catalog is read by every start in a process.
 */
const compiledToolSchemas = new Set<string>();

/** `{name}` placeholders of a tool's request path. */
const PATH_PLACEHOLDER = /\{([^{}]*)\}/g;
const PATH_PARAMETER_TYPES = new Set(['string', 'integer', 'number']);

/** A tool's inputSchema compiles, and its request (if any) names only required, simple properties. */
export function checkTool(
  d: ConnectorDefinition,
  tool: ConnectorDefinition['tools'][number],
  at: string,
  fail: Fail,
): void {
  const schema = tool.inputSchema;
  let properties: Record<string, unknown> = {};
  let required: string[] = [];
  if (schema !== undefined) {
    try {
      const text = JSON.stringify(schema);
      if (!compiledToolSchemas.has(text)) {
        compileToolInputSchema(schema);
        compiledToolSchemas.add(text);
      }
    } catch (err) {
      fail(
        `${at}.inputSchema`,
        `is not a valid JSON Schema (2020-12, strict): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (schema.properties !== undefined) {
      if (!isPlainObject(schema.properties)) fail(`${at}.inputSchema.properties`, 'must be an object');
      properties = schema.properties;
    }
    if (Array.isArray(schema.required)) required = schema.required as string[];
  }
  const request = tool.request;
  if (request === undefined) return;
  if (schema === undefined) fail(`${at}.inputSchema`, 'is required when the tool has a request');
  if (!d.api) fail(`${at}.request`, "needs the connector's api (the call is made through it)");

  const path = request.path;
  if (!path.startsWith('/')) fail(`${at}.request.path`, 'must start with /');
  if (path.includes('?') || path.includes('#'))
    fail(`${at}.request.path`, 'must not hold a query string or a fragment (use request.query)');
  if (path.split('/').some((segment) => segment === '..' || segment === '.'))
    fail(`${at}.request.path`, 'must not hold . or .. segments');
  if (/%2e/i.test(path) || path.includes('..'))
    fail(`${at}.request.path`, 'must not hold .. (encoded or not)');
  const pathKeys: string[] = [];
  for (const match of path.matchAll(PATH_PLACEHOLDER)) pathKeys.push(match[1]!);
  if (/[{}]/.test(path.replace(PATH_PLACEHOLDER, '')))
    fail(`${at}.request.path`, 'has a { or } that is not part of a {key} placeholder');
  const where = new Map<string, string>();
  const place = (key: string, field: string) => {
    const before = where.get(key);
    if (before !== undefined) fail(field, `repeats "${key}", already sent in ${before}`);
    where.set(key, field.replace(/\[\d+\]$/, ''));
  };
  for (const key of pathKeys) {
    const property = properties[key];
    if (!isPlainObject(property))
      fail(`${at}.request.path`, `names {${key}}, which is not a property of inputSchema`);
    if (!required.includes(key))
      fail(`${at}.request.path`, `names {${key}}, which inputSchema does not list as required`);
    if (typeof property.type !== 'string' || !PATH_PARAMETER_TYPES.has(property.type))
      fail(`${at}.request.path`, `names {${key}}, whose inputSchema type must be string, integer or number`);
    place(key, `${at}.request.path`);
  }
  for (const part of ['query', 'body'] as const) {
    (request[part] ?? []).forEach((key, j) => {
      const field = `${at}.request.${part}[${j}]`;
      if (!Object.prototype.hasOwnProperty.call(properties, key))
        fail(field, `names "${key}", which is not a property of inputSchema`);
      place(key, field);
    });
  }
}
