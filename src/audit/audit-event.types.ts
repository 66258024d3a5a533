/** The kinds of audit event. The first seven are the lifecycle events webhooks deliver. */
import { LIFECYCLE_EVENT_TYPES, type LifecycleEventType } from '../webhooks/lifecycle-event';

export const AUDIT_EVENT_TYPES = [
  ...LIFECYCLE_EVENT_TYPES,
  /** A refresh failed for a reason that may pass (the provider was down); the connection keeps its tokens. */
  'connection.refresh_failed',
  /** The access token was refreshed. */
  'connection.token_refreshed',
  /** The agent runtime read the live credentials. */
  'credentials.read',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export function isLifecycleEvent(type: AuditEventType): type is LifecycleEventType {
  return (LIFECYCLE_EVENT_TYPES as readonly string[]).includes(type);
}
