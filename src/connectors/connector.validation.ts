/**
 * Checks one connector definition (built-in or from CONNECTORS_FILE) and names the entry and
 * field of the first problem, so an operator's typo stops the start with a precise message.
 */
import {
  AUTH_TYPES,
  type ConnectorDefinition,
  type CredentialField,
  type OAuthSettings,
} from './connector.types';
import { compileLinearPattern } from '../shared/linear-pattern';
import { isPlainObject } from '../shared/validation';

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
const TOOL_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const FIELD_KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const AVAILABILITY = /^[a-z][a-z_]{0,31}$/;
/** Parameters the gateway sets itself on every authorization request. */
const RESERVED_AUTH_PARAMS = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'state',
  'scope',
  'code_challenge',
  'code_challenge_method',
]);
const RESERVED_TOKEN_PARAMS = new Set([
  'grant_type',
  'code',
  'redirect_uri',
  'code_verifier',
  'client_id',
  'client_secret',
  'refresh_token',
]);

const TOP_FIELDS = new Set([
  'slug',
  'name',
  'description',
  'authType',
  'availability',
  'availabilityReason',
  'tools',
  'credentialFields',
  'oauth',
]);
const OAUTH_FIELDS = new Set([
  'authorizationUrl',
  'tokenUrl',
  'scopes',
  'scopeSeparator',
  'revocationUrl',
  'issuer',
  'authorizationParams',
  'tokenParams',
  'clientAuth',
  'pkce',
  'revokeReplacedGrant',
]);
const FIELD_FIELDS = new Set(['key', 'label', 'required', 'secret', 'description', 'pattern']);

class Checker {
  constructor(private readonly entry: string) {}

  fail(field: string, problem: string): never {
    throw new ConnectorDefinitionError(this.entry, field, problem);
  }

  object(value: unknown, field: string, allowed: Set<string>): Record<string, unknown> {
    if (!isPlainObject(value)) this.fail(field, 'must be an object');
    for (const key of Object.keys(value)) {
      if (!allowed.has(key)) this.fail(field ? `${field}.${key}` : key, 'is not a known field');
    }
    return value;
  }

  text(value: unknown, field: string, max: number, pattern?: RegExp): string {
    if (typeof value !== 'string' || value.trim() === '') this.fail(field, 'must be a non-empty string');
    if (value.length > max) this.fail(field, `must be at most ${max} characters`);
    if (pattern && !pattern.test(value)) this.fail(field, `must match ${String(pattern)}`);
    return value;
  }

  optionalText(value: unknown, field: string, max: number): string | undefined {
    return value === undefined ? undefined : this.text(value, field, max);
  }

  bool(value: unknown, field: string): boolean {
    if (typeof value !== 'boolean') this.fail(field, 'must be true or false');
    return value;
  }

  url(value: unknown, field: string): string {
    const text = this.text(value, field, 2048);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      this.fail(field, 'must be an absolute URL');
    }
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    // Plain http only to this machine (a local test provider); tokens never cross a network unencrypted.
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      this.fail(field, 'must be an https URL (http is accepted only for localhost)');
    }
    if (url.hash) this.fail(field, 'must not have a fragment');
    return text;
  }

  params(value: unknown, field: string, reserved: Set<string>): Record<string, string> | undefined {
    if (value === undefined) return undefined;
    if (!isPlainObject(value)) this.fail(field, 'must be an object of string values');
    const out: Record<string, string> = {};
    for (const [key, param] of Object.entries(value)) {
      if (reserved.has(key))
        this.fail(`${field}.${key}`, 'is set by the gateway itself and cannot be overridden');
      if (typeof param !== 'string') this.fail(`${field}.${key}`, 'must be a string');
      out[key] = param;
    }
    return out;
  }
}

function checkOAuth(c: Checker, raw: unknown): OAuthSettings {
  const o = c.object(raw, 'oauth', OAUTH_FIELDS);
  if (!Array.isArray(o.scopes)) c.fail('oauth.scopes', 'must be an array of strings');
  const scopes = o.scopes.map((scope, i) => c.text(scope, `oauth.scopes[${i}]`, 512, /^\S+$/));
  const clientAuth = o.clientAuth;
  if (
    clientAuth !== undefined &&
    clientAuth !== 'client_secret_basic' &&
    clientAuth !== 'client_secret_post'
  ) {
    c.fail('oauth.clientAuth', 'must be "client_secret_basic" or "client_secret_post"');
  }
  const settings: OAuthSettings = {
    authorizationUrl: c.url(o.authorizationUrl, 'oauth.authorizationUrl'),
    tokenUrl: c.url(o.tokenUrl, 'oauth.tokenUrl'),
    scopes,
  };
  if (o.scopeSeparator !== undefined) {
    if (
      typeof o.scopeSeparator !== 'string' ||
      o.scopeSeparator.length === 0 ||
      o.scopeSeparator.length > 3
    ) {
      c.fail('oauth.scopeSeparator', 'must be a string of 1 to 3 characters');
    }
    settings.scopeSeparator = o.scopeSeparator;
  }
  if (o.revocationUrl !== undefined) settings.revocationUrl = c.url(o.revocationUrl, 'oauth.revocationUrl');
  if (o.issuer !== undefined) settings.issuer = c.url(o.issuer, 'oauth.issuer');
  const authorizationParams = c.params(
    o.authorizationParams,
    'oauth.authorizationParams',
    RESERVED_AUTH_PARAMS,
  );
  if (authorizationParams) settings.authorizationParams = authorizationParams;
  const tokenParams = c.params(o.tokenParams, 'oauth.tokenParams', RESERVED_TOKEN_PARAMS);
  if (tokenParams) settings.tokenParams = tokenParams;
  if (clientAuth !== undefined) settings.clientAuth = clientAuth;
  if (o.pkce !== undefined) settings.pkce = c.bool(o.pkce, 'oauth.pkce');
  if (o.revokeReplacedGrant !== undefined)
    settings.revokeReplacedGrant = c.bool(o.revokeReplacedGrant, 'oauth.revokeReplacedGrant');
  return settings;
}

function checkCredentialFields(c: Checker, raw: unknown): CredentialField[] {
  if (!Array.isArray(raw) || raw.length === 0) c.fail('credentialFields', 'must be a non-empty array');
  const seen = new Set<string>();
  return raw.map((item, i) => {
    const at = `credentialFields[${i}]`;
    const f = c.object(item, at, FIELD_FIELDS);
    const key = c.text(f.key, `${at}.key`, 64, FIELD_KEY);
    if (seen.has(key)) c.fail(`${at}.key`, `repeats "${key}"`);
    seen.add(key);
    const field: CredentialField = {
      key,
      label: c.text(f.label, `${at}.label`, 100),
      required: c.bool(f.required, `${at}.required`),
      secret: c.bool(f.secret, `${at}.secret`),
    };
    const description = c.optionalText(f.description, `${at}.description`, 500);
    if (description !== undefined) field.description = description;
    if (f.pattern !== undefined) {
      const pattern = c.text(f.pattern, `${at}.pattern`, 500);
      try {
        new RegExp(pattern, 'u');
      } catch {
        c.fail(`${at}.pattern`, 'is not a valid regular expression');
      }
      // Values are checked in a linear-time engine (shared/linear-pattern.ts), which has no
      // backreferences or lookaround: a pattern that needs them cannot be honoured.
      try {
        compileLinearPattern(pattern);
      } catch (err) {
        c.fail(
          `${at}.pattern`,
          'uses a feature the linear-time pattern engine (RE2 syntax) cannot run, such as a ' +
            `backreference or lookaround: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      field.pattern = pattern;
    }
    return field;
  });
}

/** Validates `raw` as a connector definition; `where` names it in errors (e.g. `#3 "acme"`). */
export function checkConnectorDefinition(raw: unknown, where: string): ConnectorDefinition {
  const slugHint = isPlainObject(raw) && typeof raw.slug === 'string' ? ` "${raw.slug}"` : '';
  const c: Checker = new Checker(`${where}${slugHint}`);
  const d = c.object(raw, '', TOP_FIELDS);
  const slug = c.text(d.slug, 'slug', 63, SLUG_PATTERN);
  const authType = d.authType;
  if (typeof authType !== 'string' || !(AUTH_TYPES as readonly string[]).includes(authType)) {
    c.fail('authType', `must be one of ${AUTH_TYPES.join(', ')}`);
  }
  const availability = c.text(d.availability, 'availability', 32, AVAILABILITY);
  const rawTools: unknown = d.tools;
  if (!Array.isArray(rawTools)) c.fail('tools', 'must be an array');
  const toolNames = new Set<string>();
  const tools = rawTools.map((tool: unknown, i: number) => {
    const t = c.object(tool, `tools[${i}]`, new Set(['name', 'description']));
    const name = c.text(t.name, `tools[${i}].name`, 64, TOOL_NAME);
    if (toolNames.has(name)) c.fail(`tools[${i}].name`, `repeats "${name}"`);
    toolNames.add(name);
    return { name, description: c.text(t.description, `tools[${i}].description`, 500) };
  });

  const definition: ConnectorDefinition = {
    slug,
    name: c.text(d.name, 'name', 100),
    description: c.text(d.description, 'description', 500),
    authType: authType as ConnectorDefinition['authType'],
    availability: availability as ConnectorDefinition['availability'],
    tools,
  };
  if (availability === 'available') {
    if (d.availabilityReason !== undefined)
      c.fail('availabilityReason', 'is only for connectors that are not available');
  } else {
    definition.availabilityReason = c.text(d.availabilityReason, 'availabilityReason', 500);
  }
  if (authType === 'api_key') definition.credentialFields = checkCredentialFields(c, d.credentialFields);
  else if (d.credentialFields !== undefined) c.fail('credentialFields', 'is only for api_key connectors');
  if (authType === 'oauth') definition.oauth = checkOAuth(c, d.oauth);
  else if (d.oauth !== undefined) c.fail('oauth', 'is only for oauth connectors');
  return definition;
}
