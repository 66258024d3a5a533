import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { ApiKey } from '../owners/api-key.entity';
import { Owner } from '../owners/owner.entity';

/**
 * A short-lived browser session: what a frontend holds instead of its owner's API key. Only the
 * token's SHA-256 hash is kept. It dies when it expires, when it is revoked, and with the API key
 * that created it.
 */
@Entity({ name: 'browser_sessions' })
export class BrowserSession {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('browser_sessions_owner_id_idx')
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @ManyToOne(() => Owner, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id' })
  owner?: Owner;

  /** The API key that created the session; revoking the key ends the session too. */
  @Index('browser_sessions_api_key_id_idx')
  @Column({ name: 'api_key_id', type: 'uuid' })
  apiKeyId: string;

  @ManyToOne(() => ApiKey, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'api_key_id' })
  apiKey?: ApiKey;

  /** Hex SHA-256 of the full token. */
  @Index('browser_sessions_token_hash_key', { unique: true })
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash: string;

  /** The connector slugs the session may use; null: every connector. */
  @Column({ name: 'allowed_connectors', type: 'text', array: true, nullable: true })
  allowedConnectors: string[] | null;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', precision: 3, nullable: true })
  revokedAt: Date | null;
}
