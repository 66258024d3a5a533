import {
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { Owner } from '../owners/owner.entity';
import type { Sealed } from '../shared/crypto/cipher';

/**
 * Where lifecycle events are POSTed. An owner's endpoint receives that owner's events; one
 * without an owner (created by the operator with the admin CLI) receives every owner's.
 */
@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpoint {
  /** Chosen by the service before the insert: the secret's seal is bound to it. */
  @PrimaryColumn('uuid')
  id: string;

  /** Null: an operator-wide endpoint. */
  @Index('webhook_endpoints_owner_id_idx')
  @Column({ name: 'owner_id', type: 'uuid', nullable: true })
  ownerId: string | null;

  @ManyToOne(() => Owner, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id' })
  owner?: Owner;

  @Column({ type: 'text' })
  url: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** The lifecycle event types it receives; null: all of them. */
  @Column({ name: 'event_types', type: 'text', array: true, nullable: true })
  eventTypes: string[] | null;

  /** The signing secret (`whsec_…`), sealed by the service; shown in plaintext only at creation. */
  @Column({ type: 'text' })
  secret: Sealed;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz', precision: 3, nullable: true })
  deletedAt: Date | null;
}
