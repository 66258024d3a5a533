/** The public record of an audit event: an allow-list of fields, the same through both doors. */
import type { AuditEvent } from './audit-event.entity';

export interface AuditEventView {
  id: string;
  connectionId: string;
  type: string;
  at: string;
  actor: { type: string; id: string | null };
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  status: string;
  details: Record<string, unknown> | null;
}

export function toAuditEventView(event: AuditEvent): AuditEventView {
  return {
    id: event.eventId,
    connectionId: event.connectionId,
    type: event.type,
    at: event.createdAt.toISOString(),
    actor: { type: event.actorType, id: event.actorId },
    requestId: event.requestId,
    ip: event.ip,
    userAgent: event.userAgent,
    status: event.status,
    details: event.details,
  };
}
