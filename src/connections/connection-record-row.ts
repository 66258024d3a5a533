/**
 * The hot list's rows (connection.repository.ts reads them with a prepared statement, not
 * TypeORM): the columns it selects and how a row becomes a ConnectionRecord.
 */
import type { ConnectionRecord, ConnectionStatus, LastError } from './connection.types';

/** The list's columns: everything a serializer shows, never the secret. */
export const RECORD_COLUMNS =
  'id, owner_id, connector_slug, auth_type, label, config, status, last_error, token_expires_at, ' +
  'scopes, account, last_refreshed_at, last_checked_at, created_at, updated_at, connected_at, deleted_at';

export interface RecordRow {
  id: string;
  owner_id: string;
  connector_slug: string;
  auth_type: ConnectionRecord['authType'];
  label: string | null;
  config: Record<string, string>;
  status: ConnectionStatus;
  last_error: LastError | null;
  token_expires_at: Date | null;
  scopes: string[] | null;
  account: string | null;
  last_refreshed_at: Date | null;
  last_checked_at: Date | null;
  created_at: Date;
  updated_at: Date;
  connected_at: Date | null;
  deleted_at: Date | null;
}

export function toRecord(row: RecordRow): ConnectionRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    connectorSlug: row.connector_slug,
    authType: row.auth_type,
    label: row.label,
    config: row.config,
    status: row.status,
    lastError: row.last_error,
    tokenExpiresAt: row.token_expires_at,
    scopes: row.scopes,
    account: row.account,
    lastRefreshedAt: row.last_refreshed_at,
    lastCheckedAt: row.last_checked_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    connectedAt: row.connected_at,
    deletedAt: row.deleted_at,
  };
}
