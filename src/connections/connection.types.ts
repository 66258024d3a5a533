/** Domain types of a connection, shared by the service, serializers and both doors. */
export const CONNECTION_STATUSES = ['pending', 'connected', 'expired', 'error', 'revoked'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** Why a connection is not (or no longer) connected. `at` is an ISO timestamp. */
export interface LastError {
  code: string;
  message: string;
  at: string;
}
