/**
 * Checks one connector definition (built-in or from CONNECTORS_FILE) and names the entry and
 * field of the first problem, so an operator's typo stops the start with a precise message.
 *
 * The shape is the JSON Schema in schema/connector-definition.schema.json (ajv, draft 2020-12),
 * the same document GET /api/v1/connector-definition.schema.json serves. What a schema cannot say
 * is checked here: placeholders name fields the definition has, config fields used in a URL have
 * a pattern or an enum, keys and tool names are unique, patterns run in the linear-time engine,
 * and every URL template resolves to a URL with its fields' example values.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Ajv2020Class from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import type { ConnectorDefinition } from './connector.types';
import { compileLinearPattern, matchesLinearPattern } from '../shared/linear-pattern';
import { isPlainObject } from '../shared/validation';
import { checkTool } from './connector-tool.validation';
import { placeholdersOf, PLACEHOLDER_SYNTAX, fillTemplate, type TemplateValues } from './templates';

export class ConnectorDefinitionError extends Error {
  constructor(
    readonly entry: string,
    readonly field: string,
    problem: string,
  ) {
    super(`connector ${entry}: field "${field}" ${problem}`);
    this.name = 'ConnectorDefinitionError';
  }
}

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Where the schema lives; dist/ mirrors src/, so the same relative path works from either. */
export const DEFINITION_SCHEMA_FILE = path.resolve(
  __dirname,
  '../../schema/connector-definition.schema.json',
);

let compiled: ValidateFunction | undefined;
let schemaText: string | undefined;

/** The schema document as served (read once). */
export function definitionSchemaText(): string {
  schemaText ??= fs.readFileSync(DEFINITION_SCHEMA_FILE, 'utf8');
  return schemaText;
}

function definitionValidator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(definitionSchemaText()) as { $id: string };
    // Loaded on first use: a start from a build with no CONNECTORS_FILE never needs it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { default: Ajv2020 } = require('ajv/dist/2020') as { default: typeof Ajv2020Class };
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
    ajv.addSchema(schema);
    compiled = ajv.getSchema(`${schema.$id}#/$defs/definition`);
    if (!compiled) throw new Error('connector-definition.schema.json has no $defs/definition');
  }
  return compiled;
}

/** `/tools/0/name` → `tools[0].name`. */
function fieldOf(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (child !== undefined) parts.push(child);
  let out = '';
  for (const part of parts) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(key)) out += `[${key}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out;
}

/** The schema's conditional rules, in words. */
const CONDITIONAL_RULES: Array<{ at: string; field: string; problem: string }> = [
  {
    at: '/allOf/0/then',
    field: 'availabilityReason',
    problem: 'is only for connectors that are not available',
  },
  { at: '/allOf/0/else', field: 'availabilityReason', problem: 'is required when not available' },
  { at: '/allOf/1/then', field: 'oauth', problem: 'is required for oauth connectors' },
  { at: '/allOf/1/else', field: 'oauth', problem: 'is only for oauth connectors' },
  { at: '/allOf/2/then', field: 'credentialFields', problem: 'is required for api_key connectors' },
  { at: '/allOf/2/else', field: 'credentialFields', problem: 'is only for api_key connectors' },
  { at: '/allOf/3/then', field: 'api', problem: 'is required when the connector has verify' },
];

function describe(error: ErrorObject): { field: string; problem: string } {
  const rule = CONDITIONAL_RULES.find((r) => error.schemaPath.startsWith(`#${r.at}/`));
  if (rule && error.instancePath === '') return { field: rule.field, problem: rule.problem };
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return {
        field: fieldOf(error.instancePath, String(params.additionalProperty)),
        problem: 'is not a known field',
      };
    case 'required':
      return { field: fieldOf(error.instancePath, String(params.missingProperty)), problem: 'is required' };
    case 'propertyNames':
    case 'not':
      if (params.propertyName !== undefined || error.schemaPath.includes('propertyNames')) {
        const name = String(params.propertyName ?? '');
        const reserved = /Params$/.test(error.instancePath);
        return {
          field: fieldOf(error.instancePath, name || undefined),
          problem: reserved
            ? 'is set by the gateway itself and cannot be overridden'
            : 'is not an allowed name',
        };
      }
      break;
    case 'enum':
      return {
        field: fieldOf(error.instancePath),
        problem: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'pattern':
      return { field: fieldOf(error.instancePath), problem: `must match ${String(params.pattern)}` };
    case 'type':
      return { field: fieldOf(error.instancePath), problem: `must be ${String(params.type)}` };
    default:
      break;
  }
  return { field: fieldOf(error.instancePath) || '(definition)', problem: error.message ?? 'is not valid' };
}

/** Validates `raw` as a connector definition; `where` names it in errors (e.g. `#3 "acme"`). */
export function checkConnectorDefinition(raw: unknown, where: string): ConnectorDefinition {
  const slugHint = isPlainObject(raw) && typeof raw.slug === 'string' ? ` "${raw.slug}"` : '';
  const entry = `${where}${slugHint}`;
  const fail = (field: string, problem: string): never => {
    throw new ConnectorDefinitionError(entry, field, problem);
  };
  if (!isPlainObject(raw)) fail('(definition)', 'must be an object');
  const validate = definitionValidator();
  if (!validate(raw)) {
    // All errors are collected, then the most telling one is named: a field's own problem before
    // a conditional rule of the whole definition (whose `if` may have failed because of it), and
    // the propertyNames error that names the property before its summary.
    const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if');
    const conditional = (e: ErrorObject) => e.instancePath === '' && /^#\/allOf\//.test(e.schemaPath);
    const best =
      errors.find((e) => (e.params as { propertyName?: string }).propertyName !== undefined) ??
      errors.find((e) => !conditional(e)) ??
      errors[0]!;
    const { field, problem } = describe(best);
    fail(field, problem);
  }
  // A deep copy made in this realm (definitions are plain JSON data).
  const definition = JSON.parse(JSON.stringify(raw)) as ConnectorDefinition;
  crossFieldChecks(definition, fail);
  return definition;
}

/** Throws a ConnectorDefinitionError naming the field (tool checks use it too: connector-tool.validation.ts). */
export type Fail = (field: string, problem: string) => never;

function checkPattern(pattern: string, field: string, fail: Fail): void {
  try {
    new RegExp(pattern, 'u');
  } catch {
    fail(field, 'is not a valid regular expression');
  }
  // Values are checked in a linear-time engine (shared/linear-pattern.ts), which has no
  // backreferences or lookaround: a pattern that needs them cannot be honoured.
  try {
    compileLinearPattern(pattern);
  } catch (err) {
    fail(
      field,
      'uses a feature the linear-time pattern engine (RE2 syntax) cannot run, such as a ' +
        `backreference or lookaround: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

function unique<T>(items: readonly T[], key: (item: T) => string, field: (i: number) => string, fail: Fail) {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) fail(field(i), `repeats "${k}"`);
    seen.add(k);
  });
}

/** One template of the definition: where it is, and which placeholder kinds it may use. */
interface TemplateSite {
  field: string;
  text: string;
  url: boolean;
  allow: { config: boolean; credentials: boolean; accessToken: boolean };
}

function templateSites(d: ConnectorDefinition): TemplateSite[] {
  const configOnly = { config: true, credentials: false, accessToken: false };
  const secrets = {
    config: true,
    credentials: d.authType === 'api_key',
    accessToken: d.authType === 'oauth',
  };
  const sites: TemplateSite[] = [];
  const add = (field: string, text: string | undefined, url: boolean, allow = configOnly) => {
    if (text !== undefined) sites.push({ field, text, url, allow });
  };
  if (d.oauth) {
    add('oauth.authorizationUrl', d.oauth.authorizationUrl, true);
    add('oauth.tokenUrl', d.oauth.tokenUrl, true);
    add('oauth.revocationUrl', d.oauth.revocationUrl, true);
    for (const [key, value] of Object.entries(d.oauth.authorizationParams ?? {}))
      add(`oauth.authorizationParams.${key}`, value, false);
    for (const [key, value] of Object.entries(d.oauth.tokenParams ?? {}))
      add(`oauth.tokenParams.${key}`, value, false);
  }
  if (d.api) {
    add('api.baseUrl', d.api.baseUrl, true);
    for (const [name, value] of Object.entries(d.api.headers ?? {}))
      add(`api.headers.${name}`, value, false, secrets);
    for (const [name, value] of Object.entries(d.api.query ?? {}))
      add(`api.query.${name}`, value, false, secrets);
    if (d.api.basicAuth) {
      add('api.basicAuth.username', d.api.basicAuth.username, false, secrets);
      add('api.basicAuth.password', d.api.basicAuth.password, false, secrets);
    }
  }
  if (d.verify) {
    add('verify.baseUrl', d.verify.baseUrl, true);
    add('verify.path', d.verify.path, true);
    for (const [name, value] of Object.entries(d.verify.headers ?? {}))
      add(`verify.headers.${name}`, value, false);
  }
  return sites;
}

/** Headers a definition may not set: the transport's own, which the HTTP client decides. */
const TRANSPORT_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'upgrade',
  'te',
]);

/** Values that are sent as written, never filled: a placeholder there would go out literally. */
function unfilledSites(d: ConnectorDefinition): Array<{ field: string; text: string }> {
  const out: Array<{ field: string; text: string }> = [];
  if (d.oauth?.issuer !== undefined) out.push({ field: 'oauth.issuer', text: d.oauth.issuer });
  if (d.verify?.body !== undefined) out.push({ field: 'verify.body', text: JSON.stringify(d.verify.body) });
  return out;
}

function crossFieldChecks(d: ConnectorDefinition, fail: Fail): void {
  for (const site of unfilledSites(d)) {
    if (site.text.includes('${')) fail(site.field, 'cannot hold placeholders (it is sent as written)');
  }
  for (const [where, headers] of [
    ['api.headers', d.api?.headers],
    ['verify.headers', d.verify?.headers],
  ] as const) {
    for (const [name, value] of Object.entries(headers ?? {})) {
      if (TRANSPORT_HEADERS.has(name.toLowerCase()))
        fail(`${where}.${name}`, 'is a header the HTTP client sets itself');
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value))
        fail(`${where}.${name}`, 'must not contain control characters');
    }
  }
  unique(
    d.tools,
    (t) => t.name,
    (i) => `tools[${i}].name`,
    fail,
  );
  d.tools.forEach((tool, i) => checkTool(d, tool, `tools[${i}]`, fail));
  const credentialFields = d.credentialFields ?? [];
  const configFields = d.connectionConfig ?? [];
  unique(
    credentialFields,
    (f) => f.key,
    (i) => `credentialFields[${i}].key`,
    fail,
  );
  unique(
    configFields,
    (f) => f.key,
    (i) => `connectionConfig[${i}].key`,
    fail,
  );
  credentialFields.forEach((f, i) => {
    if (f.pattern !== undefined) checkPattern(f.pattern, `credentialFields[${i}].pattern`, fail);
  });
  configFields.forEach((f, i) => {
    const at = `connectionConfig[${i}]`;
    if (f.pattern !== undefined) checkPattern(f.pattern, `${at}.pattern`, fail);
    if (f.fromTokenResponse !== undefined && d.authType !== 'oauth')
      fail(`${at}.fromTokenResponse`, 'is only for oauth connectors');
    if (f.example !== undefined) {
      if (f.pattern !== undefined && !matchesLinearPattern(f.pattern, f.example))
        fail(`${at}.example`, "does not match the field's pattern");
      if (f.enum !== undefined && !f.enum.includes(f.example))
        fail(`${at}.example`, "is not one of the field's enum values");
    }
    if (f.enum !== undefined && f.pattern !== undefined) {
      f.enum.forEach((value, j) => {
        if (!matchesLinearPattern(f.pattern!, value))
          fail(`${at}.enum[${j}]`, "does not match the field's pattern");
      });
    }
  });
  const configByKey = new Map(configFields.map((f) => [f.key, f]));
  const credentialKeys = new Set(credentialFields.map((f) => f.key));
  const examples: TemplateValues = { config: {}, credentials: {}, accessToken: 'token' };
  for (const f of configFields) examples.config[f.key] = f.example ?? f.enum?.[0] ?? 'example';
  for (const f of credentialFields) examples.credentials[f.key] = 'secret';

  for (const site of templateSites(d)) {
    if (site.text.includes('${') && !PLACEHOLDER_SYNTAX.test(site.text))
      fail(
        site.field,
        'has a placeholder that is not ${config.<key>}, ${credentials.<key>} or ${accessToken}',
      );
    for (const p of placeholdersOf(site.text)) {
      if (p.kind === 'config') {
        const field = configByKey.get(p.key);
        if (!field) fail(site.field, `names \${config.${p.key}}, which is not a connectionConfig field`);
        if (!site.allow.config) fail(site.field, 'cannot use config values');
        if (site.url && field.pattern === undefined && field.enum === undefined)
          fail(
            `connectionConfig[${configFields.indexOf(field)}]`,
            `is used in ${site.field}, so it needs a pattern or an enum`,
          );
        // A URL cannot be built without it (values from the token response come before any call).
        if (site.url && !field.required && field.fromTokenResponse === undefined)
          fail(
            `connectionConfig[${configFields.indexOf(field)}].required`,
            `must be true: the field is used in ${site.field}`,
          );
        // A value only known after the code exchange cannot shape the exchange itself.
        if (field.fromTokenResponse !== undefined && site.field.startsWith('oauth.'))
          fail(site.field, `uses \${config.${p.key}}, which is filled only after the token exchange`);
      } else if (p.kind === 'credentials') {
        if (!site.allow.credentials) fail(site.field, 'cannot use credentials');
        if (!credentialKeys.has(p.key))
          fail(site.field, `names \${credentials.${p.key}}, which is not a credential field`);
      } else if (!site.allow.accessToken) {
        fail(site.field, 'cannot use ${accessToken}');
      }
    }
    if (site.url && site.field !== 'verify.path') {
      let url: URL;
      try {
        url = new URL(fillTemplate(site.text, examples));
      } catch {
        fail(site.field, "does not resolve to an absolute URL with the config fields' example values");
      }
      const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
        fail(site.field, 'must be an https URL (http is accepted only for localhost)');
    }
  }
  if (d.api) {
    const sent = [
      ...Object.values(d.api.headers ?? {}),
      ...Object.values(d.api.query ?? {}),
      ...(d.api.basicAuth ? [d.api.basicAuth.username, d.api.basicAuth.password] : []),
    ].flatMap(placeholdersOf);
    if (
      d.authType === 'oauth' &&
      d.api.headers &&
      !d.api.basicAuth &&
      !sent.some((p) => p.kind === 'accessToken')
    )
      fail('api.headers', 'replaces the default Authorization header but sends no ${accessToken}');
    if (d.authType === 'api_key' && !sent.some((p) => p.kind === 'credentials'))
      fail('api', 'sends none of the credentials (no ${credentials.<key>} in headers, query or basicAuth)');
  }
}
