/**
 * The one writer of connection history. Every change to a connection calls `record` inside the
 * change's own transaction: the audit row and, for lifecycle events, the webhook outbox rows
 * commit with the change or not at all. Who and from where come from the request context.
 */
import { randomUUID } from 'node:crypto';
import type { Tx } from '../db/transaction';
import type { ConnectionRecord, ConnectionStatus } from '../connections/connection.types';
import { toConnectionView } from '../connections/connection.serializer';
import { currentRequest, type Actor } from '../shared/request-context';
import type { LifecycleOutbox } from '../webhooks/lifecycle-event';
import { isLifecycleEvent, type AuditEventType } from './audit-event.types';
import type { AuditEventRepository } from './audit-event.repository';

export interface ChangeFacts {
  /** The status before the change, when it changed. */
  previousStatus?: ConnectionStatus;
  /** Further facts (an error's code and message, whether a read refreshed first); never a secret. */
  details?: Record<string, unknown>;
}

/** Who acts, as the audit trail records it: the authenticated caller, a browser at an OAuth door, or the gateway. */
function actorOfCurrentRequest(): Actor {
  const request = currentRequest();
  if (!request) return { type: 'gateway', id: null };
  return request.actor ?? { type: 'browser', id: null };
}

export class ConnectionJournal {
  constructor(
    private readonly events: AuditEventRepository,
    private readonly outbox: LifecycleOutbox,
  ) {}

  /** Records a change of `connection` (as it is after the change) in `tx`. */
  async record(
    tx: Tx,
    connection: ConnectionRecord,
    type: AuditEventType,
    facts: ChangeFacts = {},
  ): Promise<void> {
    const eventId = randomUUID();
    const occurredAt = connection.updatedAt;
    await this.append(connection, type, eventId, occurredAt, facts, tx);
    if (isLifecycleEvent(type)) {
      await this.outbox.enqueue(tx, {
        id: eventId,
        type,
        ownerId: connection.ownerId,
        connectionId: connection.id,
        occurredAt,
        data: { connection: toConnectionView(connection) },
      });
    }
  }

  /** Records a read that changed nothing (the runtime fetching credentials), on its own. */
  async recordRead(connection: ConnectionRecord, at: Date, facts: ChangeFacts = {}): Promise<void> {
    await this.append(connection, 'credentials.read', randomUUID(), at, facts);
  }

  private async append(
    connection: ConnectionRecord,
    type: AuditEventType,
    eventId: string,
    at: Date,
    facts: ChangeFacts,
    tx?: Tx,
  ): Promise<void> {
    const request = currentRequest();
    const actor = actorOfCurrentRequest();
    const details = {
      ...(facts.previousStatus !== undefined && facts.previousStatus !== connection.status
        ? { previousStatus: facts.previousStatus }
        : {}),
      ...facts.details,
    };
    await this.events.append(
      {
        eventId,
        connectionId: connection.id,
        ownerId: connection.ownerId,
        type,
        actorType: actor.type,
        actorId: actor.id,
        requestId: request?.requestId ?? null,
        ip: request?.ip ?? null,
        userAgent: request?.userAgent ?? null,
        status: connection.status,
        details: Object.keys(details).length > 0 ? details : null,
        createdAt: at,
      },
      tx,
    );
  }
}
