/**
 * The public record of a connection (openapi/openapi.yaml): an allow-list of fields, never the
 * entity minus some.
 */
import type { ConnectionRecord, ConnectionStatus, LastError } from './connection.types';
import type { AuthType } from '../connectors/connector.types';
import { isoString } from '../shared/iso-date';

export interface ConnectionView {
  id: string;
  connectorSlug: string;
  authType: AuthType;
  label: string | null;
  /** The connector's per-connection config values (never secret). */
  config: Record<string, string>;
  status: ConnectionStatus;
  createdAt: string;
  updatedAt: string;
  connectedAt: string | null;
  lastError: LastError | null;
  /** OAuth: when the access token expires (never the token itself). */
  expiresAt: string | null;
  /** OAuth: the granted scopes. */
  scopes: string[] | null;
  /** OAuth: who signed in at the provider, when it said. */
  account: string | null;
  /** OAuth: when the token was last refreshed. */
  lastRefreshedAt: string | null;
  /** When the credentials were last checked at the provider. */
  lastCheckedAt: string | null;
}

export function toLastErrorView(lastError: LastError | null): LastError | null {
  return lastError ? { code: lastError.code, message: lastError.message, at: lastError.at } : null;
}

export function toConnectionView(connection: ConnectionRecord): ConnectionView {
  return {
    id: connection.id,
    connectorSlug: connection.connectorSlug,
    authType: connection.authType,
    label: connection.label,
    config: { ...connection.config },
    status: connection.status,
    createdAt: isoString(connection.createdAt),
    updatedAt: isoString(connection.updatedAt),
    connectedAt: connection.connectedAt ? isoString(connection.connectedAt) : null,
    lastError: toLastErrorView(connection.lastError),
    expiresAt: connection.tokenExpiresAt ? isoString(connection.tokenExpiresAt) : null,
    scopes: connection.scopes ? [...connection.scopes] : null,
    account: connection.account,
    lastRefreshedAt: connection.lastRefreshedAt ? isoString(connection.lastRefreshedAt) : null,
    lastCheckedAt: connection.lastCheckedAt ? isoString(connection.lastCheckedAt) : null,
  };
}
