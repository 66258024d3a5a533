/** Domain types of a connection, shared by the service, serializers and both doors. */
export const CONNECTION_STATUSES = ['pending', 'connected', 'expired', 'error', 'revoked'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** Why a connection is not (or no longer) connected. `at` is an ISO timestamp. */
export interface LastError {
  code: string;
  message: string;
  at: string;
}

/**
 * What may leave the database for a serializer: a connection without its secret or refresh
 * lease (the list reads exactly these columns). Every full Connection entity is one too.
 */
export interface ConnectionRecord {
  id: string;
  ownerId: string;
  connectorSlug: string;
  authType: 'oauth' | 'api_key' | 'none';
  label: string | null;
  config: Record<string, string>;
  status: ConnectionStatus;
  lastError: LastError | null;
  tokenExpiresAt: Date | null;
  scopes: string[] | null;
  account: string | null;
  lastRefreshedAt: Date | null;
  lastCheckedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  connectedAt: Date | null;
  deletedAt: Date | null;
}
