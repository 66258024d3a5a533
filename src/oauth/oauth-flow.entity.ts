import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Connection } from '../connections/connection.entity';
import type { Sealed } from '../shared/crypto/cipher';

/**
 * One OAuth handshake of a connection. It lives in the database, not in process memory, so
 * any instance can finish what another began. Only hashes of its bearer tokens are kept.
 */
@Entity({ name: 'oauth_flows' })
export class OAuthFlow {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('oauth_flows_connection_id_idx')
  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  @ManyToOne(() => Connection, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id' })
  connection?: Connection;

  /** Hex SHA-256 of the ticket in the `oauthUrl`. */
  @Index('oauth_flows_ticket_hash_key', { unique: true })
  @Column({ name: 'ticket_hash', type: 'char', length: 64 })
  ticketHash: string;

  /** Hex SHA-256 of the `state` sent to the provider; set when the ticket URL is opened. */
  @Index('oauth_flows_state_hash_key', { unique: true, where: '"state_hash" IS NOT NULL' })
  @Column({ name: 'state_hash', type: 'char', length: 64, nullable: true })
  stateHash: string | null;

  /** The PKCE code verifier, sealed (bound to this row). */
  @Column({ name: 'code_verifier', type: 'text', nullable: true })
  codeVerifier: Sealed | null;

  /** Hex SHA-256 of the browser-binding cookie set when the ticket URL was opened. */
  @Column({ name: 'binding_hash', type: 'char', length: 64, nullable: true })
  bindingHash: string | null;

  /**
   * Hex SHA-256 of the confirmation page's cookie (the browser that was shown whose connection
   * this is); its form's anti-forgery field is derived from that cookie. Cleared on continue.
   */
  @Column({ name: 'confirm_hash', type: 'char', length: 64, nullable: true })
  confirmHash: string | null;

  /** Set when the user cancelled on the confirmation page: the ticket is dead, and says why. */
  @Column({ name: 'cancelled_at', type: 'timestamptz', precision: 3, nullable: true })
  cancelledAt: Date | null;

  /** Where to send the browser after the callback (already checked against the allow-list). */
  @Column({ name: 'return_to', type: 'text', nullable: true })
  returnTo: string | null;

  /** Set once, by the callback that claims the flow: a replayed state finds it set. */
  @Column({ name: 'completed_at', type: 'timestamptz', precision: 3, nullable: true })
  completedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt: Date;
}
