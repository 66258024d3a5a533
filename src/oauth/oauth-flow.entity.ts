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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt: Date;
}
