/**
 * What the OAuth callback checks besides state and cookie (handshake.service.ts runs them): the
 * provider's `iss` (RFC 9207) and the config values a connector fills from the token response.
 */
import type { CatalogEntry } from '../connectors/catalog.types';
import { configValueProblem } from '../connections/config-check';
import { BadRequestError } from '../shared/errors';
import { OAuthProviderError, type ProviderEndpoints } from './oauth-client';

/**
 * The connection's config with the fields the connector fills from the token response
 * (Salesforce's `instance_url`), each checked against its pattern: a value that does not match
 * fails the sign-in rather than pointing the connection somewhere unexpected.
 */
export function configFromTokenResponse(
  connector: Pick<CatalogEntry, 'connectionConfig'> | undefined,
  current: Record<string, string>,
  response: Record<string, unknown>,
): Record<string, string> {
  const config = { ...current };
  for (const field of connector?.connectionConfig ?? []) {
    if (field.fromTokenResponse === undefined) continue;
    let value: unknown = response;
    for (const part of field.fromTokenResponse.split('.')) {
      value =
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
    }
    if (value === undefined || value === null || value === '') {
      delete config[field.key];
      continue;
    }
    if (typeof value !== 'string' || configValueProblem(field, value) !== undefined) {
      throw new OAuthProviderError(
        'invalid_token_response',
        `The provider's token response has an unexpected ${field.fromTokenResponse}.`,
      );
    }
    config[field.key] = value;
  }
  return config;
}

/** RFC 9207: when the provider names itself, it must be the one we sent the user to. */
export function checkIssuer(query: URLSearchParams, endpoints: ProviderEndpoints): void {
  const iss = query.get('iss');
  if (iss === null) return;
  const expected = endpoints.settings.issuer ?? new URL(endpoints.settings.authorizationUrl).origin;
  if (iss !== expected) {
    throw new BadRequestError('The sign-in response names a different provider than the one it was sent to.');
  }
}
