/**
 * Checks the `config` given on connect against a connector's `connectionConfig`, naming every bad
 * field (`config.<key>`), and the hosts its values decide against the private-network rule.
 */
import type { CatalogEntry } from '../connectors/catalog.types';
import type { ConfigField } from '../connectors/connector.types';
import { checkConfigHost, ProviderRequestError, resolveBaseUrl } from '../providers/provider-api';
import { BadRequestError, type ErrorDetail } from '../shared/errors';
import { matchesLinearPattern } from '../shared/linear-pattern';
import { isPlainObject } from '../shared/validation';
import { checkFieldValues } from './field-values';

export const MAX_CONFIG_VALUE_LENGTH = 1024;

/** The fields a user gives (not the ones filled from the token response later). */
export function askedConfigFields(connector: CatalogEntry): ConfigField[] {
  return (connector.connectionConfig ?? []).filter((field) => field.fromTokenResponse === undefined);
}

function invalid(details: ErrorDetail[]): BadRequestError {
  return new BadRequestError(
    `The config is not valid: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}.`,
    details,
  );
}

/** One value against its field: a problem in words, or undefined when it is fine. */
export function configValueProblem(field: ConfigField, value: string): string | undefined {
  if (value.length > MAX_CONFIG_VALUE_LENGTH) return `must be at most ${MAX_CONFIG_VALUE_LENGTH} characters`;
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (field.enum !== undefined && !field.enum.includes(value))
    return `must be one of ${field.enum.join(', ')}`;
  if (field.pattern !== undefined && !matchesLinearPattern(field.pattern, value))
    return `does not have the expected format (${field.label})`;
  return undefined;
}

/**
 * The checked config: required keys present, no unknown keys (a field filled from the token
 * response is not the user's to give), values strings matching `pattern`/`enum`.
 */
export function checkConfig(connector: CatalogEntry, input: unknown): Record<string, string> {
  if (!isPlainObject(input)) {
    throw invalid([{ field: 'config', message: 'must be an object of strings' }]);
  }
  const fields = connector.connectionConfig ?? [];
  const known = new Map(fields.map((field) => [field.key, field]));
  const details: ErrorDetail[] = [];
  for (const key of Object.keys(input)) {
    const field = known.get(key);
    if (!field) details.push({ field: `config.${key}`, message: 'is not a config field of this connector' });
    else if (field.fromTokenResponse !== undefined)
      details.push({
        field: `config.${key}`,
        message: 'is filled from the provider after sign-in, not given',
      });
  }
  const values = checkFieldValues(input, askedConfigFields(connector), 'config', configValueProblem, details);
  if (details.length > 0) throw invalid(details);
  return values;
}

/** Every URL template of a connector that config values fill (they must resolve, and stay public). */
function urlTemplates(connector: CatalogEntry): string[] {
  const out: string[] = [];
  if (connector.oauth) {
    out.push(connector.oauth.authorizationUrl, connector.oauth.tokenUrl);
    if (connector.oauth.revocationUrl) out.push(connector.oauth.revocationUrl);
  }
  if (connector.api) out.push(connector.api.baseUrl);
  if (connector.verify?.baseUrl) out.push(connector.verify.baseUrl);
  return out;
}

/**
 * The URLs the config values build must be URLs, and (unless private networks are allowed) a
 * host a config value decides must not be a private or local address given as such.
 */
export function checkConfigUrls(
  connector: CatalogEntry,
  config: Record<string, string>,
  allowPrivateNetworks: boolean,
): void {
  const tokenFilled = new Set(
    (connector.connectionConfig ?? []).filter((f) => f.fromTokenResponse !== undefined).map((f) => f.key),
  );
  for (const template of urlTemplates(connector)) {
    // A template that needs a value from the token response is checked once that value is in.
    if ([...tokenFilled].some((key) => template.includes(`\${config.${key}}`))) continue;
    try {
      if (allowPrivateNetworks) resolveBaseUrl(template, config);
      else checkConfigHost(template, config);
    } catch (err) {
      if (!(err instanceof ProviderRequestError)) throw err;
      throw invalid([{ field: err.field ?? 'config', message: err.message }]);
    }
  }
}
