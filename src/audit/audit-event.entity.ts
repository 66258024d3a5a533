import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ActorType } from '../shared/request-context';
import type { ConnectionStatus } from '../connections/connection.types';
import type { AuditEventType } from './audit-event.types';

/**
 * One row of a connection's audit trail: who did what to it, when and from where. Written in
 * the same transaction as the change it records; never holds a secret.
 */
@Entity({ name: 'connection_events' })
// A connection's trail, newest first (the listing's keyset).
@Index('connection_events_connection_seq_idx', ['connectionId', 'seq'])
@Index('connection_events_event_id_key', ['eventId'], { unique: true })
// Retention deletes by age.
@Index('connection_events_created_at_idx', ['createdAt'])
export class AuditEvent {
  /** Insertion order across the whole table: the trail's order and its cursor. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq: string;

  /** The public id (also the `webhook-id` of the webhook this event became, if any). */
  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ type: 'text' })
  type: AuditEventType;

  @Column({ name: 'actor_type', type: 'text' })
  actorType: ActorType;

  /** The API key's or browser session's id; null for the runtime, a browser and the gateway. */
  @Column({ name: 'actor_id', type: 'text', nullable: true })
  actorId: string | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  @Column({ type: 'text', nullable: true })
  ip: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent: string | null;

  /** The connection's status after the event. */
  @Column({ type: 'text' })
  status: ConnectionStatus;

  /** Facts about the change (the status before, the error's code and message); never a secret. */
  @Column({ type: 'jsonb', nullable: true })
  details: Record<string, unknown> | null;

  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
