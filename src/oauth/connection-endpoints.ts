/**
 * A connection's OAuth endpoints: its connector's settings with `${config.<key>}` filled from the
 * connection's config (a tenant's authorization server), and the operator's client credentials.
 * The handshake, the refresh and the revocation all take them from here.
 */
import type { Catalog } from '../connectors/catalog';
import type { OAuthSettings } from '../connectors/connector.types';
import { configDecidesHost, fillTemplate } from '../connectors/templates';
import type { ProviderEndpoints } from './oauth-client';

export function resolveOAuthSettings(settings: OAuthSettings, config: Record<string, string>): OAuthSettings {
  const fill = (template: string) => fillTemplate(template, { config, credentials: {} });
  return {
    ...settings,
    authorizationUrl: fill(settings.authorizationUrl),
    tokenUrl: fill(settings.tokenUrl),
    ...(settings.revocationUrl !== undefined ? { revocationUrl: fill(settings.revocationUrl) } : {}),
    ...(settings.authorizationParams !== undefined
      ? { authorizationParams: fillEach(settings.authorizationParams, fill) }
      : {}),
    ...(settings.tokenParams !== undefined ? { tokenParams: fillEach(settings.tokenParams, fill) } : {}),
  };
}

function fillEach(params: Record<string, string>, fill: (text: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, fill(value)]));
}

/** Undefined when the connector is gone, not OAuth, or not configured on this gateway. */
export function connectionEndpoints(
  catalog: Catalog,
  connection: { connectorSlug: string; config: Record<string, string> },
): ProviderEndpoints | undefined {
  const connector = catalog.get(connection.connectorSlug);
  const client = catalog.oauthClient(connection.connectorSlug);
  if (!connector || connector.authType !== 'oauth' || !connector.oauth || !client) return undefined;
  const { tokenUrl, revocationUrl } = connector.oauth;
  return {
    settings: resolveOAuthSettings(connector.oauth, connection.config ?? {}),
    client,
    configDecidesHost:
      configDecidesHost(tokenUrl) || (revocationUrl !== undefined && configDecidesHost(revocationUrl)),
  };
}
